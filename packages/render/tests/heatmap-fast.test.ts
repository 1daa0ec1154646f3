// The PNG fast path (JS cells and encoder over Skia-drawn text, heatmap-pixels.ts)
// against the figure drawn wholly by Skia: every pixel equal, decoded by pngjs (not
// by the codec under test), and every cell pixel the colour map's colour of its weight.
import { describe, expect, it } from 'vitest';
import type { AttentionMap } from '@attnlens/core';
import { colorScale, PAD_COLOR, resolveScale, type HeatmapOptions } from '../src/index.js';
import { renderHeatmap, renderHeatmapSkiaPng, type PngOptions } from '../src/node.js';
import { fastPathApplies } from '../src/heatmap-pixels.js';
import { decode, hexRgb, pixel } from './png.js';

/** Figure i of the render benchmark (bench/render.bench.mjs): rows softly aligned to columns. */
function figure(i: number, S = 40, extra: Partial<AttentionMap> = {}): AttentionMap {
  const w = new Float32Array(S * S);
  for (let r = 0; r < S; r++) {
    let s = 0;
    for (let c = 0; c < S; c++) s += w[r * S + c] = Math.exp(-Math.abs(r - c) / 3 + 0.5 * Math.sin(i * r + c));
    for (let c = 0; c < S; c++) w[r * S + c]! /= s;
  }
  return {
    name: `figure ${i}`, shape: [S, S], weights: w,
    rowLabels: Array.from({ length: S }, (_, r) => `out${r}`), colLabels: Array.from({ length: S }, (_, c) => `tok${c}`), ...extra,
  };
}

function differing(a: Buffer, b: Buffer): number {
  const x = decode(a);
  const y = decode(b);
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let n = 0;
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== y.data[i]) n++;
  return n;
}

const cases: [string, AttentionMap, HeatmapOptions & PngOptions][] = [
  ['benchmark figure 0', figure(0), {}],
  ['benchmark figure 7, same frame, other title and ticks', figure(7), {}],
  ['pixelRatio 2', figure(3, 12), { pixelRatio: 2, showValues: false }],
  ['origin lower, magma reversed, no title', figure(5, 30), { origin: 'lower', colormap: 'magma', reverse: true, title: '' }],
  ['grey padding named in the legend', figure(2, 10, { validRows: 7, validCols: 8 }), { padding: 'grey', showValues: false }],
  ['fixed scale with a clamping note', figure(4, 8), { scale: { min: 0, max: 0.1 }, showValues: false }],
  ['RTL and CJK labels, a CJK title', figure(1, 6, { rowLabels: ['I', 'like', 'tennis', '.', 'שלום', 'مرحبا'], colLabels: ['我', '喜欢', '打', '网球', '。', 'x'] }), { title: '注意 attention', showValues: false }],
  ['no colour bar', figure(6, 10), { colorbar: false, showValues: false }],
  ['colour bar without a label', figure(8, 10), { colorbarLabel: '', showValues: false }],
  ['see-through background (an RGBA PNG)', figure(10, 30), { background: 'rgba(255, 255, 255, 0)' }],
];

describe('heatmap PNG fast path', () => {
  for (const [name, map, opts] of cases) {
    it(`${name}: pixel-identical to the all-Skia figure`, () => {
      const { png, layout, pixelRatio } = renderHeatmap(map, opts);
      expect(fastPathApplies(layout, pixelRatio)).toBe(true);
      expect(differing(png, renderHeatmapSkiaPng(map, opts))).toBe(0);
    });
  }

  it('a figure in between with another layout does not disturb the cached frame', () => {
    renderHeatmap(figure(0));
    renderHeatmap(figure(1, 7), { showValues: false });
    expect(differing(renderHeatmap(figure(9)).png, renderHeatmapSkiaPng(figure(9)))).toBe(0);
  });

  it('a reused frame takes this figure\'s title and colour-bar ticks, not the first one\'s', () => {
    const map = figure(12);
    const first = { title: 'first title', scale: { min: 0, max: 0.6 } };
    const other = { title: 'other words', scale: { min: 0, max: 0.7 } };
    const a = renderHeatmap(map, first);
    const b = renderHeatmap(map, other);
    expect(b.layout.width).toBe(a.layout.width); // same frame key: only the title and ticks differ
    expect(b.layout.colorbar!.ticks.map((t) => t.text)).not.toEqual(a.layout.colorbar!.ticks.map((t) => t.text));
    expect(differing(b.png, renderHeatmapSkiaPng(map, other))).toBe(0);
    expect(differing(b.png, a.png)).toBeGreaterThan(0);
  });

  it('every cell pixel is the colour map colour of its weight, padding grey', () => {
    const map = figure(11, 10, { validRows: 8, validCols: 9 });
    const { png, layout } = renderHeatmap(map, { padding: 'grey', showValues: false });
    const img = decode(png);
    const { min, max } = resolveScale(map);
    const cmap = colorScale('viridis');
    let checked = 0;
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 10; c++) {
        const want = r >= 8 || c >= 9 ? hexRgb(PAD_COLOR) : cmap((map.weights[r * 10 + c]! - min) / (max - min));
        for (let y = 0; y < layout.cell; y++) {
          for (let x = 0; x < layout.cell; x++) {
            expect(pixel(img, layout.plot.x + c * layout.cell + x, layout.plot.y + r * layout.cell + y)).toEqual(want);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(100 * layout.cell * layout.cell);
  });

  it('falls back to Skia where cells are not plain fills on whole pixels', () => {
    const nan = figure(0, 6);
    nan.weights[3] = NaN;
    expect(fastPathApplies(renderHeatmap(nan).layout, 1)).toBe(false);
    const big = figure(0, 3); // 36 px cells print their values
    expect(fastPathApplies(renderHeatmap(big).layout, 1)).toBe(false);
    expect(fastPathApplies(renderHeatmap(figure(0, 6)).layout, 1.5)).toBe(false);
  });
});
