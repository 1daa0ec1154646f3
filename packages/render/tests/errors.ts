import { isAttnlensError, type AttnlensError, type ErrorCode } from '@attnlens/core';
import { expect } from 'vitest';

/** Run fn and check it throws an AttnlensError with this code and a message matching re. */
export function expectFail(fn: () => unknown, code: ErrorCode, re?: RegExp): AttnlensError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an AttnlensError').toBeDefined();
  expect(isAttnlensError(caught), `not an AttnlensError: ${String(caught)}`).toBe(true);
  const e = caught as { code: string; message: string };
  expect(e.code).toBe(code);
  if (re) expect(e.message).toMatch(re);
  return caught as AttnlensError;
}
