// Node-only side of @attnlens/render: @napi-rs/canvas canvases, the bundled Noto
// fonts, PNG encoding. The drawing itself lives in the browser-safe main entry.
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkSize, fail, type AttentionDocument, type AttentionMap, type Limits } from '@attnlens/core/tensor';
import { ownPackageUrl } from '@attnlens/core/fs';
import type { Canvas2D, MeasureText } from './canvas-api.js';
import { drawHeatmap } from './heatmap-canvas.js';
import { layoutHeatmap } from './heatmap-layout.js';
import type { HeatmapLayout, HeatmapOptions } from './heatmap-layout.js';
import { drawHighlight, layoutHighlight, type HighlightCanvasOptions, type HighlightLayout } from './highlight-canvas.js';
import { highlightPage, type PageOptions } from './highlight-html.js';
import { fastPathApplies, heatmapPngFast, type SkiaSurface } from './heatmap-pixels.js';

// The font packages are this package's dependencies, found from where it really is (this module
// may be bundled into another package's file: core's ownPackageUrl).
const require = createRequire(ownPackageUrl(import.meta.resolve, '@attnlens/render/node', import.meta.url));

/** The bundled font packages, the family name each registers under, and the weights used. */
export const BUNDLED_FONTS: readonly { pkg: string; family: string; weights: readonly number[]; lazy: boolean }[] = [
  { pkg: '@fontsource/noto-sans', family: 'Noto Sans', weights: [400, 600], lazy: false },
  { pkg: '@fontsource/noto-sans-sc', family: 'Noto Sans SC', weights: [400], lazy: true },
  // After SC, as in FONT_FAMILY: SC holds only 80 of the 11 172 hangul syllables, and Chinese keeps SC's forms.
  { pkg: '@fontsource/noto-sans-kr', family: 'Noto Sans KR', weights: [400], lazy: true },
  { pkg: '@fontsource/noto-sans-arabic', family: 'Noto Sans Arabic', weights: [400], lazy: false },
  { pkg: '@fontsource/noto-sans-hebrew', family: 'Noto Sans Hebrew', weights: [400], lazy: false },
  { pkg: '@fontsource/noto-emoji', family: 'Noto Emoji', weights: [400], lazy: true },
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
  const needed = subsetsFor(used);
  const rules: string[] = [];
  for (const x of fontCoverage()) {
    if (!needed.has(x.file) || !x.range) continue;
    const b64 = readFileSync(x.file).toString('base64');
    rules.push(`@font-face{font-family:"${x.family.family}";font-style:normal;font-weight:${x.weight};font-display:block;src:url(data:font/woff2;base64,${b64}) format("woff2");unicode-range:${x.range}}`);
  }
  return rules.join('\n');
}

/** Every token, label and title of the documents: what `fontFaceCss` needs to cover. */
export function documentTexts(docs: readonly AttentionDocument[]): string[] {
  const out: string[] = [];
  for (const d of docs) {
    out.push(d.id, d.trueLabel ?? '', d.predictedLabel ?? '');
    for (const m of d.maps) mapTexts(m, out);
  }
  out.push('0123456789.-·:✗✓∅¶⇥… abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
  return out;
}

const registration = { families: BUNDLED_FONTS.map((f) => f.family), files: 0, ms: 0 };
let baseDone = false;
const lazyFiles = new Set<string>();
const checkedCodePoints = new Set<number>();

function register(file: string, family: string): void {
  const t0 = performance.now();
  if (GlobalFonts.registerFromPath(file, family)) registration.files++;
  registration.ms += performance.now() - t0;
}

/**
 * Register the bundled Noto fonts with @napi-rs/canvas, once per process (later
 * calls return at once): Noto Sans (400, and 600 for titles), Noto Sans Arabic and
 * Noto Sans Hebrew, about 30 small subset files. Noto Sans SC (about 100 subset
 * files per weight) and Noto Emoji are registered subset by subset as text needs
 * them (`ensureFonts`): Skia's text measuring slows down in proportion to the
 * typefaces a family holds (2 ms per label with all of SC, 0.05 ms with a few).
 * The render functions call both themselves.
 */
export function registerFonts(): void {
  if (baseDone) return;
  baseDone = true;
  for (const f of BUNDLED_FONTS) {
    // fonts are process-wide in @napi-rs/canvas: a worker thread finds them registered by another
    if (f.lazy || GlobalFonts.has(f.family)) continue;
    for (const w of f.weights) for (const { file } of fontFiles(f.pkg, w)) register(file, f.family);
  }
  if (!BUNDLED_FONTS.every((f) => f.lazy || GlobalFonts.has(f.family))) {
    fail('IO', 'the bundled fonts could not be registered', { hint: 'reinstall @attnlens/render (its @fontsource dependencies are missing)' });
  }
}

let coverage: { family: (typeof BUNDLED_FONTS)[number]; weight: number; file: string; range?: string; spans: [number, number][] }[] | undefined;
function fontCoverage() {
  coverage ??= BUNDLED_FONTS.flatMap((f) => f.weights.flatMap((w) => fontFiles(f.pkg, w).map((x) => ({ family: f, weight: w, file: x.file, ...(x.range ? { range: x.range } : {}), spans: x.range ? parseRanges(x.range) : [] }))));
  return coverage;
}

/**
 * The subset files that draw these code points: for each, the subsets of the first
 * bundled family (in FONT_FAMILY order) that covers it, as a browser falls back.
 */
function subsetsFor(codePoints: Iterable<number>): Set<string> {
  const cov = fontCoverage();
  const out = new Set<string>();
  for (const cp of codePoints) {
    const hits = cov.filter((x) => x.spans.some(([a, b]) => cp >= a && cp <= b));
    const first = BUNDLED_FONTS.find((f) => hits.some((h) => h.family === f));
    if (first) for (const h of hits) if (h.family === first) out.add(h.file);
  }
  return out;
}

/** Register the lazily loaded subsets (CJK, emoji) that these texts need; cheap when nothing new appears. */
export function ensureFonts(texts: Iterable<string>): void {
  registerFonts();
  const fresh: number[] = [];
  for (const t of texts) {
    for (const ch of t) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x250 || checkedCodePoints.has(cp)) continue; // Latin is in the base set
      checkedCodePoints.add(cp);
      fresh.push(cp);
    }
  }
  if (!fresh.length) return;
  const cov = fontCoverage();
  for (const file of subsetsFor(fresh)) {
    const c = cov.find((x) => x.file === file)!;
    if (!c.family.lazy || lazyFiles.has(file)) continue;
    lazyFiles.add(file);
    register(file, c.family.family);
  }
}

function mapTexts(m: AttentionMap, out: string[] = []): string[] {
  if (m.name) out.push(m.name);
  if (m.rowTitle) out.push(m.rowTitle);
  if (m.colTitle) out.push(m.colTitle);
  for (const l of m.colLabels ?? []) out.push(String(l));
  for (const l of m.rowLabels ?? []) out.push(String(l));
  for (const c of m.children ?? []) mapTexts(c, out);
  return out;
}

/** What `registerFonts` and `ensureFonts` did so far: families, files registered, milliseconds taken. */
export function fontRegistration(): { families: string[]; files: number; ms: number } {
  return { ...registration, families: [...registration.families] };
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

// Text widths by font and text. Besides saving time, this matters for memory:
// in @napi-rs/canvas 1.1 every measureText call keeps about 270 bytes that no GC
// returns (600 000 calls grew RSS by 160 MB), and batch figures measure the same
// labels over and over. Cleared when it reaches MEASURE_CACHE entries.
const widths = new Map<string, number>();
const MEASURE_CACHE = 50_000;
let lastFont = '';
const cachedMeasure: MeasureText = (text, font) => {
  const key = font + '\u0000' + text;
  let w = widths.get(key);
  if (w === undefined) {
    const ctx = measuringContext();
    if (lastFont !== font) {
      ctx.font = font;
      lastFont = font;
    }
    w = ctx.measureText(text).width;
    if (widths.size >= MEASURE_CACHE) widths.clear();
    widths.set(key, w);
  }
  return w;
};

// One canvas per thread, resized for each figure: @napi-rs/canvas frees a canvas's
// pixels only when V8 collects it, and V8 does not see that memory, so a loop of
// new canvases grows to gigabytes before a GC. Big ones are not kept.
let pooled: Canvas | undefined;
const KEEP_PIXELS = 8e6;

/**
 * Refuse an image of width x height CSS px at pixel ratio r before any pixel is allocated: past core's
 * maxImagePixels (64 M pixels = 256 MB of RGBA unless raised) with SIZE_LIMIT; a side past 32767 px,
 * which Skia itself refuses whatever the limit, with UNSUPPORTED.
 */
function checkImageSize(width: number, height: number, r: number, lim?: Partial<Limits>): { w: number; h: number } {
  const w = Math.ceil(width * r);
  const h = Math.ceil(height * r);
  const hint = 'lower pixelRatio or maxSize, crop the map, or split the document';
  if (w > 32767 || h > 32767) fail('UNSUPPORTED', `a ${w} x ${h} px image is too large to render (Skia draws at most 32767 px a side)`, { hint, details: { width: w, height: h } });
  checkSize(w * h, `a ${w} x ${h} px image`, 'maxImagePixels', { limits: lim, instead: hint });
  return { w, h };
}

/** A canvas of the figure's size in device pixels, its context scaled to CSS px. */
function canvasFor(width: number, height: number, r: number, lim?: Partial<Limits>): { canvas: Canvas; ctx: Canvas2D } {
  const { w, h } = checkImageSize(width, height, r, lim);
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


/** A heatmap of `map` as PNG bytes (see HeatmapOptions for every default). */
export function renderHeatmapPng(map: AttentionMap, opts: HeatmapOptions & PngOptions = {}): Buffer {
  return renderHeatmap(map, opts).png;
}

/** The PNG and the layout it was drawn from (cell positions, labels), for callers that annotate or test it. */
export function renderHeatmap(map: AttentionMap, opts: HeatmapOptions & PngOptions = {}): { png: Buffer; layout: HeatmapLayout; pixelRatio: number } {
  const r = ratio(opts);
  ensureFonts(mapTexts(map, [opts.title ?? '', opts.rowTitle ?? '', opts.colTitle ?? '', opts.colorbarLabel ?? '', '…']));
  const layout = layoutHeatmap(map, opts, cachedMeasure);
  checkImageSize(layout.width, layout.height, r, opts.limits); // before the fast path allocates its pixels too
  const fast = fastPathApplies(layout, r) ? heatmapPngFast(layout, r, skiaSurface) : undefined;
  if (fast) return { png: fast, layout, pixelRatio: r };
  const { canvas, ctx } = canvasFor(layout.width, layout.height, r, opts.limits);
  drawHeatmap(ctx, map, opts, layout);
  return { png: encodePng(canvas), layout, pixelRatio: r };
}

/** The same figure drawn wholly by Skia, cells included (the path before the fast one; tests compare the two). */
export function renderHeatmapSkiaPng(map: AttentionMap, opts: HeatmapOptions & PngOptions = {}): Buffer {
  const r = ratio(opts);
  ensureFonts(mapTexts(map, [opts.title ?? '', opts.rowTitle ?? '', opts.colTitle ?? '', opts.colorbarLabel ?? '', '…']));
  const layout = layoutHeatmap(map, opts, cachedMeasure);
  const { canvas, ctx } = canvasFor(layout.width, layout.height, r, opts.limits);
  drawHeatmap(ctx, map, opts, layout);
  return encodePng(canvas);
}

/** Device-pixel canvases (the pooled one) and Skia's PNG of them, for the fast path's frame and text regions. */
const skiaSurface: SkiaSurface = { canvas: (w, h) => canvasFor(w, h, 1), png: (c) => encodePng(c), measure: cachedMeasure };

/**
 * PNG bytes of a canvas; then frees the pixels of a canvas that is not kept
 * (@napi-rs/canvas frees them only when V8 collects the canvas, and V8 does not
 * count them, so a loop of renders grows by gigabytes between collections).
 */
function encodePng(canvas: Canvas): Buffer {
  // Through a data: URL because in @napi-rs/canvas 1.1 the Buffers of encodeSync and
  // toBuffer are never freed (RSS grew by each PNG's size, GC or not), while the
  // string of toDataURL is ordinary V8 memory; decoding base64 costs ~0.1 ms.
  // (A JS encoder, 3x faster than Skia's, was tried: it needs getImageData, whose
  // pixels are also memory V8 does not count.)
  const url = canvas.toDataURL('image/png');
  const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  if (canvas !== pooled) {
    canvas.width = 0;
    canvas.height = 0;
  }
  return png;
}

/** A highlighted document as PNG bytes, drawn by the same code as a browser canvas would. */
export function renderHighlightPng(doc: AttentionDocument, opts: HighlightCanvasOptions & PngOptions = {}): Buffer {
  return renderHighlight(doc, opts).png;
}

/** The PNG and the layout it was drawn from (token boxes, sentence bars). */
export function renderHighlight(doc: AttentionDocument, opts: HighlightCanvasOptions & PngOptions = {}): { png: Buffer; layout: HighlightLayout; pixelRatio: number } {
  const r = ratio(opts);
  ensureFonts([...documentTexts([doc]), opts.title ?? '']);
  const layout = layoutHighlight(doc, opts, cachedMeasure);
  const { canvas, ctx } = canvasFor(layout.width, layout.height, r, opts.limits);
  drawHighlight(ctx, doc, opts, layout);
  return { png: encodePng(canvas), layout, pixelRatio: r };
}

/** A self-contained HTML page with the bundled fonts the documents need embedded (see fontFaceCss). */
export function highlightPageWithFonts(docs: readonly AttentionDocument[], opts: PageOptions = {}): string {
  const css = fontFaceCss(documentTexts(docs));
  return highlightPage(docs, { ...opts, headCss: opts.headCss ? `${css}\n${opts.headCss}` : css });
}
