// The one pool of worker threads (Node-only): attention's computeFile and the CLI's render and
// report batches run on it. A worker script answers each message it is sent with exactly one
// message, in the order it received them; the pool matches replies to jobs by that order, so
// the worker protocol needs no ids. Jobs go to the least busy worker (at most `perWorker` each).
// A worker that throws or exits on its own kills the pool: every job still out fails with its error.
import { Worker, type Transferable } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface WorkerPoolOptions {
  /** Worker threads to start (default: one per core). */
  size?: number;
  /** Sent to every worker first, before any job, and not answered (a kernel, settings). */
  init?: unknown;
  /** Each worker's `workerData` (cloned; e.g. the process-wide size limits, which each thread holds its own copy of). */
  workerData?: unknown;
  /**
   * Jobs one worker holds at once (default 1). Above 1 the next job waits in the worker's queue
   * instead of a round trip away, which only works when the worker answers in order (a synchronous
   * message handler).
   */
  perWorker?: number;
  /**
   * Workers already started on the same script (e.g. before the program loaded this code, so
   * their start-up overlapped it): the pool uses them first, counts them in `size`, and owns them
   * from then on (sends them `init`, terminates them on close). They must not have been sent anything yet.
   */
  adopt?: readonly Worker[];
}

interface Slot {
  worker: Worker;
  /** Jobs sent to this worker and not yet answered, oldest first. */
  waiting: { resolve: (r: unknown) => void; reject: (e: unknown) => void }[];
}

/** One thread per core, at least one. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool<Job = unknown, Result = unknown> {
  private readonly slots: Slot[] = [];
  /** Jobs waiting for a free worker (all of them hold `perWorker` jobs). */
  private readonly queue: { job: Job; transfer: readonly Transferable[]; resolve: (r: unknown) => void; reject: (e: unknown) => void }[] = [];
  private readonly perWorker: number;
  private dead: unknown;
  private closing = false;

  constructor(script: URL, opts: WorkerPoolOptions = {}) {
    const size = Math.max(1, opts.size ?? defaultWorkers());
    this.perWorker = Math.max(1, opts.perWorker ?? 1);
    const adopted = opts.adopt ?? [];
    for (let i = 0; i < Math.max(size, adopted.length); i++) {
      const worker = adopted[i] ?? new Worker(script, opts.workerData === undefined ? {} : { workerData: opts.workerData });
      const slot: Slot = { worker, waiting: [] };
      slot.worker.on('message', (r: unknown) => this.reply(slot, r));
      slot.worker.on('error', (e) => this.fatal(e));
      slot.worker.on('exit', (code) => {
        if (!this.closing) this.fatal(new Error(`worker thread exited with code ${code}`));
      });
      if (opts.init !== undefined) slot.worker.postMessage(opts.init);
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Jobs sent and not yet answered, plus those waiting for a worker. */
  get busy(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.waiting.length, 0);
  }

  /** Run one job; `transfer` lists buffers handed to the worker instead of copied. */
  run(job: Job, transfer: readonly Transferable[] = []): Promise<Result> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, transfer, resolve: resolve as (r: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Stop every worker (a job still running is abandoned: its promise rejects). */
  async close(): Promise<void> {
    this.closing = true;
    this.dead ??= new Error('worker pool closed');
    this.rejectAll(this.dead);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.slots[0]!;
      for (const s of this.slots) if (s.waiting.length < slot.waiting.length) slot = s;
      if (slot.waiting.length >= this.perWorker) return;
      const { job, transfer, resolve, reject } = this.queue.shift()!;
      slot.waiting.push({ resolve, reject });
      slot.worker.postMessage(job, transfer);
    }
  }

  private reply(slot: Slot, r: unknown): void {
    const p = slot.waiting.shift();
    if (!p) return;
    p.resolve(r);
    this.dispatch();
  }

  private fatal(e: unknown): void {
    if (this.dead) return;
    this.dead = e instanceof Error ? e : new Error(String(e));
    this.rejectAll(this.dead);
  }

  private rejectAll(e: unknown): void {
    for (const s of this.slots) for (const p of s.waiting.splice(0)) p.reject(e);
    for (const q of this.queue.splice(0)) q.reject(e);
  }
}

export interface RunPoolOptions<Job, Result> {
  size?: number;
  /** Called with each result, in completion order; a throw stops the run and is rethrown. */
  onResult: (result: Result, job: Job) => void;
  signal?: AbortSignal;
  /** Called for each job still running when the run stops (remove its temp files). */
  onAbandon?: (job: Job) => Promise<void> | void;
  /** How long running jobs may finish after the signal before their workers are terminated. */
  graceMs?: number;
  /** Each worker's `workerData` (see WorkerPoolOptions). */
  workerData?: unknown;
}

/** Grace after Ctrl-C: running jobs write atomically and may finish; a 3000 x 3000 heatmap that takes many seconds may not. */
const GRACE_MS = 1000;

/**
 * Run a stream of jobs on a fresh pool, one per worker at a time: jobs are read from the
 * iterable only as workers free up, so a million documents never sit in memory. On the
 * signal no new job starts and running ones get `graceMs`; workers still busy then are
 * terminated and `onAbandon` cleans up after their jobs.
 */
export async function runPool<Job, Result>(
  script: URL,
  jobs: AsyncIterable<Job> | Iterable<Job>,
  opts: RunPoolOptions<Job, Result>,
): Promise<{ started: number; aborted: boolean }> {
  const pool = new WorkerPool<Job, Result>(script, { size: opts.size, workerData: opts.workerData });
  const running = new Set<Job>();
  let started = 0;
  let failure: { error: unknown } | undefined;
  let closed = false; // from then on a rejection is the pool closing on jobs already abandoned
  let wake: (() => void) | undefined;
  const signalled = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const until = (ms: number) =>
    new Promise<void>((r) => {
      wake = r;
      if (Number.isFinite(ms)) setTimeout(signalled, ms); // a spurious wake just loops
    });
  const stopped = () => Boolean(opts.signal?.aborted || failure);
  let abortedAt = 0;
  const onAbort = () => {
    abortedAt = Date.now();
    signalled();
  };
  opts.signal?.addEventListener('abort', onAbort);
  const start = (job: Job) => {
    running.add(job);
    started++;
    pool.run(job).then(
      (result) => {
        running.delete(job);
        try {
          opts.onResult(result, job);
        } catch (e) {
          failure ??= { error: e };
        }
        signalled();
      },
      (e) => {
        if (!closed) failure ??= { error: e }; // the job stays in `running`: its worker may have left a temp file
        signalled();
      },
    );
  };
  try {
    for await (const job of jobs) {
      while (running.size >= pool.size && !stopped()) await until(Infinity);
      if (stopped()) break;
      start(job);
    }
    if (opts.signal?.aborted) abortedAt ||= Date.now();
    const grace = opts.graceMs ?? GRACE_MS;
    while (running.size && !failure) {
      const left = abortedAt ? abortedAt + grace - Date.now() : Infinity;
      if (left <= 0) break;
      await until(left);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    const abandoned = [...running];
    closed = true;
    await pool.close();
    for (const job of abandoned) await opts.onAbandon?.(job);
  }
  if (failure) throw failure.error;
  return { started, aborted: Boolean(opts.signal?.aborted) };
}
