// The report's files from its model: which heatmaps to draw, the rows split into
// chunks, and the page. Nothing here draws or writes; the caller does (node.ts writes).
import type { AttentionMap } from '@attnlens/core';
import { FONT_FAMILY } from '@attnlens/render';
import type { ReportModel } from './collect.js';
import { reportHtml } from './page.js';
import { reportPalette } from './palette.js';
import { chunkText, PageIndex, rowText } from './rows.js';

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
 * `unkept` gets the ids of samples the plan reaches whose maps the collector did not keep
 * (see ReportCollector.restore); with it empty, the plan is whole.
 */
export function planHeatmaps(model: ReportModel, count: number, fileName: (id: string) => string, unkept: string[] = []): PlannedHeatmap[] {
  const out: PlannedHeatmap[] = [];
  let budget = count;
  for (let i = 0; i < model.size && budget > 0; i++) {
    if (model.error(i)) continue;
    budget--;
    const id = model.id(i);
    const maps = model.maps(i);
    if (!maps) {
      unkept.push(id);
      continue;
    }
    maps.forEach((m, column) => {
      if (m) out.push({ id, column, map: m, href: heatmapHref(fileName(id), column, model.columns.length) });
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

/** Every text the page shows, for font subsetting: the title, the columns and one string of every other code point. */
export function reportTexts(model: Pick<ReportModel, 'columns' | 'codePoints'>, title: string): string[] {
  let all = '';
  for (const cp of model.codePoints) all += String.fromCodePoint(cp);
  return [title, ...model.columns, all];
}

/** The name of data chunk `k`, as the page loads it. */
export const chunkName = (k: number): string => `chunk-${String(k).padStart(5, '0')}.js`;

/** Whether a page of `rows` rows inlines them (small reports) or loads a chunk per page shown. */
export const inlines = (rows: number, settings: Pick<PageSettings, 'pageSize'>): boolean => rows <= (settings.pageSize ?? 100) * 5;

/** The inlined rows' JSON text (an array of chunks of row texts). */
export function inlineJson(rows: readonly string[], chunkRows: number): string {
  const chunks: string[] = [];
  for (let k = 0; k * chunkRows < rows.length; k++) chunks.push(`[${rows.slice(k * chunkRows, (k + 1) * chunkRows).join(',')}]`);
  return `[${chunks.join(',')}]`;
}

/** index.html for the rows of `index`; `inline` holds the row texts when they go in the page. `missing` lists absent shards. */
export function pageHtml(index: PageIndex, failed: number, inline: readonly string[] | null, columns: string[], settings: PageSettings, missing: string[] = []): string {
  return reportHtml({
    title: settings.title,
    fontCss: settings.fontCss,
    fontFamily: FONT_FAMILY,
    columns,
    ...reportPalette(settings.cmap, settings.reverse),
    pageSize: settings.pageSize ?? 100,
    chunks: index.chunks,
    inlineJson: inline ? inlineJson(inline, index.chunkRows) : null,
    metaJson: index.metaJson(),
    ...index.labelChoices(),
    summary: {
      samples: index.size,
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

/**
 * The page and its chunks in memory (a browser; small reports). `hrefs` maps "id\0column" to
 * each planned heatmap's href; `heatmapErrors` maps ids to why their heatmap failed (listed as
 * failed samples). Node writes big reports a chunk at a time instead (writeReport).
 */
export function reportFiles(model: ReportModel, settings: PageSettings, hrefs: ReadonlyMap<string, string>, heatmapErrors: ReadonlyMap<string, string>): ReportFiles {
  const index = new PageIndex(settings.chunkRows ?? 500);
  const rows: string[] = [];
  for (let i = 0; i < model.size; i++) {
    const r = rowText(model, i, hrefs);
    index.add(r);
    rows.push(r.text);
  }
  const inline = inlines(rows.length, settings);
  const chunks: ReportFiles['chunks'] = [];
  if (!inline) for (let k = 0; k < index.chunks; k++) chunks.push({ name: chunkName(k), text: chunkText(k, rows.slice(k * index.chunkRows, (k + 1) * index.chunkRows)) });
  const failed = index.failed(heatmapErrors);
  return { html: pageHtml(index, failed.length, inline ? rows : null, model.columns, settings), chunks, failed };
}
