// The engine against han_ref.py itself: tests/fixtures was written by
// scripts/make-fixtures.py, which runs the reference on every variant, weight shape,
// normalisation and mask.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpyFile } from '@attnlens/npy/node';
import { toFloat64 } from '@attnlens/core';
import { computeAttention, maskFromLengths, prepareKernel, type Variant } from '../src/index.js';

const DIR = join(import.meta.dirname, 'fixtures', 'reference');
const cases = readdirSync(DIR).sort();

describe('reference cases from han_ref.py', () => {
  it('has the cases the generator writes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases).toEqual(expect.arrayContaining(['step-bias', 'step-bias-flat-masked', 'per-feature', 'per-feature-masked', 'per-feature-2d']));
  });
  for (const name of cases) {
    it(name, async () => {
      const c = JSON.parse(readFileSync(join(DIR, name, 'case.json'), 'utf8')) as { variant: Variant; normalise: 'eps' | 'softmax'; weights: string[]; lengths: boolean };
      const load = (k: string) => readNpyFile(join(DIR, name, `${k}.npy`));
      const W = await load('W');
      const b = c.weights.includes('b') ? await load('b') : undefined;
      const u = c.weights.includes('u') ? await load('u') : undefined;
      const X = await load('X');
      const expected = toFloat64(await load('expected'));
      const k = prepareKernel({ variant: c.variant, W, b, u, normalise: c.normalise });
      const mask = c.lengths ? maskFromLengths(await load('lengths')) : undefined;
      for (const backend of ['auto', 'js'] as const) {
        const got = computeAttention(k, X, mask, { backend });
        expect(got.length).toBe(expected.length);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
        expect(worst).toBeLessThan(1e-6);
        // Masked steps are exactly 0.
        if (mask && 'lengths' in mask) {
          const T = X.shape[X.shape.length - 2]!;
          const P = k.perStep;
          for (let n = 0; n < mask.lengths.length; n++) for (let i = mask.lengths[n]! * P; i < T * P; i++) expect(got[n * T * P + i]).toBe(0);
        }
      }
    });
  }
});
