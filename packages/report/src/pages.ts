// The report's files from its model: which heatmaps to draw, the rows split into
// chunks, and the page. Nothing here draws or writes; the caller does (node.ts writes).
import type { AttentionMap } from '@attnlens/core';
import { clipText, FONT_FAMILY, MAX_TITLE_CHARS } from '@attnlens/render';
import type { ReportModel, ReportSample } from './collect.js';
import { chunkScript, compactMap, reportHtml, type Compact, type Meta, type Row } from './page.js';
import { reportPalette } from './palette.js';

export interface PlannedHeatmap {
  id: string;
  column: number;
  map: AttentionMap;
  /** The PNG's path inside the report folder, as the page links it (heatmaps/NAME.png). */
  href: string;
}

/** The href of a sample's heatmap in `column` of `columns`: heatmaps/NAME.png, or NAME.COLUMN.png when there are several. */
export function heatmapHref(name: string, column: number, columns: number): string {
  return `heatmaps/${name}${columns > 1 ? `.${column + 1}` : ''}.png`;
}

/**
 * One heatmap per (sample, column) for the first `count` samples that can be shown.
 * `fileName` gives each id its base name (SafeNames in ./node, stable across runs).
 */
export function planHeatmaps(model: ReportModel, count: number, fileName: (id: string) => string): PlannedHeatmap[] {
  const out: PlannedHeatmap[] = [];
  let budget = count;
  for (const s of model.samples) {
    if (budget <= 0) break;
    if (s.error) continue;
    budget--;
    s.maps.forEach((m, column) => {
      if (m) out.push({ id: s.id, column, map: m, href: heatmapHref(fileName(s.id), column, model.columns.length) });
    });
  }
  return out;
}

export interface PageSettings {
  title: string;
  cmap: string;
  reverse?: boolean;
  scale: 'shared' | 'per-map';
  /** Rows a page shows; default 100. */
  pageSize?: number;
  /** Rows per data chunk file; default 500. */
  chunkRows?: number;
  /** The inputs as the summary line names them. */
  inputs: string[];
  generator: string;
  /** Heatmaps the folder holds (drawn now or by an earlier run), for the summary line. */
  heatmaps: number;
  /** @font-face rules for the texts of `reportTexts` (bundled subsets in Node; '' in a browser). */
  fontCss: string;
}

export interface ReportFiles {
  html: string;
  /** data/chunk-NNNNN.js files, empty when the rows are inlined in the page. */
  chunks: { name: string; text: string }[];
  /** Samples that could not be shown, with why. */
  failed: { id: string; error: string }[];
}

/** Every text the page shows (for font subsetting). */
export function reportTexts(model: ReportModel, title: string): Set<string> {
  const texts = new Set<string>([title, ...model.columns]);
  const addTexts = (m: AttentionMap) => {
    m.colLabels?.forEach((t) => texts.add(clipText(t, MAX_TITLE_CHARS)));
    m.rowLabels?.forEach((t) => texts.add(clipText(t, MAX_TITLE_CHARS)));
    m.children?.forEach(addTexts);
  };
  for (const s of model.samples) {
    texts.add(s.id);
    if (s.trueLabel) texts.add(s.trueLabel);
    if (s.predictedLabel) texts.add(s.predictedLabel);
    s.maps.forEach((m) => m && addTexts(m));
  }
  return texts;
}

/** One row of the page as it is stored: enough to rebuild the page without the maps (report merges). */
export interface ReportEntry {
  position: number;
  row: Row;
  max: number;
  /** Why the sample is listed as failed (its own problem, or its heatmap's), if it is. */
  failed: string | null;
}

/** One sample's row of the page, with the hrefs of its planned heatmaps ("id\0column" → href); `failed` is its own problem. */
export function sampleEntry(s: ReportSample, model: Pick<ReportModel, 'columns' | 'range'>, hrefs: ReadonlyMap<string, string>): ReportEntry {
  const cells: (Compact | null)[] = model.columns.map((_, c) => {
    const m = s.maps[c];
    return m ? compactMap(m, model.range, hrefs.get(`${s.id}\u0000${c}`)) : null;
  });
  return { position: s.position, row: [s.id, s.trueLabel, s.predictedLabel, cells, s.error], max: Number(s.max.toPrecision(4)), failed: s.error };
}

/** The page's rows from the model: each sample's cells, with the hrefs of its planned heatmaps. */
export function reportEntries(model: ReportModel, hrefs: ReadonlyMap<string, string>, heatmapErrors: ReadonlyMap<string, string>): ReportEntry[] {
  return model.samples.map((s) => {
    const e = sampleEntry(s, model, hrefs);
    if (!e.failed && heatmapErrors.has(s.id)) e.failed = `heatmap failed: ${heatmapErrors.get(s.id)}`;
    return e;
  });
}

/** Every text of stored rows the page shows (for font subsetting), as reportTexts gives for a model. */
export function entryTexts(entries: readonly ReportEntry[], columns: readonly string[], title: string): Set<string> {
  const texts = new Set<string>([title, ...columns]);
  const addTexts = (c: Compact) => {
    c.t?.forEach((t) => texts.add(t));
    c.r?.forEach((t) => texts.add(t));
    c.c?.forEach(addTexts);
  };
  for (const { row } of entries) {
    texts.add(row[0]);
    if (row[1]) texts.add(row[1]);
    if (row[2]) texts.add(row[2]);
    row[3].forEach((c) => c && addTexts(c));
  }
  return texts;
}

/** The rows laid out for the page: one meta entry per row (for filters and pagination) and the rows split into chunks. */
export interface RowLayout {
  meta: Meta[];
  chunks: Row[][];
  /** Small reports are inlined whole in the page; large ones load a chunk per page shown. */
  inline: boolean;
}

export function layoutRows(entries: readonly ReportEntry[], settings: Pick<PageSettings, 'chunkRows' | 'pageSize'>): RowLayout {
  const chunkRows = settings.chunkRows ?? 500;
  const meta: Meta[] = [];
  const chunks: Row[][] = [];
  for (const e of entries) {
    const k = Math.floor(meta.length / chunkRows);
    meta.push([e.row[0], e.row[1], e.row[2], e.max, k, e.row[4] ? 1 : 0]);
    (chunks[k] ??= []).push(e.row);
  }
  return { meta, chunks, inline: meta.length <= (settings.pageSize ?? 100) * 5 };
}

/** The name of data chunk `k`, as the page loads it. */
export const chunkName = (k: number): string => `chunk-${String(k).padStart(5, '0')}.js`;

/** The data/chunk-NNNNN.js files of a layout (none when the rows are inlined). */
export function chunkFiles(layout: RowLayout): { name: string; text: string }[] {
  return layout.inline ? [] : layout.chunks.map((rows, k) => ({ name: chunkName(k), text: chunkScript(k, rows) }));
}

/** Samples listed as failed, with why (their own problem or their heatmap's). */
export function failedEntries(entries: readonly ReportEntry[]): { id: string; error: string }[] {
  const failed: { id: string; error: string }[] = [];
  for (const e of entries) if (e.failed) failed.push({ id: e.row[0], error: e.failed });
  return failed;
}

/** index.html for laid-out rows; `failed` is how many samples the summary line counts as failed. */
export function layoutHtml(layout: RowLayout, columns: string[], settings: PageSettings, failed: number, missing: string[] = []): string {
  return reportHtml({
    title: settings.title,
    fontCss: settings.fontCss,
    fontFamily: FONT_FAMILY,
    columns,
    ...reportPalette(settings.cmap, settings.reverse),
    pageSize: settings.pageSize ?? 100,
    chunks: layout.chunks.length,
    inline: layout.inline ? layout.chunks : null,
    meta: layout.meta,
    summary: {
      samples: layout.meta.length,
      failed,
      heatmaps: settings.heatmaps,
      inputs: settings.inputs,
      cmap: settings.cmap + (settings.reverse ? ' (reversed)' : ''),
      scale: settings.scale,
      generator: settings.generator,
      ...(missing.length ? { missing } : {}),
    },
  });
}

/** The page and its chunks from stored rows, in the order given; `missing` lists absent shards on the page. */
export function assembleReport(entries: readonly ReportEntry[], columns: string[], settings: PageSettings, missing: string[] = []): ReportFiles {
  const layout = layoutRows(entries, settings);
  const failed = failedEntries(entries);
  return { html: layoutHtml(layout, columns, settings, failed.length, missing), chunks: chunkFiles(layout), failed };
}

/**
 * The page and its chunks. `hrefs` maps "id\0column" to each planned heatmap's href;
 * `heatmapErrors` maps ids to why their heatmap failed (listed as failed samples).
 */
export function reportFiles(model: ReportModel, settings: PageSettings, hrefs: ReadonlyMap<string, string>, heatmapErrors: ReadonlyMap<string, string>): ReportFiles {
  return assembleReport(reportEntries(model, hrefs, heatmapErrors), model.columns, settings);
}
