import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AttentionMap } from '@attnlens/core';
import { formatBound, formatWeight, niceTicks, resolveScale } from '../src/index.js';
import { expectFail } from './errors.js';

const m = (w: number[], extra: Partial<AttentionMap> = {}): AttentionMap => ({ shape: [w.length], weights: new Float32Array(w), ...extra });

describe('resolveScale', () => {
  it("'auto' goes from 0 to the largest valid weight", () => {
    expect(resolveScale(m([0.1, 0.5, 0.25]))).toEqual({ min: 0, max: 0.5 });
  });
  it("'minmax' spans the valid weights", () => {
    const s = resolveScale(m([0.125, 0.5, 0.25]), 'minmax');
    expect(s).toEqual({ min: 0.125, max: 0.5 });
  });
  it('ignores padding and NaN/Inf', () => {
    expect(resolveScale(m([0.25, NaN, 0.5, 9, Infinity], { validCols: 3 }))).toEqual({ min: 0, max: 0.5 });
  });
  it('is symmetric for signed data and widens a constant map', () => {
    expect(resolveScale(m([-0.5, 0.25]))).toEqual({ min: -0.5, max: 0.5 });
    expect(resolveScale(m([-2, -1]))).toEqual({ min: -2, max: 0 });
    expect(resolveScale(m([0, 0]))).toEqual({ min: 0, max: 1 });
    expect(resolveScale(m([0.5, 0.5]), 'minmax')).toEqual({ min: 0.25, max: 0.75 });
  });
  it('shares one range over several maps', () => {
    expect(resolveScale([m([0.1, 0.2]), m([0.7, 0.05])])).toEqual({ min: 0, max: expect.closeTo(0.7, 6) });
  });
  it('keeps a fixed scale as given', () => {
    expect(resolveScale(m([5]), { min: 0, max: 1 })).toEqual({ min: 0, max: 1 });
  });
  it('refuses malformed scales', () => {
    expectFail(() => resolveScale(m([1]), { min: 1, max: 1 }), 'BAD_ARGUMENT', /min \(1\) must be below max \(1\)/);
    expectFail(() => resolveScale(m([1]), { min: 0, max: NaN }), 'BAD_ARGUMENT', /invalid colour scale/);
    expectFail(() => resolveScale(m([1]), 'log' as never), 'BAD_ARGUMENT', /invalid colour scale "log"/);
  });
});

describe('niceTicks', () => {
  it('picks round values', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.728, 5)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(niceTicks(0, 0.728, 8)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(-0.5, 0.5, 4)).toEqual([-0.4, -0.2, 0, 0.2, 0.4]);
  });
  it('returns sorted, evenly spaced ticks inside the range', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.integer({ min: 2, max: 10 }), (lo, span, count) => {
        const hi = lo + span;
        fc.pre(hi > lo);
        const t = niceTicks(lo, hi, count);
        expect(t.length).toBeGreaterThanOrEqual(1);
        expect(t.length).toBeLessThanOrEqual(count * 3 + 1);
        const eps = Math.max(span, Math.abs(lo), Math.abs(hi)) * 1e-9;
        for (const v of t) expect(v >= lo - eps && v <= hi + eps).toBe(true);
        for (let i = 2; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(t[1]! - t[0]!, 6);
      }),
    );
  });
});

describe('number formats', () => {
  it('formats weights and legend bounds', () => {
    expect(formatWeight(0.41234)).toBe('0.4123');
    expect(formatWeight(NaN)).toBe('NaN');
    expect(formatWeight(-Infinity)).toBe('-Inf');
    expect(formatWeight(0.00001)).toBe('1.0e-5');
    expect(formatBound(0.41)).toBe('0.41');
    expect(formatBound(0.7281)).toBe('0.728');
    expect(formatBound(1)).toBe('1');
  });
});
