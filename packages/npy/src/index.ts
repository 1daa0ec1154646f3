import { fail, type Tensor } from '@attnlens/core';

/** Placeholder until the NumPy adapter lands. */
export function encodeNpy(_t: Tensor): Uint8Array {
  return fail('UNSUPPORTED', 'writing .npy is not built yet');
}
