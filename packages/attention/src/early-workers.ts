// @attnlens/attention/early-workers: attention's worker threads started before the program has
// loaded the code that will use them. A Node 20 worker spends 80-150 ms loading its modules before
// it can compute (issue 15: start-up); started first thing (apps/cli/src/cli.ts), that loading
// overlaps the main thread's own. The workers need nothing at start: worker.ts receives the kernel
// in its first message, sent by the pool that adopts them (worker-pool.ts). Node-only, and light on
// purpose: it imports node:worker_threads alone, so importing it costs the caller nothing.
import { Worker } from 'node:worker_threads';

/** The compiled worker script beside this file; from the TypeScript sources (tests), the built one in dist/. */
export function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../dist/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
}

let started: Worker[] = [];

/**
 * How much X pays for workers started before the program has loaded: four of computeFile's
 * 4 MiB blocks, enough that each thread gets several (below it, computeFile may still start its
 * own workers, but their start-up is not worth spending on a guess made from the arguments).
 */
export const EARLY_WORKERS_FROM_BYTES = 16 << 20;

/**
 * Start `count` attention workers now, for a pool made later to adopt (takeEarlyWorkers). They do
 * not keep the process alive while unadopted; stopEarlyWorkers ends those no pool took.
 */
export function startEarlyWorkers(count: number): void {
  for (let i = 0; i < count; i++) {
    const w = new Worker(workerUrl());
    w.unref();
    // A worker that fails to load is dropped here; an adopting pool would report it, this
    // listener only keeps an unadopted one's error from being an uncaught exception.
    w.on('error', () => {
      started = started.filter((s) => s !== w);
    });
    started.push(w);
  }
}

/** Up to `count` of the early workers, now owned by the caller (referenced again: they keep the process alive). */
export function takeEarlyWorkers(count: number): Worker[] {
  const taken = started.splice(0, Math.max(0, count));
  for (const w of taken) {
    w.removeAllListeners('error');
    w.ref();
  }
  return taken;
}

/** Terminate the early workers no pool took (the command did not need them, or failed first). */
export async function stopEarlyWorkers(): Promise<void> {
  const left = started.splice(0);
  await Promise.all(left.map((w) => w.terminate()));
}
