// hierarchicalShardDocuments: a document shard of hierarchical attention computes only its own
// samples, and its documents are exactly the whole run's (hierarchicalDocuments, checked against
// NumPy in documents.test.ts and fixtures.test.ts) for those samples.
import { describe, expect, it } from 'vitest';
import { AttnlensError, shardOf, tensor } from '@attnlens/core';
import { hierarchicalDocuments, hierarchicalShardDocuments, maskFromLengths, prepareKernel } from '../src/index.js';
import { randomF32, rng } from './reference.js';

const r = rng(3);
const [F, Fs, A] = [4, 5, 3];
const kernel = (f: number) => prepareKernel({ variant: 'attlayer', W: tensor('float32', [f, A], randomF32(f * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });
const [word, sent] = [kernel(F), kernel(Fs)];
const [N, S, T] = [13, 3, 4];
const xw = tensor('float32', [N, S, T, F], randomF32(N * S * T * F, r));
const xs = tensor('float32', [N, S, Fs], randomF32(N * S * Fs, r));
const wmask = maskFromLengths(Array.from({ length: N * S }, (_, i) => 1 + (i % T)));
const smask = maskFromLengths(Array.from({ length: N }, (_, i) => 1 + (i % S)));
const tokens = Array.from({ length: N }, (_, n) => Array.from({ length: S }, (_, s) => Array.from({ length: 1 + ((n * S + s) % T) }, (_, t) => `n${n}s${s}t${t}`)));

describe('hierarchicalShardDocuments', () => {
  for (const layout of ['(N, S, T, F)', '(N·S, T, F)']) {
    it(`gives each shard of 1, 2, 3 the whole run's documents of its samples, X ${layout}`, () => {
      const x = layout === '(N, S, T, F)' ? xw : tensor('float32', [N * S, T, F], xw.data);
      const levels = [{ kernel: word, x, mask: wmask, layer: 'w' }, { kernel: sent, x: xs, mask: smask, layer: 's' }] as const;
      const whole = hierarchicalDocuments(...levels, { tokens });
      for (const count of [1, 2, 3]) {
        for (let index = 0; index < count; index++) {
          const docs = hierarchicalShardDocuments(...levels, { index, count, source: '' }, { tokens });
          expect(docs).toEqual(whole.filter((d) => shardOf(d.id, count) === index));
        }
      }
    });
  }

  it('names X\'s own place of a NaN in one of its samples; other shards do not see it', () => {
    const data = Float32Array.from(xs.data as Float32Array);
    const bad = 7;
    data[(bad * S + 1) * Fs + 2] = NaN;
    const levels = [{ kernel: word, x: xw, file: 'w.npy' }, { kernel: sent, x: tensor('float32', [N, S, Fs], data), file: 's.npy' }] as const;
    const k = shardOf(String(bad), 2);
    let e: unknown;
    try {
      hierarchicalShardDocuments(...levels, { index: k, count: 2, source: '' });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(AttnlensError);
    expect((e as AttnlensError).message).toContain(`NaN at [${bad}, 1, 2]`);
    expect((e as AttnlensError).file).toBe('s.npy');
    expect(hierarchicalShardDocuments(...levels, { index: 1 - k, count: 2, source: '' }).length).toBeGreaterThan(0);
  });

  it('checks masks and tokens against the whole input first', () => {
    const levels = [{ kernel: word, x: xw, mask: maskFromLengths([1, 2]) }, { kernel: sent, x: xs }] as const;
    expect(() => hierarchicalShardDocuments(...levels, { index: 0, count: 2, source: '' })).toThrow(/one length per sequence/);
    expect(() => hierarchicalShardDocuments({ kernel: word, x: xw }, { kernel: sent, x: xs }, { index: 0, count: 2, source: '' }, { tokens: tokens.slice(1) })).toThrow(/tokens cover 12 samples but X has 13/);
  });
});
