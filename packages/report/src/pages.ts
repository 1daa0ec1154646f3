// The report's files from its model: which heatmaps to draw, the rows split into
// chunks, and the page. Nothing here draws or writes; the caller does (node.ts writes).
import type { AttentionMap } from '@attnlens/core';
import { clipText, FONT_FAMILY, MAX_TITLE_CHARS } from '@attnlens/render';
import type { ReportModel } from './collect.js';
import { chunkScript, compactMap, reportHtml, type Compact, type Meta, type Row } from './page.js';
import { reportPalette } from './palette.js';

export interface PlannedHeatmap {
  id: string;
  column: number;
  map: AttentionMap;
  /** The PNG's path inside the report folder, as the page links it (heatmaps/NAME.png). */
  href: string;
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
      if (!m) return;
      const file = `${fileName(s.id)}${model.columns.length > 1 ? `.${column + 1}` : ''}.png`;
      out.push({ id: s.id, column, map: m, href: `heatmaps/${file}` });
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

/** The page's rows from the model: each sample's cells, with the hrefs of its planned heatmaps. */
export function reportEntries(model: ReportModel, hrefs: ReadonlyMap<string, string>, heatmapErrors: ReadonlyMap<string, string>): ReportEntry[] {
  return model.samples.map((s) => {
    const cells: (Compact | null)[] = model.columns.map((_, c) => {
      const m = s.maps[c];
      return m ? compactMap(m, model.range, hrefs.get(`${s.id}\u0000${c}`)) : null;
    });
    const failed = s.error ?? (heatmapErrors.has(s.id) ? `heatmap failed: ${heatmapErrors.get(s.id)}` : null);
    return { position: s.position, row: [s.id, s.trueLabel, s.predictedLabel, cells, s.error], max: Number(s.max.toPrecision(4)), failed };
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

/** The page and its chunks from stored rows, in the order given; `missing` lists absent shards on the page. */
export function assembleReport(entries: readonly ReportEntry[], columns: string[], settings: PageSettings, missing: string[] = []): ReportFiles {
  const chunkRows = settings.chunkRows ?? 500;
  const pageSize = settings.pageSize ?? 100;
  const meta: Meta[] = [];
  const chunks: Row[][] = [];
  const failed: { id: string; error: string }[] = [];
  for (const e of entries) {
    if (e.failed) failed.push({ id: e.row[0], error: e.failed });
    const k = Math.floor(meta.length / chunkRows);
    meta.push([e.row[0], e.row[1], e.row[2], e.max, k, e.row[4] ? 1 : 0]);
    (chunks[k] ??= []).push(e.row);
  }
  // Small reports are inlined whole; large ones load a chunk per page shown.
  const inline = meta.length <= pageSize * 5;
  const html = reportHtml({
    title: settings.title,
    fontCss: settings.fontCss,
    fontFamily: FONT_FAMILY,
    columns,
    ...reportPalette(settings.cmap, settings.reverse),
    pageSize,
    chunks: chunks.length,
    inline: inline ? chunks : null,
    meta,
    summary: {
      samples: entries.length,
      failed: failed.length,
      heatmaps: settings.heatmaps,
      inputs: settings.inputs,
      cmap: settings.cmap + (settings.reverse ? ' (reversed)' : ''),
      scale: settings.scale,
      generator: settings.generator,
      ...(missing.length ? { missing } : {}),
    },
  });
  const files = inline ? [] : chunks.map((rows, k) => ({ name: `chunk-${String(k).padStart(5, '0')}.js`, text: chunkScript(k, rows) }));
  return { html, chunks: files, failed };
}

/**
 * The page and its chunks. `hrefs` maps "id\0column" to each planned heatmap's href;
 * `heatmapErrors` maps ids to why their heatmap failed (listed as failed samples).
 */
export function reportFiles(model: ReportModel, settings: PageSettings, hrefs: ReadonlyMap<string, string>, heatmapErrors: ReadonlyMap<string, string>): ReportFiles {
  return assembleReport(reportEntries(model, hrefs, heatmapErrors), model.columns, settings);
}
