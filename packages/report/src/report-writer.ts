// Writing a report folder in two steps, so that its rows go out while its heatmaps are still
// being drawn: `writeReportRows` builds the rows one at a time from the collector's stored cells
// and writes the data chunks as they fill (and a shard's rows file), keeping only the page index;
// `finishReport` then writes index.html, whose summary counts the heatmaps drawn and failed,
// and for a shard its record (last: a shard is finished when its record is there).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Shard } from '@attnlens/core';
import { atomicWriteFile } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import type { ReportModel } from './collect.js';
import { chunkName, inlines, pageHtml, reportTexts, type PageSettings, type ReportFiles } from './pages.js';
import { LineWriter, reportShardPath, shardRowLine, shardRowsPath, writeReportShard } from './report-merge.js';
import { chunkText, PageIndex, rowText } from './rows.js';
import { removeOldChunks, writeIndex } from './write-page.js';

/** A report's rows, written out except for index.html. */
export interface ReportRows {
  columns: string[];
  index: PageIndex;
  /** The row texts when the page inlines them (small reports), else null. */
  inline: string[] | null;
  fontCss: string;
  codePoints: Set<number>;
}

/** What was written: the page, how many chunk files, the failed samples and index.html's path. */
export interface WrittenReport extends Omit<ReportFiles, 'chunks'> {
  chunks: number;
  index: string;
}

/**
 * Step 1: the rows of `model` (with the hrefs of its planned heatmaps, "id\0column" → href)
 * and the data/chunk-*.js files, written into `out` (made by prepareOutputFolder with data/);
 * with `shard`, also the shard's rows file. Each chunk write gives the event loop back, so
 * worker threads drawing heatmaps meanwhile get their next job without waiting for all rows.
 */
export async function writeReportRows(out: string, model: ReportModel, settings: Pick<PageSettings, 'title' | 'pageSize' | 'chunkRows'>, hrefs: ReadonlyMap<string, string>, shard?: Shard): Promise<ReportRows> {
  const index = new PageIndex(settings.chunkRows ?? 500);
  const inline = inlines(model.size, settings) ? ([] as string[]) : null;
  // An earlier shard record first: until this run's is written, the folder is no finished shard.
  await rm(reportShardPath(out), { force: true });
  await removeOldChunks(out);
  const shardRows = shard ? await LineWriter.open(shardRowsPath(out), out) : undefined;
  try {
    let chunk: string[] = [];
    const flush = async () => {
      if (inline) await new Promise<void>((r) => setImmediate(r));
      else await atomicWriteFile(join(out, 'data', chunkName(index.chunks - 1)), chunkText(index.chunks - 1, chunk), { root: out });
      chunk = [];
    };
    for (let i = 0; i < model.size; i++) {
      const r = rowText(model, i, hrefs);
      index.add(r);
      if (inline) inline.push(r.text);
      else chunk.push(r.text);
      await shardRows?.line(shardRowLine(r));
      if (index.size % index.chunkRows === 0) await flush();
    }
    if (index.size % index.chunkRows !== 0) await flush();
    await shardRows?.commit();
  } catch (e) {
    await shardRows?.abort();
    throw e;
  }
  if (!shard) await rm(shardRowsPath(out), { force: true });
  return { columns: model.columns, index, inline, fontCss: fontFaceCss(reportTexts(model, settings.title)), codePoints: model.codePoints };
}

/**
 * Step 2: index.html, once the heatmaps are drawn. `heatmapErrors` maps ids to why their
 * heatmap failed (listed as failed samples). With `shard`, also writes the shard's record
 * (data/shard.json) for mergeReports.
 */
export async function finishReport(out: string, rows: ReportRows, settings: Omit<PageSettings, 'fontCss'>, heatmapErrors: ReadonlyMap<string, string>, shard?: Shard): Promise<WrittenReport> {
  const failed = rows.index.failed(heatmapErrors);
  const html = pageHtml(rows.index, failed.length, rows.inline, rows.columns, { ...settings, fontCss: rows.fontCss });
  if (shard) await writeReportShard(out, shard, rows, settings, heatmapErrors);
  return { html, chunks: rows.inline ? 0 : rows.index.chunks, failed, index: await writeIndex(out, html) };
}

/**
 * Writes index.html and data/chunk-*.js into `out` (a folder made by prepareOutputFolder
 * with a data/ sub-folder), so the folder holds one report. With `shard`, also keeps the rows
 * for mergeReports.
 */
export async function writeReport(
  out: string,
  model: ReportModel,
  settings: Omit<PageSettings, 'fontCss'>,
  hrefs: ReadonlyMap<string, string>,
  heatmapErrors: ReadonlyMap<string, string>,
  shard?: Shard,
): Promise<WrittenReport> {
  return finishReport(out, await writeReportRows(out, model, settings, hrefs, shard), settings, heatmapErrors, shard);
}
