// Report shards and their merge. A report built for shard K/N also keeps its rows in
// data/shard-rows.txt (one line a row: a small JSON index entry, a tab, the row's text as the
// page holds it, in increasing position: each sample's first place in the whole input), then
// data/shard.json, its record (shard, settings, columns, heatmap failures, the code points the
// rows use), written last so that a shard killed halfway has none. `mergeReports` streams every
// shard's rows file at once, taking the row of lowest position each time (a k-way merge: time
// linear in the rows, memory the page index plus one chunk), copies the heatmaps (never
// redraws) and writes the chunks as they fill: the page equals the unsharded run's.
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fail, type Shard } from '@attnlens/core';
import { atomicWriteFile, fsError, openAtomic, prepareOutputFolder, readShardRecord, type AtomicFile } from '@attnlens/core/node';
import { fontFaceCss } from '@attnlens/render/node';
import { chunkName, inlines, pageHtml, type PageSettings } from './pages.js';
import type { ReportRows } from './report-writer.js';
import { chunkText, PageIndex, type RowText } from './rows.js';
import { removeOldChunks, writeIndex } from './write-page.js';

export interface ReportShardRecord {
  format: 'attnlens-report-shard';
  shard: number;
  count: number;
  columns: string[];
  settings: Omit<PageSettings, 'fontCss'>;
  /** Rows in data/shard-rows.txt. */
  rows: number;
  /** [id, why] of each heatmap that failed. */
  heatmapErrors: [string, string][];
  /** Every code point of the rows' texts, for the merged page's fonts. */
  codePoints: string;
}

export const reportShardPath = (dir: string): string => join(dir, 'data', 'shard.json');
export const shardRowsPath = (dir: string): string => join(dir, 'data', 'shard-rows.txt');

/** A text file written line by line, atomically (buffered, then renamed into place on commit). */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;
  private at = 0;
  private constructor(private readonly file: AtomicFile) {}
  static async open(path: string, root: string): Promise<LineWriter> {
    return new LineWriter(await openAtomic(path, { root }));
  }
  async line(text: string): Promise<void> {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const b = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    await this.file.write(b, this.at);
    this.at += b.length;
  }
  async commit(): Promise<void> {
    await this.flush();
    await this.file.commit();
  }
  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** One row's line of data/shard-rows.txt. JSON escapes tabs and line breaks, so the first tab ends the entry. */
export function shardRowLine(r: RowText): string {
  return `${JSON.stringify([r.position, r.id, r.trueLabel, r.predictedLabel, r.max, r.error, r.hrefs])}\t${r.text}`;
}

export async function writeReportShard(out: string, shard: Shard, rows: ReportRows, settings: Omit<PageSettings, 'fontCss'>, heatmapErrors: ReadonlyMap<string, string>): Promise<void> {
  let codePoints = '';
  for (const cp of rows.codePoints) codePoints += String.fromCodePoint(cp);
  const record: ReportShardRecord = { format: 'attnlens-report-shard', shard: shard.index, count: shard.count, columns: rows.columns, settings, rows: rows.index.size, heatmapErrors: [...heatmapErrors], codePoints };
  await atomicWriteFile(reportShardPath(out), JSON.stringify(record), { root: out });
}

const validRecord = (x: unknown): boolean => {
  const r = x as ReportShardRecord | null;
  return !(
    r?.format !== 'attnlens-report-shard' || !Number.isSafeInteger(r.shard) || !Number.isSafeInteger(r.count) || r.shard < 0 || r.shard >= r.count ||
    !Number.isSafeInteger(r.rows) || r.rows < 0 || !Array.isArray(r.columns) || !Array.isArray(r.heatmapErrors) || typeof r.codePoints !== 'string'
  );
};

function readRecord(dir: string): Promise<ReportShardRecord> {
  const path = reportShardPath(dir);
  return readShardRecord<ReportShardRecord>(path, {
    valid: validRecord, what: 'a report shard record', rerun: 'rebuild that shard',
    missing: { file: dir, message: 'is not a finished report shard (no data/shard.json)', hint: 'build it with a shard (K/N) and let it finish' },
  });
}

const sameSettings = (a: ReportShardRecord, b: ReportShardRecord) => JSON.stringify({ ...a.settings, heatmaps: 0 }) === JSON.stringify({ ...b.settings, heatmaps: 0 }) && JSON.stringify(a.columns) === JSON.stringify(b.columns);

type Entry = [number, string, string | null, string | null, number, string | null, string[]];

/** One shard's rows file, read a line at a time. */
class ShardRows {
  private readonly lines: AsyncIterator<string>;
  head: { entry: Entry; text: string } | undefined;
  read = 0;
  private last = -1;
  constructor(readonly dir: string) {
    const stream = createReadStream(shardRowsPath(dir), { encoding: 'utf8' });
    this.lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }
  private bad(why: string): never {
    return fail('CORRUPT', why, { file: shardRowsPath(this.dir), hint: 'rebuild that shard' });
  }
  /** Moves to the next row (head undefined at the end). */
  async next(): Promise<void> {
    let r: IteratorResult<string>;
    try {
      r = await this.lines.next();
    } catch (e) {
      throw fsError(e, shardRowsPath(this.dir));
    }
    if (r.done) return void (this.head = undefined);
    const tab = r.value.indexOf('\t');
    let entry: Entry;
    try {
      entry = JSON.parse(r.value.slice(0, tab)) as Entry;
    } catch {
      return this.bad(`line ${this.read + 1} is not a row entry`);
    }
    if (tab < 0 || !Array.isArray(entry) || entry.length !== 7 || !Number.isSafeInteger(entry[0]) || entry[0] <= this.last || typeof entry[1] !== 'string' || !Array.isArray(entry[6])) {
      this.bad(`line ${this.read + 1} is not a row entry in increasing position`);
    }
    this.last = entry[0];
    this.read++;
    this.head = { entry, text: r.value.slice(tab + 1) };
  }
}

/** Copies each shard's heatmaps into `out` and writes one report of all rows; refuses missing shards unless allowed (then the page lists them). */
export async function mergeReports(out: string, dirs: string[], opts: { allowMissing?: boolean } = {}): Promise<{ html: string; chunks: number; failed: { id: string; error: string }[]; index: string; count: number; missing: number[] }> {
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
  await rm(reportShardPath(out), { force: true });
  await rm(shardRowsPath(out), { force: true });
  await removeOldChunks(out);

  const settings = { ...first.r.settings, heatmaps: records.reduce((n, { r }) => n + r.settings.heatmaps, 0) };
  const total = records.reduce((n, { r }) => n + r.rows, 0);
  const index = new PageIndex(settings.chunkRows ?? 500);
  const inline = inlines(total, settings) ? ([] as string[]) : null;
  let chunk: string[] = [];
  const shards = records.map(({ dir }) => new ShardRows(dir));
  await Promise.all(shards.map((s) => s.next()));
  for (;;) {
    // The row of lowest position among the shards' next rows (few shards: a scan is cheaper than a heap).
    let best: ShardRows | undefined;
    for (const s of shards) if (s.head && (!best || s.head.entry[0] < best.head!.entry[0])) best = s;
    if (!best) break;
    const { entry, text } = best.head!;
    for (const href of entry[6]) await copyHeatmap(best.dir, out, href);
    index.add({ id: entry[1], trueLabel: entry[2], predictedLabel: entry[3], max: entry[4], error: entry[5] });
    if (inline) inline.push(text);
    else chunk.push(text);
    if (!inline && chunk.length === index.chunkRows) {
      await atomicWriteFile(join(out, 'data', chunkName(index.chunks - 1)), chunkText(index.chunks - 1, chunk), { root: out });
      chunk = [];
    }
    await best.next();
  }
  if (chunk.length) await atomicWriteFile(join(out, 'data', chunkName(index.chunks - 1)), chunkText(index.chunks - 1, chunk), { root: out });
  for (const [i, s] of shards.entries()) {
    const listed = records[i]!.r.rows;
    if (s.read !== listed) fail('CORRUPT', `holds ${s.read} rows, but its record lists ${listed}`, { file: shardRowsPath(s.dir), hint: 'rebuild that shard' });
  }

  const heatmapErrors = new Map(records.flatMap(({ r }) => r.heatmapErrors));
  const codePoints = [...new Set(records.flatMap(({ r }) => [...r.codePoints]))].join('');
  const fontCss = fontFaceCss([settings.title, ...first.r.columns, codePoints]);
  const failed = index.failed(heatmapErrors);
  const html = pageHtml(index, failed.length, inline, first.r.columns, { ...settings, fontCss }, missing.map((k) => `${k}/${count}`));
  return { html, chunks: inline ? 0 : index.chunks, failed, index: await writeIndex(out, html), count, missing };
}

async function copyHeatmap(dir: string, out: string, href: string): Promise<void> {
  if (typeof href !== 'string' || !/^heatmaps\/[^/\\]+\.png$/.test(href)) fail('CORRUPT', `lists a heatmap outside its heatmaps folder: ${JSON.stringify(href)}`, { file: shardRowsPath(dir) });
  const png = await readFile(join(dir, href)).catch((err) => { throw fsError(err, join(dir, href)); });
  await atomicWriteFile(join(out, href), png, { root: out });
}
