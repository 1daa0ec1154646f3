import { isAttnlensError } from '@attnlens/core';

/** The AttnlensError `f` throws (anything else fails the test). */
export function error(f: () => unknown): { code: string; message: string; hint?: string } {
  try {
    f();
  } catch (e) {
    if (isAttnlensError(e)) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}
