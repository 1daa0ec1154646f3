import { describe, expect, it } from 'vitest';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
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

/** Is the code point inside a CSS unicode-range ("U+0-FF, U+131, ...")? */
function inRange(range: string, cp: number): boolean {
  return range.split(',').some((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const lo = parseInt(a!, 16);
    return cp >= lo && cp <= (b ? parseInt(b, 16) : lo);
  });
}

/**
 * A font-family name that can only mean one bundled font file: the subsets of `pkg` at
 * `weight` covering `text`, registered under a name no system has. A render with it
 * draws with that file and nothing else, whatever fonts the machine has installed
 * (Skia would fall back to a system font only for a glyph the file lacks, and it has them).
 */
function pinned(pkg: string, weight: number, text: string): string {
  const alias = `attnlens-test ${pkg} ${weight}`;
  const cps = [...text].map((c) => c.codePointAt(0)!);
  for (const f of fontFiles(pkg, weight)) if (f.range && cps.some((cp) => inRange(f.range!, cp))) GlobalFonts.registerFromPath(f.file, alias);
  expect(GlobalFonts.has(alias), alias).toBe(true);
  // Noto Sans first, as in FONT_FAMILY: the first family's metrics place the baseline
  return `"Noto Sans", "${alias}"`;
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
    // 鲸 is in one Noto Sans SC subset (104) that no other test of this file touches,
    // so this holds in any test order
    ensureFonts(['鲸']);
    const withCjk = fontRegistration().files;
    expect(withCjk).toBe(base + 1);
    ensureFonts(['鲸', '鲸鲸']);
    expect(fontRegistration().files).toBe(withCjk);
    expect(fontRegistration().ms).toBeGreaterThan(0);
    expect(fontFiles('@fontsource/noto-sans-sc', 400).length).toBeGreaterThan(90);
  });

  // A missing glyph draws the .notdef box (or a system font's glyph): never what we want.
  const tofu = glyphs('\uE000');

  // Each glyph must come out exactly as the bundled font file draws it: the same bitmap
  // as a render pinned to that file. A system CJK font (Debian's fonts-droid-fallback,
  // Noto Sans CJK) neither helps nor hurts this check.
  it.each([
    ['CJK', '@fontsource/noto-sans-sc', '网', '球'],
    ['Korean', '@fontsource/noto-sans-kr', '주', '의'],
    ['Arabic', '@fontsource/noto-sans-arabic', 'ب', 'ع'],
    ['Hebrew', '@fontsource/noto-sans-hebrew', 'ש', 'ל'],
    ['emoji', '@fontsource/noto-emoji', '😀', '🎾'],
  ])('%s glyphs are drawn by the bundled font', (_name, pkg, a, b) => {
    const own = pinned(pkg, 400, a + b);
    const ga = glyphs(a);
    const gb = glyphs(b);
    expect(ga.ink).toBeGreaterThan(20);
    expect(gb.ink).toBeGreaterThan(20);
    expect(ga.key).toBe(glyphs(a, own).key);
    expect(gb.key).toBe(glyphs(b, own).key);
    expect(ga.key).not.toBe(tofu.key);
    expect(ga.key).not.toBe(gb.key); // two different boxes would be identical
  });

  it.each([
    ['CJK', '@fontsource/noto-sans-sc', '网'],
    ['Korean', '@fontsource/noto-sans-kr', '주'],
    ['Arabic', '@fontsource/noto-sans-arabic', 'ب'],
    ['Hebrew', '@fontsource/noto-sans-hebrew', 'ש'],
    ['emoji', '@fontsource/noto-emoji', '😀'],
  ])('%s: the bitmap comparison tells two fonts apart (so the check above can fail)', (_name, pkg, a) => {
    // the same character from the same bundled family at weight 700 is another font file:
    // its bitmap differs, so a glyph drawn by any other font than the pinned one would too
    const regular = glyphs(a, pinned(pkg, 400, a));
    const bold = glyphs(a, pinned(pkg, 700, a));
    expect(bold.ink).toBeGreaterThan(20);
    expect(bold.key).not.toBe(regular.key);
    expect(bold.key).not.toBe(glyphs(a).key);
  });

  it('CJK labels of a heatmap are drawn by the bundled font', () => {
    const map = { shape: [1, 2] as [number, number], weights: new Float32Array([0.5, 0.5]), colLabels: ['网球', '打'] };
    const band = (family?: string) => {
      const r = renderHeatmap(map, { showValues: false, ...(family ? { fontFamily: family } : {}) });
      const img = decode(r.png);
      const l = r.layout;
      const y0 = l.plot.y + l.plot.h + 2;
      let key = '';
      for (let y = y0; y < y0 + 24; y++) for (let x = l.plot.x; x < l.plot.x + l.plot.w; x++) key += img.data[(y * img.width + x) * 4]! < 128 ? '1' : '0';
      return { key, ink: ink(img, l.plot.x, y0, l.plot.x + l.plot.w, y0 + 24) };
    };
    const got = band();
    expect(got.ink).toBeGreaterThan(30);
    // Latin (ticks, legend) comes from Noto Sans in all three, so the layouts agree
    const sc = (w: number) => pinned('@fontsource/noto-sans-sc', w, '网球打');
    expect(got.key).toBe(band(sc(400)).key);
    expect(got.key).not.toBe(band(sc(700)).key);
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
