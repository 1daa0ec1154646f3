// Report shards and their merge. A report built for shard K/N also keeps its rows in
// data/shard.json (cells as the page shows them, with each sample's first position in the
// whole input); `mergeReports` reads those from every shard folder, copies the heatmaps
// (never redraws), orders the rows by position and writes one page spanning all shards.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, type Shard } from '@attnlens/core';
import { atomicWriteFile, fsError, prepareOutputFolder } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import { assembleReport, entryTexts, type PageSettings, type ReportEntry, type ReportFiles } from './pages.js';
import { writePage } from './write-page.js';

export interface ReportShardRecord {
  format: 'attnlens-report-shard';
  shard: number;
  count: number;
  columns: string[];
  settings: Omit<PageSettings, 'fontCss'>;
  entries: ReportEntry[];
}

export const reportShardPath = (dir: string): string => join(dir, 'data', 'shard.json');

export async function writeReportShard(out: string, shard: Shard, columns: string[], settings: Omit<PageSettings, 'fontCss'>, entries: ReportEntry[]): Promise<void> {
  const record: ReportShardRecord = { format: 'attnlens-report-shard', shard: shard.index, count: shard.count, columns, settings, entries };
  await atomicWriteFile(reportShardPath(out), JSON.stringify(record), { root: out });
}

async function readRecord(dir: string): Promise<ReportShardRecord> {
  const path = reportShardPath(dir);
  const text = await readFile(path, 'utf8').catch((e) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail('NOT_FOUND', 'is not a finished report shard (no data/shard.json)', { file: dir, hint: 'build it with a shard (K/N) and let it finish' });
    throw fsError(e, path);
  });
  let r: ReportShardRecord;
  try {
    r = JSON.parse(text) as ReportShardRecord;
  } catch {
    return fail('CORRUPT', 'is not JSON', { file: path, hint: 'rebuild that shard' });
  }
  if (r?.format !== 'attnlens-report-shard' || !Number.isSafeInteger(r.shard) || !Number.isSafeInteger(r.count) || r.shard < 0 || r.shard >= r.count || !Array.isArray(r.entries) || !Array.isArray(r.columns)) {
    fail('CORRUPT', 'is not a report shard record', { file: path, hint: 'rebuild that shard' });
  }
  return r;
}

const sameSettings = (a: ReportShardRecord, b: ReportShardRecord) => JSON.stringify({ ...a.settings, heatmaps: 0 }) === JSON.stringify({ ...b.settings, heatmaps: 0 }) && JSON.stringify(a.columns) === JSON.stringify(b.columns);

/** Copies each shard's heatmaps into `out` and writes one report of all rows; refuses missing shards unless allowed (then the page lists them). */
export async function mergeReports(out: string, dirs: string[], opts: { allowMissing?: boolean } = {}): Promise<ReportFiles & { index: string; count: number; missing: number[] }> {
  if (!dirs.length) fail('BAD_ARGUMENT', 'no report shards to merge');
  const records = await Promise.all(dirs.map(async (dir) => ({ dir, r: await readRecord(dir) })));
  const first = records[0]!;
  const byShard = new Map<number, string>();
  for (const { dir, r } of records) {
    if (r.count !== first.r.count) fail('BAD_ARGUMENT', `is shard ${r.shard} of ${r.count}, but ${first.dir} is of ${first.r.count}`, { file: dir, hint: 'merge the shards of one run' });
    if (!sameSettings(r, first.r)) fail('BAD_ARGUMENT', `was built with other settings or columns than ${first.dir}`, { file: dir, hint: 'build every shard with the same inputs and drawing settings' });
    if (byShard.has(r.shard)) fail('BAD_ARGUMENT', `is shard ${r.shard}/${r.count}, as is ${byShard.get(r.shard)}`, { file: dir, hint: 'give each shard once' });
    byShard.set(r.shard, dir);
  }
  const count = first.r.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((k) => !byShard.has(k));
  if (missing.length && !opts.allowMissing) fail('NOT_FOUND', `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing from the merge`, { hint: 'build the missing shards first, or allow a partial merge' });
  await prepareOutputFolder(out, ['heatmaps', 'data']);
  for (const { dir, r } of records) {
    for (const e of r.entries) {
      for (const c of e.row[3]) {
        if (!c?.h) continue;
        if (!/^heatmaps\/[^/\\]+\.png$/.test(c.h)) fail('CORRUPT', `lists a heatmap outside its heatmaps folder: ${JSON.stringify(c.h)}`, { file: reportShardPath(dir) });
        const png = await readFile(join(dir, c.h)).catch((err) => { throw fsError(err, join(dir, c.h!)); });
        await atomicWriteFile(join(out, c.h), png, { root: out });
      }
    }
  }
  const entries = records.flatMap(({ r }) => r.entries).sort((a, b) => a.position - b.position);
  const settings = { ...first.r.settings, heatmaps: records.reduce((n, { r }) => n + r.settings.heatmaps, 0) };
  const files = assembleReport(entries, first.r.columns, { ...settings, fontCss: fontFaceCss(entryTexts(entries, first.r.columns, settings.title)) }, missing.map((k) => `${k}/${count}`));
  return { ...files, index: await writePage(out, files), count, missing };
}
