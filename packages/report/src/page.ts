// The report page (index.html): one row per sample, one column per input, filters, pagination.
// Row details live in data/chunk-NNNNN.js files loaded on demand with <script> tags
// (which work from file://, unlike fetch), so a report of 100 000 samples opens fast
// from disk with no server and no network; small reports are inlined whole.
import type { AttentionDocument, AttentionMap } from '@attnlens/core';
import { mapCols, mapRows, weightRange } from '@attnlens/core';
import { clipText, hierarchicalWordScale, MAX_TITLE_CHARS, type ColorSteps } from '@attnlens/render';
import { reportRange } from './palette.js';
import { reportClientScript } from './client.js';

export interface Compact {
  s: number[]; w: number[]; t?: string[]; r?: string[]; n?: number; m?: number; h?: string; c?: Compact[]; lo: number; hi: number; e?: string;
}

/**
 * A float32 weight to 4 significant digits: exactly Number(w.toPrecision(4)), ~3x faster (500 000
 * weights: 73 -> 23 ms on the 2-core machine; issue 15:
 * toPrecision and the parse back were 169 ms of a 10 000-sample report's main thread). A float32
 * has 24 significant bits and 10^k = 2^k·5^k, with 5^k at most 28 bits for k ≤ 12, so w·10^k is
 * exact in a double; for every float32 in 1e-8 ≤ |w| < 1e4, k = 3 − floor(log10|w|) puts it in
 * [1000, 10000) (scripts/round4-exponent.mjs checks all 334 million). Math.round of it (ties up,
 * on |w|, as toPrecision rounds ties away from zero) is then the correct 4-digit n, and n / 10^k the
 * double nearest n·10^-k, which is what parsing the digits gives. Other values take toPrecision.
 */
export function round4(w: number): number {
  if (!Number.isFinite(w) || w === 0) return w;
  const a = Math.abs(w);
  if (!(a >= 1e-8 && a < 1e4)) return Number(w.toPrecision(4));
  const k = 3 - Math.floor(Math.log10(a));
  const n = Math.round(a * POW10[k]!);
  return (w < 0 ? -n : n) / POW10[k]!;
}
const POW10 = Array.from({ length: 13 }, (_, k) => 10 ** k);

/**
 * A map as the page's row cell. The colour range (lo, hi) is what @attnlens/render's buildHighlight
 * uses with scale and sentenceScale both the report's (shared range or 'auto'): a hierarchical map's
 * own range colours its sentence bars, its children's the words, one range over the whole document.
 */
export function compactMap(m: AttentionMap, range: [number, number] | undefined, href?: string, own?: { min: number; max: number }): Compact {
  const { min: lo, max: hi } = own ?? reportRange(m, range);
  const rows = mapRows(m);
  const cols = mapCols(m);
  // Weights as JSON numbers: NaN becomes null in JSON, so keep it as a string the client reads as NaN.
  // A 2-D map shows as its token lines and heatmap image, so its weights stay out of the page
  // (a 3000 x 3000 map was 9 million numbers of inline JSON).
  const w = rows > 1 || m.shape.length === 2 ? [] : Array.from(m.weights.subarray(0, rows * cols), (x) => (Number.isNaN(x) ? (NaN as number) : round4(x)));
  const c: Compact = { s: [...m.shape], w, lo, hi };
  // Tokens as the page's tooltips show them, at most MAX_TITLE_CHARS (the page cuts labels shorter).
  const clip = (t: string[]) => t.map((x) => clipText(x, MAX_TITLE_CHARS));
  if (m.colLabels?.length) c.t = clip(m.colLabels);
  if (m.rowLabels?.length) c.r = clip(m.rowLabels);
  if (m.validCols !== undefined) c.n = m.validCols;
  if (m.validRows !== undefined) c.m = m.validRows;
  if (href) c.h = href;
  if (m.children?.length) {
    const words = range ? undefined : hierarchicalWordScale(m);
    c.c = m.children.map((ch) => compactMap(ch, range, undefined, words));
  }
  return c;
}

/** Largest valid weight of a document's maps (for the "max attention" filter). */
export function maxWeight(d: AttentionDocument): number {
  let hi = 0;
  const visit = (m: AttentionMap) => {
    const r = weightRange(m)[1];
    if (r > hi && Number.isFinite(r)) hi = r;
    m.children?.forEach(visit);
  };
  d.maps.forEach(visit);
  return hi;
}

/** Whether a JSON-bound value holds NaN or an infinity anywhere (plain arrays and objects, as the page's values are). */
function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'number' ? !Number.isFinite(x) : x !== null && typeof x === 'object' && hasNonFinite(x)) return true;
    return false;
  }
  for (const k in v) if (hasNonFinite((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** JSON that is safe inside <script>: no "</script>", no "<!--". NaN survives as the token NaN is not JSON, so it is written as null and read back as NaN. */
export function scriptJson(v: unknown): string {
  // The replacer costs a call per value (most of a report's main-thread time at 1M samples):
  // only values holding a non-finite number take it; for the rest it would change nothing.
  const text = hasNonFinite(v) ? JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity') : x)) : JSON.stringify(v);
  if (!/[<\u2028\u2029]/.test(text)) return text;
  return text
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageOptions {
  title: string;
  /** @font-face rules (bundled font subsets as data: URLs) so CJK/RTL/emoji show on machines without the fonts. */
  fontCss: string;
  fontFamily: string;
  columns: string[];
  /** 256 colours of the map, for the header's legend. */
  lut: string[];
  /** The colour map and the sentence bars' map as render's step tables (reportPalette). */
  steps: ColorSteps;
  sentenceSteps: ColorSteps;
  pageSize: number;
  chunks: number;
  /** The rows' chunks as JSON text (an array of arrays of rows) when they are inlined, else null. */
  inlineJson: string | null;
  /** The meta array's JSON text (PageIndex.metaJson): one [id, true, predicted, max, chunk, failed] per row. */
  metaJson: string;
  /** The distinct true and predicted labels, sorted, for the filters. */
  labels: string[];
  preds: string[];
  summary: { samples: number; failed: number; heatmaps: number; inputs: string[]; cmap: string; scale: string; generator: string; missing?: string[] };
}

export function reportHtml(p: PageOptions): string {
  const { labels, preds } = p;
  const opt = (xs: string[]) => ['<option value="">any</option>', ...xs.map((x) => `<option value="${esc(x)}">${esc(x)}</option>`)].join('');
  const legend = p.lut.filter((_, i) => i % 32 === 0 || i === 255).map((c) => `<span style="background:${c}"></span>`).join('');
  const cfg = { columns: p.columns, steps: p.steps, sentenceSteps: p.sentenceSteps, pageSize: p.pageSize, chunks: p.chunks, inline: null };
  // The rows go in as the text they already are; `"inline":null` occurs once, as the key (strings escape their quotes).
  const cfgJson = scriptJson(cfg).replace('"inline":null', () => `"inline":${p.inlineJson ?? 'null'}`);
  const client = reportClientScript();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(p.summary.generator)}">
<title>${esc(p.title)}</title>
<style>
${p.fontCss}
:root { font-family: ${p.fontFamily}; color: #1d1d1f; }
body { margin: 0; background: #fafafa; }
header { padding: 16px 24px 8px; background: #fff; border-bottom: 1px solid #e3e3e3; position: sticky; top: 0; z-index: 2; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { color: #555; font-size: 13px; margin-bottom: 8px; }
.summary .failed { color: #b00020; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; font-size: 13px; }
.filters label { display: inline-flex; gap: 6px; align-items: center; }
.legend { display: inline-flex; height: 12px; border: 1px solid #ccc; }
.legend span { width: 10px; }
main { padding: 8px 24px 40px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #eee; font-size: 14px; }
th { font-size: 12px; color: #666; font-weight: 600; background: #f4f4f4; }
td.id { font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; color: #444; }
td.labels span { display: inline-block; padding: 1px 6px; border-radius: 8px; font-size: 12px; margin: 0 4px 2px 0; }
td.labels span, td.id, .src bdi, .tgt bdi { unicode-bidi: isolate; }
td.labels .true { background: #e8f0fe; color: #174ea6; }
td.labels .true::before { content: 'true '; opacity: .6; }
td.labels .pred { background: #eee; color: #333; }
td.labels .pred::before { content: 'pred '; opacity: .6; }
tr.mis td.labels .pred { background: #fde7e9; color: #b00020; }
tr.mis td.labels .pred::after { content: ' ✗'; }
tr.bad td { background: #fff4f4; }
.err { color: #b00020; font-size: 13px; }
.tok { display: inline-block; padding: 1px 3px; border-radius: 3px; line-height: 1.7; unicode-bidi: isolate; }
.tok.nan { background: repeating-linear-gradient(45deg, #ddd 0 3px, #fff 3px 6px); }
.tok:hover { outline: 2px solid #333; }
.sent { display: flex; gap: 8px; align-items: baseline; margin: 2px 0; }
.bar { flex: 0 0 60px; height: 10px; background: #f0f0f0; border-radius: 2px; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: #2f6fad; }
.src, .tgt { font-size: 13px; }
a.hm { font-size: 12px; margin-left: 6px; }
a.hm img { display: block; max-height: 240px; max-width: 480px; margin-top: 4px; border: 1px solid #ddd; }
nav { margin: 10px 0; display: flex; gap: 10px; align-items: center; font-size: 13px; }
</style>
</head>
<body>
<header>
<h1>${esc(p.title)}</h1>
<div class="summary">${p.summary.samples} samples from ${p.summary.inputs.map(esc).join(', ')} · ${p.summary.heatmaps} heatmaps · colour map ${esc(p.summary.cmap)} (${esc(p.summary.scale)} scale)${p.summary.failed ? ` · <span class="failed">${p.summary.failed} failed</span>` : ''}${p.summary.missing?.length ? ` · <span class="failed">shards ${p.summary.missing.map(esc).join(', ')} missing</span>` : ''} · ${esc(p.summary.generator)}</div>
<div class="filters">
<label>true label <select id="f-label">${opt(labels)}</select></label>
<label>predicted <select id="f-pred">${opt(preds)}</select></label>
<label><input type="checkbox" id="f-mis"> misclassified only</label>
<label><input type="checkbox" id="f-bad"> failed only</label>
<label>max attention ≥ <input type="range" id="f-max" min="0" max="1" step="0.01" value="0"> <span id="f-max-v">0.00</span></label>
<label>id <input type="search" id="f-q" placeholder="filter ids"></label>
<span class="legend" title="low → high attention">${legend}</span>
<span id="count"></span>
</div>
</header>
<main>
<nav><button id="prev">◀ prev</button><span id="page"></span><button id="next">next ▶</button></nav>
<table>
<thead><tr><th>sample</th><th>labels</th>${p.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>
<tbody id="rows"></tbody>
</table>
</main>
<script type="application/json" id="attnlens-config">${cfgJson}</script>
<script type="application/json" id="attnlens-meta">${p.metaJson}</script>
<script>${client}</script>
</body>
</html>
`;
}
