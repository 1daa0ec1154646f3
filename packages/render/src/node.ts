// Node-only side of @attnlens/render: @napi-rs/canvas canvases, the bundled Noto
// fonts, PNG encoding. The drawing itself lives in the browser-safe main entry.
import { createCanvas, GlobalFonts, type Canvas, type ImageMetadata, type SKRSContext2D } from '@napi-rs/canvas';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fail, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import type { Canvas2D } from './canvas-api.js';
import { drawHeatmap, measureHeatmap } from './heatmap-canvas.js';
import type { HeatmapLayout, HeatmapOptions } from './heatmap-layout.js';

const require = createRequire(import.meta.url);

/** The bundled font packages, the family name each registers under, and the weights used. */
export const BUNDLED_FONTS: readonly { pkg: string; family: string; weights: readonly number[] }[] = [
  { pkg: '@fontsource/noto-sans', family: 'Noto Sans', weights: [400, 600] },
  { pkg: '@fontsource/noto-sans-sc', family: 'Noto Sans SC', weights: [400] },
  { pkg: '@fontsource/noto-sans-arabic', family: 'Noto Sans Arabic', weights: [400] },
  { pkg: '@fontsource/noto-sans-hebrew', family: 'Noto Sans Hebrew', weights: [400] },
  { pkg: '@fontsource/noto-emoji', family: 'Noto Emoji', weights: [400] },
];

/** The woff2 files of one bundled family at one weight (fontsource splits each into unicode-range subsets). */
export function fontFiles(pkg: string, weight: number): { file: string; subset: string }[] {
  const dir = join(dirname(require.resolve(`${pkg}/package.json`)), 'files');
  const re = new RegExp(`^.+?-(.+)-${weight}-normal\\.woff2$`);
  const out: { file: string; subset: string }[] = [];
  for (const f of readdirSync(dir)) {
    const m = re.exec(f);
    if (m) out.push({ file: join(dir, f), subset: m[1]! });
  }
  return out;
}

let registered: { families: string[]; files: number; ms: number } | undefined;

/**
 * Register the bundled Noto fonts with @napi-rs/canvas, once per process (later
 * calls return at once). Takes about 0.3 s, mostly the ~100 subset files of Noto
 * Sans SC; only the weights drawn are registered (400, and 600 of Noto Sans for titles).
 * The render functions call it themselves.
 */
export function registerFonts(): void {
  if (registered) return;
  const t0 = performance.now();
  let files = 0;
  for (const f of BUNDLED_FONTS) {
    for (const w of f.weights) {
      for (const { file } of fontFiles(f.pkg, w)) {
        if (GlobalFonts.registerFromPath(file, f.family)) files++;
      }
    }
  }
  if (files === 0) fail('IO', 'no bundled font could be registered', { hint: 'reinstall @attnlens/render (its @fontsource dependencies are missing)' });
  registered = { families: BUNDLED_FONTS.map((f) => f.family), files, ms: performance.now() - t0 };
}

/** What `registerFonts` did: families, files registered, milliseconds taken (undefined before it ran). */
export function fontRegistration(): { families: string[]; files: number; ms: number } | undefined {
  return registered && { ...registered, families: [...registered.families] };
}

export interface PngOptions {
  /** Device pixels per CSS pixel; default 1 (2 for crisp images on HiDPI screens and print). */
  pixelRatio?: number;
}

function ratio(o: PngOptions): number {
  const r = o.pixelRatio ?? 1;
  if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0 || r > 8) fail('BAD_ARGUMENT', `pixelRatio must be a number in (0, 8], got ${String(r)}`);
  return r;
}

let scratch: SKRSContext2D | undefined;
/** A 1x1 context for measuring text before the real canvas size is known. */
export function measuringContext(): Canvas2D {
  registerFonts();
  scratch ??= createCanvas(1, 1).getContext('2d');
  return scratch as unknown as Canvas2D;
}

/** Guard against allocating an absurd bitmap (the layout already caps sizes). */
function canvasFor(width: number, height: number, r: number) {
  const w = Math.ceil(width * r);
  const h = Math.ceil(height * r);
  if (w * h > 400e6) fail('UNSUPPORTED', `a ${w} x ${h} px image is too large to render`, { hint: 'lower pixelRatio or maxSize, or crop the map' });
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (r !== 1) ctx.scale(r, r);
  return { canvas, ctx: ctx as unknown as Canvas2D };
}

const PNG_META: ImageMetadata = { software: 'attnlens' };

/** A heatmap of `map` as PNG bytes (see HeatmapOptions for every default). */
export function renderHeatmapPng(map: AttentionMap, opts: HeatmapOptions & PngOptions = {}): Buffer {
  return renderHeatmap(map, opts).png;
}

/** The PNG and the layout it was drawn from (cell positions, labels), for callers that annotate or test it. */
export function renderHeatmap(map: AttentionMap, opts: HeatmapOptions & PngOptions = {}): { png: Buffer; layout: HeatmapLayout; pixelRatio: number } {
  const r = ratio(opts);
  const layout = measureHeatmap(measuringContext(), map, opts);
  const { canvas, ctx } = canvasFor(layout.width, layout.height, r);
  drawHeatmap(ctx, map, opts, layout);
  return { png: encodePng(canvas), layout, pixelRatio: r };
}

function encodePng(canvas: Canvas, meta: ImageMetadata = PNG_META): Buffer {
  return canvas.encodeSync('png', meta);
}

export type { AttentionDocument };
