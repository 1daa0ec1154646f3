// A fixed pool of worker threads running one job at a time each. Jobs are fed from
// an async iterable, so a stream of a million documents never sits in memory; at most
// `2 × size` jobs are in flight. Stopping (Ctrl-C) lets running jobs finish (their
// writes are atomic) and starts no new ones.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface PoolOptions {
  size?: number;
  /** Called with each result, in completion order. */
  onResult: (result: unknown, job: unknown) => void;
  signal?: AbortSignal;
}

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
  const onAbort = () => signalled();
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
    while (pending.size && !failure) await new Promise<void>((r) => (wake = r));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
  return { started, aborted: Boolean(opts.signal?.aborted) };
}
