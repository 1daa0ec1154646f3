// The one worker pool (src/worker-pool.ts): replies matched to jobs in order, least-busy dispatch,
// a dying worker failing every job still out, and runPool's streaming, abort grace and abandon.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runPool, WorkerPool } from '../src/worker-pool.js';

const WORKER = new URL('./fixtures/pool-worker.mjs', import.meta.url);
type Reply = { n: number; twice?: number; sum?: number; thread: number; init?: unknown };

describe('WorkerPool', () => {
  it('answers every job with its own reply, on every worker, after the init message', async () => {
    const pool = new WorkerPool<{ n: number }, Reply>(WORKER, { size: 3, init: { type: 'init', value: 'kernel' }, perWorker: 2 });
    try {
      const replies = await Promise.all(Array.from({ length: 40 }, (_, n) => pool.run({ n })));
      expect(replies.map((r) => r.twice)).toEqual(Array.from({ length: 40 }, (_, n) => 2 * n));
      expect(new Set(replies.map((r) => r.init))).toEqual(new Set(['kernel']));
      expect(new Set(replies.map((r) => r.thread)).size).toBe(3);
      expect(pool.busy).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('adopts workers already started: they count in its size, get the init message, and are terminated on close', async () => {
    const early = new Worker(WORKER);
    const exited = new Promise<void>((r) => early.once('exit', () => r()));
    const pool = new WorkerPool<{ n: number }, Reply>(WORKER, { size: 2, init: { type: 'init', value: 'kernel' }, adopt: [early] });
    try {
      expect(pool.size).toBe(2);
      const replies = await Promise.all(Array.from({ length: 8 }, (_, n) => pool.run({ n })));
      expect(replies.map((r) => r.init)).toEqual(Array(8).fill('kernel'));
      expect(new Set(replies.map((r) => r.thread))).toContain(early.threadId);
    } finally {
      await pool.close();
    }
    await exited;
  });

  it('gives every worker its workerData', async () => {
    const pool = new WorkerPool<{ n: number }, Reply>(WORKER, { size: 2, workerData: { init: 'from workerData' } });
    try {
      const replies = await Promise.all([1, 2, 3, 4].map((n) => pool.run({ n })));
      expect(replies.map((r) => r.init)).toEqual(Array(4).fill('from workerData'));
    } finally {
      await pool.close();
    }
  });

  it('hands a transferred buffer over (the sender no longer holds it)', async () => {
    const pool = new WorkerPool<{ n: number; data: Float32Array }, Reply>(WORKER, { size: 1 });
    try {
      const data = Float32Array.of(1, 2, 3.5);
      const r = await pool.run({ n: 0, data }, [data.buffer]);
      expect(r.sum).toBe(6.5);
      expect(data.byteLength).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('a worker that throws fails every job still out, and every later one', async () => {
    const pool = new WorkerPool<{ n?: number; sleep?: number; throw?: boolean }, Reply>(WORKER, { size: 2 });
    try {
      const slow = pool.run({ n: 1, sleep: 5000 });
      const bad = pool.run({ throw: true });
      await expect(bad).rejects.toThrow(/boom in the worker/);
      await expect(slow).rejects.toThrow(/boom in the worker/);
      await expect(pool.run({ n: 2 })).rejects.toThrow(/boom in the worker/);
    } finally {
      await pool.close();
    }
  });

  it('a worker that exits on its own fails the pool with its exit code', async () => {
    const pool = new WorkerPool<{ exit: number }, Reply>(WORKER, { size: 1 });
    try {
      await expect(pool.run({ exit: 3 })).rejects.toThrow('worker thread exited with code 3');
    } finally {
      await pool.close();
    }
  });

  it('close() rejects what is still running', async () => {
    const pool = new WorkerPool<{ n: number; sleep: number }, Reply>(WORKER, { size: 1 });
    const slow = expect(pool.run({ n: 1, sleep: 5000 })).rejects.toThrow('worker pool closed');
    await pool.close();
    await slow;
  });
});

describe('runPool', () => {
  it('reads the jobs only as workers free up, and returns every result', async () => {
    let read = 0;
    let out = 0;
    let most = 0;
    function* jobs() {
      for (let n = 0; n < 30; n++) {
        read++;
        most = Math.max(most, read - out);
        yield { n };
      }
    }
    const seen: number[] = [];
    const r = await runPool<{ n: number }, Reply>(WORKER, jobs(), {
      size: 2,
      onResult(res, job) {
        out++;
        expect(res.n).toBe(job.n);
        seen.push(res.twice!);
      },
    });
    expect(r).toEqual({ started: 30, aborted: false });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => 2 * n));
    expect(most).toBeLessThanOrEqual(3); // two running, one read and waiting
  });

  it('on the signal starts nothing new, lets short jobs finish and abandons long ones after the grace', async () => {
    const ctl = new AbortController();
    const done: number[] = [];
    const abandoned: number[] = [];
    const jobs = [{ n: 0, sleep: 50 }, { n: 1, sleep: 20_000 }, { n: 2, sleep: 10 }, { n: 3, sleep: 10 }];
    setTimeout(() => ctl.abort(), 20);
    const r = await runPool<{ n: number; sleep: number }, Reply>(WORKER, jobs, {
      size: 2,
      signal: ctl.signal,
      graceMs: 1500, // job 0 (50 ms) finishes well within it even on a loaded machine
      onResult: (res) => done.push(res.n),
      onAbandon: (job) => {
        abandoned.push(job.n);
      },
    });
    expect(r.aborted).toBe(true);
    expect(r.started).toBe(2);
    expect(done).toEqual([0]);
    expect(abandoned).toEqual([1]);
  });

  it('rethrows a worker crash after abandoning the jobs still out', async () => {
    const abandoned: number[] = [];
    const jobs = [{ n: 0, sleep: 20_000 }, { n: 1, throw: true }];
    await expect(
      runPool<{ n: number }, Reply>(WORKER, jobs, { size: 2, onResult: () => undefined, onAbandon: (j) => void abandoned.push(j.n) }),
    ).rejects.toThrow(/boom in the worker/);
    expect(abandoned.sort()).toEqual([0, 1]);
  });

  it('rethrows what onResult throws', async () => {
    await expect(
      runPool<{ n: number }, Reply>(WORKER, [{ n: 1 }, { n: 2 }], {
        size: 1,
        onResult: () => {
          throw new Error('cannot take this result');
        },
      }),
    ).rejects.toThrow('cannot take this result');
  });
});
