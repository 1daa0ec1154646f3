import { describe, expect, it } from 'vitest';
import type { AttentionMap } from '@attnlens/core';
import { colorScale, heatmapSvg, rgbHex, PAD_COLOR } from '../src/index.js';
import { all, parseXml, text } from './xml.js';
import { expectFail } from './errors.js';

const hostile = ['<script>alert(1)</script>', '" onmouseover="alert(2)', "<img src=x onerror='alert(3)'>", 'a&b'];
const long = 'supercalifragilisticexpialidocious-and-then-some-more';

function map(): AttentionMap {
  const w = new Float32Array([0.1, 0.9, 0.5, 0.5, NaN, 0.3, 0.2, 0.6, 0.7, 0.2, 0.1, 0.0]);
  return { name: 'A & B <model>', shape: [3, 4], weights: w, rowLabels: ['I', 'שלום', long], colLabels: hostile, validRows: 2 };
}

describe('heatmap SVG', () => {
  const svg = heatmapSvg(map(), { maxLabelWidth: 120 });
  const root = parseXml(svg);

  it('is well-formed XML with the SVG namespace and no script or event handler', () => {
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(all(root, (e) => e.name === 'script' || e.name === 'img' || e.name === 'foreignObject')).toEqual([]);
    expect(all(root, (e) => Object.keys(e.attrs).some((a) => /^on/i.test(a)))).toEqual([]);
  });

  it('shows hostile tokens as text, exactly as typed', () => {
    // a label's full text: its <title> when ellipsised, else its text
    const full = all(root, (e) => e.attrs.class === 'col-label').map((e) => (all(e, (t) => t.name === 'title')[0]?.children[0] as string | undefined) ?? text(e));
    expect(full).toEqual(hostile);
    expect(text(all(root, (e) => e.attrs.class === 'col-label')[3]!)).toBe('a&b');
    expect(svg).not.toMatch(/<script|<img|onmouseover="/);
    expect(text(all(root, (e) => e.attrs.class === 'title')[0]!)).toBe('A & B <model>');
  });

  it('gives ellipsised labels their full text in a <title>', () => {
    const rows = all(root, (e) => e.attrs.class === 'row-label');
    const cut = rows[1]!; // validRows 2: rows 'I' and 'שלום'
    expect(rows.length).toBe(2);
    const longMap = { ...map(), validRows: 3 };
    const r2 = all(parseXml(heatmapSvg(longMap, { maxLabelWidth: 120 })), (e) => e.attrs.class === 'row-label');
    const last = r2[2]!;
    expect(text(last).endsWith('…')).toBe(true);
    expect(text(all(last, (e) => e.name === 'title')[0]!)).toBe(long);
    expect(all(cut, (e) => e.name === 'title')).toEqual([]);
  });

  it('marks RTL labels with direction and anchors them at their right end', () => {
    const heb = all(root, (e) => e.attrs.class === 'row-label')[1]!;
    expect(heb.attrs.direction).toBe('rtl');
    expect(heb.attrs['text-anchor']).toBe('start');
    expect(all(root, (e) => e.attrs.class === 'row-label')[0]!.attrs['text-anchor']).toBe('end');
  });

  it('fills each cell with the colour of its weight and titles it with the weight', () => {
    const cells = all(root, (e) => e.name === 'rect' && e.attrs.width === e.attrs.height && !!e.children.length);
    expect(cells.length).toBe(8);
    const m = map();
    const max = 0.9;
    const first = cells[0]!;
    expect(first.attrs.fill).toBe(rgbHex(colorScale('viridis')(Math.fround(0.1) / Math.fround(max))));
    const titles = cells.map((c) => (all(c, (e) => e.name === 'title')[0]!.children[0] as string));
    expect(titles[0]).toBe(`I → ${hostile[0]}: 0.1000`);
    expect(titles[4]).toBe(`שלום → ${hostile[0]}: NaN`);
    expect(cells[4]!.attrs.fill).toMatch(/^url\(#attnlens-[a-z0-9]+-nan\)$/);
    void m;
  });

  it('draws padding grey when asked', () => {
    const r = parseXml(heatmapSvg(map(), { padding: 'grey' }));
    const cells = all(r, (e) => e.name === 'rect' && e.attrs.fill === PAD_COLOR && !!e.children.length);
    expect(cells.length).toBe(4);
  });

  it('uses the id prefix given and refuses an unsafe one', () => {
    expect(heatmapSvg(map(), { idPrefix: 'fig2' })).toContain('id="fig2-nan"');
    expectFail(() => heatmapSvg(map(), { idPrefix: '"><script>' }), 'BAD_ARGUMENT', /idPrefix/);
  });
});
