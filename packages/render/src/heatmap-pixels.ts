// Node-only fast path of renderHeatmap: Skia draws what is text or shape, JS fills
// the cells and encodes the PNG. Profiled on 200 labelled 40 x 40 figures, Skia's
// PNG encoder (toDataURL) took 80% of the time (18 of 22 ms a figure), and its
// pixels cannot be read any cheaper: in @napi-rs/canvas 1.1 getImageData and
// canvas.data() hand out memory V8 does not count (a synchronous loop of them grew
// RSS by 2 MB a call). So everything of a figure that repeats across a batch (labels,
// axis titles, colour bar, legend: the "frame") is drawn and read back once through a
// PNG that Skia encodes and this module decodes, and kept as JS pixels; per figure
// only the title band and the colour-bar tick strip (their text changes with the
// figure) are drawn by Skia into small canvases and read back the same way, and the
// cells, solid rectangles on whole device pixels, are written straight into the
// pixels in the exact `#rrggbb` colours the canvas path would fill them with.
import type { Canvas } from '@napi-rs/canvas';
import type { Canvas2D, MeasureText } from './canvas-api.js';
import { PAD_COLOR } from './colorizer.js';
import { drawHeatmapFrame } from './heatmap-canvas.js';
import { cellAt, cellOrigin, type HeatmapLayout } from './heatmap-layout.js';
import { decodeSkiaPng, encodePng, isOpaque, type Pixels } from './png-codec.js';

/** A canvas of a size in device pixels, with a transform; and the PNG bytes Skia encodes from it. */
export interface SkiaSurface {
  canvas: (width: number, height: number) => { canvas: Canvas; ctx: Canvas2D };
  png: (canvas: Canvas) => Uint8Array;
  /** Text widths in CSS px with the fonts Skia draws. */
  measure: MeasureText;
}

interface Rect { x: number; y: number; w: number; h: number }

const frames = new Map<string, Pixels & { opaque: boolean }>();
/** Frames kept per thread (a batch usually has one layout; each is width x height x 4 bytes). */
const KEEP_FRAMES = 4;

/** Whether the cells of this layout land on whole device pixels and are all plain fills. */
export function fastPathApplies(l: HeatmapLayout, r: number): boolean {
  const whole = (v: number) => Number.isInteger(v * r);
  return Number.isInteger(r) && !l.hasNonFinite && !l.values && whole(l.plot.x) && whole(l.plot.y) && whole(l.cell);
}

/** Everything the frame's pixels depend on (not the title text, the tick labels or the weights). */
function frameKey(l: HeatmapLayout, r: number): string {
  const bar = l.colorbar ? { ...l.colorbar, ticks: undefined } : undefined;
  return JSON.stringify([r, l.width, l.height, l.background, l.fontFamily, l.labelFont, l.plot, l.cell, l.rowLabels, l.colLabels, l.colRotated,
    l.rowTitle, l.colTitle, bar, l.legend, l.colorizer.colormap, l.colorizer.reverse]);
}

/** The layout without what changes from figure to figure besides the cells: the title and the tick labels. */
function staticLayout(l: HeatmapLayout): HeatmapLayout {
  const s: HeatmapLayout = { ...l };
  delete s.title;
  if (l.colorbar) s.colorbar = { ...l.colorbar, ticks: [] };
  return s;
}

/** Device-pixel box from CSS px bounds, grown to whole pixels and cut to the image. */
function box(x0: number, y0: number, x1: number, y1: number, r: number, W: number, H: number): Rect | undefined {
  const x = Math.max(0, Math.floor(x0 * r));
  const y = Math.max(0, Math.floor(y0 * r));
  const w = Math.min(W, Math.ceil(x1 * r)) - x;
  const h = Math.min(H, Math.ceil(y1 * r)) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : undefined;
}

/**
 * Where the title and the tick marks and labels fall, in device pixels, with a margin
 * for glyphs that overhang their advance width. Neither box reaches the colour bar's
 * bands (the title is above the plot, the ticks right of the bar), which the region
 * drawings leave out.
 */
function dynamicRects(l: HeatmapLayout, r: number, W: number, H: number, measure: MeasureText): Rect[] {
  const out: (Rect | undefined)[] = [];
  const M = 6;
  if (l.title) {
    const tw = measure(l.title.text, l.title.font);
    out.push(box(l.title.x - tw / 2 - M, 0, l.title.x + tw / 2 + M, l.plot.y, r, W, H));
  }
  const b = l.colorbar;
  if (b && b.ticks.length) {
    const tw = Math.max(...b.ticks.map((t) => measure(t.text, b.tickFont)));
    const ys = b.ticks.map((t) => t.y);
    out.push(box(b.x + b.w, Math.min(...ys) - 2 * M, b.x + b.w + 6 + tw + M, Math.max(...ys) + 2 * M, r, W, H));
  }
  return out.filter((x): x is Rect => x !== undefined);
}

/** Draw the figure without cells through a canvas covering `rect` only, and read its pixels back (undefined: a PNG kind the decoder does not read). */
function drawRegion(l: HeatmapLayout, r: number, rect: Rect, skia: SkiaSurface, barGradient: boolean): Pixels | undefined {
  const { canvas, ctx } = skia.canvas(rect.w, rect.h);
  ctx.translate(-rect.x, -rect.y); // the canvas comes with an identity transform
  ctx.scale(r, r);
  drawHeatmapFrame(ctx, l, barGradient);
  const px = decodeSkiaPng(skia.png(canvas));
  return px && px.width === rect.w && px.height === rect.h ? px : undefined;
}

function frameFor(l: HeatmapLayout, r: number, W: number, H: number, skia: SkiaSurface): (Pixels & { opaque: boolean }) | undefined {
  const key = frameKey(l, r);
  let f = frames.get(key);
  if (!f) {
    const px = drawRegion(staticLayout(l), r, { x: 0, y: 0, w: W, h: H }, skia, true);
    if (!px) return undefined;
    f = { ...px, opaque: isOpaque(px.data) };
    if (frames.size >= KEEP_FRAMES) frames.delete(frames.keys().next().value!);
    frames.set(key, f);
  }
  return f;
}

function blit(dst: Pixels, src: Pixels, at: Rect): void {
  for (let y = 0; y < at.h; y++) dst.data.set(src.data.subarray(y * src.width * 4, (y + 1) * src.width * 4), ((at.y + y) * dst.width + at.x) * 4);
}

function hexBytes(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1, 7), 16);
  return [v >> 16, (v >> 8) & 255, v & 255];
}

/** Fill every cell, solid, as drawCells does with fillRect on whole pixels. */
function fillCells(px: Pixels, l: HeatmapLayout, r: number): void {
  const side = l.cell * r;
  const pad = hexBytes(PAD_COLOR);
  const row = new Uint8Array(side * 4);
  for (let rr = 0; rr < l.rows; rr++) {
    for (let c = 0; c < l.cols; c++) {
      const { w, pad: isPad } = cellAt(l, rr, c);
      const [R, G, B] = isPad ? pad : hexBytes(l.colorizer.css(w));
      for (let i = 0; i < side; i++) {
        row[4 * i] = R;
        row[4 * i + 1] = G;
        row[4 * i + 2] = B;
        row[4 * i + 3] = 255;
      }
      const { x, y } = cellOrigin(l, rr, c);
      const x0 = x * r;
      const y0 = y * r;
      for (let j = 0; j < side; j++) px.data.set(row, ((y0 + j) * px.width + x0) * 4);
    }
  }
}

// The figure's pixels, one buffer per thread reused from figure to figure (2 MB for the benchmark's).
let pixelBuf = new Uint8Array(0);
function canvasBytes(n: number): Uint8Array {
  if (pixelBuf.length < n) pixelBuf = new Uint8Array(n);
  return pixelBuf.subarray(0, n);
}

/**
 * The PNG of a heatmap by the fast path (check `fastPathApplies` first), or undefined
 * when Skia wrote a PNG kind the decoder does not read (a later @napi-rs/canvas might):
 * the caller then draws the figure wholly with Skia.
 */
export function heatmapPngFast(l: HeatmapLayout, r: number, skia: SkiaSurface): Buffer | undefined {
  const W = Math.ceil(l.width * r);
  const H = Math.ceil(l.height * r);
  const frame = frameFor(l, r, W, H, skia);
  if (!frame) return undefined;
  const px: Pixels = { width: W, height: H, data: canvasBytes(frame.data.length) };
  px.data.set(frame.data);
  let opaque = frame.opaque; // cells are opaque; a region drawn over a see-through background is not
  for (const rect of dynamicRects(l, r, W, H, skia.measure)) {
    const region = drawRegion(l, r, rect, skia, false);
    if (!region) return undefined;
    opaque &&= isOpaque(region.data);
    blit(px, region, rect);
  }
  fillCells(px, l, r);
  return encodePng(px, opaque);
}
