// Node-only side of @attnlens/render: @napi-rs/canvas canvases, the bundled Noto
// fonts, PNG encoding. The drawing itself lives in the browser-safe main entry.
import { createCanvas, GlobalFonts, type Canvas, type ImageMetadata, type SKRSContext2D } from '@napi-rs/canvas';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fail, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import type { Canvas2D } from './canvas-api.js';
import { drawHeatmap, measureHeatmap } from './heatmap-canvas.js';
import type { HeatmapLayout, HeatmapOptions } from './heatmap-layout.js';
import { drawHighlight, measureHighlight, type HighlightCanvasOptions, type HighlightLayout } from './highlight-canvas.js';
import { highlightPage, type PageOptions } from './highlight-html.js';

const require = createRequire(import.meta.url);

/** The bundled font packages, the family name each registers under, and the weights used. */
export const BUNDLED_FONTS: readonly { pkg: string; family: string; weights: readonly number[] }[] = [
  { pkg: '@fontsource/noto-sans', family: 'Noto Sans', weights: [400, 600] },
  { pkg: '@fontsource/noto-sans-sc', family: 'Noto Sans SC', weights: [400] },
  { pkg: '@fontsource/noto-sans-arabic', family: 'Noto Sans Arabic', weights: [400] },
  { pkg: '@fontsource/noto-sans-hebrew', family: 'Noto Sans Hebrew', weights: [400] },
  { pkg: '@fontsource/noto-emoji', family: 'Noto Emoji', weights: [400] },
];

interface FontPackage {
  dir: string;
  id: string;
  /** unicode-range per subset name. */
  ranges: Record<string, string>;
}
const packages = new Map<string, FontPackage>();
function fontPackage(pkg: string): FontPackage {
  let p = packages.get(pkg);
  if (!p) {
    const root = dirname(require.resolve(`${pkg}/package.json`));
    const meta = JSON.parse(readFileSync(join(root, 'metadata.json'), 'utf8')) as { id: string };
    const raw = JSON.parse(readFileSync(join(root, 'unicode.json'), 'utf8')) as Record<string, string>;
    const ranges: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) ranges[k.replace(/^\[(.*)\]$/, '$1')] = v;
    p = { dir: join(root, 'files'), id: meta.id, ranges };
    packages.set(pkg, p);
  }
  return p;
}

/** The woff2 files of one bundled family at one weight (fontsource splits each into unicode-range subsets). */
export function fontFiles(pkg: string, weight: number): { file: string; subset: string; range?: string }[] {
  const p = fontPackage(pkg);
  const prefix = `${p.id}-`;
  const suffix = `-${weight}-normal.woff2`;
  const out: { file: string; subset: string; range?: string }[] = [];
  for (const f of readdirSync(p.dir)) {
    if (!f.startsWith(prefix) || !f.endsWith(suffix)) continue;
    const subset = f.slice(prefix.length, -suffix.length);
    const range = p.ranges[subset];
    out.push({ file: join(p.dir, f), subset, ...(range ? { range } : {}) });
  }
  return out;
}

function parseRanges(r: string): [number, number][] {
  return r.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const lo = parseInt(a!, 16);
    return [lo, b ? parseInt(b, 16) : lo] as [number, number];
  });
}

/**
 * @font-face rules embedding (as data: URLs) the bundled font subsets that the
 * given texts need, for self-contained HTML that shows CJK, Arabic, Hebrew and
 * emoji on machines without those fonts. Only subsets covering a character of
 * the texts are embedded (a Chinese document pulls in some of Noto Sans SC's
 * ~35 KB subsets, not all 3.5 MB).
 */
export function fontFaceCss(texts: Iterable<string>): string {
  const used = new Set<number>();
  for (const t of texts) for (const ch of t) used.add(ch.codePointAt(0)!);
  // like a browser's fallback: a character is drawn by the first family of the
  // list that covers it, so only that family's subset is needed
  const subsets = BUNDLED_FONTS.flatMap((f) => f.weights.map((w) => ({ f, w, files: fontFiles(f.pkg, w).filter((x) => x.range).map((x) => ({ ...x, spans: parseRanges(x.range!) })) })));
  const needed = new Set<string>();
  for (const cp of used) {
    const covering = <T extends { spans: [number, number][] }>(files: T[]): T[] => files.filter((x) => x.spans.some(([a, b]) => cp >= a && cp <= b));
    const firstFamily = BUNDLED_FONTS.find((f) => subsets.some((s) => s.f === f && covering(s.files).length));
    if (!firstFamily) continue;
    for (const s of subsets) if (s.f === firstFamily) for (const x of covering(s.files)) needed.add(x.file);
  }
  const rules: string[] = [];
  for (const s of subsets) {
    for (const x of s.files) {
      if (!needed.has(x.file)) continue;
      const b64 = readFileSync(x.file).toString('base64');
      rules.push(`@font-face{font-family:"${s.f.family}";font-style:normal;font-weight:${s.w};font-display:block;src:url(data:font/woff2;base64,${b64}) format("woff2");unicode-range:${x.range}}`);
    }
  }
  return rules.join('\n');
}

/** Every token, label and title of the documents: what `fontFaceCss` needs to cover. */
export function documentTexts(docs: readonly AttentionDocument[]): string[] {
  const out: string[] = [];
  const visit = (m: AttentionMap) => {
    if (m.name) out.push(m.name);
    for (const l of m.colLabels ?? []) out.push(String(l));
    for (const l of m.rowLabels ?? []) out.push(String(l));
    for (const c of m.children ?? []) visit(c);
  };
  for (const d of docs) {
    out.push(d.id, d.trueLabel ?? '', d.predictedLabel ?? '');
    d.maps.forEach(visit);
  }
  out.push('0123456789.-·:✗✓∅¶ abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
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
    // fonts are process-wide in @napi-rs/canvas: a worker thread finds them registered by another
    if (GlobalFonts.has(f.family)) continue;
    for (const w of f.weights) {
      for (const { file } of fontFiles(f.pkg, w)) {
        if (GlobalFonts.registerFromPath(file, f.family)) files++;
      }
    }
  }
  if (files === 0 && !BUNDLED_FONTS.every((f) => GlobalFonts.has(f.family))) {
    fail('IO', 'no bundled font could be registered', { hint: 'reinstall @attnlens/render (its @fontsource dependencies are missing)' });
  }
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

// One canvas per thread, resized for each figure: @napi-rs/canvas frees a canvas's
// pixels only when V8 collects it, and V8 does not see that memory, so a loop of
// new canvases grows to gigabytes before a GC. Big ones are not kept.
let pooled: Canvas | undefined;
const KEEP_PIXELS = 8e6;

/** A canvas of the figure's size in device pixels, its context scaled to CSS px. */
function canvasFor(width: number, height: number, r: number): { canvas: Canvas; ctx: Canvas2D } {
  const w = Math.ceil(width * r);
  const h = Math.ceil(height * r);
  if (w * h > 400e6) fail('UNSUPPORTED', `a ${w} x ${h} px image is too large to render`, { hint: 'lower pixelRatio or maxSize, or crop the map' });
  let canvas: Canvas;
  if (pooled && w * h <= KEEP_PIXELS) {
    canvas = pooled;
    canvas.width = w; // resets the bitmap and the context state, as in a browser
    canvas.height = h;
  } else {
    canvas = createCanvas(w, h);
    if (w * h <= KEEP_PIXELS) pooled = canvas;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(r, 0, 0, r, 0, 0);
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


/** A highlighted document as PNG bytes, drawn by the same code as a browser canvas would. */
export function renderHighlightPng(doc: AttentionDocument, opts: HighlightCanvasOptions & PngOptions = {}): Buffer {
  return renderHighlight(doc, opts).png;
}

/** The PNG and the layout it was drawn from (token boxes, sentence bars). */
export function renderHighlight(doc: AttentionDocument, opts: HighlightCanvasOptions & PngOptions = {}): { png: Buffer; layout: HighlightLayout; pixelRatio: number } {
  const r = ratio(opts);
  const layout = measureHighlight(measuringContext(), doc, opts);
  const { canvas, ctx } = canvasFor(layout.width, layout.height, r);
  drawHighlight(ctx, doc, opts, layout);
  return { png: encodePng(canvas), layout, pixelRatio: r };
}

/** A self-contained HTML page with the bundled fonts the documents need embedded (see fontFaceCss). */
export function highlightPageWithFonts(docs: readonly AttentionDocument[], opts: PageOptions = {}): string {
  const css = fontFaceCss(documentTexts(docs));
  return highlightPage(docs, { ...opts, headCss: opts.headCss ? `${css}\n${opts.headCss}` : css });
}
