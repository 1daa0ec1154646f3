import { describe, expect, it } from 'vitest';
import type { AttentionMap } from '@attnlens/core';
import { resolveScale, SharedRange } from '../src/index.js';

const m = (w: number[], extra: Partial<AttentionMap> = {}): AttentionMap => ({ shape: [w.length], weights: new Float32Array(w), ...extra });

describe('SharedRange', () => {
  it("gathers one 'auto' range (0..max) over maps streamed one by one, skipping padding and non-finite weights", () => {
    const r = new SharedRange();
    r.add(m([0.1, 0.25]));
    r.add(m([0.2, 0.9, 5], { validCols: 2 }));
    r.add(m([NaN, Infinity]));
    expect(r.get()).toEqual([0, Math.fround(0.9)]);
    expect(r.get()).toEqual([resolveScale(m([0.1, 0.25, 0.2, 0.9])).min, resolveScale(m([0.1, 0.25, 0.2, 0.9])).max]);
  });
  it('gives the default range when no map had a finite weight', () => {
    const r = new SharedRange();
    r.add(m([NaN]));
    const empty = resolveScale(m([NaN]));
    expect(r.get()).toEqual([empty.min, empty.max]);
  });
});
