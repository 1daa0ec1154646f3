// Reads the fixtures scripts/make-fixtures.py wrote (keras_ref.py's answers) and measures errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

export interface Arr { shape: number[]; data: (number | null)[] }

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url)), 'utf8')) as T;
}

export const f32 = (a: Arr): Float32Array => Float32Array.from(a.data, (v) => (v === null ? NaN : v));
export const u8 = (a: Arr): Uint8Array => Uint8Array.from(a.data, (v) => v ?? 0);
export const opt = (a: Arr | null | undefined): Float32Array | undefined => (a ? f32(a) : undefined);

/** Largest |actual − expected| / max(1, |expected|) (NaN must meet NaN). */
export function maxError(actual: ArrayLike<number>, expected: Arr): number {
  expect(actual.length).toBe(expected.data.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected.data[i];
    const a = actual[i]!;
    if (e === null) {
      expect(Number.isNaN(a), `index ${i} should be NaN, is ${a}`).toBe(true);
      continue;
    }
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

export const TOLERANCE = 1e-5;

// The worst error of the test file, printed when it ends (each test file loads this module afresh).
let worst = 0;
let checked = 0;
afterAll(() => {
  if (checked) console.log(`${checked} arrays checked against their reference; max |Δ| / max(1, |expected|) = ${worst.toExponential(2)}`);
});

export function expectClose(actual: ArrayLike<number>, expected: Arr, tol = TOLERANCE): number {
  const err = maxError(actual, expected);
  expect(err).toBeLessThanOrEqual(tol);
  worst = Math.max(worst, err);
  checked++;
  return err;
}
