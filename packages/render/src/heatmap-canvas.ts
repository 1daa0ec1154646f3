import type { AttentionMap } from '@attnlens/core/tensor';
import type { Canvas2D, MeasureText } from './canvas-api.js';
import { NAN_COLOR, NAN_HATCH, PAD_COLOR } from './colorizer.js';
import { rgbHex, textColorFor } from './colormap.js';
import { cellAt, cellOrigin, layoutHeatmap, type HeatmapLayout, type HeatmapOptions } from './heatmap-layout.js';
import { formatWeight } from './scale.js';
import { isolateBidi } from './text.js';

/** Text measurement through a canvas context (font set only when it changes). */
export function canvasMeasure(ctx: Canvas2D): MeasureText {
  return (text, font) => {
    if (ctx.font !== font) ctx.font = font;
    return ctx.measureText(text).width;
  };
}

/**
 * Lay out a heatmap with the fonts of `ctx` (size the canvas from the result:
 * `width * pixelRatio` by `height * pixelRatio`, then call `drawHeatmap`).
 */
export function measureHeatmap(ctx: Canvas2D, map: AttentionMap, opts: HeatmapOptions = {}): HeatmapLayout {
  ctx.save();
  try {
    return layoutHeatmap(map, opts, canvasMeasure(ctx));
  } finally {
    ctx.restore();
  }
}

/**
 * Draw a heatmap of `map` into `ctx` at (0, 0), `layout.width` by `layout.height`
 * CSS px (scale the context first for HiDPI). Pass the layout from
 * `measureHeatmap` to skip measuring twice. Returns the layout drawn.
 */
export function drawHeatmap(ctx: Canvas2D, map: AttentionMap, opts: HeatmapOptions = {}, layout?: HeatmapLayout): HeatmapLayout {
  const l = layout ?? measureHeatmap(ctx, map, opts);
  drawParts(ctx, l, true);
  return l;
}

/**
 * Everything of a heatmap but its cells (the plot area is left as background), for
 * callers that fill the cells themselves, as the Node PNG path does pixel by pixel.
 * `barGradient: false` also leaves out the colour bar's bands (for a caller that
 * draws only a region away from them: 1 fillRect per pixel row is most of the bar's cost).
 */
export function drawHeatmapFrame(ctx: Canvas2D, layout: HeatmapLayout, barGradient = true): void {
  drawParts(ctx, layout, false, barGradient);
}

function drawParts(ctx: Canvas2D, l: HeatmapLayout, cells: boolean, barGradient = true): void {
  ctx.save();
  try {
    ctx.direction = 'ltr';
    ctx.fillStyle = l.background;
    ctx.fillRect(0, 0, l.width, l.height);
    if (cells) drawCells(ctx, l);
    drawLabels(ctx, l);
    drawColorbar(ctx, l, barGradient);
    drawLegend(ctx, l);
  } finally {
    ctx.restore();
  }
}

/** A cell hatched for a non-finite weight: light fill, diagonal strokes. */
export function hatchCell(ctx: Canvas2D, x: number, y: number, w: number, h: number): void {
  ctx.fillStyle = NAN_COLOR;
  ctx.fillRect(x, y, w, h);
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = NAN_HATCH;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const step = 4;
  for (let d = -h; d < w; d += step) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

function drawCells(ctx: Canvas2D, l: HeatmapLayout): void {
  const { cell, colorizer } = l;
  const nan: [number, number][] = [];
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const { w, pad } = cellAt(l, r, c);
      const { x, y } = cellOrigin(l, r, c);
      if (pad) {
        ctx.fillStyle = PAD_COLOR;
        ctx.fillRect(x, y, cell, cell);
      } else if (!Number.isFinite(w)) {
        nan.push([x, y]);
      } else {
        ctx.fillStyle = colorizer.css(w);
        ctx.fillRect(x, y, cell, cell);
      }
    }
  }
  for (const [x, y] of nan) hatchCell(ctx, x, y, cell, cell);
  if (l.values) {
    ctx.font = l.values.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < Math.min(l.rows, l.validRows); r++) {
      for (let c = 0; c < Math.min(l.cols, l.validCols); c++) {
        const { w } = cellAt(l, r, c);
        if (!Number.isFinite(w)) continue;
        const { x, y } = cellOrigin(l, r, c);
        ctx.fillStyle = textColorFor(colorizer.rgb(w)!);
        ctx.fillText(w.toFixed(l.values.digits), x + cell / 2, y + cell / 2);
      }
    }
  }
}

function drawLabels(ctx: Canvas2D, l: HeatmapLayout): void {
  ctx.fillStyle = '#222222';
  ctx.font = l.labelFont;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const lab of l.rowLabels) {
    ctx.direction = lab.dir;
    ctx.fillText(isolateBidi(lab.text), lab.x, lab.y);
  }
  for (const lab of l.colLabels) {
    ctx.direction = lab.dir;
    if (l.colRotated) {
      ctx.save();
      ctx.translate(lab.x, lab.y);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(isolateBidi(lab.text), 0, 0);
      ctx.restore();
    } else {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(isolateBidi(lab.text), lab.x, lab.y);
    }
  }
  ctx.direction = 'ltr';
  ctx.fillStyle = '#111111';
  if (l.title) {
    ctx.font = l.title.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(isolateBidi(l.title.text), l.title.x, l.title.y);
  }
  if (l.colTitle) {
    ctx.font = l.colTitle.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(l.colTitle.text, l.colTitle.x, l.colTitle.y);
  }
  if (l.rowTitle) {
    ctx.save();
    ctx.font = l.rowTitle.font;
    ctx.translate(l.rowTitle.x, l.rowTitle.y);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(l.rowTitle.text, 0, 0);
    ctx.restore();
  }
}

function drawColorbar(ctx: Canvas2D, l: HeatmapLayout, gradient: boolean): void {
  const b = l.colorbar;
  if (!b) return;
  // one 1-px band per pixel row, each the exact colour of the map at that height
  for (let i = 0; gradient && i < b.h; i++) {
    const t = 1 - (i + 0.5) / b.h;
    ctx.fillStyle = rgbHex(l.colorizer.at(t));
    ctx.fillRect(b.x, b.y + i, b.w, 1);
  }
  ctx.strokeStyle = '#555555';
  ctx.lineWidth = 1;
  ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
  ctx.fillStyle = '#222222';
  ctx.font = b.tickFont;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const t of b.ticks) {
    const y = Math.round(t.y) + 0.5;
    ctx.moveTo(b.x + b.w, y);
    ctx.lineTo(b.x + b.w + 4, y);
    ctx.fillText(t.text, b.x + b.w + 6, t.y);
  }
  ctx.stroke();
  if (b.label.text) {
    ctx.save();
    ctx.font = b.label.font;
    ctx.translate(b.label.x, b.label.y);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(b.label.text, 0, 0);
    ctx.restore();
  }
}

function drawLegend(ctx: Canvas2D, l: HeatmapLayout): void {
  const lg = l.legend;
  if (!lg.items.length) return;
  ctx.font = lg.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  const px = Number(/(\d+)px/.exec(lg.font)?.[1] ?? 11);
  let x = lg.x;
  let y = lg.y + px * 0.8;
  const swatches = lg.items.filter((i) => i.kind !== 'note');
  for (const it of swatches) {
    const s = px + 1;
    if (it.kind === 'nan') hatchCell(ctx, x, y - s / 2, s, s);
    else {
      ctx.fillStyle = PAD_COLOR;
      ctx.fillRect(x, y - s / 2, s, s);
    }
    ctx.strokeStyle = '#777777';
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y - s / 2 + 0.5, s - 1, s - 1);
    ctx.fillStyle = '#222222';
    ctx.fillText(it.text, x + s + 5, y);
    x += s + 5 + ctx.measureText(it.text).width + 14;
  }
  if (swatches.length) y += px * 1.6;
  ctx.fillStyle = '#555555';
  for (const it of lg.items) {
    if (it.kind !== 'note') continue;
    ctx.fillText(it.text, lg.x, y);
    y += px * 1.5;
  }
}

