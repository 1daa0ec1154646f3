// Shared by the torch tests: fixture paths, the expected values torch wrote, and values of a Tensor as JSON-comparable numbers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { float16ToFloat32, isAttnlensError, type AttnlensError, type Tensor } from '@attnlens/core';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<string, any>;

/** Values as expected.json holds them: float16 decoded, int64 as strings, bool as booleans. */
export function valuesOf(t: Tensor): (number | string | boolean)[] {
  if (t.dtype === 'float16') return Array.from(t.data as Uint16Array, float16ToFloat32);
  if (t.dtype === 'int64' || t.dtype === 'uint64') return Array.from(t.data as BigInt64Array, String);
  if (t.dtype === 'bool') return Array.from(t.data as Uint8Array, (b) => b === 1);
  return Array.from(t.data as Float32Array, Number);
}

export async function errorOf(p: Promise<unknown>): Promise<AttnlensError> {
  try {
    await p;
  } catch (e) {
    if (isAttnlensError(e)) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}
