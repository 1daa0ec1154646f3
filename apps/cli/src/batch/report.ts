// attnlens report: inputs → @attnlens/report's rows merged by sample id → heatmaps drawn
// on all cores → index.html + data chunks (written by @attnlens/report/node). The workers
// start first; heatmaps are drawn while the input is read where the plan allows (one input,
// per-map scale), and the rows are written while the rest are drawn. Writes are atomic; a
// rerun redraws only what is missing.
import { join, relative } from 'node:path';
import { GENERATOR, inShard, type AttentionDocument, type Shard } from '@attnlens/core';
import { prepareOutputFolder } from '@attnlens/core/node';
import { heatmapHref, planHeatmaps, ReportCollector, type PlannedHeatmap, type ReportModel } from '@attnlens/report';
import { FileCells, finishReport, SafeNames, writeReportRows } from '@attnlens/report/node';
import type { ConvertOptions } from '../formats/index.js';
import { documentsFrom } from './inputs.js';
import type { RenderStyle } from './jobs.js';
import { HeatmapDrawing } from './report-heatmaps.js';

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

/**
 * Plans heatmaps while the documents are read, as planHeatmaps will over the finished rows
 * (the first `count` samples that can be shown, one heatmap per map), and sends them to be
 * drawn at once. Only for one input under per-map scales: with a shared scale the colours wait
 * for the range over every document, and with several inputs the columns (so the file names)
 * wait for knowing whether the inputs share ids. HeatmapDrawing.finish corrects what a later
 * document changes (a repeated id, more maps than the documents before it).
 */
class AheadPlan {
  private budget: number;
  private columns = 1;
  constructor(count: number, private readonly names: SafeNames, private readonly drawing: HeatmapDrawing, private readonly style: RenderStyle) {
    this.budget = count;
  }

  /** `fresh`: the document's id was not seen before (a repeated id is left to the final plan). */
  offer(d: AttentionDocument, shown: boolean, fresh: boolean): void {
    if (!fresh || !shown || this.budget <= 0) return;
    this.budget--;
    this.columns = Math.max(this.columns, d.maps.length);
    const name = this.names.get(d.id);
    d.maps.forEach((map, column) => this.drawing.ahead({ id: d.id, column, map, href: heatmapHref(name, column, this.columns) }, this.style));
  }
}

export async function buildReport(o: ReportOptions): Promise<ReportSummary> {
  // First, so that an output that is a file, read-only or holds links fails before any work.
  await prepareOutputFolder(o.out, ['heatmaps', 'data']);
  const baseStyle: RenderStyle = { cmap: o.cmap, ...(o.reverse ? { reverse: true } : {}) };
  const names = new SafeNames();
  // The workers start now: their start-up, and with `ahead` the drawing, overlap the reading.
  const drawing = new HeatmapDrawing({ out: o.out, workers: o.workers, force: o.force, quiet: o.quiet, signal: o.signal });
  if (o.heatmaps > 0) drawing.start();
  const ahead = o.inputs.length === 1 && o.scale === 'per-map' && o.heatmaps > 0 ? new AheadPlan(o.heatmaps, names, drawing, baseStyle) : undefined;
  // The cells' texts wait in a temporary file in data/, so a million samples fit in memory.
  const cells = await FileCells.create(join(o.out, 'data'));
  try {
    const collector = new ReportCollector(o.inputs, { scale: o.scale, cells, keepMaps: o.heatmaps });
    try {
      await readReport(o, collector, (d, shown, fresh) => ahead?.offer(d, shown, fresh));
    } catch (e) {
      await drawing.stop();
      throw e;
    }
    const model = collector.finish();
    if (o.signal?.aborted) {
      await drawing.stop();
      return { index: join(o.out, 'index.html'), samples: model.size, failed: [], heatmaps: { drawn: 0, skipped: 0, failed: 0 }, aborted: true };
    }
    const planned = await planAll(o, collector, model, names);
    const hrefs = new Map(planned.map((p) => [`${p.id}\u0000${p.column}`, p.href]));
    const drawn = drawing.finish(planned, { ...baseStyle, ...(model.range ? { range: model.range } : {}) });
    // The rows and data chunks are built and written while the heatmaps are drawn; index.html,
    // which counts the heatmaps, once they are. If writing fails, the drawing is still waited for.
    const rows = await writeReportRows(o.out, model, pageSettings(o, 0), hrefs, o.shard).catch(async (e: unknown) => {
      await drawn.catch(() => {});
      throw e;
    });
    const { counts, errors, aborted } = await drawn;
    if (aborted) return { index: join(o.out, 'index.html'), samples: model.size, failed: [], heatmaps: counts, aborted: true };
    const { index, failed } = await finishReport(o.out, rows, pageSettings(o, counts.drawn + counts.skipped), errors, o.shard);
    return { index, samples: model.size, failed, heatmaps: counts, aborted: false };
  } finally {
    cells.close();
  }
}

/**
 * The heatmap plan. The collector keeps maps for the first samples that can be shown; only when
 * a later document of the same id failed and passed its heatmap on to a sample past those are
 * maps missing, and then the inputs are read again for just those samples.
 */
async function planAll(o: ReportOptions, collector: ReportCollector, model: ReportModel, names: SafeNames): Promise<PlannedHeatmap[]> {
  const unkept: string[] = [];
  const planned = planHeatmaps(model, o.heatmaps, (id) => names.get(id), unkept);
  if (!unkept.length) return planned;
  const wanted = new Set(unkept);
  for (const input of o.inputs) {
    for await (const raw of documentsFrom(input, o.convert)) if (wanted.has(raw.id) && inShard(raw.id, o.shard)) collector.restore(raw);
  }
  return planHeatmaps(model, o.heatmaps, (id) => names.get(id));
}

const YIELD_MS = 4;

/**
 * Every input's documents into the rows. Every document is counted, this shard's or not, so a
 * sample's position is its place in the whole input and a merge of shard reports orders rows
 * as one report would; under a shared scale the other shards' documents count toward the
 * colour range too, so every shard colours as the unsharded run does.
 */
async function readReport(o: ReportOptions, collector: ReportCollector, onDocument: (d: AttentionDocument, shown: boolean, fresh: boolean) => void): Promise<void> {
  let position = 0;
  let since = performance.now();
  for (const [k, input] of o.inputs.entries()) {
    for await (const raw of documentsFrom(input, o.convert)) {
      if (o.signal?.aborted) return;
      // Decoded documents arrive through promises (microtasks) only, which would keep the workers'
      // replies (macrotasks) waiting until the whole input is read: give the event loop a turn
      // every few milliseconds, so a worker done with a heatmap gets its next one meanwhile.
      if (performance.now() - since > YIELD_MS) {
        await new Promise<void>((r) => setImmediate(r));
        since = performance.now();
      }
      const here = position++;
      if (!inShard(raw.id, o.shard)) {
        if (o.scale === 'shared') collector.addToRange(raw);
        continue;
      }
      const d = o.transform ? o.transform(raw) : raw;
      const before = collector.size;
      const shown = collector.add(k, d, here);
      onDocument(d, shown, collector.size > before);
    }
  }
}
function pageSettings(o: ReportOptions, heatmaps: number) {
  return {
    title: o.title ?? 'attnlens report',
    cmap: o.cmap,
    ...(o.reverse ? { reverse: true } : {}),
    scale: o.scale,
    ...(o.pageSize ? { pageSize: o.pageSize } : {}),
    ...(o.chunkRows ? { chunkRows: o.chunkRows } : {}),
    inputs: o.inputs.map((i) => relative(o.out, i) || i),
    generator: GENERATOR,
    heatmaps,
  };
}
