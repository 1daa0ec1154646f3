// Shared by the tests: fixture paths, expected values, and exact comparisons.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { AttnlensError, type Tensor } from '@attnlens/core';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (name: string) => FIXTURES + name;
/** File bytes as their own ArrayBuffer (like readFile of a large file) ... */
export const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(fixture(name)));
/** ... and at an odd offset inside a bigger buffer, so no view can be aligned. */
export const unalignedBytesOf = (name: string): Uint8Array => {
  const b = readFileSync(fixture(name));
  const big = new Uint8Array(b.length + 3);
  big.set(b, 3);
  return big.subarray(3);
};

export interface Described {
  dtype: string;
  shape: number[];
  hex: string;
  finiteSum?: number;
}
export type Expected =
  | Described
  | { arrays: Described[]; trailingBytes?: number }
  | { error: string; match: string }
  | { compressed: boolean; entries: Record<string, Described>; order: string[]; unsupported?: Record<string, string> }
  | { inner: string; entries: Record<string, Described> };

export const EXPECTED: Record<string, Expected> = JSON.parse(readFileSync(fixture('expected.json'), 'utf8'));

export const hexOf = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');

export function expectTensor(t: Tensor, want: Described): void {
  expect(t.dtype).toBe(want.dtype);
  expect([...t.shape]).toEqual(want.shape);
  expect(hexOf(t)).toBe(want.hex);
}

/** Run fn and return the AttnlensError it throws (failing the test when it throws nothing or something else). */
export function errorOf(fn: () => unknown): AttnlensError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AttnlensError);
    return e as AttnlensError;
  }
  throw new Error('expected an AttnlensError, got none');
}
export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<AttnlensError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AttnlensError);
    return e as AttnlensError;
  }
  throw new Error('expected an AttnlensError, got none');
}
