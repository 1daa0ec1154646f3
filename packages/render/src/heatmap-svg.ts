import { fail } from '@attnlens/core/tensor';
import type { AttentionMap } from '@attnlens/core/tensor';
import { NAN_COLOR, NAN_HATCH, PAD_COLOR } from './colorizer.js';
import { rgbHex, textColorFor } from './colormap.js';
import { cellAt, cellOrigin, layoutHeatmap, type HeatmapLayout, type HeatmapOptions, type LabelItem } from './heatmap-layout.js';
import { formatWeight } from './scale.js';
import { clipText, escapeHtml as esc, estimateTextWidth, MAX_TITLE_CHARS } from './text.js';

export interface SvgOptions extends HeatmapOptions {
  /** Prefix of the ids inside the SVG (pattern, gradient), so several SVGs can share a page; default derived from the map. */
  idPrefix?: string;
  /** Per-cell hover titles ("row → column: weight"); default true up to 40 000 cells (they make big files). */
  cellTitles?: boolean;
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

/** FNV-1a over the weights' bytes and the name: a stable id prefix per map. */
function mapId(m: AttentionMap): string {
  let h = 0x811c9dc5;
  const b = new Uint8Array(m.weights.buffer, m.weights.byteOffset, Math.min(m.weights.byteLength, 1 << 16));
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (const ch of m.name ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return 'attnlens-' + (h >>> 0).toString(36);
}

/**
 * The heatmap as a standalone SVG document (vector, for print), with the same
 * layout as the PNG. Text is laid out with estimated widths and drawn in the
 * viewer's fonts through FONT_FAMILY (no font is embedded: a CJK subset set would
 * add megabytes; any system with CJK fonts shows the glyphs). Cut labels carry
 * their full text in a <title>, and every cell its weight.
 */
export function heatmapSvg(map: AttentionMap, opts: SvgOptions = {}): string {
  const l = layoutHeatmap(map, opts, estimateTextWidth);
  const id = opts.idPrefix ?? mapId(map);
  if (!/^[A-Za-z][\w-]*$/.test(id)) fail('BAD_ARGUMENT', `idPrefix ${JSON.stringify(id)} is not a valid SVG id`, { hint: 'use a letter followed by letters, digits, _ or -' });
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family="${esc(l.fontFamily)}">`);
  if (l.title) out.push(`<title>${esc(l.title.full)}</title>`);
  out.push('<defs>');
  out.push(`<pattern id="${id}-nan" patternUnits="userSpaceOnUse" width="4" height="4"><rect width="4" height="4" fill="${NAN_COLOR}"/><path d="M-1,1 l2,-2 M0,4 l4,-4 M3,5 l2,-2" stroke="${NAN_HATCH}" stroke-width="1"/></pattern>`);
  if (l.colorbar) {
    const stops: string[] = [];
    for (let i = 0; i <= 64; i++) stops.push(`<stop offset="${n(i / 64)}" stop-color="${rgbHex(l.colorizer.at(i / 64))}"/>`);
    out.push(`<linearGradient id="${id}-bar" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient>`);
  }
  out.push('</defs>');
  out.push(`<rect width="100%" height="100%" fill="${esc(l.background)}"/>`);
  cells(out, l, id, opts.cellTitles ?? l.rows * l.cols <= 40_000);
  labels(out, l);
  colorbar(out, l, id);
  legend(out, l, id);
  out.push('</svg>');
  return out.join('\n');
}

function cells(out: string[], l: HeatmapLayout, id: string, titles: boolean): void {
  const rowName = (r: number) => (l.map.shape.length === 2 ? (l.map.rowLabels?.[r] !== undefined ? `${clipText(l.map.rowLabels[r], MAX_TITLE_CHARS)} → ` : `row ${r} → `) : '');
  const colName = (c: number) => (l.map.colLabels?.[c] !== undefined ? clipText(String(l.map.colLabels[c]), MAX_TITLE_CHARS) : `column ${c}`);
  out.push('<g class="cells" shape-rendering="crispEdges">');
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const { w, pad } = cellAt(l, r, c);
      const { x, y } = cellOrigin(l, r, c);
      const fill = pad ? PAD_COLOR : Number.isFinite(w) ? l.colorizer.css(w) : `url(#${id}-nan)`;
      const t = titles ? `<title>${esc(rowName(r) + colName(c))}: ${pad ? 'padding' : formatWeight(w)}</title>` : '';
      out.push(`<rect x="${x}" y="${y}" width="${l.cell}" height="${l.cell}" fill="${fill}"${t ? `>${t}</rect>` : '/>'}`);
    }
  }
  out.push('</g>');
  if (l.values) {
    out.push(`<g class="values" font-size="${/(\d+)px/.exec(l.values.font)![1]}" text-anchor="middle" dominant-baseline="central">`);
    for (let r = 0; r < Math.min(l.rows, l.validRows); r++) {
      for (let c = 0; c < Math.min(l.cols, l.validCols); c++) {
        const { w } = cellAt(l, r, c);
        if (!Number.isFinite(w)) continue;
        const { x, y } = cellOrigin(l, r, c);
        out.push(`<text x="${n(x + l.cell / 2)}" y="${n(y + l.cell / 2)}" fill="${textColorFor(l.colorizer.rgb(w)!)}">${w.toFixed(l.values.digits)}</text>`);
      }
    }
    out.push('</g>');
  }
}

/** A label anchored at its physical right end; in SVG, text-anchor follows the text direction, so RTL uses 'start'. */
function labelText(lab: LabelItem, attrs: string, anchorRight: boolean): string {
  const anchor = anchorRight ? (lab.dir === 'rtl' ? 'start' : 'end') : 'middle';
  // isolate: an override inside a token (U+202E) ends with the token
  const dir = lab.dir === 'rtl' ? ' direction="rtl" unicode-bidi="isolate"' : ' unicode-bidi="isolate"';
  const title = lab.cut ? `<title>${esc(lab.full)}</title>` : '';
  return `<text ${attrs} text-anchor="${anchor}"${dir}>${title}${esc(lab.text)}</text>`;
}

function labels(out: string[], l: HeatmapLayout): void {
  const px = /(\d+)px/.exec(l.labelFont)![1];
  out.push(`<g class="labels" font-size="${px}" fill="#222222">`);
  for (const lab of l.rowLabels) out.push(labelText(lab, `class="row-label" x="${n(lab.x)}" y="${n(lab.y)}" dominant-baseline="central"`, true));
  for (const lab of l.colLabels) {
    if (l.colRotated) out.push(labelText(lab, `class="col-label" transform="translate(${n(lab.x)},${n(lab.y)}) rotate(-90)" dominant-baseline="central"`, true));
    else out.push(labelText(lab, `class="col-label" x="${n(lab.x)}" y="${n(lab.y)}" dominant-baseline="hanging"`, false));
  }
  out.push('</g>');
  const t = (o: { text: string; x: number; y: number; font: string }, cls: string, rotate = 0) => {
    const size = /(\d+)px/.exec(o.font)![1];
    const weight = /^(\d{3}) /.exec(o.font)?.[1];
    const pos = rotate ? `transform="translate(${n(o.x)},${n(o.y)}) rotate(${rotate})"` : `x="${n(o.x)}" y="${n(o.y)}"`;
    return `<text class="${cls}" ${pos} font-size="${size}"${weight ? ` font-weight="${weight}"` : ''} text-anchor="middle" dominant-baseline="central" unicode-bidi="isolate" fill="#111111">${esc(o.text)}</text>`;
  };
  if (l.title) out.push(t(l.title, 'title'));
  if (l.colTitle) out.push(t(l.colTitle, 'col-title'));
  if (l.rowTitle) out.push(t(l.rowTitle, 'row-title', -90));
}

function colorbar(out: string[], l: HeatmapLayout, id: string): void {
  const b = l.colorbar;
  if (!b) return;
  const px = /(\d+)px/.exec(b.tickFont)![1];
  out.push(`<g class="colorbar" font-size="${px}" fill="#222222">`);
  out.push(`<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="url(#${id}-bar)" stroke="#555555" stroke-width="1"/>`);
  for (const t of b.ticks) {
    out.push(`<line x1="${b.x + b.w}" x2="${b.x + b.w + 4}" y1="${n(t.y)}" y2="${n(t.y)}" stroke="#555555"/>`);
    out.push(`<text x="${b.x + b.w + 6}" y="${n(t.y)}" dominant-baseline="central">${esc(t.text)}</text>`);
  }
  if (b.label.text) {
    const lp = /(\d+)px/.exec(b.label.font)![1];
    out.push(`<text class="colorbar-label" transform="translate(${n(b.label.x)},${n(b.label.y)}) rotate(90)" font-size="${lp}" text-anchor="middle" dominant-baseline="central">${esc(b.label.text)}</text>`);
  }
  out.push('</g>');
}

function legend(out: string[], l: HeatmapLayout, id: string): void {
  const lg = l.legend;
  if (!lg.items.length) return;
  const px = Number(/(\d+)px/.exec(lg.font)![1]);
  out.push(`<g class="legend" font-size="${px}" fill="#222222">`);
  let x = lg.x;
  let y = lg.y + px * 0.8;
  const swatches = lg.items.filter((i) => i.kind !== 'note');
  for (const it of swatches) {
    const s = px + 1;
    out.push(`<rect x="${n(x)}" y="${n(y - s / 2)}" width="${s}" height="${s}" fill="${it.kind === 'nan' ? `url(#${id}-nan)` : PAD_COLOR}" stroke="#777777"/>`);
    out.push(`<text x="${n(x + s + 5)}" y="${n(y)}" dominant-baseline="central">${esc(it.text)}</text>`);
    x += s + 5 + estimateTextWidth(it.text, lg.font) + 14;
  }
  if (swatches.length) y += px * 1.6;
  for (const it of lg.items) {
    if (it.kind !== 'note') continue;
    out.push(`<text class="note" x="${n(lg.x)}" y="${n(y)}" dominant-baseline="central" fill="#555555">${esc(it.text)}</text>`);
    y += px * 1.5;
  }
  out.push('</g>');
}
