// Node side of @attnlens/report: reading a labels file, file names for sample ids, and
// writing the report folder (atomic writes inside it, fonts subset to the page's texts).
import { readFile, rm } from 'node:fs/promises';
import type { AttentionDocument } from '@attnlens/core';
import { fsError } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import type { ReportModel } from './collect.js';
import { labelFiller, parseLabels } from './labels.js';
import { assembleReport, reportEntries, reportTexts, type PageSettings, type ReportFiles } from './pages.js';
import { reportShardPath, writeReportShard } from './report-merge.js';
import type { Shard } from '@attnlens/core';
import { writePage } from './write-page.js';

export { SafeNames } from './names.js';

/** A labels file (see parseLabels) as a function that fills in the labels a document lacks. */
export async function readLabels(path: string): Promise<(d: AttentionDocument) => AttentionDocument> {
  const text = await readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
  return labelFiller(parseLabels(text, path));
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
): Promise<ReportFiles & { index: string }> {
  const entries = reportEntries(model, hrefs, heatmapErrors);
  const files = assembleReport(entries, model.columns, { ...settings, fontCss: fontFaceCss(reportTexts(model, settings.title)) });
  if (shard) await writeReportShard(out, shard, model.columns, settings, entries);
  else await rm(reportShardPath(out), { force: true });
  return { ...files, index: await writePage(out, files) };
}

export { writeShard, mergeShards, shardIndexPath } from './shard-files.js';
export type { ShardIndex, MergeResult } from './shard-files.js';
export { mergeReports, reportShardPath } from './report-merge.js';
export type { ReportShardRecord } from './report-merge.js';
