import { describe, expect, it } from 'vitest';
import type { AttentionMap } from '@attnlens/core';
import { colorScale, layoutHeatmap, NAN_COLOR, NAN_HATCH, PAD_COLOR, resolveScale } from '../src/index.js';
import { renderHeatmap, renderHeatmapPng } from '../src/node.js';
import { colors, decode, hexRgb, ink, pixel } from './png.js';
import { expectFail } from './errors.js';

/** A 2-D alignment: softly diagonal rows that sum to 1. */
function alignment(R: number, C: number, extra: Partial<AttentionMap> = {}): AttentionMap {
  const w = new Float32Array(R * C);
  for (let r = 0; r < R; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += w[r * C + c] = Math.exp(-Math.abs((r * C) / R - c));
    for (let c = 0; c < C; c++) w[r * C + c]! /= s;
  }
  return { shape: [R, C], weights: w, ...extra };
}

const src = ['我', '喜欢', '打', '网球', '。'];
const tgt = ['I', 'like', 'playing', 'tennis', '.', 'שלום'];

describe('heatmap PNG: cell colours', () => {
  it('each cell has the colour map colour of its weight', () => {
    const map = alignment(6, 5, { rowLabels: tgt, colLabels: src });
    const { png, layout } = renderHeatmap(map, { showValues: false });
    const img = decode(png);
    expect(img.width).toBe(layout.width);
    expect(img.height).toBe(layout.height);
    const { min, max } = resolveScale(map);
    expect(min).toBe(0);
    const cmap = colorScale('viridis');
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 5; c++) {
        const x = layout.plot.x + (c + 0.5) * layout.cell;
        const y = layout.plot.y + (r + 0.5) * layout.cell;
        expect(pixel(img, x, y)).toEqual(cmap((map.weights[r * 5 + c]! - min) / (max - min)));
      }
    }
  });

  it('prints values in large cells, in a colour readable on the cell', () => {
    const map = alignment(3, 3, { rowLabels: ['a', 'b', 'c'], colLabels: ['x', 'y', 'z'] });
    const { png, layout } = renderHeatmap(map);
    expect(layout.values).toBeDefined();
    const img = decode(png);
    // the darkest cell (min weight, viridis dark purple) holds white-ish text pixels
    let minI = 0;
    for (let i = 1; i < 9; i++) if (map.weights[i]! < map.weights[minI]!) minI = i;
    const r = Math.floor(minI / 3);
    const c = minI % 3;
    const x0 = layout.plot.x + c * layout.cell;
    const y0 = layout.plot.y + r * layout.cell;
    const cs = [...colors(img, x0 + 2, y0 + 2, x0 + layout.cell - 2, y0 + layout.cell - 2)].map((s) => s.split(',').map(Number));
    expect(cs.some(([a, b, d]) => a! > 200 && b! > 200 && d! > 200)).toBe(true);
  });

  it('a fixed scale gives one weight the same colour in two figures; per-figure scales do not', () => {
    const a: AttentionMap = { shape: [1, 2], weights: new Float32Array([0.2, 0.4]) };
    const b: AttentionMap = { shape: [1, 2], weights: new Float32Array([0.2, 0.8]) };
    const at = (m: AttentionMap, o: object) => {
      const { png, layout } = renderHeatmap(m, { showValues: false, ...o });
      return pixel(decode(png), layout.plot.x + layout.cell / 2, layout.plot.y + layout.cell / 2);
    };
    const shared = resolveScale([a, b]);
    expect(shared.max).toBeCloseTo(0.8, 6);
    expect(at(a, { scale: shared })).toEqual(at(b, { scale: shared }));
    expect(at(a, { scale: shared })).toEqual(colorScale('viridis')(Math.fround(0.2) / shared.max));
    expect(at(a, {})).not.toEqual(at(b, {}));
    // a fixed scale narrower than the data says so in the figure
    const { layout } = renderHeatmap(b, { scale: { min: 0, max: 0.5 } });
    expect(layout.legend.items).toEqual([{ kind: 'note', text: 'weights outside the fixed scale 0..0.5 are drawn at its ends (data 0.2..0.8)' }]);
    expect(renderHeatmap(a, { scale: shared }).layout.legend.items).toEqual([]);
  });

  it('reverse and other colour maps apply', () => {
    const map: AttentionMap = { shape: [1, 2], weights: new Float32Array([0, 1]) };
    const { png, layout } = renderHeatmap(map, { colormap: 'Reds', reverse: true, showValues: false });
    const img = decode(png);
    const y = layout.plot.y + layout.cell / 2;
    expect(pixel(img, layout.plot.x + layout.cell / 2, y)).toEqual(colorScale('Reds')(1));
    expect(pixel(img, layout.plot.x + 1.5 * layout.cell, y)).toEqual(colorScale('Reds')(0));
  });

  it("origin 'lower' puts row 0 at the bottom", () => {
    const map: AttentionMap = { shape: [2, 1], weights: new Float32Array([0, 1]) };
    const { png, layout } = renderHeatmap(map, { origin: 'lower', showValues: false });
    const img = decode(png);
    const x = layout.plot.x + layout.cell / 2;
    expect(pixel(img, x, layout.plot.y + layout.cell * 1.5)).toEqual(colorScale('viridis')(0));
    expect(pixel(img, x, layout.plot.y + layout.cell * 0.5)).toEqual(colorScale('viridis')(1));
  });
});

describe('heatmap PNG: padding and NaN', () => {
  const map = alignment(4, 5, { validRows: 3, validCols: 4 });
  map.weights[0] = NaN;

  it('trims padding by default', () => {
    const { layout } = renderHeatmap(map, { showValues: false });
    expect([layout.rows, layout.cols]).toEqual([3, 4]);
  });

  it('greys padding cells on request and names them in the legend', () => {
    const { png, layout } = renderHeatmap(map, { padding: 'grey', showValues: false });
    expect([layout.rows, layout.cols]).toEqual([4, 5]);
    const img = decode(png);
    const at = (r: number, c: number) => pixel(img, layout.plot.x + (c + 0.5) * layout.cell, layout.plot.y + (r + 0.5) * layout.cell);
    expect(at(3, 0)).toEqual(hexRgb(PAD_COLOR));
    expect(at(0, 4)).toEqual(hexRgb(PAD_COLOR));
    expect(at(1, 1)).not.toEqual(hexRgb(PAD_COLOR));
    expect(layout.legend.items.map((i) => i.kind)).toEqual(['nan', 'pad']);
  });

  it('hatches NaN cells (never a colour-map colour) and names them in the legend', () => {
    const { png, layout } = renderHeatmap(map, { showValues: false });
    const img = decode(png);
    const cs = colors(img, layout.plot.x + 1, layout.plot.y + 1, layout.plot.x + layout.cell - 1, layout.plot.y + layout.cell - 1);
    expect(cs.has(hexRgb(NAN_COLOR).join(','))).toBe(true);
    expect([...cs].some((c) => c !== hexRgb(NAN_COLOR).join(',') && Math.abs(Number(c.split(',')[0]) - hexRgb(NAN_HATCH)[0]) < 60)).toBe(true);
    expect(layout.legend.items[0]).toEqual({ kind: 'nan', text: 'NaN/Inf' });
    // the legend swatch is drawn
    expect(ink(img, layout.legend.x, layout.legend.y, layout.legend.x + 120, layout.legend.y + 20)).toBeGreaterThan(10);
  });
});

describe('heatmap PNG: labels, colour bar, size', () => {
  it('draws every label, with ink in each label slot', () => {
    const map = alignment(6, 5, { rowLabels: tgt, colLabels: src });
    const { png, layout } = renderHeatmap(map);
    const img = decode(png);
    expect(layout.rowLabels.map((l) => l.full)).toEqual(tgt);
    expect(layout.colLabels.map((l) => l.full)).toEqual(src);
    for (const l of layout.rowLabels) expect(ink(img, layout.plot.x - 80, l.y - layout.cell / 2 + 1, layout.plot.x - 2, l.y + layout.cell / 2 - 1, 200)).toBeGreaterThan(5);
    for (const l of layout.colLabels) expect(ink(img, l.x - layout.cell / 2 + 1, l.y, l.x + layout.cell / 2 - 1, l.y + 30, 200)).toBeGreaterThan(5);
    // and none between the labels and the plot where no label is
    expect(ink(img, layout.plot.x - 80, layout.plot.y + layout.plot.h + 1, layout.plot.x - 2, layout.plot.y + layout.plot.h + 30, 200)).toBe(0);
    // the RTL label is drawn right to left
    expect(layout.rowLabels[5]!.dir).toBe('rtl');
  });

  it('rotates column labels that do not fit and ellipsises long ones', () => {
    const long = 'a-token-far-too-long-to-show-in-full-anywhere-at-all';
    const map = alignment(3, 3, { rowLabels: ['x', 'y', long], colLabels: ['ok', 'rather-wide-token', long] });
    const { layout } = renderHeatmap(map, { maxLabelWidth: 100 });
    expect(layout.colRotated).toBe(true);
    const cut = layout.rowLabels[2]!;
    expect(cut.cut).toBe(true);
    expect(cut.text.endsWith('…')).toBe(true);
    expect(cut.full).toBe(long);
  });

  it('draws the colour bar from the colour map, with ticks', () => {
    const map = alignment(6, 6);
    const { png, layout } = renderHeatmap(map);
    const img = decode(png);
    const b = layout.colorbar!;
    const cmap = colorScale('viridis');
    // pixel row i of the bar shows the map at t = 1 - (i + 0.5) / h: top = max, bottom = min
    for (const i of [3, Math.floor(b.h / 2), b.h - 4]) expect(pixel(img, b.x + b.w / 2, b.y + i)).toEqual(cmap(1 - (i + 0.5) / b.h));
    expect(b.ticks.length).toBeGreaterThanOrEqual(2);
    expect(b.ticks[0]!.text).toBe('0.0');
    expect(ink(img, b.x + b.w + 5, b.y, b.x + b.w + 40, b.y + b.h)).toBeGreaterThan(20);
  });

  it('titles the figure and the axes by default', () => {
    const { layout } = renderHeatmap(alignment(2, 2, { name: 'model A' }));
    expect(layout.title?.text).toBe('model A');
    expect(layout.rowTitle?.text).toBe('Output sequence');
    expect(layout.colTitle?.text).toBe('Input sequence');
    const { layout: l2 } = renderHeatmap(alignment(2, 2, { rowTitle: 'Decoder timestep' }), { colTitle: 'Encoder timestep' });
    expect([l2.rowTitle?.text, l2.colTitle?.text, l2.title]).toEqual(['Decoder timestep', 'Encoder timestep', undefined]);
  });

  it('sizes from content: small maps get large cells, 500 x 500 keeps every label within the limit', () => {
    expect(renderHeatmap(alignment(4, 4)).layout.cell).toBe(36);
    const n = 500;
    const labels = Array.from({ length: n }, (_, i) => `t${i}`);
    const { png, layout } = renderHeatmap(alignment(n, n, { rowLabels: labels, colLabels: labels }));
    expect(layout.rowLabels.length).toBe(n);
    expect(layout.colLabels.length).toBe(n);
    expect(layout.width).toBeLessThanOrEqual(4800);
    expect(layout.height).toBeLessThanOrEqual(4800);
    expect(layout.cell).toBeGreaterThanOrEqual(8);
    expect(layout.legend.items.filter((i) => i.kind === 'note')).toEqual([]);
    const img = decode(png);
    const last = layout.rowLabels[n - 1]!;
    expect(ink(img, layout.plot.x - 30, last.y - 3, layout.plot.x - 2, last.y + 3)).toBeGreaterThan(2);
  }, 30_000);

  it('says so in the figure when labels must be thinned', () => {
    const n = 300;
    const labels = Array.from({ length: n }, (_, i) => `t${i}`);
    const map: AttentionMap = { shape: [1, n], weights: new Float32Array(n).fill(1 / n), colLabels: labels };
    const { layout } = renderHeatmap(map, { maxSize: 2000 });
    const note = layout.legend.items.find((i) => i.kind === 'note');
    expect(note?.text).toMatch(/^every 2nd column label shown: 300 columns at 5 px/);
    expect(layout.colLabels.length).toBe(150);
    expect(layout.colLabels[1]!.full).toBe('t2');
  });

  it('renders at a higher pixel ratio', () => {
    const map = alignment(3, 3);
    const one = decode(renderHeatmapPng(map));
    const two = decode(renderHeatmapPng(map, { pixelRatio: 2 }));
    expect([two.width, two.height]).toEqual([one.width * 2, one.height * 2]);
  });

  it('draws a 1-D weight vector as one row', () => {
    const { layout } = renderHeatmap({ shape: [4], weights: new Float32Array([0.1, 0.2, 0.3, 0.4]), colLabels: ['a', 'b', 'c', 'd'] });
    expect([layout.rows, layout.cols, layout.rowLabels.length, layout.rowTitle]).toEqual([1, 4, 0, undefined]);
  });
});

describe('heatmap PNG: bad input', () => {
  it('refuses inconsistent maps', () => {
    expectFail(() => renderHeatmapPng({ shape: [2, 3], weights: new Float32Array(5) }), 'CORRUPT', /needs 6 weights, has 5/);
    expectFail(() => renderHeatmapPng({ shape: [2, 2], weights: new Float32Array(4), colLabels: ['a'] }), 'CORRUPT', /1 column labels for 2 columns/);
  });
  it('refuses a map with nothing to draw', () => {
    expectFail(() => renderHeatmapPng({ shape: [2, 2], weights: new Float32Array(4), validRows: 0 }), 'BAD_ARGUMENT', /no valid cells/);
    expectFail(() => renderHeatmapPng({ shape: [0], weights: new Float32Array(0) }), 'BAD_ARGUMENT', /no valid cells/);
  });
  it('averages a map too large for the figure down to fit, and says so in the legend', () => {
    // maxSize 1000 leaves a 680 px plot: 4000 columns become blocks of 6, block k the mean of 6k..6k+5 = 6k + 2.5
    const w = Float32Array.from({ length: 4000 }, (_, i) => i);
    const l = layoutHeatmap({ shape: [1, 4000], weights: w, colLabels: Array.from(w, (_, i) => `t${i}`) }, { maxSize: 1000 }, () => 10);
    expect(l.map.shape).toEqual([1, 667]);
    expect(Array.from(l.map.weights.subarray(0, 3))).toEqual([2.5, 8.5, 14.5]);
    expect(l.map.weights[666]).toBe(3997.5); // the last block holds 3996..3999
    expect(l.map.colLabels!.slice(0, 2)).toEqual(['t0', 't6']);
    expect(l.colorizer.scale.max).toBe(3999); // the colours span the real weights, not the averages
    expect(l.legend.items.map((i) => i.text)).toContain('downsampled to draw: the 1 x 4000 map is shown as 1 x 667 cells, each the mean of 1 x 6 weights (labels: each block\'s first token)');
    // 3000 x 3000 (9 million cells) is drawn as 1000 x 1000, NaN where a block holds no finite weight
    const big = new Float32Array(9e6).fill(0.5);
    big.fill(NaN, 0, 3);
    big.fill(NaN, 3000, 3003);
    big.fill(NaN, 6000, 6003);
    const lb = layoutHeatmap({ shape: [3000, 3000], weights: big }, {}, () => 10);
    expect(lb.map.shape).toEqual([1000, 1000]);
    expect(lb.map.weights[0]).toBeNaN();
    expect(lb.map.weights[1]).toBe(0.5);
    expect(lb.hasNonFinite).toBe(true);
    expect(decode(renderHeatmapPng({ shape: [1, 5000], weights: new Float32Array(5000) }, { maxSize: 1000 })).width).toBeLessThanOrEqual(1000);
  });
  it('refuses bad options', () => {
    const m: AttentionMap = { shape: [1], weights: new Float32Array([1]) };
    expectFail(() => renderHeatmapPng(m, { colormap: 'nope' }), 'BAD_ARGUMENT', /unknown colour map/);
    expectFail(() => renderHeatmapPng(m, { cellSize: -1 }), 'BAD_ARGUMENT', /cellSize/);
    expectFail(() => renderHeatmapPng(m, { padding: 'hide' as never }), 'BAD_ARGUMENT', /padding/);
    expectFail(() => renderHeatmapPng(m, { pixelRatio: 0 }), 'BAD_ARGUMENT', /pixelRatio/);
    expectFail(() => renderHeatmapPng(m, { scale: { min: 1, max: 0 } }), 'BAD_ARGUMENT', /must be below max/);
  });
});
