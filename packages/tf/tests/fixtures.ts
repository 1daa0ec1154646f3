// The committed fixtures (written by scripts/make-fixtures.py, an independent Python
// implementation) and the values they must decode to.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { isAttnlensError, type ErrorCode } from '@attnlens/core';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (name: string) => FIXTURES + name;
export const fixtureBytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));

export interface Expected {
  'alignment-f16.pb': { dtype: string; shape: number[]; bits: number[] };
  'broadcast.pb': { dtype: string; shape: number[]; values: number[] };
  'alignments.tfrecord.gz': { records: { shape: number[]; values: number[] }[] };
  'examples.tfrecord': { records: { shape: number[]; values: number[] }[] };
  'events.out.tfevents.1500000000.fixture': {
    records: number;
    images: { step: number; gray: number[][] }[];
    tensor: { shape: number[]; values: number[] };
    tf2_image: { gray: number[][] };
  };
}
export const expected: Expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8'));

/** Run fn, expect an AttnlensError with this code; returns it for more checks. */
export function expectError(fn: () => unknown, code: ErrorCode): { message: string; reason: string; hint?: string; details?: Record<string, unknown>; file?: string } {
  try {
    fn();
  } catch (e) {
    if (!isAttnlensError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected an AttnlensError ${code}, nothing was thrown`);
}

export async function expectRejection(p: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode): Promise<{ message: string; reason: string; hint?: string; details?: Record<string, unknown>; file?: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!isAttnlensError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected an AttnlensError ${code}, nothing was thrown`);
}

export async function collect<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
