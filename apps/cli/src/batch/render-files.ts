// attnlens render: one file per document and format, drawn on all cores, streamed
// from the input (a million documents never sit in memory), atomic, resumable.
import { extname, join } from 'node:path';
import { documentProblem, type AttentionDocument, type Shard } from '@attnlens/core';
import { prepareOutputFolder, removeTempFiles, runPool } from '@attnlens/core/node';
import type { ConvertOptions } from '../formats/index.js';
import { documentsFrom } from './inputs.js';
import { renderWorkerData, type RenderFormat, type RenderJob, type RenderResult, type RenderStyle } from './jobs.js';
import { SafeNames } from '@attnlens/report/node';
import { progress } from './progress.js';
import { SharedRange } from '@attnlens/render';

export interface RenderFilesOptions {
  input: string;
  out: string;
  formats: RenderFormat[];
  cmap: string;
  reverse?: boolean;
  scale: 'shared' | 'per-map';
  select?: Set<string>;
  limit?: number;
  workers?: number;
  force?: boolean;
  quiet?: boolean;
  convert: ConvertOptions;
  /** Only this shard's documents. */
  shard?: Shard;
  signal?: AbortSignal;
}

export interface RenderFilesSummary {
  documents: number;
  written: number;
  skipped: number;
  failed: { id: string; error: string }[];
  aborted: boolean;
}

async function* selected(o: RenderFilesOptions): AsyncGenerator<AttentionDocument> {
  let n = 0;
  for await (const d of documentsFrom(o.input, o.convert, o.shard)) {
    if (o.select && !o.select.has(d.id)) continue;
    if (o.limit !== undefined && n >= o.limit) return;
    n++;
    yield d;
  }
}

export async function renderFiles(o: RenderFilesOptions): Promise<RenderFilesSummary> {
  await prepareOutputFolder(o.out);
  let range: [number, number] | undefined;
  let total = 0;
  // A first pass: the shared range, and a total for the progress bar.
  const shared = new SharedRange();
  for await (const d of selected(o)) {
    total++;
    if (o.scale === 'shared' && !documentProblem(d)) d.maps.forEach((m) => shared.add(m));
  }
  if (o.scale === 'shared') range = shared.get();
  const style: RenderStyle = { cmap: o.cmap, ...(o.reverse ? { reverse: true } : {}), ...(range ? { range } : {}) };
  const names = new SafeNames();
  const seen = new Set<string>();
  const summary = { documents: 0, written: 0, skipped: 0 };
  const bar = progress('render', total * o.formats.length, { quiet: o.quiet });
  // One count of failures for the progress line and the summary: failed documents, however
  // many of their files failed (a document's errors are joined on one line).
  const failures = new Map<string, { id: string; error: string }>();
  let duplicates = 0;
  const failDocument = (key: string, id: string, error: string, files: number) => {
    const f = failures.get(key);
    if (f) f.error += `; ${error}`;
    else failures.set(key, { id, error });
    bar.fail(files, f ? 0 : 1);
  };

  async function* jobs(): AsyncGenerator<RenderJob> {
    for await (const d of selected(o)) {
      summary.documents++;
      if (seen.has(d.id)) {
        failDocument(`\u0000duplicate ${duplicates++}`, d.id, 'duplicate sample id: only the first document with it is rendered', o.formats.length);
        continue;
      }
      seen.add(d.id);
      const err = documentProblem(d);
      if (err) {
        failDocument(d.id, d.id, err, o.formats.length);
        continue;
      }
      const base = join(o.out, names.get(d.id));
      for (const format of o.formats) yield { kind: 'document', id: d.id, doc: d, path: `${base}.${format}`, root: o.out, format, style: { ...style, title: d.id }, force: Boolean(o.force) };
    }
  }
  const { aborted } = await runPool(new URL('./render-worker.js', import.meta.url), jobs(), {
    size: o.workers,
    signal: o.signal,
    workerData: renderWorkerData(),
    onAbandon: (job) => removeTempFiles((job as RenderJob).path),
    onResult(r) {
      const res = r as RenderResult;
      if (!res.ok) failDocument(res.id, res.id, o.formats.length > 1 ? `${extname(res.path).slice(1)}: ${res.error}` : res.error, 1);
      else {
        summary[res.skipped ? 'skipped' : 'written']++;
        bar.tick();
      }
    },
  });
  bar.done();
  return { ...summary, failed: [...failures.values()], aborted };
}
