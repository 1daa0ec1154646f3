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
import type { Canvas2D } from './canvas-api.js';
import { PAD_COLOR } from './colorizer.js';
import { drawHeatmapFrame } from './heatmap-canvas.js';
import { cellAt, cellOrigin, type HeatmapLayout } from './heatmap-layout.js';
import { decodeSkiaPng, encodePng, type Pixels } from './png-codec.js';

/** A canvas of a size in device pixels, with a transform; and the PNG bytes Skia encodes from it. */
export interface SkiaSurface {
  canvas: (width: number, height: number) => { canvas: Canvas; ctx: Canvas2D };
  png: (canvas: Canvas) => Uint8Array;
}

interface Rect { x: number; y: number; w: number; h: number }

const frames = new Map<string, Pixels>();
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
    l.rowTitle, l.colTitle, bar, l.legend, l.colorizer.colormap, l.colorizer.reverse, l.title ? [l.title.y, l.title.font] : 0]);
}

/** The parts of the figure, in device pixels, whose pixels change from figure to figure besides the cells. */
function dynamicRects(l: HeatmapLayout, r: number, W: number, H: number): Rect[] {
  const out: Rect[] = [];
  // the title sits in the band above the plot, where nothing else is drawn
  if (l.title) out.push({ x: 0, y: 0, w: W, h: Math.min(H, Math.round(l.plot.y * r)) });
  const b = l.colorbar;
  if (b) {
    // tick marks and labels: right of the bar, up to the rotated bar label (or the edge);
    // 12 px above and below the bar for the first and last label's glyphs
    const x0 = Math.floor((b.x + b.w) * r);
    const x1 = Math.min(W, Math.ceil((b.label.text ? b.label.x - 9 : l.width) * r));
    const y0 = Math.max(0, Math.floor((b.y - 12) * r));
    const y1 = Math.min(H, Math.ceil((b.y + b.h + 12) * r));
    if (x1 > x0 && y1 > y0) out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  return out;
}

/** Draw the figure without cells through a canvas covering `rect` only, and read its pixels back. */
function drawRegion(l: HeatmapLayout, r: number, rect: Rect, skia: SkiaSurface): Pixels {
  const { canvas, ctx } = skia.canvas(rect.w, rect.h);
  ctx.translate(-rect.x, -rect.y); // the canvas comes with an identity transform
  ctx.scale(r, r);
  drawHeatmapFrame(ctx, l);
  const px = decodeSkiaPng(skia.png(canvas));
  if (!px || px.width !== rect.w || px.height !== rect.h) throw new Error(`Skia wrote a PNG this decoder does not read (${rect.w} x ${rect.h} region)`);
  return px;
}

function frameFor(l: HeatmapLayout, r: number, W: number, H: number, skia: SkiaSurface): Pixels {
  const key = frameKey(l, r);
  let f = frames.get(key);
  if (!f) {
    f = drawRegion(l, r, { x: 0, y: 0, w: W, h: H }, skia);
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

/** The PNG of a heatmap by the fast path (check `fastPathApplies` first). */
export function heatmapPngFast(l: HeatmapLayout, r: number, skia: SkiaSurface): Buffer {
  const W = Math.ceil(l.width * r);
  const H = Math.ceil(l.height * r);
  const frame = frameFor(l, r, W, H, skia);
  const px: Pixels = { width: W, height: H, data: frame.data.slice() };
  for (const rect of dynamicRects(l, r, W, H)) blit(px, drawRegion(l, r, rect, skia), rect);
  fillCells(px, l, r);
  return encodePng(px);
}
