// The global size-limit options: parsed here, handed to core's one limit mechanism
// (setLimits), which every adapter consults before allocating for a size a file claims.
import type { Command } from 'commander';
import { DEFAULT_LIMITS, fail, LIMIT_UNITS, setLimits, type LimitName } from '@attnlens/core';

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 };

/** A whole number of `unit`: "2000000000", "4G" (10^9), "3GiB" (2^30), "512MB" bytes; "2M" tokens = 2 000 000. */
function parseAmount(text: string, flag: string, unit: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(Math.round(n)) || n < 0) {
    const eg = unit === 'bytes' ? '4000000000, 4G, 4GiB' : '200000, 2M';
    fail('BAD_ARGUMENT', `${flag} takes ${unit === 'bytes' ? 'a size in bytes' : `a number of ${unit}`} (e.g. ${eg}), not ${JSON.stringify(text)}`);
  }
  return Math.round(n);
}

/** The flag of each of core's limits: --its-kebab-case, as errors-flags.ts turns a SIZE_LIMIT's details.option into. */
export const LIMIT_FLAGS: Readonly<Record<LimitName, string>> = Object.freeze(
  Object.fromEntries((Object.keys(DEFAULT_LIMITS) as LimitName[]).map((n) => [n, `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`])) as Record<LimitName, string>,
);

const DESCRIBE: Record<LimitName, string> = {
  maxArrayBytes: 'largest array, dataset, zip entry or record read whole into memory',
  maxOutputBytes: 'largest output one input may expand into (a broadcast tensor, a decoded image, one converted document)',
  maxTempBytes: 'largest temporary copy on disk (model.weights.h5 out of a .keras archive)',
  maxHeatmapCells: 'most cells a heatmap draws; bigger maps are averaged down to fit (render, report)',
  maxHighlightTokens: 'most tokens a highlighted document shows; longer ones are refused (render, report)',
  maxImagePixels: 'largest PNG drawn, in pixels (render, report)',
};

const shown = (name: LimitName) => {
  const n = DEFAULT_LIMITS[name];
  // Thousands separators by hand: the first toLocaleString of a process loads ICU's number
  // formatting, ~12-35 ms of every command's start-up, as this runs for each --help line (issue 15).
  return LIMIT_UNITS[name] === 'bytes' ? `${n / 2 ** 30} GiB` : `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${LIMIT_UNITS[name]}`;
};


/** Add --max-array-bytes and friends (the drawing limits too) to the program; they apply to every command. */
export function addLimitOptions(program: Command): void {
  for (const name of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
    program.option(`${LIMIT_FLAGS[name]} <${LIMIT_UNITS[name] === 'bytes' ? 'bytes' : 'n'}>`, `${DESCRIBE[name]} (default ${shown(name)})`);
  }
  program.hook('preAction', () => {
    const o = program.opts<Record<string, string | undefined>>();
    const next: Partial<Record<LimitName, number>> = {};
    for (const name of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
      const v = o[name];
      if (v !== undefined) next[name] = parseAmount(v, LIMIT_FLAGS[name], LIMIT_UNITS[name]);
    }
    setLimits(next);
  });
}
