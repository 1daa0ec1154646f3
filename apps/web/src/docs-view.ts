// A document file: the sample list (search by id, filter by label, misclassified, sorted by
// max attention, as the report does) and the selected sample drawn with @attnlens/render,
// with hover values and, for a 2-D map, a click on a row showing the tokens it attends.
import { mapCols, weightRange, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import { formatWeight, type HeatmapLayout, type HighlightLayout } from '@attnlens/render';
import { h } from './dom.js';
import { drawFigure, figureFor, type Style } from './draw.js';

export interface DocFilter {
  query: string;
  label: string;
  misclassified: boolean;
  sort: 'file' | 'max';
}

const maxWeight = (d: AttentionDocument): number => Math.max(-Infinity, ...d.maps.map((m) => weightRange(m)[1]));
const misclassified = (d: AttentionDocument): boolean => d.trueLabel !== undefined && d.predictedLabel !== undefined && d.trueLabel !== d.predictedLabel;

/** The indices of the documents the filter keeps, in the order asked. */
export function filterDocs(docs: readonly AttentionDocument[], f: DocFilter): number[] {
  const q = f.query.trim().toLowerCase();
  const keep = docs.flatMap((d, i) => {
    if (q && !d.id.toLowerCase().includes(q)) return [];
    if (f.label && d.trueLabel !== f.label && d.predictedLabel !== f.label) return [];
    if (f.misclassified && !misclassified(d)) return [];
    return [i];
  });
  if (f.sort === 'max') {
    const max = new Map(keep.map((i) => [i, maxWeight(docs[i]!)]));
    keep.sort((a, b) => max.get(b)! - max.get(a)!);
  }
  return keep;
}

export function labelsOf(docs: readonly AttentionDocument[]): string[] {
  const s = new Set<string>();
  for (const d of docs) for (const l of [d.trueLabel, d.predictedLabel]) if (l) s.add(l);
  return [...s].sort();
}

function tooltip(): HTMLElement {
  return h('div', { class: 'tip', role: 'tooltip', hidden: '' });
}

function showTip(tip: HTMLElement, text: string, ev: MouseEvent): void {
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${ev.offsetX + 14}px`;
  tip.style.top = `${ev.offsetY + 14}px`;
}

/** The cell under a point of a heatmap, in the map's own row and column indices. */
export function heatmapCell(l: HeatmapLayout, x: number, y: number): { r: number; c: number } | undefined {
  const c = Math.floor((x - l.plot.x) / l.cell);
  const vr = Math.floor((y - l.plot.y) / l.cell);
  if (c < 0 || vr < 0 || c >= l.cols || vr >= l.rows) return undefined;
  return { r: l.origin === 'upper' ? vr : l.rows - 1 - vr, c };
}

function cellText(m: AttentionMap, r: number, c: number): string {
  const w = m.weights[r * mapCols(m) + c]!;
  const src = m.colLabels?.[c] ?? `column ${c}`;
  return m.shape.length === 2 ? `${m.rowLabels?.[r] ?? `row ${r}`} → ${src}: ${formatWeight(w)}` : `${src}: ${formatWeight(w)}`;
}

/** The 1-D map of one heatmap row: what that target token attends, drawn as highlighted source tokens. */
function rowMap(m: AttentionMap, r: number): AttentionMap {
  const cols = mapCols(m);
  return {
    name: `${m.rowLabels?.[r] ?? `row ${r}`} attends`,
    shape: [cols],
    weights: m.weights.slice(r * cols, (r + 1) * cols),
    ...(m.colLabels ? { colLabels: m.colLabels } : {}),
    ...(m.validCols !== undefined ? { validCols: m.validCols } : {}),
  };
}

function heatmapFigure(doc: AttentionDocument, m: AttentionMap, style: Style): HTMLElement {
  const canvas = h('canvas', { class: 'figure', role: 'img', 'aria-label': `heatmap ${m.name ?? ''}`.trim() });
  const tip = tooltip();
  const strip = h('div', { class: 'row-strip' });
  const drawn = drawFigure(canvas, figureFor(doc, m), style, devicePixelRatio || 1);
  const l = (drawn as { layout: HeatmapLayout }).layout;
  canvas.addEventListener('mousemove', (ev) => {
    const cell = heatmapCell(l, ev.offsetX, ev.offsetY);
    if (cell) showTip(tip, cellText(l.map, cell.r, cell.c), ev);
    else tip.hidden = true;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  if (m.shape.length === 2) {
    canvas.addEventListener('click', (ev) => {
      const cell = heatmapCell(l, ev.offsetX, ev.offsetY);
      if (!cell) return;
      const c = h('canvas', { class: 'figure strip', role: 'img', 'aria-label': `source tokens attended by row ${cell.r}` });
      drawFigure(c, { kind: 'highlight', doc: { id: doc.id, maps: [rowMap(l.map, cell.r)] }, title: `${doc.id}: row ${cell.r}` }, style, devicePixelRatio || 1);
      strip.replaceChildren(c);
    });
  }
  return h('figure', { class: 'map' }, h('div', { class: 'stage' }, canvas, tip), strip);
}

function highlightFigure(doc: AttentionDocument, style: Style): HTMLElement {
  const canvas = h('canvas', { class: 'figure', role: 'img', 'aria-label': `highlighted tokens of ${doc.id}` });
  const tip = tooltip();
  const l = (drawFigure(canvas, figureFor(doc), style, devicePixelRatio || 1) as { layout: HighlightLayout }).layout;
  canvas.addEventListener('mousemove', (ev) => {
    const t = l.tokens.find((b) => ev.offsetX >= b.x && ev.offsetX < b.x + b.w && ev.offsetY >= b.y && ev.offsetY < b.y + b.h);
    if (t) showTip(tip, t.cell.title, ev);
    else tip.hidden = true;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  // The tokens as text too: for screen readers, find-in-page and copying.
  const valid = (m: AttentionMap): string[] => (m.colLabels ?? []).slice(0, m.validCols ?? mapCols(m)); // padding is not text
  const tokens = doc.maps.flatMap((m) => (m.children?.length ? m.children.slice(0, m.validCols ?? m.children.length).flatMap(valid) : m.shape.length === 1 ? valid(m) : []));
  return h('figure', { class: 'map' }, h('div', { class: 'stage' }, canvas, tip), tokens.length ? h('p', { class: 'tokens' }, ...tokens.map((t) => h('span', { class: 'tok' }, t))) : null);
}

/** The figures of one sample: highlighted tokens for 1-D and hierarchical maps, a heatmap for each 2-D map. */
export function documentView(doc: AttentionDocument, style: Style): HTMLElement {
  const labels = [doc.trueLabel !== undefined ? `true: ${doc.trueLabel}` : '', doc.predictedLabel !== undefined ? `predicted: ${doc.predictedLabel}` : ''].filter(Boolean).join(', ');
  const flat = doc.maps.filter((m) => m.shape.length === 1 || m.children?.length);
  const matrices = doc.maps.filter((m) => m.shape.length === 2 && !m.children?.length);
  return h(
    'article',
    { class: 'document' },
    h('h2', { class: 'doc-id' }, doc.id),
    labels ? h('p', { class: 'labels' }, labels) : null,
    flat.length ? highlightFigure({ ...doc, maps: flat }, style) : null,
    ...matrices.map((m) => heatmapFigure(doc, m, style)),
  );
}
