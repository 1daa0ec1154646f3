// Hostile tokens and sizes (issue 12): a right-to-left override inside a token, a 1 MB
// token, a document of more tokens than a highlight shows.
import { describe, expect, it } from 'vitest';
import type { AttentionDocument } from '@attnlens/core';
import {
  checkHighlightSize, clipText, displayToken, ellipsize, heatmapSvg, highlightCss, highlightHtml, isolateBidi, layoutHeatmap, layoutHighlight,
  MAX_LABEL_CHARS, MAX_TITLE_CHARS, drawHighlight, type Canvas2D,
} from '../src/index.js';
import { DEFAULT_LIMITS, resetLimits, setLimits } from '@attnlens/core';
import { renderHeatmap, renderHighlight } from '../src/node.js';
import { decode } from './png.js';
import { expectFail } from './errors.js';

const RLO = '\u202e';
const doc = (tokens: string[]): AttentionDocument => ({ id: 'd', maps: [{ name: 'm', shape: [tokens.length], weights: Float32Array.from(tokens, (_, i) => (i + 1) / 10), colLabels: tokens }] });

describe('bidi isolation', () => {
  it('wraps canvas labels in FSI…PDI, which draw nothing: an override at the end of a token changes no pixel', () => {
    expect(isolateBidi('evil')).toBe('\u2068evil\u2069');
    const plain = renderHighlight(doc(['start', 'second', 'evil']), { pixelRatio: 1 });
    const hostile = renderHighlight(doc(['start', `second${RLO}`, 'evil']), { pixelRatio: 1 });
    expect(hostile.layout.tokens.map((t) => t.position)).toEqual([0, 1, 2]);
    expect(hostile.layout.tokens[0]!.x).toBeLessThan(hostile.layout.tokens[1]!.x);
    expect(hostile.layout.tokens[1]!.x).toBeLessThan(hostile.layout.tokens[2]!.x);
    const a = decode(plain.png);
    const b = decode(hostile.png);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(b.data.equals(a.data)).toBe(true);
  });

  it('hands every canvas label to fillText inside FSI…PDI (tokens, titles, heatmap labels)', () => {
    const drawn: string[] = [];
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (_t, k) => (k === 'fillText' ? (s: string) => drawn.push(s) : k === 'measureText' ? (s: string) => ({ width: s.length * 7 }) : () => undefined),
      set: () => true,
    }) as unknown as Canvas2D;
    drawHighlight(ctx, { id: 'd', maps: [doc(['start', `${RLO}second`, 'evil']).maps[0]!, { shape: [1, 2], weights: Float32Array.of(0.5, 0.5), rowLabels: [`${RLO}out`], colLabels: ['a', 'b'] }] });
    const labels = drawn.filter((s) => /start|second|evil|out|^\u2068[ab]\u2069$/.test(s));
    expect(labels.length).toBe(6);
    for (const s of labels) expect(s).toMatch(/^\u2068[^\u2068\u2069]*\u2069$/);
  });

  it('an override at the start of a token reverses only that token: its neighbours are drawn exactly as without it', () => {
    const plain = renderHighlight(doc(['start', 'xxxxxx', 'evil']), { pixelRatio: 1 });
    const hostile = renderHighlight(doc(['start', `${RLO}second`, 'evil']), { pixelRatio: 1 });
    const a = decode(plain.png);
    const b = decode(hostile.png);
    const box = (img: ReturnType<typeof decode>, t: { x: number; y: number; w: number; h: number }) => {
      const rows: Buffer[] = [];
      for (let y = t.y; y < t.y + t.h; y++) rows.push(img.data.subarray((y * img.width + t.x) * 4, (y * img.width + t.x + t.w) * 4));
      return Buffer.concat(rows);
    };
    for (const k of [0, 2]) {
      const ta = plain.layout.tokens[k]!;
      const tb = hostile.layout.tokens[k]!;
      expect(tb.w).toBe(ta.w);
      expect(box(b, tb).equals(box(a, ta))).toBe(true);
    }
  });

  it('isolates every token in HTML and every label in SVG', () => {
    expect(highlightCss()).toMatch(/\.al-tok\{[^}]*unicode-bidi:isolate/);
    const html = highlightHtml(doc(['start', `${RLO}second`, 'evil']));
    expect([...html.matchAll(/<span class="al-tok"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1])).toEqual(['start', `${RLO}second`, 'evil']);
    const svg = heatmapSvg({ shape: [1, 3], weights: Float32Array.of(0.1, 0.2, 0.7), rowLabels: ['out'], colLabels: ['start', `${RLO}second`, 'evil'] });
    const labels = [...svg.matchAll(/<text[^>]*>(?:<title>[^<]*<\/title>)?(start|\u202esecond|evil)<\/text>/g)];
    expect(labels.length).toBe(3);
    for (const l of labels) expect(l[0]).toContain('unicode-bidi="isolate"');
  });
});

describe('a 1 MB token', () => {
  const huge = 'x'.repeat(1 << 20);

  it('is cut before anything measures it: the label at most MAX_LABEL_CHARS, the title at most MAX_TITLE_CHARS', () => {
    expect(clipText(huge, 200)).toBe('x'.repeat(200) + '…');
    expect(displayToken(huge)).toBe('x'.repeat(MAX_TITLE_CHARS) + '…');
    const measured: number[] = [];
    const measure = (s: string) => (measured.push(s.length), s.length * 7);
    expect(ellipsize(huge, 100, '12px sans-serif', measure).text).toMatch(/^x+…$/);
    expect(Math.max(...measured)).toBeLessThanOrEqual(MAX_LABEL_CHARS + 1);
    const l = layoutHighlight(doc(['a', huge, 'c']), {}, measure);
    const cell = l.tokens[1]!.cell;
    expect(cell.text).toBe('x'.repeat(MAX_LABEL_CHARS) + '…');
    expect(cell.title.startsWith('x'.repeat(MAX_TITLE_CHARS) + '… · m: ')).toBe(true);
    expect(Math.max(...measured)).toBeLessThanOrEqual(MAX_TITLE_CHARS + 1);
    const h = layoutHeatmap({ shape: [1, 3], weights: Float32Array.of(0.1, 0.2, 0.7), colLabels: ['a', huge, 'c'] }, {}, measure);
    expect(h.colLabels[1]!.full.length).toBe(MAX_TITLE_CHARS + 1);
    expect(h.colLabels[1]!.cut).toBe(true);
  });

  it('never cuts a grapheme cluster in half', () => {
    const family = '👨‍👩‍👧';
    expect(clipText(family.repeat(300), 2)).toBe(family + family + '…');
    expect(clipText('short', 200)).toBe('short');
  });
});

describe('documents of more tokens than a highlight shows', () => {
  const MAX = DEFAULT_LIMITS.maxHighlightTokens;
  it('are refused with a size error naming the count, the limit and the option, before any cell is built', () => {
    const n = MAX + 1;
    const big: AttentionDocument = { id: 'big', maps: [{ shape: [n], weights: new Float32Array(n) }] };
    const e = expectFail(() => checkHighlightSize(big), 'SIZE_LIMIT', new RegExp(`document "big" has ${n} tokens, over the highlight token limit of ${MAX} tokens`));
    expect(e.details).toMatchObject({ tokens: n, limit: MAX, option: 'maxHighlightTokens' });
    expect(e.hint).not.toMatch(/--/); // the fix in words; the CLI adds its flag
    expectFail(() => highlightHtml(big), 'SIZE_LIMIT', /over the highlight token limit/);
    const ok: AttentionDocument = { id: 'ok', maps: [{ shape: [MAX], weights: new Float32Array(MAX) }] };
    expect(() => checkHighlightSize(ok)).not.toThrow();
  });
  it('the limit is core\'s: lowered process-wide or per call it refuses sooner, raised per call it lets the document through', () => {
    const d = doc(['a', 'b', 'c', 'd']);
    try {
      setLimits({ maxHighlightTokens: 3 });
      expectFail(() => highlightHtml(d), 'SIZE_LIMIT', /document "d" has 4 tokens, over the highlight token limit of 3 tokens/);
      expect(highlightHtml(d, { limits: { maxHighlightTokens: 4 } })).toContain('>d<');
    } finally {
      resetLimits();
    }
    expectFail(() => highlightHtml(d, { limits: { maxHighlightTokens: 2 } }), 'SIZE_LIMIT', /over the highlight token limit of 2 tokens/);
  });
});

describe('drawing limits from core', () => {
  const map = { shape: [40, 50] as [number, number], weights: Float32Array.from({ length: 2000 }, (_, i) => (i % 7) / 7) };
  it('maxHeatmapCells: a map over it is averaged down to fit, and raising it draws every cell', () => {
    const small = layoutHeatmap(map, { limits: { maxHeatmapCells: 100 } }, (t) => t.length * 6);
    expect(small.rows * small.cols).toBeLessThanOrEqual(100);
    expect(small.legend.items.map((i) => i.text).join('\n')).toMatch(/downsampled to draw: the 40 x 50 map/);
    const full = layoutHeatmap(map, { limits: { maxHeatmapCells: 2000 } }, (t) => t.length * 6);
    expect([full.rows, full.cols]).toEqual([40, 50]);
  });
  it('maxImagePixels: a PNG over it is refused before drawing, naming its size and the option; raised, it is drawn', () => {
    const e = expectFail(() => renderHeatmap(map, { limits: { maxImagePixels: 10_000 } }), 'SIZE_LIMIT', /a \d+ x \d+ px image has \d+ pixels, over the image pixel limit of 10000 pixels/);
    expect(e.details).toMatchObject({ option: 'maxImagePixels', limit: 10_000 });
    expect(renderHeatmap(map, { limits: { maxImagePixels: 64e6 } }).png.length).toBeGreaterThan(100);
  });
});
