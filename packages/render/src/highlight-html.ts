import type { AttentionDocument } from '@attnlens/core/tensor';
import { NAN_COLOR, NAN_HATCH, PAD_COLOR, type Colorizer } from './colorizer.js';
import { rgbHex } from './colormap.js';
import { heatmapSvg } from './heatmap-svg.js';
import { buildHighlight, type AlignedBlock, type HierarchicalBlock, type HighlightModel, type HighlightOptions, type TokenCell } from './highlight-model.js';
import { formatBound } from './scale.js';
import { directionRuns, escapeHtml as esc, FONT_FAMILY, type Direction } from './text.js';

/**
 * The stylesheet of highlighted documents (all classes start with `al-`). Included
 * once by `highlightPage`; add it yourself when embedding `highlightHtml` fragments.
 */
export function highlightCss(fontFamily: string = FONT_FAMILY): string {
  return `
.al-doc{--al-h:24px;font-family:${fontFamily};font-size:15px;line-height:1.45;color:#1a1a1a;margin:0 0 28px;padding:14px 16px;border:1px solid #e2e2e2;border-radius:6px;background:#fff;max-width:1100px}
.al-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px;margin-bottom:10px}
.al-title{font-size:16px;font-weight:600;margin:0}
.al-label{font-size:13px;color:#444;border:1px solid #ccc;border-radius:10px;padding:0 8px}
.al-label b{font-weight:600;color:#111}
.al-miss{font-size:13px;font-weight:600;color:#b00020;border:1px solid #b00020;border-radius:10px;padding:0 8px}
.al-ok{font-size:13px;color:#1b6e20;border:1px solid #1b6e20;border-radius:10px;padding:0 8px}
.al-block{margin:8px 0 12px}
.al-block-name{font-size:12px;color:#555;margin:0 0 4px;font-weight:600}
.al-tokens{line-height:1}
.al-col{display:inline-flex;flex-direction:column;gap:2px;vertical-align:top;margin:0 2px 6px 0}
.al-names{display:inline-flex;flex-direction:column;gap:2px;vertical-align:top;margin:0 8px 6px 0;font-size:12px;color:#555;text-align:end}
.al-names span{height:var(--al-h);line-height:var(--al-h);white-space:nowrap}
.al-run{unicode-bidi:isolate}
.al-tok{position:relative;display:block;unicode-bidi:isolate;padding:0 4px;height:var(--al-h);line-height:var(--al-h);border-radius:3px;white-space:pre;text-align:center;cursor:default}
.al-tok.al-none{visibility:hidden}
.al-tok.al-nan{background:repeating-linear-gradient(45deg,${NAN_COLOR} 0 3px,${NAN_HATCH} 3px 4px)!important;color:#000}
.al-tok.al-pad{background:${PAD_COLOR};color:#444;font-style:italic}
.al-tok[data-tip]:hover::after{content:attr(data-tip);position:absolute;left:50%;top:100%;transform:translateX(-50%);margin-top:3px;background:#222;color:#fff;font-size:12px;font-style:normal;line-height:1.4;padding:2px 7px;border-radius:3px;white-space:nowrap;z-index:10;pointer-events:none;direction:ltr;unicode-bidi:isolate}
.al-sent{display:flex;align-items:flex-start;gap:8px;margin:0 0 6px}
.al-sbar{flex:0 0 64px;height:var(--al-h);background:#f1f1f1;border-radius:3px;position:relative;overflow:hidden}
.al-sfill{position:absolute;left:0;top:0;bottom:0}
.al-sval{flex:0 0 3.6em;font-size:12px;color:#444;line-height:var(--al-h);font-variant-numeric:tabular-nums}
.al-words{flex:1 1 auto;min-width:0}
.al-words .al-col{margin-bottom:4px}
.al-legend{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;font-size:12px;color:#444;margin-top:6px}
.al-lg{display:inline-flex;align-items:center;gap:6px}
.al-lg-bar{display:inline-block;width:140px;height:10px;border:1px solid #999;border-radius:2px}
.al-sw{display:inline-block;width:12px;height:12px;border:1px solid #999;vertical-align:middle}
.al-sw.al-nan{background:repeating-linear-gradient(45deg,${NAN_COLOR} 0 3px,${NAN_HATCH} 3px 4px)}
.al-sw.al-pad{background:${PAD_COLOR}}
.al-matrix svg{max-width:100%;height:auto}
`;
}

function tok(c: TokenCell | undefined, dir: Direction): string {
  if (!c) return '<span class="al-tok al-none" aria-hidden="true">·</span>';
  const cls = c.kind === 'weight' ? 'al-tok' : `al-tok al-${c.kind}`;
  const style = c.kind === 'weight' ? ` style="background:${c.bg};color:${c.fg}"` : '';
  return `<span class="${cls}"${style} dir="${dir}" title="${esc(c.title)}" data-tip="${esc(c.tip)}" data-w="${Number.isNaN(c.weight) ? 'NaN' : c.weight}">${esc(c.text)}</span>`;
}

/** Token columns in logical order, each run of the non-base direction wrapped with its own dir. */
function columns(cols: string[], dirs: Direction[], base: Direction): string {
  const out: string[] = [];
  for (const run of directionRuns(dirs)) {
    const body = cols.slice(run.start, run.end).join('\n');
    out.push(run.dir === base ? body : `<span class="al-run" dir="${run.dir}">${body}</span>`);
  }
  return out.join('\n');
}

function aligned(b: AlignedBlock): string {
  const cols = b.cells.map((col, k) => `<span class="al-col">${b.names.map((_, r) => tok(col[r], b.dirs[k]!)).join('')}</span>`);
  const names = b.names.length > 1 ? `<span class="al-names" dir="ltr">${b.names.map((n) => `<span>${esc(n)}</span>`).join('')}</span>\n` : '';
  const heading = b.names.length === 1 ? `<div class="al-block-name">${esc(b.names[0]!)}</div>` : '';
  const body = b.cells.length ? columns(cols, b.dirs, b.base) : '<em>(no tokens)</em>';
  return `<div class="al-block al-aligned" data-maps="${b.names.length}">${heading}<div class="al-tokens" dir="${b.base}">${names}${body}</div></div>`;
}

function hierarchical(b: HierarchicalBlock): string {
  const rows = b.sentences.map((s) => {
    const words = s.words.map((w, k) => `<span class="al-col">${tok(w, s.dirs[k]!)}</span>`);
    const val = s.pad ? 'pad' : Number.isFinite(s.weight) ? s.weight.toFixed(3) : 'NaN';
    return `<div class="al-sent${s.pad ? ' al-sent-pad' : ''}" data-w="${Number.isNaN(s.weight) ? 'NaN' : s.weight}">` +
      `<span class="al-sbar" title="${esc(s.title)}"><span class="al-sfill" style="width:${(s.fraction * 100).toFixed(1)}%;background:${s.color}"></span></span>` +
      `<span class="al-sval">${val}</span>` +
      `<div class="al-words al-tokens" dir="${s.base}">${s.words.length ? columns(words, s.dirs, s.base) : '<em>(empty)</em>'}</div></div>`;
  });
  return `<div class="al-block al-hier"><div class="al-block-name">${esc(b.name)}</div>${rows.join('\n')}</div>`;
}

function gradient(c: Colorizer): string {
  const stops: string[] = [];
  for (let i = 0; i <= 10; i++) stops.push(`${rgbHex(c.at(i / 10))} ${i * 10}%`);
  return `linear-gradient(to right,${stops.join(',')})`;
}

function legend(m: HighlightModel): string {
  const items = m.legend.map((e) => {
    const { min, max } = e.colorizer.scale;
    return `<span class="al-lg"><span>${esc(e.label)}</span><span class="al-lg-min">${esc(formatBound(min))}</span>` +
      `<span class="al-lg-bar" style="background:${gradient(e.colorizer)}"></span><span class="al-lg-max">${esc(formatBound(max))}</span></span>`;
  });
  if (m.hasNaN) items.push('<span class="al-lg"><span class="al-sw al-nan"></span>NaN/Inf</span>');
  if (m.hasPad) items.push('<span class="al-lg"><span class="al-sw al-pad"></span>padding</span>');
  return items.length ? `<div class="al-legend">${items.join('')}</div>` : '';
}

/** One document as an HTML fragment (a <section>; style it with `highlightCss()`). Every token is escaped. */
export function highlightHtml(doc: AttentionDocument, opts: HighlightOptions = {}): string {
  const m = buildHighlight(doc, opts);
  const head: string[] = [];
  if (m.title) head.push(`<h2 class="al-title" dir="auto">${esc(m.title)}</h2>`);
  if (m.trueLabel !== undefined) head.push(`<span class="al-label al-true">true: <b dir="auto">${esc(m.trueLabel)}</b></span>`);
  if (m.predictedLabel !== undefined) head.push(`<span class="al-label al-pred">predicted: <b dir="auto">${esc(m.predictedLabel)}</b></span>`);
  if (m.misclassified === true) head.push('<span class="al-miss">✗ misclassified</span>');
  if (m.misclassified === false) head.push('<span class="al-ok">✓ correct</span>');
  const blocks = m.blocks.map((b, i) => {
    if (b.kind === 'aligned') return aligned(b);
    if (b.kind === 'hierarchical') return hierarchical(b);
    const svg = heatmapSvg(b.map, { ...opts.heatmap, title: opts.heatmap?.title ?? b.name, idPrefix: `al-${idPart(m.id)}-${i}`, ...(opts.fontFamily ? { fontFamily: opts.fontFamily } : {}) });
    return `<div class="al-block al-matrix">${svg}</div>`;
  });
  const cls = `al-doc${m.misclassified ? ' al-misclassified' : ''}`;
  return `<section class="${cls}" data-id="${esc(m.id)}">\n<div class="al-head">${head.join('')}</div>\n${blocks.join('\n')}\n${legend(m)}\n</section>`;
}

function idPart(id: string): string {
  let h = 0x811c9dc5;
  for (const ch of id) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return (h >>> 0).toString(36);
}

export interface PageOptions extends HighlightOptions {
  /** The page <title> and heading; default 'attnlens'. */
  pageTitle?: string;
  /** Extra CSS for the <head>, e.g. @font-face rules with data: URLs from `fontFaceCss` (./node). */
  headCss?: string;
  /** The page's language tag; default 'en'. */
  lang?: string;
}

/**
 * A self-contained HTML page of documents: inline CSS, no script, no external
 * URL, and a Content-Security-Policy that forbids scripts and remote loads, so
 * even a hostile token could not run code or phone home.
 */
export function highlightPage(docs: readonly AttentionDocument[], opts: PageOptions = {}): string {
  const title = opts.pageTitle ?? 'attnlens';
  const body = docs.map((d) => highlightHtml(d, opts)).join('\n');
  return `<!doctype html>
<html lang="${esc(opts.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="attnlens">
<title>${esc(title)}</title>
<style>
body{margin:20px;background:#fafafa}
h1.al-page{font-family:${opts.fontFamily ?? FONT_FAMILY};font-size:20px;font-weight:600;margin:0 0 16px}
${highlightCss(opts.fontFamily)}${opts.headCss ? `\n${opts.headCss.replace(/<\/style/gi, '<\\/style')}` : ''}
</style>
</head>
<body>
<h1 class="al-page">${esc(title)}</h1>
${body}
</body>
</html>
`;
}
