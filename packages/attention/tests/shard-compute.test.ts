// computeFileSequences: a document shard scores only its own sequences of X, packed into dense
// blocks, and gets exactly the weights the whole run gives them (computeAttention, itself
// checked against NumPy in fixtures.test.ts), whatever the workers, block size, mask or layout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttnlensError, shardOf, tensor } from '@attnlens/core';
import { writeNpyFile } from '@attnlens/npy/node';
import { computeAttention, maskFromLengths, prepareKernel, shardSamples, type Mask } from '../src/index.js';
import { computeFileSequences } from '../src/node.js';
import { randomF32, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-shard-compute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = rng(5);
const F = 4;
const A = 3;
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });

async function collect(opts: Parameters<typeof computeFileSequences>[0]): Promise<{ seqs: number[]; weights: number[]; blocks: number }> {
  const s = await computeFileSequences(opts);
  const seqs: number[] = [];
  const weights: number[] = [];
  let blocks = 0;
  for await (const c of s.chunks()) {
    seqs.push(...c.sequences);
    weights.push(...c.weights);
    blocks++;
  }
  return { seqs, weights, blocks };
}

/** The whole run's weights of sequences `seqs`, T per sequence. */
const pick = (all: Float32Array, seqs: number[], T: number) => seqs.flatMap((s) => [...all.subarray(s * T, (s + 1) * T)]);

describe('shardSamples', () => {
  it('lists the samples whose id String(i) hashes into the shard, increasing, and the shards of N cover every sample once', () => {
    const seen = new Uint8Array(500);
    for (let K = 0; K < 3; K++) {
      const s = [...shardSamples(500, { index: K, count: 3, source: '' })];
      expect(s.every((i) => shardOf(String(i), 3) === K)).toBe(true);
      expect(s).toEqual([...s].sort((a, b) => a - b));
      for (const i of s) seen[i]!++;
    }
    expect(seen.every((v) => v === 1)).toBe(true);
    expect(shardSamples(4, undefined)).toEqual(Uint32Array.from([0, 1, 2, 3]));
  });
});

describe('computeFileSequences', () => {
  it('gives each chosen sequence the whole run\'s weights, for any shard, worker count and block size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3000 }), fc.integer(), async (N, T, count, workers, chunkBytes, seed) => {
        const x = tensor('float32', [N, T, F], randomF32(N * T * F, rng(seed)));
        const path = join(dir, `x-${N}-${T}.npy`);
        await writeNpyFile(path, x);
        const mask = maskFromLengths(Array.from({ length: N }, (_, i) => Math.abs(seed + i * 5) % (T + 1)));
        const all = computeAttention(k, x, mask);
        const index = Math.abs(seed) % count;
        const got = await collect({ kernel: k, inputs: path, mask, workers, chunkBytes, documentShard: { index, count, source: '' } });
        const want = [...shardSamples(N, { index, count, source: '' })];
        expect(got.seqs).toEqual(want);
        expect(got.weights).toEqual(pick(all, want, T));
      }),
      { numRuns: 25 },
    );
  });

  it('packs the chosen sequences into blocks of about chunkBytes, not one per run of neighbours', async () => {
    const N = 400;
    const T = 5;
    const path = join(dir, 'pack.npy');
    await writeNpyFile(path, tensor('float32', [N, T, F], randomF32(N * T * F, r)));
    const seqBytes = T * F * 4;
    const got = await collect({ kernel: k, inputs: path, workers: 0, chunkBytes: 50 * seqBytes, documentShard: { index: 1, count: 2, source: '' } });
    expect(got.seqs.length).toBe(shardSamples(N, { index: 1, count: 2, source: '' }).length);
    expect(got.blocks).toBe(Math.ceil(got.seqs.length / 50));
  });

  it('takes a list of sequences of an (N, S, T, F) float64 X with a 0/1 mask', async () => {
    const [N, S, T] = [6, 3, 4];
    const x = tensor('float64', [N, S, T, F], Float64Array.from(randomF32(N * S * T * F, r)));
    const path = join(dir, 'nstf.npy');
    await writeNpyFile(path, x);
    const bits = Uint8Array.from({ length: N * S * T }, (_, i) => (i % 3 === 2 ? 0 : 1));
    const mask: Mask = { mask: bits };
    const seqs = [0, 4, 5, 11, 17];
    const got = await collect({ kernel: k, inputs: path, mask, workers: 1, chunkBytes: 2 * T * F * 8, sequences: seqs });
    expect(got.seqs).toEqual(seqs);
    expect(got.weights).toEqual(pick(computeAttention(k, x, mask), seqs, T));
  });

  it('names X\'s own place of a NaN in a chosen sequence, on a worker or this thread; a NaN in another shard\'s sequence is not its business', async () => {
    const [N, T] = [30, 4];
    const data = randomF32(N * T * F, r);
    data[(17 * T + 2) * F + 1] = NaN;
    const path = join(dir, 'nan.npy');
    await writeNpyFile(path, tensor('float32', [N, T, F], data));
    const mine = shardOf('17', 2);
    for (const workers of [0, 1]) {
      const e = await collect({ kernel: k, inputs: path, workers, documentShard: { index: mine, count: 2, source: '' } }).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(AttnlensError);
      expect((e as AttnlensError).code).toBe('NON_FINITE');
      expect((e as AttnlensError).message).toContain('[17, 2, 1]');
      expect((e as AttnlensError).file).toBe(path);
    }
    const other = await collect({ kernel: k, inputs: path, workers: 0, documentShard: { index: 1 - mine, count: 2, source: '' } });
    expect(other.seqs).not.toContain(17);
  });

  it('refuses a list of sequences that is not increasing or leaves X', async () => {
    const path = join(dir, 'x-small.npy');
    await writeNpyFile(path, tensor('float32', [3, 2, F], randomF32(3 * 2 * F, r)));
    for (const sequences of [[1, 0], [0, 3], [-1]]) {
      const e = await computeFileSequences({ kernel: k, inputs: path, sequences }).then(() => undefined, (err: unknown) => err);
      expect((e as AttnlensError).code).toBe('BAD_ARGUMENT');
    }
  });
});
