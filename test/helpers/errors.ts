// The AttnlensError a call throws, for tests that look at its code, message, hint and details.
import { isAttnlensError, type AttnlensError } from '@attnlens/core';

/** The AttnlensError `f` throws; anything else thrown fails the test, and so does no error. */
export function errorOf(f: () => unknown): AttnlensError {
  try {
    f();
  } catch (e) {
    if (isAttnlensError(e)) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}

/** The AttnlensError a promise (or an async function) rejects with; as errorOf otherwise. */
export async function asyncErrorOf(p: Promise<unknown> | (() => Promise<unknown>)): Promise<AttnlensError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isAttnlensError(e)) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}
