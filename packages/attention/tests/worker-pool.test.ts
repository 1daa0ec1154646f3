// attention's WorkerPool on core's: blocks go to the workers and come back equal to the calling
// thread's, an AttnlensError raised in a worker comes back as one naming the file, and a closed
// pool refuses more blocks.
import { describe, expect, it } from 'vitest';
import { tensor } from '@attnlens/core';
import { computeAttention, prepareKernel } from '../src/index.js';
import { WorkerPool } from '../src/worker-pool.js';
import { randomF32, rng } from './reference.js';

const r = rng(7);
const F = 5;
const A = 3;
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });
const how = { backend: 'auto' as const, precision: 'auto' as const };

describe('attention WorkerPool', () => {
  it('computes blocks on two workers, two at a time each, equal to the calling thread', async () => {
    const N = 12;
    const T = 4;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const pool = new WorkerPool(2, k, how, 'x.npy');
    try {
      const blocks = Array.from({ length: 6 }, (_, b) => {
        const data = (x.data as Float32Array).slice(b * 2 * T * F, (b + 1) * 2 * T * F);
        return pool.run({ dtype: 'float32', data, start: b * 2, count: 2, T, xShape: [N, T, F] });
      });
      expect(pool.busy).toBe(6);
      const got = (await Promise.all(blocks)).flatMap((w) => [...w]);
      expect(got).toEqual([...computeAttention(k, x)]);
      expect(pool.busy).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("a worker's AttnlensError comes back as one that names the file; after close, blocks are refused", async () => {
    const pool = new WorkerPool(1, k, how, 'x.npy');
    const data = new Float32Array(2 * F);
    data[F + 1] = NaN; // X[0, 1, 1]: refused in the worker, as on the calling thread
    const e = await pool.run({ dtype: 'float32', data, start: 0, count: 1, T: 2, xShape: [1, 2, F] }).then(() => undefined, (err: unknown) => err);
    expect(e).toMatchObject({ name: 'AttnlensError', code: 'NON_FINITE', file: 'x.npy' });
    expect((e as Error).message).toMatch(/^x\.npy: X \(1, 2, 5\) holds NaN at \[0, 1, 1\]/);
    await pool.close();
    await expect(pool.run({ dtype: 'float32', data: new Float32Array(F), start: 0, count: 1, T: 1, xShape: [1, 1, F] })).rejects.toThrow(/a worker thread failed: worker pool closed/);
  });
});

describe('early workers (started before the pool, adopted by it)', () => {
  it('a pool adopts the started workers first, computes the same, and the rest are stopped', async () => {
    const { startEarlyWorkers, takeEarlyWorkers, stopEarlyWorkers } = await import('../src/early-workers.js');
    startEarlyWorkers(3);
    const N = 6;
    const T = 4;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const pool = new WorkerPool(2, k, how, 'x.npy'); // takes two of the three
    try {
      expect(pool.size).toBe(2);
      const blocks = [0, 1, 2].map((b) => pool.run({ dtype: 'float32', data: (x.data as Float32Array).slice(b * 2 * T * F, (b + 1) * 2 * T * F), start: b * 2, count: 2, T, xShape: [N, T, F] }));
      expect((await Promise.all(blocks)).flatMap((w) => [...w])).toEqual([...computeAttention(k, x)]);
    } finally {
      await pool.close();
    }
    expect(takeEarlyWorkers(5)).toHaveLength(1); // the one no pool took
    await stopEarlyWorkers();
    expect(takeEarlyWorkers(1)).toHaveLength(0);
  });

  it('stopEarlyWorkers terminates the workers no pool took', async () => {
    const { startEarlyWorkers, stopEarlyWorkers, takeEarlyWorkers } = await import('../src/early-workers.js');
    startEarlyWorkers(2);
    await stopEarlyWorkers();
    expect(takeEarlyWorkers(2)).toHaveLength(0);
  });
});
