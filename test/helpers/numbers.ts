// Comparing numbers the CLI wrote with the ones NumPy, PyTorch or h5py wrote.
import { expect } from 'vitest';

/** The largest |a[i] - b[i]|, after checking that both hold as many values. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
