// computeFileToNpy with a shard: only its contiguous rows of X are computed, an index is
// written beside it, and the N shards merge (in any order) byte-equal to one run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttnlensError, tensor } from '@attnlens/core';
import { mergeNpyShards, readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { maskFromLengths, prepareKernel } from '../src/index.js';
import { computeFileToNpy } from '../src/node.js';
import { randomF32, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-attention-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = rng(5);
const F = 4;
const A = 3;
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });
const N = 23;
const T = 5;
const shard = (index: number, count: number) => ({ index, count, source: '' });

describe('computeFileToNpy with a shard', () => {
  it('writes rows [floor(K·R/N), floor((K+1)·R/N)) with an index; the shards merge byte-equal to one run, for N = 1, 2, 3, 7', async () => {
    const x = join(dir, 'x.npy');
    await writeNpyFile(x, tensor('float32', [N, T, F], randomF32(N * T * F, r)));
    const mask = maskFromLengths(Array.from({ length: N }, (_, i) => 1 + (i % T)));
    const whole = join(dir, 'whole.npy');
    await computeFileToNpy({ kernel: k, inputs: x, mask, out: whole, workers: 0 });
    for (const n of [1, 2, 3, 7]) {
      const parts: string[] = [];
      for (let i = n - 1; i >= 0; i--) {
        const out = join(dir, `s${n}-${i}.npy`);
        const res = await computeFileToNpy({ kernel: k, inputs: x, mask, out, shard: shard(i, n), workers: i % 2, chunkBytes: 3 * T * F * 4 });
        const want = [Math.floor((i * N) / n), Math.floor(((i + 1) * N) / n)];
        expect(res.rows).toEqual(want);
        expect(res.shape).toEqual([want[1]! - want[0]!, T]);
        const index = JSON.parse(readFileSync(`${out}.shard.json`, 'utf8')) as Record<string, unknown>;
        expect(index).toMatchObject({ format: 'attnlens-npy-shard', shard: i, count: n, rows: want, total: N, inputShape: [N, T, F] });
        parts.push(out);
      }
      const merged = join(dir, `m${n}.npy`);
      expect(await mergeNpyShards(merged, parts)).toEqual({ rows: N, count: n, shape: [N, T] });
      expect(readFileSync(merged).equals(readFileSync(whole))).toBe(true);
    }
  });

  it('computes only its own rows: a NaN in another shard\'s row does not stop it', async () => {
    const data = randomF32(N * T * F, r);
    data[20 * T * F] = Number.NaN; // row 20: shard 2 of 3 (rows 15..23)
    const x = join(dir, 'nan.npy');
    await writeNpyFile(x, tensor('float32', [N, T, F], data));
    // Shards 0 and 1 finish, and write finite weights for just their rows.
    for (const i of [0, 1]) {
      const res = await computeFileToNpy({ kernel: k, inputs: x, out: join(dir, `nan-${i}.npy`), shard: shard(i, 3), workers: 0 });
      const w = await readNpyFile(join(dir, `nan-${i}.npy`));
      expect(w.shape).toEqual([res.rows[1] - res.rows[0], T]);
      expect([...(w.data as Float32Array)].every(Number.isFinite)).toBe(true);
    }
    const e = await computeFileToNpy({ kernel: k, inputs: x, out: join(dir, 'nan-2.npy'), shard: shard(2, 3), workers: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AttnlensError);
    expect((e as AttnlensError).code).toBe('NON_FINITE');
    expect(existsSync(join(dir, 'nan-2.npy'))).toBe(false);
    expect(existsSync(join(dir, 'nan-2.npy.shard.json'))).toBe(false);
  });

  it('gives the one (T, F) sequence to the last shard', async () => {
    const x = join(dir, 'tf.npy');
    await writeNpyFile(x, tensor('float32', [T, F], randomF32(T * F, r)));
    const shapes = [];
    for (const i of [0, 1]) shapes.push((await computeFileToNpy({ kernel: k, inputs: x, out: join(dir, `tf-${i}.npy`), shard: shard(i, 2), workers: 0 })).shape);
    expect(shapes).toEqual([[0, T], [1, T]]);
  });
});
