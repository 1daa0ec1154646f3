// Masks, lengths, token ids, non-finite inputs and overflow: every bad input is a clear AttnlensError.
import { describe, expect, it } from 'vitest';
import { AttnlensError, tensor } from '@attnlens/core';
import { checkMask, computeAttention, maskFromArray, maskFromLengths, masksFromIds, prepareKernel, validExtent } from '../src/index.js';
import { randomF32, rng, error } from './reference.js';

const r = rng(1);
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [4, 3], randomF32(12, r)), b: tensor('float32', [3], randomF32(3, r)), u: tensor('float32', [3, 1], randomF32(3, r)) });
const x = (N: number, T: number) => tensor('float32', [N, T, 4], randomF32(N * T * 4, rng(N * 31 + T)));

describe('masks', () => {
  it('reads lengths of any integer dtype or integral floats, and refuses the rest', () => {
    expect([...(maskFromLengths(tensor('int64', [3], BigInt64Array.from([3n, 0n, 2n]))) as { lengths: Int32Array }).lengths]).toEqual([3, 0, 2]);
    expect([...(maskFromLengths(tensor('float32', [2, 1], Float32Array.from([1, 2]))) as { lengths: Int32Array }).lengths]).toEqual([1, 2]);
    let e = error(() => maskFromLengths(tensor('int32', [3], Int32Array.from([3, -1, 2])), 'L.npy'));
    expect(e.code).toBe('BAD_ARGUMENT');
    expect(e.message).toBe('L.npy: lengths (3,) holds -1 at [1]; a length is a whole number of steps ≥ 0');
    e = error(() => maskFromLengths(tensor('float64', [2], Float64Array.from([1.5, 2]))));
    expect(e.message).toMatch(/holds 1\.5 at \[0\]/);
  });

  it('checks lengths against X: one per sequence, none longer than T, naming both shapes', () => {
    let e = error(() => computeAttention(k, x(6, 15), maskFromLengths([1, 2, 3, 4, 5]), { maskFile: 'L.npy' }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe('L.npy: lengths is (5,) but X is (6, 15, 4): need one length per sequence (6)');
    e = error(() => computeAttention(k, x(2, 15), maskFromLengths([15, 17])));
    expect(e.message).toBe('lengths[1] = 17 is longer than T = 15 (lengths is (2,), X is (2, 15, 4))');
    e = error(() => checkMask({ lengths: Int32Array.from([-2]) }, 1, 4, [1, 4, 4]));
    expect(e.message).toMatch(/lengths\[0\] = -2 is negative/);
  });

  it('reads 0/1 and bool mask arrays and refuses other values and shapes', () => {
    const m = maskFromArray(tensor('bool', [2, 3], Uint8Array.from([1, 1, 0, 1, 0, 0])));
    expect(validExtent(m, 0, 3)).toEqual({ count: 2, end: 2 });
    expect(validExtent(m, 1, 3)).toEqual({ count: 1, end: 1 });
    const e = error(() => maskFromArray(tensor('float32', [2, 2], Float32Array.from([1, 0, 0.5, 1])), 'M.npy'));
    expect(e.message).toBe('M.npy: mask (2, 2) holds 0.5 at [1, 0]; a mask holds only 0 (padding) and 1 (valid)');
    const e2 = error(() => computeAttention(k, x(2, 3), maskFromArray(tensor('uint8', [2, 4], new Uint8Array(8)))));
    expect(e2.code).toBe('SHAPE_MISMATCH');
    expect(e2.message).toMatch(/mask is \(2, 4\) but X is \(2, 3, 4\)/);
    const e3 = error(() => computeAttention(k, x(2, 3), maskFromArray(tensor('uint8', [3, 2], new Uint8Array(6)))));
    expect(e3.message).toMatch(/the mask's last axis must be T = 3/);
  });

  it('masks padding ids wherever they are (pre-padding too), like Embedding(mask_zero=True)', () => {
    const ids = tensor('int32', [2, 4], Int32Array.from([0, 0, 5, 7, 3, 0, 4, 0]));
    const m = masksFromIds(ids, 0);
    expect([...(m as { mask: Uint8Array }).mask]).toEqual([0, 0, 1, 1, 1, 0, 1, 0]);
    const a = computeAttention(k, x(2, 4), m);
    for (const i of [0, 1, 5, 7]) expect(a[i]).toBe(0);
    expect(a[2]! + a[3]!).toBeCloseTo(1, 5);
    // Ids saved as floats are fine when whole; fractions mean it is not an id array.
    expect([...(masksFromIds(tensor('float64', [3], Float64Array.from([4, 0, 2])), 0) as { mask: Uint8Array }).mask]).toEqual([1, 0, 1]);
    const e = error(() => masksFromIds(tensor('float32', [1, 2], Float32Array.from([3, 0.25])), 0, 'ids.npy'));
    expect(e.code).toBe('BAD_ARGUMENT');
    expect(e.message).toBe('ids.npy: ids (1, 2) holds 0.25 at [0, 1]; token ids are whole numbers');
    expect(error(() => masksFromIds(ids, 0.5)).code).toBe('BAD_ARGUMENT');
  });
});

describe('non-finite values', () => {
  it('reports the first NaN or Inf in X with its index, whichever kernel runs', () => {
    for (const backend of ['auto', 'js'] as const) {
      const X = x(3, 5);
      (X.data as Float32Array)[(2 * 5 + 3) * 4 + 1] = Infinity;
      (X.data as Float32Array)[(1 * 5 + 4) * 4 + 2] = NaN;
      const e = error(() => computeAttention(k, X, undefined, { file: 'X.npy', backend }));
      expect(e.code).toBe('NON_FINITE');
      expect(e.message).toBe('X.npy: X (3, 5, 4) holds NaN at [1, 4, 2]');
      (X.data as Float32Array)[(1 * 5 + 4) * 4 + 2] = 0;
      expect(error(() => computeAttention(k, X, undefined, { backend })).message).toBe('X (3, 5, 4) holds +Inf at [2, 3, 1]');
    }
  });

  it('reports Inf in X even though tanh(±Inf) is finite, and in padded steps too', () => {
    const X = x(2, 3);
    (X.data as Float32Array)[(1 * 3 + 2) * 4] = -Infinity;
    const e = error(() => computeAttention(k, X, maskFromLengths([3, 1])));
    expect(e.message).toBe('X (2, 3, 4) holds -Inf at [1, 2, 0]');
  });

  it('reports float64 inputs so large that x·W overflows', () => {
    const X = tensor('float64', [1, 2, 4], Float64Array.from([1, 2, 3, 4, 1e308, 1e308, 1e308, 1e308]));
    const kk = prepareKernel({ variant: 'attlayer', W: tensor('float32', [4, 1], Float32Array.from([10, 10, 10, 10])), u: tensor('float32', [1], Float32Array.from([1])) });
    const e = error(() => computeAttention(kk, X));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toMatch(/X\[0, 1, :\] is so large that x·W overflows float64/);
  });

  it("reports eps overflow (exp of a huge linear score) instead of returning NaN, and softmax copes", () => {
    const kl = prepareKernel({ variant: 'linear', W: tensor('float32', [2], Float32Array.from([1, 1])), normalise: 'eps' });
    const X = tensor('float32', [1, 2, 2], Float32Array.from([400, 400, 0, 0]));
    const e = error(() => computeAttention(kl, X, undefined, { file: 'X.npy' }));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toMatch(/^X\.npy: the score at X\[0, 0, :\] is 800\.000: exp\(\) overflows/);
    expect(e.hint).toMatch(/recompute with 'softmax' normalisation/);
    expect(e.details?.option).toBe('normalise'); // the CLI adds --normalise
    // Each exp fits float64 but their sum does not.
    const X2 = tensor('float64', [1, 2, 3, 2], Float64Array.from([1, 2, 3, 4, 5, 6, 354.5, 354.5, 354.5, 354.5, 354.5, 354.5]));
    const e2 = error(() => computeAttention(kl, X2));
    expect(e2.message).toMatch(/^the scores of X\[0, 1, :, :\] sum to more than float64 holds/);
    const ks = prepareKernel({ variant: 'linear', W: tensor('float32', [2], Float32Array.from([1, 1])) });
    expect([...computeAttention(ks, X)]).toEqual([1, 0]);
  });
});
