// A fixed pool of worker threads running one job at a time each. Jobs are fed from
// an async iterable, so a stream of a million documents never sits in memory; at most
// `size` jobs are in flight. Stopping (Ctrl-C) starts no new job and gives running ones
// GRACE_MS to finish (their writes are atomic); workers still busy then are terminated
// and `onAbandon` cleans up after their jobs (a 3000 x 3000 heatmap takes many seconds,
// and a Ctrl-C must not wait for it).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface PoolOptions {
  size?: number;
  /** Called with each result, in completion order. */
  onResult: (result: unknown, job: unknown) => void;
  signal?: AbortSignal;
  /** Called for each job still running when the pool stops on the signal (remove its temp files). */
  onAbandon?: (job: unknown) => Promise<void> | void;
}

const GRACE_MS = 1000;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runPool(script: URL, jobs: AsyncIterable<unknown> | Iterable<unknown>, opts: PoolOptions): Promise<{ started: number; aborted: boolean }> {
  const size = Math.max(1, opts.size ?? defaultWorkers());
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const pending = new Map<Worker, unknown>();
  let started = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signalled = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  for (let i = 0; i < size; i++) {
    const w = new Worker(script);
    w.on('message', (result) => {
      const job = pending.get(w);
      pending.delete(w);
      idle.push(w);
      try {
        opts.onResult(result, job);
      } catch (e) {
        failure ??= e;
      }
      signalled();
    });
    w.on('error', (e) => {
      failure ??= e;
      signalled();
    });
    workers.push(w);
    idle.push(w);
  }
  let abortedAt = 0;
  const onAbort = () => {
    abortedAt = Date.now();
    signalled();
  };
  opts.signal?.addEventListener('abort', onAbort);

  const waitForIdle = () => new Promise<void>((r) => (idle.length || failure || opts.signal?.aborted ? r() : (wake = r)));
  try {
    for await (const job of jobs) {
      if (opts.signal?.aborted || failure) break;
      await waitForIdle();
      if (opts.signal?.aborted || failure) break;
      const w = idle.pop()!;
      pending.set(w, job);
      started++;
      w.postMessage(job);
    }
    if (opts.signal?.aborted) abortedAt ||= Date.now();
    while (pending.size && !failure) {
      const left = abortedAt ? abortedAt + GRACE_MS - Date.now() : Infinity;
      if (left <= 0) break;
      await new Promise<void>((r) => {
        wake = r;
        if (Number.isFinite(left)) setTimeout(signalled, left); // a spurious wake just loops
      });
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
    for (const job of pending.values()) await opts.onAbandon?.(job);
  }
  if (failure) throw failure;
  return { started, aborted: Boolean(opts.signal?.aborted) };
}
