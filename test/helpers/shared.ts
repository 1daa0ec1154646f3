// Where the real-world corpus lives (../shared beside the checkout), and how tests
// that need it behave: they run when it exists, and fail (not skip) under CI when
// it is missing, so a CI run can never pass by silently testing nothing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED = resolve(REPO, '..', 'shared');
export const REAL = join(SHARED, 'fixtures', 'real');
export const EXPECTED = join(SHARED, 'fixtures', 'expected');

export function haveShared(): boolean {
  const ok = existsSync(REAL) && existsSync(EXPECTED);
  if (!ok && process.env.CI) throw new Error(`CI is set but the shared fixtures are missing at ${SHARED}`);
  return ok;
}

/** `describe` for tests that read ../shared/fixtures. */
export const describeReal: typeof describe.skip = ((name: string, fn: () => void) =>
  haveShared() ? describe(name, fn) : describe.skip(`${name} (../shared/fixtures not found)`, fn)) as typeof describe.skip;

export const real = (...p: string[]) => join(REAL, ...p);
export const expected = (...p: string[]) => join(EXPECTED, ...p);
