import { describe, expect, it } from 'vitest';
import { AttnlensError, tensor, type Tensor } from '@attnlens/core';
import { computeAttention, prepareKernel, type AttentionParams } from '../src/index.js';
import { randomF32, refAttention, rng, error } from './reference.js';

const f32 = (shape: number[], data?: number[]) => tensor('float32', shape, data ? Float32Array.from(data) : randomF32(shape.reduce((a, b) => a * b, 1), rng(shape.length * 7 + shape[0]!)));

describe('prepareKernel', () => {
  it('stores awc-tf W as given (x·Wᵀ) and awc-th/attlayer W transposed (x·W)', () => {
    const W = f32([2, 2], [1, 2, 3, 4]);
    const u = f32([2], [1, 1]);
    expect([...prepareKernel({ variant: 'awc-tf', W, u }).w]).toEqual([1, 2, 3, 4]);
    expect([...prepareKernel({ variant: 'awc-th', W, u }).w]).toEqual([1, 3, 2, 4]);
    const k = prepareKernel({ variant: 'attlayer', W: f32([3, 2], [1, 2, 3, 4, 5, 6]), u });
    expect(k.inputDim).toBe(3);
    expect(k.attentionDim).toBe(2);
    expect([...k.w]).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('accepts b as (A,) or (1, A) and u as (A,), (A, 1) or (1, A), with the same result', () => {
    const W = f32([4, 3]);
    const x = f32([2, 5, 4]);
    const b = randomF32(3, rng(3));
    const u = randomF32(3, rng(4));
    const outs = [
      [[3], [3]],
      [[1, 3], [3, 1]],
      [[3], [1, 3]],
    ].map(([bs, us]) => computeAttention(prepareKernel({ variant: 'attlayer', W, b: tensor('float32', bs!, b), u: tensor('float32', us!, u) }), x));
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });

  it('defaults to eps for the Keras variants and softmax for linear', () => {
    expect(prepareKernel({ variant: 'attlayer', W: f32([3, 2]), u: f32([2]) }).normalise).toBe('eps');
    expect(prepareKernel({ variant: 'linear', W: f32([1, 3]) }).normalise).toBe('softmax');
    expect(prepareKernel({ variant: 'awc-tf', W: f32([2, 2]), u: f32([2]), normalise: 'softmax' }).normalise).toBe('softmax');
  });

  it('awc-tf and awc-th give different weights on the same square W (the transposition matters)', () => {
    const W = f32([5, 5]);
    const u = f32([5]);
    const x = f32([3, 6, 5]);
    const a = computeAttention(prepareKernel({ variant: 'awc-tf', W, u }), x);
    const b = computeAttention(prepareKernel({ variant: 'awc-th', W, u }), x);
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
    expect(d).toBeGreaterThan(1e-3);
  });

  it('refuses a non-square W for awc, naming its shape and suggesting attlayer', () => {
    const e = error(() => prepareKernel({ variant: 'awc-tf', W: f32([24, 10]), b: f32([10]), u: f32([10, 1]) }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/awc-tf needs a square W \(F, F\), but W is \(24, 10\)/);
    expect(e.hint).toMatch(/attlayer/);
  });

  it('refuses u and b that do not fit W, naming both shapes', () => {
    let e = error(() => prepareKernel({ variant: 'attlayer', W: f32([24, 10]), u: f32([12]) }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/u is \(12,\) but W \(24, 10\) gives A = 10/);
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([24, 10]), b: f32([24]), u: f32([10]) }));
    expect(e.message).toMatch(/b is \(24,\) but W \(24, 10\) gives A = 10/);
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([24, 10]), u: f32([10, 2]) }));
    expect(e.message).toMatch(/u is \(10, 2\)/);
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([24, 10]) }));
    expect(e.message).toMatch(/needs a context vector u of shape \(10,\)/);
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([2, 3, 4]), u: f32([4]) }));
    expect(e.message).toMatch(/W must be 2-D, but W is \(2, 3, 4\)/);
    e = error(() => prepareKernel({ variant: 'linear', W: f32([3, 2]) }));
    expect(e.message).toMatch(/linear variant needs w of shape \(F,\), \(F, 1\) or \(1, F\), but W is \(3, 2\)/);
    e = error(() => prepareKernel({ variant: 'linear', W: f32([3]), u: f32([3]) }));
    expect(e.message).toMatch(/no context vector u/);
    e = error(() => prepareKernel({ variant: 'linear', W: f32([3]), b: f32([2]) }));
    expect(e.message).toMatch(/bias is one number, but b is \(2,\)/);
  });

  it('refuses an unknown variant or normalisation, integer weights, and names the file', () => {
    expect(error(() => prepareKernel({ variant: 'bahdanau' as never, W: f32([2, 2]) })).code).toBe('BAD_ARGUMENT');
    expect(error(() => prepareKernel({ variant: 'attlayer', W: f32([2, 2]), u: f32([2]), normalise: 'max' as never })).code).toBe('BAD_ARGUMENT');
    const e = error(() => prepareKernel({ variant: 'attlayer', W: tensor('int32', [2, 2], new Int32Array(4)), u: f32([2]) }, 'model.h5'));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/^model\.h5: W has dtype int32/);
  });

  it('reports NaN or Inf in the weights with the first index', () => {
    const W = f32([3, 2], [0, 1, 2, 3, NaN, Infinity]);
    let e = error(() => prepareKernel({ variant: 'attlayer', W, u: f32([2]) }, 'w.h5'));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toBe('w.h5: W (3, 2) holds NaN at [2, 0]');
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([3, 2]), u: f32([2], [1, -Infinity]) }));
    expect(e.message).toBe('u (2,) holds -Inf at [1]');
    const half = tensor('float16', [2], new Uint16Array([0x3c00, 0x7c00]));
    e = error(() => prepareKernel({ variant: 'attlayer', W: f32([3, 2]), u: half }));
    expect(e.message).toBe('u (2,) holds +Inf at [1]');
  });

  it('takes float16 and float64 weights', () => {
    const W64 = tensor('float64', [2, 2], Float64Array.from([0.5, -1, 0.25, 2]));
    const W16 = tensor('float16', [2, 2], Uint16Array.from([0x3800, 0xbc00, 0x3400, 0x4000]));
    const u = f32([2], [1, -1]);
    const x = f32([1, 3, 2]);
    const p = (W: Tensor): AttentionParams => ({ variant: 'awc-th', W, u });
    // Same values, so the same weights; float64 arithmetic for both (by default float16 weights run float32 and float64 ones float64).
    const f64 = { precision: 'float64' } as const;
    expect(computeAttention(prepareKernel(p(W16)), x, undefined, f64)).toEqual(computeAttention(prepareKernel(p(W64)), x, undefined, f64));
    expect(prepareKernel(p(W16)).float32Weights).toBe(true);
    expect(prepareKernel(p(W64)).float32Weights).toBe(false);
  });
});

describe('computeAttention input checks', () => {
  const k = prepareKernel({ variant: 'awc-tf', W: f32([15, 15]), b: f32([15]), u: f32([15]) });

  it("names both shapes when X's F does not fit W", () => {
    const e = error(() => computeAttention(k, f32([6, 15, 12]), undefined, { file: 'X.npy' }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe("X.npy: X is (6, 15, 12) but W is (15, 15): X's last axis (F = 12) must equal W's axis 1 (x·Wᵀ) = 15");
  });

  it('refuses 1-D and integer X', () => {
    expect(error(() => computeAttention(k, f32([15]))).message).toMatch(/X is \(15,\) but must be \(T, F\) or \(N, T, F\)/);
    expect(error(() => computeAttention(k, tensor('int64', [2, 15], new BigInt64Array(30)))).code).toBe('UNSUPPORTED');
  });

  it('handles (T,F), (N,T,F), (N,S,T,F) and empty batches', () => {
    const x = f32([2, 3, 4, 15]);
    const all = computeAttention(k, x);
    expect(all.length).toBe(24);
    const one = computeAttention(k, tensor('float32', [4, 15], (x.data as Float32Array).slice(60, 120)));
    expect([...one]).toEqual([...all.slice(4, 8)]);
    expect(computeAttention(k, f32([0, 4, 15])).length).toBe(0);
  });

  it('computes in float64 whatever the input dtype (float16 widened exactly)', () => {
    const r = rng(9);
    const bits = Uint16Array.from({ length: 2 * 5 * 15 }, () => Math.floor(r() * 0x3c00));
    const x16 = tensor('float16', [2, 5, 15], bits);
    const x32 = tensor('float32', [2, 5, 15], Float32Array.from(bits, (h) => {
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      return e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
    }));
    expect(computeAttention(k, x16)).toEqual(computeAttention(k, x32));
  });

  it('matches the float64 reference to 1e-6 on awkward sizes (A not a multiple of the block, odd row counts)', () => {
    for (const [N, T, F, A] of [[1, 1, 1, 1], [3, 5, 7, 3], [2, 9, 33, 17], [5, 3, 2, 9]] as const) {
      const r = rng(N * 1000 + F);
      const W = randomF32(F * A, r, 0.8);
      const b = randomF32(A, r, 0.3);
      const u = randomF32(A, r, 1.5);
      const x = randomF32(N * T * F, r, 1.2);
      const kk = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], W), b: tensor('float32', [A], b), u: tensor('float32', [A], u) });
      const want = refAttention({ variant: 'attlayer', W: Float64Array.from(W), F, A, b: Float64Array.from(b), u: Float64Array.from(u) }, x, N, T);
      for (const backend of ['auto', 'js'] as const) {
        const got = computeAttention(kk, tensor('float32', [N, T, F], x), undefined, { backend });
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
      }
    }
  });
});
