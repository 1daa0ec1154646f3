// Writing a report folder in two steps, so that its rows go out while its heatmaps are still
// being drawn: `writeReportRows` builds the rows, the font subset and the data chunks (all
// that does not depend on how the drawing went); `finishReport` then writes index.html, whose
// summary counts the heatmaps drawn and failed, and for a shard data/shard.json.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Shard } from '@attnlens/core';
import { atomicWriteFile } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import type { ReportModel } from './collect.js';
import { chunkScript } from './page.js';
import { chunkName, failedEntries, layoutHtml, layoutRows, reportTexts, sampleEntry, type PageSettings, type ReportEntry, type ReportFiles, type RowLayout } from './pages.js';
import { reportShardPath, writeReportShard } from './report-merge.js';
import { writeChunks, writeIndex } from './write-page.js';

/** A report's rows, written out except for index.html. */
export interface ReportRows {
  columns: string[];
  entries: ReportEntry[];
  layout: RowLayout;
  fontCss: string;
}

/** What was written: the page, how many chunk files, the failed samples and index.html's path. */
export interface WrittenReport extends Omit<ReportFiles, 'chunks'> {
  chunks: number;
  index: string;
}

/**
 * Step 1: the rows of `model` (with the hrefs of its planned heatmaps, "id\0column" → href)
 * and the data/chunk-*.js files, written into `out` (made by prepareOutputFolder with data/).
 * Built and written a chunk at a time: each write gives the event loop back, so worker
 * threads drawing heatmaps meanwhile get their next job without waiting for all the rows.
 */
export async function writeReportRows(out: string, model: ReportModel, settings: Pick<PageSettings, 'title' | 'pageSize' | 'chunkRows'>, hrefs: ReadonlyMap<string, string>): Promise<ReportRows> {
  const chunkRows = settings.chunkRows ?? 500;
  const inline = model.samples.length <= (settings.pageSize ?? 100) * 5;
  await writeChunks(out, []);
  const entries: ReportEntry[] = [];
  for (let k = 0; k * chunkRows < model.samples.length; k++) {
    const slice = model.samples.slice(k * chunkRows, (k + 1) * chunkRows).map((s) => sampleEntry(s, model, hrefs));
    entries.push(...slice);
    if (inline) await new Promise<void>((r) => setImmediate(r));
    else await atomicWriteFile(join(out, 'data', chunkName(k)), chunkScript(k, slice.map((e) => e.row)), { root: out });
  }
  const layout = layoutRows(entries, settings);
  return { columns: model.columns, entries, layout, fontCss: fontFaceCss(reportTexts(model, settings.title)) };
}

/**
 * Step 2: index.html, once the heatmaps are drawn. `heatmapErrors` maps ids to why their
 * heatmap failed (listed as failed samples). With `shard`, also keeps the rows in
 * data/shard.json for mergeReports.
 */
export async function finishReport(out: string, rows: ReportRows, settings: Omit<PageSettings, 'fontCss'>, heatmapErrors: ReadonlyMap<string, string>, shard?: Shard): Promise<WrittenReport> {
  // As reportEntries decides: a sample's own problem first, else its heatmap's.
  for (const e of rows.entries) if (!e.failed && heatmapErrors.has(e.row[0])) e.failed = `heatmap failed: ${heatmapErrors.get(e.row[0])}`;
  const failed = failedEntries(rows.entries);
  const html = layoutHtml(rows.layout, rows.columns, { ...settings, fontCss: rows.fontCss }, failed.length);
  if (shard) await writeReportShard(out, shard, rows.columns, settings, rows.entries);
  else await rm(reportShardPath(out), { force: true });
  return { html, chunks: rows.layout.inline ? 0 : rows.layout.chunks.length, failed, index: await writeIndex(out, html) };
}

/**
 * Writes index.html and data/chunk-*.js into `out` (a folder made by prepareOutputFolder
 * with a data/ sub-folder), so the folder holds one report. With `shard`, also keeps the rows
 * in data/shard.json for mergeReports.
 */
export async function writeReport(
  out: string,
  model: ReportModel,
  settings: Omit<PageSettings, 'fontCss'>,
  hrefs: ReadonlyMap<string, string>,
  heatmapErrors: ReadonlyMap<string, string>,
  shard?: Shard,
): Promise<WrittenReport> {
  return finishReport(out, await writeReportRows(out, model, settings, hrefs), settings, heatmapErrors, shard);
}
