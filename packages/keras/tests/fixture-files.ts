// Paths of the generated fixtures (scripts/make-fixtures.py) and the h5py-written
// manifest of every dataset in them, which the tests compare against.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { toFloat64, type DType, type Tensor } from '@attnlens/core';

export const fx = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface ManifestEntry {
  dtype: string;
  shape: number[];
  first: (number | null)[] | null;
  nonfinite: string[] | null;
  sum: number | null;
}
export const manifest: Record<string, Record<string, ManifestEntry>> = JSON.parse(readFileSync(fx('manifest.json'), 'utf8'));

/** The DType attnlens gives a NumPy dtype string as h5py reports it (bfloat16 opaque → float32). */
export function dtypeOf(np: string): DType {
  const kind = np[1]!;
  const size = Number(np.slice(2));
  if (kind === 'f') return ({ 2: 'float16', 4: 'float32', 8: 'float64' } as const)[size as 2 | 4 | 8];
  if (kind === 'b') return 'bool';
  if (kind === 'V') return 'float32';
  return `${kind === 'i' ? 'int' : 'uint'}${size * 8}` as DType;
}

/** A tensor equals what h5py read: dtype, shape, first values exactly, sum to float rounding. */
export function expectMatches(t: Tensor, m: ManifestEntry, what: string): void {
  expect(t.dtype, what).toBe(dtypeOf(m.dtype));
  expect([...t.shape], what).toEqual(m.shape);
  const v = toFloat64(t);
  m.first!.forEach((x, i) => {
    if (x === null) expect(Number.isFinite(v[i]!), `${what}[${i}] is non-finite`).toBe(false);
    else expect(Object.is(v[i], x) || v[i] === x, `${what}[${i}] = ${v[i]} (h5py: ${x})`).toBe(true);
  });
  let sum = 0;
  for (const x of v) if (Number.isFinite(x)) sum += x;
  expect(Math.abs(sum - m.sum!), `${what} sum ${sum} (h5py: ${m.sum})`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(m.sum!)));
}
