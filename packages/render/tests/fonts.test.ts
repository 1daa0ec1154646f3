import { describe, expect, it } from 'vitest';
import { createCanvas } from '@napi-rs/canvas';
import { FONT_FAMILY, fontSpec, type Canvas2D } from '../src/index.js';
import { BUNDLED_FONTS, documentTexts, ensureFonts, fontFaceCss, fontFiles, fontRegistration, registerFonts, renderHeatmap } from '../src/node.js';
import { decode, ink } from './png.js';

/** Draw one string and return its bitmap (alpha of dark pixels) as a string key, plus how much ink it made. */
function glyphs(text: string, family = FONT_FAMILY): { key: string; ink: number } {
  ensureFonts([text]);
  const c = createCanvas(160, 48);
  const ctx = c.getContext('2d') as unknown as Canvas2D;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 160, 48);
  ctx.fillStyle = '#000000';
  ctx.font = fontSpec(28, family);
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 4, 24);
  const img = decode(c.encodeSync('png'));
  let key = '';
  for (let i = 0; i < img.data.length; i += 4) key += img.data[i]! < 128 ? '1' : '0';
  return { key, ink: ink(img, 0, 0, 160, 48) };
}

describe('bundled fonts', () => {
  registerFonts();

  it('registers the base families once, and CJK/emoji subsets only as text needs them', () => {
    const r = fontRegistration();
    expect(r.families).toEqual(BUNDLED_FONTS.map((f) => f.family));
    const base = r.files;
    expect(base).toBeGreaterThan(15); // Noto Sans x2 weights, Arabic, Hebrew: their subsets
    registerFonts();
    expect(fontRegistration().files).toBe(base);
    ensureFonts(['tennis', 'שלום']); // covered by the base set
    expect(fontRegistration().files).toBe(base);
    ensureFonts(['网球']);
    const withCjk = fontRegistration().files;
    expect(withCjk).toBeGreaterThan(base);
    expect(withCjk - base).toBeLessThan(5); // a few of Noto Sans SC's ~100 subsets
    ensureFonts(['网球', '网']);
    expect(fontRegistration().files).toBe(withCjk);
    expect(fontRegistration().ms).toBeGreaterThan(0);
    expect(fontFiles('@fontsource/noto-sans-sc', 400).length).toBeGreaterThan(90);
  });

  // A missing glyph draws the same .notdef box whatever the character: a private-use
  // code point has no glyph in any font, so it shows that box.
  const tofu = glyphs('\uE000');

  it.each([
    ['CJK', '网', '球'],
    ['Arabic', 'ب', 'ع'],
    ['Hebrew', 'ש', 'ל'],
    ['emoji', '😀', '🎾'],
  ])('%s glyphs produce ink unlike the missing-glyph box', (_name, a, b) => {
    const ga = glyphs(a);
    const gb = glyphs(b);
    expect(ga.ink).toBeGreaterThan(20);
    expect(gb.ink).toBeGreaterThan(20);
    expect(ga.key).not.toBe(tofu.key);
    expect(gb.key).not.toBe(tofu.key);
    expect(ga.key).not.toBe(gb.key); // two different boxes would be identical
  });

  it('the missing-glyph box is what a font list without CJK draws (so the check above can fail)', () => {
    // Noto Sans Hebrew has no Han glyphs, and this machine has no system CJK font:
    // 网 and 球 both come out as the same .notdef box as U+E000
    const a = glyphs('网', 'Noto Sans Hebrew');
    const b = glyphs('球', 'Noto Sans Hebrew');
    expect(a.key).toBe(b.key);
    expect(a.key).toBe(glyphs('\uE000', 'Noto Sans Hebrew').key);
  });

  it('CJK labels of a heatmap differ from labels of missing glyphs', () => {
    const map = (labels: string[]) => ({ shape: [1, 2] as [number, number], weights: new Float32Array([0.5, 0.5]), colLabels: labels });
    const a = renderHeatmap(map(['网球', '打']), { showValues: false });
    const b = renderHeatmap(map(['\uE000\uE001', '\uE002']), { showValues: false });
    const band = (r: typeof a) => {
      const img = decode(r.png);
      const l = r.layout;
      const y0 = l.plot.y + l.plot.h + 2;
      let key = '';
      for (let y = y0; y < y0 + 24; y++) for (let x = l.plot.x; x < l.plot.x + l.plot.w; x++) key += img.data[(y * img.width + x) * 4]! < 128 ? '1' : '0';
      return { key, ink: ink(img, l.plot.x, y0, l.plot.x + l.plot.w, y0 + 24) };
    };
    const ba = band(a);
    expect(ba.ink).toBeGreaterThan(30);
    expect(ba.key).not.toBe(band(b).key);
  });
});

describe('font embedding for HTML', () => {
  it('embeds only the subsets the text needs', () => {
    const latin = fontFaceCss(['tennis']);
    expect(latin).toMatch(/font-family:"Noto Sans";/);
    expect(latin).not.toMatch(/Noto Sans SC/);
    const cjk = fontFaceCss(['网球']);
    const rules = cjk.split('\n').filter((r) => r.includes('"Noto Sans SC"'));
    expect(rules.length).toBeGreaterThanOrEqual(1);
    expect(rules.length).toBeLessThan(5);
    expect(rules.length).toBeLessThan(fontFiles('@fontsource/noto-sans-sc', 400).length);
    for (const r of cjk.split('\n')) expect(r).toMatch(/^@font-face\{.*src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\("woff2"\);unicode-range:U\+/);
    expect(fontFaceCss(['שלום'])).toMatch(/"Noto Sans Hebrew"/);
  });

  it('collects every text of the documents', () => {
    const t = documentTexts([{ id: 'd', trueLabel: 'x', maps: [{ name: 'm', shape: [1], weights: new Float32Array(1), colLabels: ['网'], children: undefined }] }]);
    expect(t).toEqual(expect.arrayContaining(['d', 'x', 'm', '网']));
  });
});
