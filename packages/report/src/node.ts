// Node side of @attnlens/report: reading a labels file, file names for sample ids, and
// writing the report folder (atomic writes inside it, fonts subset to the page's texts).
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttentionDocument } from '@attnlens/core';
import { atomicWriteFile, fsError } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import type { ReportModel } from './collect.js';
import { labelFiller, parseLabels } from './labels.js';
import { reportFiles, reportTexts, type PageSettings, type ReportFiles } from './pages.js';

export { SafeNames } from './names.js';

/** A labels file (see parseLabels) as a function that fills in the labels a document lacks. */
export async function readLabels(path: string): Promise<(d: AttentionDocument) => AttentionDocument> {
  const text = await readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
  return labelFiller(parseLabels(text, path));
}

/**
 * Writes index.html and data/chunk-*.js into `out` (a folder made by prepareOutputFolder
 * with a data/ sub-folder), first removing chunk files of an earlier, larger run so the
 * folder holds one report. Returns the files' content summary and the index path.
 */
export async function writeReport(
  out: string,
  model: ReportModel,
  settings: Omit<PageSettings, 'fontCss'>,
  hrefs: ReadonlyMap<string, string>,
  heatmapErrors: ReadonlyMap<string, string>,
): Promise<ReportFiles & { index: string }> {
  const files = reportFiles(model, { ...settings, fontCss: fontFaceCss(reportTexts(model, settings.title)) }, hrefs, heatmapErrors);
  const data = join(out, 'data');
  for (const f of await readdir(data)) if (/^chunk-\d+\.js$/.test(f)) await rm(join(data, f), { force: true });
  for (const c of files.chunks) await atomicWriteFile(join(data, c.name), c.text, { root: out });
  const index = join(out, 'index.html');
  await atomicWriteFile(index, files.html, { root: out });
  return { ...files, index };
}
export { writeShard, mergeShards, shardIndexPath } from './shard-files.js';
export type { ShardIndex, MergeResult } from './shard-files.js';
