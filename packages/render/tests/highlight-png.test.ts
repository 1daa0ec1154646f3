import { describe, expect, it } from 'vitest';
import { PAD_COLOR } from '../src/index.js';
import { renderHighlight, renderHighlightPng } from '../src/node.js';
import { hierarchical, hostile, sideBySide } from './documents.js';
import { colors, decode, hexRgb, ink, pixel } from './png.js';
import { expectFail } from './errors.js';

describe('highlight PNG', () => {
  it('fills each token box with its weight colour and writes the token in it', () => {
    const { png, layout } = renderHighlight(sideBySide());
    const img = decode(png);
    expect([img.width, img.height]).toEqual([layout.width, layout.height]);
    expect(layout.tokens.length).toBe(24);
    for (const t of layout.tokens) {
      expect(pixel(img, t.x + 1, t.y + 1)).toEqual(hexRgb(t.cell.bg));
      // text ink in the box: black or white glyphs, either differs from the fill
      const cs = colors(img, t.x + 2, t.y + 2, t.x + t.w - 2, t.y + t.h - 2);
      expect(cs.size).toBeGreaterThan(2);
    }
  });

  it('stacks the two models token by token: same x, second row below', () => {
    const { layout } = renderHighlight(sideBySide());
    for (let k = 0; k < 12; k++) {
      const [a, b] = layout.tokens.filter((t) => t.position === k).sort((p, q) => p.row - q.row);
      expect(a!.x).toBe(b!.x);
      expect(b!.y).toBeGreaterThan(a!.y);
      expect(a!.cell.text).toBe(b!.cell.text);
    }
  });

  it('draws sentence bars in proportion to the sentence weights', () => {
    const { png, layout } = renderHighlight(hierarchical());
    const img = decode(png);
    expect(layout.bars.map((b) => b.fill)).toEqual([20, 64, 15]);
    for (const b of layout.bars) {
      expect(pixel(img, b.x + 1, b.y + b.h / 2)).toEqual(hexRgb(b.color));
      expect(pixel(img, b.x + b.w - 2, b.y + b.h / 2)).toEqual(b.fill >= b.w - 1 ? hexRgb(b.color) : hexRgb('#f1f1f1'));
    }
  });

  it('lays an RTL sentence out right to left', () => {
    const { layout } = renderHighlight(hierarchical());
    const heb = layout.tokens.filter((t) => t.sentence === 2).sort((p, q) => p.position - q.position);
    expect(heb.map((t) => t.cell.text)).toEqual(['ממש', 'לא', 'שווה', '!']);
    for (let i = 1; i < heb.length; i++) expect(heb[i]!.x).toBeLessThan(heb[i - 1]!.x);
    // and flush right
    expect(heb[0]!.x + heb[0]!.w).toBe(layout.width - 14);
  });

  it('greys padding tokens on request and shows hostile tokens as plain text', () => {
    const { png, layout } = renderHighlight(hostile(), { padding: 'grey' });
    const img = decode(png);
    const pad = layout.tokens.find((t) => t.cell.kind === 'pad')!;
    expect(pixel(img, pad.x + 1, pad.y + 1)).toEqual(hexRgb(PAD_COLOR));
    expect(layout.tokens.map((t) => t.cell.text).slice(0, 2)).toEqual(['<script>alert(1)</script>', '" onmouseover="window.__pwned=1']);
    expect(ink(img, layout.tokens[0]!.x, layout.tokens[0]!.y, layout.tokens[0]!.x + layout.tokens[0]!.w, layout.tokens[0]!.y + layout.tokens[0]!.h, 200)).toBeGreaterThan(30);
  });

  it('wraps long documents to the width', () => {
    const n = 120;
    const doc = { id: 'long', maps: [{ shape: [n] as [number], weights: new Float32Array(n).fill(1 / n), colLabels: Array.from({ length: n }, (_, i) => `word${i}`) }] };
    const { layout } = renderHighlight(doc, { width: 400 });
    expect(layout.width).toBe(400);
    for (const t of layout.tokens) expect(t.x + t.w).toBeLessThanOrEqual(400 - 14);
    expect(new Set(layout.tokens.map((t) => t.y)).size).toBeGreaterThan(5);
  });

  it('includes 2-D maps as heatmaps', () => {
    const { layout } = renderHighlight({ id: 'm', maps: [{ shape: [2, 3], weights: new Float32Array([0.2, 0.3, 0.5, 0.1, 0.1, 0.8]), rowLabels: ['a', 'b'], colLabels: ['x', 'y', 'z'] }] });
    expect(layout.items.filter((i) => i.kind === 'heatmap').length).toBe(1);
  });

  it('refuses a document too long for one image instead of allocating gigabytes', () => {
    const n = 20_000;
    const doc = { id: 'huge', maps: [{ shape: [n] as [number], weights: new Float32Array(n).fill(1 / n), colLabels: Array.from({ length: n }, (_, i) => `w${i}`) }] };
    expectFail(() => renderHighlightPng(doc, { width: 200 }), 'UNSUPPORTED', /"huge" needs an image over 32000 px tall at width 200/);
  });

  it('refuses bad options', () => {
    expectFail(() => renderHighlightPng(sideBySide(), { width: 10 }), 'BAD_ARGUMENT', /width/);
    expectFail(() => renderHighlightPng(sideBySide(), { fontSize: 0 }), 'BAD_ARGUMENT', /fontSize/);
    expectFail(() => renderHighlightPng(sideBySide(), { pixelRatio: 99 }), 'BAD_ARGUMENT', /pixelRatio/);
  });
});
