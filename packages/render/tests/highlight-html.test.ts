import { describe, expect, it } from 'vitest';
import { buildHighlight, colorScale, createColorizer, highlightHtml, highlightPage, rgbHex, resolveScale } from '../src/index.js';
import { A, B, HOSTILE, hierarchical, hostile, sideBySide, TOKENS } from './documents.js';
import { all, parseXml } from './xml.js';
import { expectFail } from './errors.js';

describe('highlight model', () => {
  it('aligns two maps token by token in one block, each with its own scale by default', () => {
    const m = buildHighlight(sideBySide());
    expect(m.blocks.length).toBe(1);
    const b = m.blocks[0]!;
    if (b.kind !== 'aligned') throw new Error('expected aligned');
    expect(b.names).toEqual(['model A', 'model B']);
    expect(b.cells.length).toBe(12);
    const ca = createColorizer({ colormap: 'Reds', scale: { min: 0, max: Math.fround(0.41) } });
    b.cells.forEach((col, k) => {
      expect(col.map((c) => c!.text)).toEqual([TOKENS[k], TOKENS[k]]);
      expect(col[0]!.bg).toBe(ca.css(Math.fround(A[k]!)));
    });
    expect(m.legend.map((l) => l.label)).toEqual(['model A', 'model B']);
    expect(m.misclassified).toBe(true);
  });

  it('shares one scale when asked', () => {
    const m = buildHighlight(sideBySide(), { shareScale: true });
    const b = m.blocks[0]!;
    if (b.kind !== 'aligned') throw new Error('expected aligned');
    const s = resolveScale(sideBySide().maps);
    const c = createColorizer({ colormap: 'Reds', scale: s });
    expect(b.cells[10]![1]!.bg).toBe(c.css(Math.fround(B[10]!)));
    expect(b.cells[1]![0]!.bg).toBe(c.css(Math.fround(A[1]!)));
    expect(m.legend.length).toBe(1);
  });

  it('builds sentence bars and word colours for hierarchical maps', () => {
    const m = buildHighlight(hierarchical());
    const b = m.blocks[0]!;
    if (b.kind !== 'hierarchical') throw new Error('expected hierarchical');
    expect(b.sentences.map((s) => s.fraction)).toEqual([0.2, 0.65, 0.15].map((x) => expect.closeTo(Math.fround(x) / Math.fround(0.65), 6)));
    expect(b.sentences[1]!.color).toBe(rgbHex(colorScale('Blues')(1)));
    expect(b.sentences[2]!.base).toBe('rtl');
    expect(b.sentences[0]!.words.map((w) => w.text)).toEqual(['I', 'love', 'this', 'racket', '.']);
    const scaled = buildHighlight(hierarchical(), { wordWeighting: 'sentence-scaled' }).blocks[0]!;
    if (scaled.kind !== 'hierarchical') throw new Error('expected hierarchical');
    const w = scaled.sentences[1]!.words[0]!;
    expect(w.weight).toBeCloseTo(Math.sqrt(0.65) * (1 / 21), 6);
    expect(w.title).toMatch(/\(word 0\.0476, sentence 0\.6500\)/);
  });

  it('refuses bad options and bad documents', () => {
    expectFail(() => buildHighlight(sideBySide(), { colormap: 'rainbowz' }), 'BAD_ARGUMENT', /unknown colour map/);
    expectFail(() => buildHighlight(sideBySide(), { wordWeighting: 'x' as never }), 'BAD_ARGUMENT', /wordWeighting/);
    expectFail(() => buildHighlight(sideBySide(), { digits: -1 }), 'BAD_ARGUMENT', /digits/);
    expectFail(() => buildHighlight({ id: 'x', maps: [{ shape: [2], weights: new Float32Array(3) }] }), 'CORRUPT', /needs 2 weights/);
    expectFail(() => buildHighlight({ id: 'x', maps: [{ shape: [2], weights: new Float32Array(2), children: [{ shape: [1], weights: new Float32Array(1) }] }] }), 'CORRUPT', /1 children for 2 sentences/);
  });
});

describe('highlight HTML', () => {
  it('escapes every token, label and name', () => {
    const html = highlightHtml(hostile());
    expect(html).not.toMatch(/<script|<img|<b>|<i>/);
    expect(html).not.toMatch(/ on\w+=["']/);
    expect(all(parseXml(html), (e) => Object.keys(e.attrs).some((a) => /^on/i.test(a)))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot; onmouseover=&quot;window.__pwned=1');
    expect(html).toContain('&#39; onfocus=&#39;x');
    expect(html).toContain('&amp;lt;b&amp;gt;');
  });

  it('is well-formed markup with one token element per token, titles holding the weights', () => {
    const root = parseXml(highlightHtml(sideBySide()));
    const toks = all(root, (e) => e.attrs.class?.split(' ').includes('al-tok') ?? false);
    expect(toks.length).toBe(24);
    const cols = all(root, (e) => e.attrs.class === 'al-col');
    expect(cols.length).toBe(12);
    expect(cols.every((c) => c.children.length === 2)).toBe(true);
    expect(toks[2]!.attrs.title).toBe('tennis · model A: 0.4100');
    expect(toks[2]!.attrs['data-tip']).toBe('model A: 0.4100');
    expect(toks[2]!.attrs.style).toBe(`background:${createColorizer({ colormap: 'Reds', scale: { min: 0, max: Math.fround(0.41) } }).css(Math.fround(0.41))};color:#ffffff`);
    expect(toks[0]!.attrs.style).toMatch(/color:#000000$/);
    expect(all(root, (e) => e.attrs.class === 'al-miss').length).toBe(1);
  });

  it('wraps each RTL run in dir="rtl"', () => {
    const root = parseXml(highlightHtml(hostile()));
    const runs = all(root, (e) => e.attrs.class === 'al-run');
    expect(runs.map((r) => r.attrs.dir)).toEqual(['rtl']);
    expect(all(runs[0]!, (e) => e.attrs.class === 'al-col').length).toBe(2);
    const hier = parseXml(highlightHtml(hierarchical()));
    const words = all(hier, (e) => e.attrs.class === 'al-words al-tokens');
    expect(words.map((w) => w.attrs.dir)).toEqual(['ltr', 'ltr', 'rtl']);
  });

  it('hatches NaN, trims padding by default and greys it on request', () => {
    const trimmed = parseXml(highlightHtml(hostile()));
    const isTok = (e: { attrs: Record<string, string> }) => e.attrs.class?.split(' ').includes('al-tok') ?? false;
    expect(all(trimmed, isTok).length).toBe(7);
    const grey = parseXml(highlightHtml(hostile(), { padding: 'grey' }));
    const toks = all(grey, isTok);
    expect(toks.length).toBe(8);
    expect(toks[7]!.attrs.class).toBe('al-tok al-pad');
    const nan = buildHighlight({ id: 'n', maps: [{ shape: [2], weights: new Float32Array([NaN, 1]), colLabels: ['a', 'b'] }] });
    const b = nan.blocks[0]!;
    if (b.kind !== 'aligned') throw new Error('expected aligned');
    expect(b.cells[0]![0]!.kind).toBe('nan');
    expect(highlightHtml({ id: 'n', maps: [{ shape: [2], weights: new Float32Array([NaN, 1]), colLabels: ['a', 'b'] }] })).toMatch(/class="al-tok al-nan"[^>]*title="a · attention: NaN"/);
  });

  it('draws 2-D maps of a document as inline SVG heatmaps', () => {
    const html = highlightHtml({ id: 'm', maps: [{ name: 'align', shape: [2, 2], weights: new Float32Array([1, 0, 0, 1]), rowLabels: ['x', 'y'], colLabels: ['a', 'b'] }] });
    expect(html).toMatch(/<div class="al-block al-matrix"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('makes a self-contained page: no script, no external URL, a CSP forbidding both', () => {
    const page = highlightPage([sideBySide(), hierarchical(), hostile()], { pageTitle: 'A <report>' });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"`);
    expect(page).toContain('<title>A &lt;report&gt;</title>');
    expect(page).not.toMatch(/<(script|link|iframe|img|object|embed)\b/i);
    expect(page).not.toMatch(/\s(src|href)=["']/i);
    // the only URL is the SVG namespace (an identifier, never fetched); none here since no 2-D map
    expect(page.match(/https?:\/\//g)).toBeNull();
    expect(page.match(/url\((?!data:)/g)).toBeNull();
    for (const h of HOSTILE.slice(0, 3)) expect(page).not.toContain(h);
  });

  it('keeps headCss from closing the style element', () => {
    const page = highlightPage([sideBySide()], { headCss: '</style><script>alert(1)</script>' });
    expect(page).not.toContain('</style><script>');
  });
});
