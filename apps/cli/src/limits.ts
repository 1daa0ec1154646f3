// The global size-limit options: parsed here, handed to core's one limit mechanism
// (setLimits), which every adapter consults before allocating for a size a file claims.
import type { Command } from 'commander';
import { DEFAULT_LIMITS, fail, LIMIT_FLAGS, setLimits, type LimitName } from '@attnlens/core';

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 };

/** "2000000000", "4G" (10^9), "3GiB" (2^30), "512MB": a whole number of bytes. */
export function parseBytes(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(Math.round(n)) || n < 0) {
    fail('BAD_ARGUMENT', `${flag} takes a size in bytes (e.g. 4000000000, 4G, 4GiB), not ${JSON.stringify(text)}`);
  }
  return Math.round(n);
}

const DESCRIBE: Record<LimitName, string> = {
  maxArrayBytes: 'largest array, dataset, zip entry or record read whole into memory',
  maxOutputBytes: 'largest output one input may expand into (a broadcast tensor, a decoded image, one converted document)',
  maxTempBytes: 'largest temporary copy on disk (model.weights.h5 out of a .keras archive)',
};

const gib = (n: number) => `${n / 2 ** 30} GiB`;

/** Add --max-array-bytes and friends to the program; they apply to every command. */
export function addLimitOptions(program: Command): void {
  for (const name of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
    program.option(`${LIMIT_FLAGS[name]} <bytes>`, `${DESCRIBE[name]} (default ${gib(DEFAULT_LIMITS[name])})`);
  }
  program.hook('preAction', () => {
    const o = program.opts<Record<string, string | undefined>>();
    const next: Partial<Record<LimitName, number>> = {};
    for (const name of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
      const v = o[name];
      if (v !== undefined) next[name] = parseBytes(v, LIMIT_FLAGS[name]);
    }
    setLimits(next);
  });
}
