// Properties of the weights, for random layers, inputs and masks (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tensor } from '@attnlens/core';
import { computeAttention, computeScores, maskFromLengths, prepareKernel, type Kernel, type Mask, type Variant } from '../src/index.js';
import { float32ScoreBound, randomF32, rng } from './reference.js';

interface Case {
  k: Kernel;
  N: number;
  T: number;
  F: number;
  x: Float32Array;
  lengths: number[];
}

const caseArb = fc
  .record({
    variant: fc.constantFrom<Variant>('awc-tf', 'awc-th', 'attlayer', 'linear'),
    normalise: fc.constantFrom<'eps' | 'softmax' | undefined>('eps', 'softmax', undefined),
    N: fc.integer({ min: 1, max: 5 }),
    T: fc.integer({ min: 1, max: 12 }),
    F: fc.integer({ min: 1, max: 9 }),
    A: fc.integer({ min: 1, max: 9 }),
    seed: fc.integer(),
    bias: fc.boolean(),
    lengthSeeds: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
  })
  .map(({ variant, normalise, N, T, F, A, seed, bias, lengthSeeds }): Case => {
    const r = rng(seed);
    const a = variant === 'awc-tf' || variant === 'awc-th' ? F : variant === 'linear' ? 1 : A;
    // |u| ≤ 0.5 keeps Σ|u| ≤ 4.5, so exp(s) ≥ e^-4.5 and the eps term moves the sums by < 1e-5.
    const W = variant === 'linear' ? tensor('float32', [F], randomF32(F, r)) : tensor('float32', [F, a], randomF32(F * a, r));
    const b = bias ? (variant === 'linear' ? tensor('float32', [1], randomF32(1, r)) : tensor('float32', [a], randomF32(a, r, 0.3))) : undefined;
    const u = variant === 'linear' ? undefined : tensor('float32', [a], randomF32(a, r, 0.5));
    const k = prepareKernel({ variant, W, b, u, normalise });
    const x = randomF32(N * T * F, r, 2);
    const lengths = Array.from({ length: N }, (_, i) => lengthSeeds[i]! % (T + 1));
    return { k, N, T, F, x, lengths };
  });

function run(c: Case, mask?: Mask, x = c.x): Float32Array {
  return computeAttention(c.k, tensor('float32', [c.N, c.T, c.F], x), mask);
}

describe('attention weights: properties', () => {
  it('each row sums to 1 over its valid steps and is exactly 0 elsewhere; a fully masked row is all zeros', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const mask = maskFromLengths(c.lengths);
        const a = run(c, mask);
        const scores = computeScores(c.k, tensor('float32', [c.N, c.T, c.F], c.x));
        for (let n = 0; n < c.N; n++) {
          let sum = 0;
          for (let t = 0; t < c.T; t++) {
            const w = a[n * c.T + t]!;
            if (t >= c.lengths[n]!) expect(w).toBe(0);
            else {
              expect(w).toBeGreaterThan(0);
              sum += w;
            }
          }
          if (c.lengths[n] === 0) expect(sum).toBe(0);
          else if (c.k.normalise === 'softmax') expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
          else {
            // eps: the sum is S/(S + 1e-7) exactly, S = Σ exp(s) over the valid steps.
            let S = 0;
            for (let t = 0; t < c.lengths[n]!; t++) S += Math.exp(scores[n * c.T + t]!);
            expect(Math.abs(sum - S / (S + 1e-7))).toBeLessThan(1e-6);
            // 1 − S/(S + 1e-7) ≈ 1e-7/S: a linear head (no u bounding s) can give one step a small S.
            expect(Math.abs(sum - 1)).toBeLessThan(1e-7 / S + 1e-6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('permuting the valid steps of a sequence permutes its weights', () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), (c, pseed) => {
        const mask = maskFromLengths(c.lengths);
        const a = run(c, mask);
        const r = rng(pseed);
        const perm: number[][] = c.lengths.map((L) => {
          const p = Array.from({ length: L }, (_, i) => i);
          for (let i = L - 1; i > 0; i--) {
            const j = Math.floor(r() * (i + 1));
            [p[i], p[j]] = [p[j]!, p[i]!];
          }
          return p;
        });
        const y = new Float32Array(c.x.length);
        for (let n = 0; n < c.N; n++) {
          for (let t = 0; t < c.T; t++) {
            const src = t < c.lengths[n]! ? perm[n]![t]! : t;
            y.set(c.x.subarray((n * c.T + src) * c.F, (n * c.T + src + 1) * c.F), (n * c.T + t) * c.F);
          }
        }
        const b = run(c, mask, y);
        for (let n = 0; n < c.N; n++) {
          for (let t = 0; t < c.T; t++) {
            const src = t < c.lengths[n]! ? perm[n]![t]! : t;
            // Same steps, same values; the sum may round differently in its last bit.
            expect(Math.abs(b[n * c.T + t]! - a[n * c.T + src]!)).toBeLessThan(1e-7);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a sample weighs the same alone or in a batch (normalised per sequence, never across the batch)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const mask = maskFromLengths(c.lengths);
        const all = run(c, mask);
        for (let n = 0; n < c.N; n++) {
          const one = computeAttention(c.k, tensor('float32', [1, c.T, c.F], c.x.slice(n * c.T * c.F, (n + 1) * c.T * c.F)), maskFromLengths([c.lengths[n]!]));
          expect([...one]).toEqual([...all.slice(n * c.T, (n + 1) * c.T)]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the float64 SIMD kernel and the JavaScript kernel agree to 1e-12 on the scores', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const x = tensor('float32', [c.N, c.T, c.F], c.x);
        const a = computeScores(c.k, x, { backend: 'auto', precision: 'float64' });
        const b = computeScores(c.k, x, { backend: 'js' });
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it('the float32 SIMD kernel (the default for float32 X and weights) stays within the float32 rounding bound of the float64 scores', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const x = tensor('float32', [c.N, c.T, c.F], c.x);
        const a = computeScores(c.k, x, { backend: 'auto' });
        const b = computeScores(c.k, x, { backend: 'js' });
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(c.k.tanh ? float32ScoreBound(c.k, c.x, i) : 1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it('a 0/1 mask array and lengths give the same weights; padding in the middle is masked too', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const m = new Uint8Array(c.N * c.T);
        c.lengths.forEach((L, n) => m.fill(1, n * c.T, n * c.T + L));
        expect(run(c, { mask: m })).toEqual(run(c, maskFromLengths(c.lengths)));
        // Mask out step 0 only: its weight is 0 and the others renormalise.
        const m2 = new Uint8Array(c.N * c.T).fill(1);
        for (let n = 0; n < c.N; n++) m2[n * c.T] = 0;
        const a = run(c, { mask: m2 });
        for (let n = 0; n < c.N; n++) expect(a[n * c.T]).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
