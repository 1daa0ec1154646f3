// The report's heatmaps on the worker pool, started before the input is read so that the
// workers' start-up and the drawing overlap the reading. Heatmaps may be sent ahead of the
// final plan (`ahead`): which samples get one and each file's name are only certain once every
// document is read (a later document with the same id can replace a map or make its sample
// fail; a later one with more maps adds columns and renames the files). `finish` compares the
// plan with what was sent: a heatmap sent as planned is kept, one the plan lacks is removed
// (if this run wrote it), one drawn from another map is redrawn, the rest are drawn then.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttentionMap } from '@attnlens/core';
import { removeTempFiles, runPool } from '@attnlens/core/node';
import type { PlannedHeatmap } from '@attnlens/report';
import { renderWorkerData, type RenderJob, type RenderResult, type RenderStyle } from './jobs.js';
import { progress } from './progress.js';
import { JobQueue } from './queue.js';

export interface DrawingOptions {
  out: string;
  workers?: number;
  force?: boolean;
  quiet?: boolean;
  signal?: AbortSignal;
}

interface Sent {
  job: RenderJob & { kind: 'heatmap' };
  result?: RenderResult;
  done: Promise<void>;
  resolve: () => void;
}

export interface DrawingOutcome {
  counts: { drawn: number; skipped: number; failed: number };
  /** Why a sample's heatmap failed, by sample id. */
  errors: Map<string, string>;
  aborted: boolean;
}

export class HeatmapDrawing {
  private readonly queue = new JobQueue<RenderJob>();
  /** The last job sent for each output path. */
  private readonly sent = new Map<string, Sent>();
  private run: Promise<{ aborted: boolean }> | undefined;
  private readonly bar;

  constructor(private readonly o: DrawingOptions) {
    this.bar = progress('heatmaps', 0, { quiet: o.quiet });
  }

  /** Starts the workers (at the latest with the first heatmap sent; a report without heatmaps starts none). */
  start(): Promise<{ aborted: boolean }> {
    if (this.run) return this.run;
    this.run = runPool(new URL('./render-worker.js', import.meta.url), this.queue, {
      size: this.o.workers,
      signal: this.o.signal,
      workerData: renderWorkerData(),
      onAbandon: (job) => removeTempFiles((job as RenderJob).path),
      onResult: (r, job) => this.settled(r as RenderResult, job as RenderJob),
    });
    // Awaited in finish or stop; until then a worker's failure must not be an unhandled rejection.
    this.run.catch(() => {});
    return this.run;
  }

  private settled(res: RenderResult, job: RenderJob): void {
    const s = this.sent.get(job.path);
    if (s?.job === job) {
      s.result = res;
      s.resolve();
    }
    if (res.ok) this.bar.tick();
    else this.bar.fail();
  }

  private send(p: PlannedHeatmap, style: RenderStyle, force: boolean): void {
    const job = { kind: 'heatmap' as const, id: p.id, map: p.map, path: join(this.o.out, p.href), root: this.o.out, style: { ...style, title: p.id }, force };
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.sent.set(job.path, { job, done, resolve });
    this.start();
    this.queue.push(job);
  }

  /** Draws `p` before the plan is final (finish checks it against the plan). */
  ahead(p: PlannedHeatmap, style: RenderStyle): void {
    this.send(p, style, Boolean(this.o.force));
  }

  private matches(s: Sent, p: PlannedHeatmap, style: RenderStyle): boolean {
    const r = s.job.style.range;
    return s.job.map === p.map && s.job.id === p.id && r?.[0] === style.range?.[0] && r?.[1] === style.range?.[1];
  }

  /** Draws the final plan (what was not sent ahead as planned), waits for the pool, removes what the plan lacks. */
  async finish(plan: PlannedHeatmap[], style: RenderStyle): Promise<DrawingOutcome> {
    this.bar.setTotal(plan.length);
    const wanted = new Map(plan.map((p) => [join(this.o.out, p.href), p]));
    const redraw: [PlannedHeatmap, Sent][] = [];
    for (const [path, p] of wanted) {
      const s = this.sent.get(path);
      if (!s) this.send(p, style, Boolean(this.o.force));
      else if (!this.matches(s, p, style)) redraw.push([p, s]);
    }
    if (redraw.length) await this.redraw(redraw, style);
    this.queue.close();
    const { aborted } = this.run ? await this.run : { aborted: Boolean(this.o.signal?.aborted) };
    if (this.run) this.bar.done();
    const outcome: DrawingOutcome = { counts: { drawn: 0, skipped: 0, failed: 0 }, errors: new Map(), aborted };
    for (const [path, s] of this.sent) {
      const r = s.result;
      if (!wanted.has(path)) {
        if (r?.ok && !r.skipped) await rm(path, { force: true });
      } else if (r && !r.ok) {
        outcome.counts.failed++;
        outcome.errors.set(r.id, r.error);
      } else if (r) outcome.counts[r.skipped ? 'skipped' : 'drawn']++;
    }
    return outcome;
  }

  /**
   * Heatmaps sent ahead from another map than the plan's: once that job is over, a file it
   * wrote is redrawn from the planned map; a file it found there is kept, as a run that
   * planned first would have kept it.
   */
  private async redraw(items: [PlannedHeatmap, Sent][], style: RenderStyle): Promise<void> {
    const over = Promise.all(items.map(([, s]) => s.done));
    // A stopped or failed pool settles no more jobs: do not wait for them then.
    await Promise.race([over, this.start().then(() => undefined, () => undefined)]);
    for (const [p, s] of items) {
      if (!s.result || (s.result.ok && s.result.skipped)) continue;
      this.send(p, style, s.result.ok || Boolean(this.o.force));
    }
  }

  /** Stops the pool after an error elsewhere (reading the input): no new job starts, the workers end. */
  async stop(): Promise<void> {
    this.queue.close();
    await this.run?.catch(() => {});
  }
}
