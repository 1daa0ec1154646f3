import { fail, type AttentionDocument } from '@attnlens/core/tensor';
import type { Canvas2D, MeasureText } from './canvas-api.js';
import { PAD_COLOR, type Colorizer } from './colorizer.js';
import { rgbHex } from './colormap.js';
import { canvasMeasure, drawHeatmap, hatchCell } from './heatmap-canvas.js';
import { layoutHeatmap, type HeatmapLayout } from './heatmap-layout.js';
import { buildHighlight, type HighlightModel, type HighlightOptions, type TokenCell } from './highlight-model.js';
import { formatBound } from './scale.js';
import { ellipsize, fontSpec, FONT_FAMILY, isolateBidi, visualOrder, type Direction } from './text.js';

export interface HighlightCanvasOptions extends HighlightOptions {
  /** Figure width in CSS px (tokens wrap to it); default 760. Widened to fit a heatmap block. */
  width?: number;
  /** Token font size in px; default 15. */
  fontSize?: number;
  /** Background; default '#ffffff'. */
  background?: string;
}

/** One thing to draw; the layout is a display list, so measuring and drawing cannot disagree. */
export type DrawItem =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'hatch'; x: number; y: number; w: number; h: number }
  | { kind: 'frame'; x: number; y: number; w: number; h: number; stroke: string }
  | { kind: 'text'; x: number; y: number; text: string; font: string; fill: string; align: 'left' | 'right' | 'center'; dir: Direction }
  | { kind: 'gradient'; x: number; y: number; w: number; h: number; colorizer: Colorizer }
  | { kind: 'heatmap'; x: number; y: number; layout: HeatmapLayout };

/** A token box as drawn (for callers that annotate, and for tests). */
export interface TokenBox {
  x: number;
  y: number;
  w: number;
  h: number;
  cell: TokenCell;
  /** Index of the block and of the map row inside it. */
  block: number;
  row: number;
  /** Token position (logical order) within the block / sentence. */
  position: number;
  /** Sentence index in a hierarchical block. */
  sentence?: number;
}

export interface HighlightLayout {
  width: number;
  height: number;
  model: HighlightModel;
  items: DrawItem[];
  tokens: TokenBox[];
  /** Sentence bars of hierarchical blocks: track box and filled width. */
  bars: { x: number; y: number; w: number; h: number; fill: number; color: string; block: number; sentence: number }[];
}

const PAD = 14;
/** Tallest highlight image in CSS px (Skia's limit is 32767 device px). */
const MAX_HEIGHT = 32_000;

export function layoutHighlight(doc: AttentionDocument, opts: HighlightCanvasOptions, measure: MeasureText): HighlightLayout {
  const model = buildHighlight(doc, opts);
  const family = opts.fontFamily ?? FONT_FAMILY;
  const px = opts.fontSize ?? 15;
  if (!(Number.isFinite(px) && px >= 6 && px <= 72)) fail('BAD_ARGUMENT', `highlight option fontSize must be a number from 6 to 72, got ${String(opts.fontSize)}`);
  let width = opts.width ?? 760;
  if (!(Number.isFinite(width) && width >= 200 && width <= 20000)) fail('BAD_ARGUMENT', `highlight option width must be a number from 200 to 20000, got ${String(opts.width)}`);
  const font = fontSpec(px, family);
  const small = fontSpec(12, family);
  const cellH = Math.round(px * 1.55);
  const items: DrawItem[] = [];
  const tokens: TokenBox[] = [];
  const bars: HighlightLayout['bars'] = [];
  // heatmap blocks may widen the figure: lay them out first
  const heatmaps = new Map<number, HeatmapLayout>();
  model.blocks.forEach((b, i) => {
    if (b.kind !== 'matrix') return;
    const hl = layoutHeatmap(b.map, { ...opts.heatmap, title: opts.heatmap?.title ?? b.name, fontFamily: family }, measure);
    heatmaps.set(i, hl);
    width = Math.max(width, hl.width + 2 * PAD);
  });
  const right = width - PAD;
  let y = PAD;

  // header: title, then labels
  if (model.title) {
    const tf = fontSpec(16, family, 600);
    const t = ellipsize(model.title, right - PAD, tf, measure);
    items.push({ kind: 'text', x: PAD, y: y + 10, text: t.text, font: tf, fill: '#111111', align: 'left', dir: 'ltr' });
    y += 26;
  }
  const labels: { text: string; fill: string }[] = [];
  if (model.trueLabel !== undefined) labels.push({ text: `true: ${model.trueLabel}`, fill: '#333333' });
  if (model.predictedLabel !== undefined) labels.push({ text: `predicted: ${model.predictedLabel}`, fill: '#333333' });
  if (model.misclassified === true) labels.push({ text: '✗ misclassified', fill: '#b00020' });
  if (model.misclassified === false) labels.push({ text: '✓ correct', fill: '#1b6e20' });
  if (labels.length) {
    let x = PAD;
    for (const l of labels) {
      items.push({ kind: 'text', x, y: y + 8, text: l.text, font: small, fill: l.fill, align: 'left', dir: 'ltr' });
      x += measure(l.text, small) + 16;
    }
    y += 22;
  }

  /** Flow token columns (logical order) into lines between x0 and right; returns the y below. */
  const flow = (cols: { w: number; cells: (TokenCell | undefined)[] }[], dirs: Direction[], base: Direction, x0: number, y0: number, block: number, sentence?: number): number => {
    const rows = Math.max(1, ...cols.map((c) => c.cells.length));
    const colH = rows * cellH + (rows - 1) * 2;
    const lines: number[][] = [];
    let line: number[] = [];
    let used = 0;
    const avail = right - x0;
    cols.forEach((c, k) => {
      if (line.length && used + c.w > avail) {
        lines.push(line);
        line = [];
        used = 0;
      }
      line.push(k);
      used += c.w + 3;
    });
    if (line.length) lines.push(line);
    let yy = y0;
    for (const ln of lines) {
      // visual order runs left to right; an RTL line is flush right
      const order = visualOrder(ln.map((k) => dirs[k]!), base);
      const lineW = ln.reduce((a, k) => a + cols[k]!.w + 3, -3);
      let x = base === 'rtl' ? right - lineW : x0;
      for (const o of order) {
        const k = ln[o]!;
        const c = cols[k]!;
        const cx = x;
        c.cells.forEach((cell, r) => {
          if (!cell) return;
          const cy = yy + r * (cellH + 2);
          if (cell.kind === 'nan') items.push({ kind: 'hatch', x: cx, y: cy, w: c.w, h: cellH });
          else items.push({ kind: 'rect', x: cx, y: cy, w: c.w, h: cellH, fill: cell.kind === 'pad' ? PAD_COLOR : cell.bg });
          const t = ellipsize(cell.text, c.w - 6, font, measure);
          items.push({ kind: 'text', x: cx + c.w / 2, y: cy + cellH / 2, text: t.text, font, fill: cell.kind === 'weight' ? cell.fg : '#333333', align: 'center', dir: dirs[k]! });
          tokens.push({ x: cx, y: cy, w: c.w, h: cellH, cell, block, row: r, position: k, ...(sentence !== undefined ? { sentence } : {}) });
        });
        x += c.w + 3;
      }
      yy += colH + 6;
      if (yy > MAX_HEIGHT) {
        fail('UNSUPPORTED', `document ${JSON.stringify(model.id)} needs an image over ${MAX_HEIGHT} px tall at width ${width}`, {
          hint: 'raise width, or render it as HTML (highlightHtml), which has no height limit',
          details: { tokens: cols.length, width },
        });
      }
    }
    return lines.length ? yy : y0 + cellH + 6;
  };
  const colWidth = (cells: (TokenCell | undefined)[], max: number) => Math.min(max, Math.max(12, ...cells.map((c) => (c ? Math.ceil(measure(c.text, font)) + 8 : 0))));

  model.blocks.forEach((b, bi) => {
    y += 4;
    if (b.kind === 'matrix') {
      const hl = heatmaps.get(bi)!;
      items.push({ kind: 'heatmap', x: PAD, y, layout: hl });
      y += hl.height + 6;
      return;
    }
    const name = b.kind === 'aligned' ? (b.names.length === 1 ? b.names[0]! : '') : b.name;
    if (name) {
      items.push({ kind: 'text', x: PAD, y: y + 7, text: ellipsize(name, right - PAD, small, measure).text, font: small, fill: '#555555', align: 'left', dir: 'ltr' });
      y += 18;
    }
    if (b.kind === 'aligned') {
      let x0 = PAD;
      if (b.names.length > 1) {
        const nw = Math.min(180, Math.max(...b.names.map((n) => measure(n, small)))) + 10;
        b.names.forEach((n, r) => items.push({ kind: 'text', x: PAD + nw - 10, y: y + r * (cellH + 2) + cellH / 2, text: ellipsize(n, nw - 10, small, measure).text, font: small, fill: '#555555', align: 'right', dir: 'ltr' }));
        x0 = PAD + nw;
      }
      const cols = b.cells.map((cells) => ({ w: colWidth(cells, right - x0), cells }));
      y = flow(cols, b.dirs, b.base, x0, y, bi);
      return;
    }
    b.sentences.forEach((s, si) => {
      bars.push({ x: PAD, y, w: 64, h: cellH, fill: Math.round(64 * s.fraction), color: s.color, block: bi, sentence: si });
      items.push({ kind: 'rect', x: PAD, y, w: 64, h: cellH, fill: '#f1f1f1' });
      if (s.fraction > 0) items.push({ kind: 'rect', x: PAD, y, w: Math.max(1, Math.round(64 * s.fraction)), h: cellH, fill: s.color });
      const val = s.pad ? 'pad' : Number.isFinite(s.weight) ? s.weight.toFixed(3) : 'NaN';
      items.push({ kind: 'text', x: PAD + 70, y: y + cellH / 2, text: val, font: small, fill: '#444444', align: 'left', dir: 'ltr' });
      const x0 = PAD + 70 + Math.ceil(measure('0.000', small)) + 10;
      const cols = s.words.map((w) => ({ w: colWidth([w], right - x0), cells: [w] as (TokenCell | undefined)[] }));
      y = flow(cols, s.dirs, s.base, x0, y, bi, si);
    });
  });

  // legend: one gradient per colour scale, then the swatches
  y += 4;
  let x = PAD;
  const lh = 18;
  const place = (w: number) => {
    if (x > PAD && x + w > right) {
      x = PAD;
      y += lh;
    }
    const at = x;
    x += w + 18;
    return at;
  };
  for (const e of model.legend) {
    const { min, max } = e.colorizer.scale;
    const lo = formatBound(min);
    const hi = formatBound(max);
    const wl = measure(e.label, small);
    const wlo = measure(lo, small);
    const whi = measure(hi, small);
    const at = place(wl + 6 + wlo + 4 + 120 + 4 + whi);
    items.push({ kind: 'text', x: at, y: y + 8, text: e.label, font: small, fill: '#444444', align: 'left', dir: 'ltr' });
    items.push({ kind: 'text', x: at + wl + 6, y: y + 8, text: lo, font: small, fill: '#444444', align: 'left', dir: 'ltr' });
    const gx = at + wl + 6 + wlo + 4;
    items.push({ kind: 'gradient', x: gx, y: y + 3, w: 120, h: 10, colorizer: e.colorizer });
    items.push({ kind: 'frame', x: gx, y: y + 3, w: 120, h: 10, stroke: '#999999' });
    items.push({ kind: 'text', x: gx + 124, y: y + 8, text: hi, font: small, fill: '#444444', align: 'left', dir: 'ltr' });
  }
  for (const [flag, label] of [[model.hasNaN, 'NaN/Inf'], [model.hasPad, 'padding']] as const) {
    if (!flag) continue;
    const at = place(12 + 6 + measure(label, small));
    items.push(label === 'NaN/Inf' ? { kind: 'hatch', x: at, y: y + 2, w: 12, h: 12 } : { kind: 'rect', x: at, y: y + 2, w: 12, h: 12, fill: PAD_COLOR });
    items.push({ kind: 'frame', x: at, y: y + 2, w: 12, h: 12, stroke: '#999999' });
    items.push({ kind: 'text', x: at + 18, y: y + 8, text: label, font: small, fill: '#444444', align: 'left', dir: 'ltr' });
  }
  y += lh + PAD;
  return { width: Math.ceil(width), height: Math.ceil(y), model, items, tokens, bars };
}

/** Lay out a highlighted document with the fonts of `ctx` (size the canvas from the result, then `drawHighlight`). */
export function measureHighlight(ctx: Canvas2D, doc: AttentionDocument, opts: HighlightCanvasOptions = {}): HighlightLayout {
  ctx.save();
  try {
    return layoutHighlight(doc, opts, canvasMeasure(ctx));
  } finally {
    ctx.restore();
  }
}

/** Draw a highlighted document into `ctx` at (0, 0); the same colours and labels as `highlightHtml`. */
export function drawHighlight(ctx: Canvas2D, doc: AttentionDocument, opts: HighlightCanvasOptions = {}, layout?: HighlightLayout): HighlightLayout {
  const l = layout ?? measureHighlight(ctx, doc, opts);
  ctx.save();
  try {
    ctx.fillStyle = opts.background ?? '#ffffff';
    ctx.fillRect(0, 0, l.width, l.height);
    for (const it of l.items) {
      switch (it.kind) {
        case 'rect':
          ctx.fillStyle = it.fill;
          ctx.fillRect(it.x, it.y, it.w, it.h);
          break;
        case 'hatch':
          hatchCell(ctx, it.x, it.y, it.w, it.h);
          break;
        case 'frame':
          ctx.strokeStyle = it.stroke;
          ctx.lineWidth = 1;
          ctx.strokeRect(it.x + 0.5, it.y + 0.5, it.w - 1, it.h - 1);
          break;
        case 'text':
          ctx.font = it.font;
          ctx.fillStyle = it.fill;
          ctx.textAlign = it.align;
          ctx.textBaseline = 'middle';
          ctx.direction = it.dir;
          ctx.fillText(isolateBidi(it.text), it.x, it.y); // tokens and labels never reorder their neighbours
          break;
        case 'gradient':
          for (let i = 0; i < it.w; i++) {
            ctx.fillStyle = rgbHex(it.colorizer.at((i + 0.5) / it.w));
            ctx.fillRect(it.x + i, it.y, 1, it.h);
          }
          break;
        case 'heatmap':
          ctx.save();
          ctx.translate(it.x, it.y);
          drawHeatmap(ctx, it.layout.map, {}, it.layout);
          ctx.restore();
          break;
      }
    }
  } finally {
    ctx.restore();
  }
  return l;
}

