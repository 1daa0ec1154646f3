// Node side of @attnlens/report: reading a labels file, file names for sample ids, and
// writing the report folder (atomic writes inside it, fonts subset to the page's texts).
import { readFile } from 'node:fs/promises';
import type { AttentionDocument } from '@attnlens/core';
import { fsError } from '@attnlens/core/node';
import { labelFiller, parseLabels } from './labels.js';

export { SafeNames } from './names.js';

/** A labels file (see parseLabels) as a function that fills in the labels a document lacks. */
export async function readLabels(path: string): Promise<(d: AttentionDocument) => AttentionDocument> {
  const text = await readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
  return labelFiller(parseLabels(text, path));
}

export { writeReport, writeReportRows, finishReport } from './report-writer.js';
export type { ReportRows, WrittenReport } from './report-writer.js';
export { mergeReports, reportShardPath, shardRowsPath } from './report-merge.js';
export { FileCells } from './cells-file.js';
export type { ReportShardRecord } from './report-merge.js';
