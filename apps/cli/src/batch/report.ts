// attnlens report: inputs → @attnlens/report's rows merged by sample id → heatmaps drawn
// on all cores → index.html + data chunks (written by @attnlens/report/node). Writes are
// atomic; a rerun redraws only what is missing.
import { join, relative } from 'node:path';
import { GENERATOR, inShard, type AttentionDocument, type Shard } from '@attnlens/core';
import { prepareOutputFolder, removeTempFiles } from '@attnlens/core/node';
import { planHeatmaps, ReportCollector } from '@attnlens/report';
import { SafeNames, writeReport } from '@attnlens/report/node';
import type { ConvertOptions } from '../formats/index.js';
import { documentsFrom } from './inputs.js';
import type { RenderJob, RenderResult, RenderStyle } from './jobs.js';
import { runPool } from './pool.js';
import { progress } from './progress.js';

export interface ReportOptions {
  inputs: string[];
  out: string;
  cmap: string;
  reverse?: boolean;
  scale: 'shared' | 'per-map';
  /** How many rows get heatmap PNGs: a number, or Infinity for all. */
  heatmaps: number;
  workers?: number;
  force?: boolean;
  quiet?: boolean;
  title?: string;
  pageSize?: number;
  chunkRows?: number;
  convert: ConvertOptions;
  /** Applied to every document as it is read (e.g. labels from a file). */
  transform?: (d: AttentionDocument) => AttentionDocument;
  /** Only this shard's samples. */
  shard?: Shard;
  signal?: AbortSignal;
}

export interface ReportSummary {
  index: string;
  samples: number;
  failed: { id: string; error: string }[];
  heatmaps: { drawn: number; skipped: number; failed: number };
  aborted: boolean;
}

export async function buildReport(o: ReportOptions): Promise<ReportSummary> {
  // First, so that an output that is a file, read-only or holds links fails before any work.
  await prepareOutputFolder(o.out, ['heatmaps', 'data']);
  const collector = new ReportCollector(o.inputs);
  // Every document is counted, this shard's or not, so a sample's position is its place in
  // the whole input and a merge of shard reports orders rows as one report would.
  let position = 0;
  for (const [k, input] of o.inputs.entries()) {
    for await (const raw of documentsFrom(input, o.convert)) {
      if (o.signal?.aborted) break;
      const here = position++;
      if (!inShard(raw.id, o.shard)) continue;
      collector.add(k, o.transform ? o.transform(raw) : raw, here);
    }
  }
  const model = collector.finish(o.scale);
  const style: RenderStyle = { cmap: o.cmap, ...(o.reverse ? { reverse: true } : {}), ...(model.range ? { range: model.range } : {}) };
  const names = new SafeNames();
  const planned = planHeatmaps(model, o.heatmaps, (id) => names.get(id));
  const hrefs = new Map(planned.map((p) => [`${p.id}\u0000${p.column}`, p.href]));
  const jobs: RenderJob[] = planned.map((p) => ({ kind: 'heatmap', id: p.id, map: p.map, path: join(o.out, p.href), root: o.out, style: { ...style, title: p.id }, force: Boolean(o.force) }));

  const counts = { drawn: 0, skipped: 0, failed: 0 };
  const failedHeatmaps = new Map<string, string>();
  const bar = progress('heatmaps', jobs.length, { quiet: o.quiet });
  const { aborted } = await runPool(new URL('./render-worker.js', import.meta.url), jobs, {
    size: o.workers,
    signal: o.signal,
    onAbandon: (job) => removeTempFiles((job as RenderJob).path),
    onResult(r) {
      const res = r as RenderResult;
      if (!res.ok) {
        counts.failed++;
        failedHeatmaps.set(res.id, res.error);
        bar.fail();
      } else {
        counts[res.skipped ? 'skipped' : 'drawn']++;
        bar.tick();
      }
    },
  });
  bar.done();
  if (aborted) return { index: join(o.out, 'index.html'), samples: model.samples.length, failed: [], heatmaps: counts, aborted: true };

  const settings = {
    title: o.title ?? 'attnlens report',
    cmap: o.cmap,
    ...(o.reverse ? { reverse: true } : {}),
    scale: o.scale,
    ...(o.pageSize ? { pageSize: o.pageSize } : {}),
    ...(o.chunkRows ? { chunkRows: o.chunkRows } : {}),
    inputs: o.inputs.map((i) => relative(o.out, i) || i),
    generator: GENERATOR,
    heatmaps: counts.drawn + counts.skipped,
  };
  const { index, failed } = await writeReport(o.out, model, settings, hrefs, failedHeatmaps, o.shard);
  return { index, samples: model.samples.length, failed, heatmaps: counts, aborted: false };
}
