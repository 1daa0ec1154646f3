// One size-limit mechanism for every adapter (issue 12, "memory bounded by what the file
// really holds"). A file's header can claim any size; before allocating for a claim an
// adapter calls checkSize, which fails with SIZE_LIMIT naming the real size, the limit
// and the option that raises it. The limits are process-wide defaults (the CLI sets them
// once from --max-array-bytes and friends) that an API caller can override per call.

import { fail } from './errors.js';

export interface Limits {
  /** Largest single array held in memory at once: a tensor, an HDF5 dataset, an .npz entry, a record. */
  maxArrayBytes: number;
  /**
   * Largest output one input may expand into, where the file holds far less than it yields:
   * a broadcast TensorProto value list, a PNG decoded to weights, one converted document.
   */
  maxOutputBytes: number;
  /** Largest temporary copy written to disk (a .keras archive's model.weights.h5). */
  maxTempBytes: number;
  /**
   * Most cells a heatmap draws; a bigger map is block-averaged down to fit (and its legend says so):
   * a 3000 x 3000 map once took 8 GB as SVG and minutes as PNG, and no screen shows more cells than pixels.
   */
  maxHeatmapCells: number;
  /**
   * Most tokens one highlighted document shows (1-D maps and their children). Every token is a box
   * with its own label: a 10^7-weight map once took 86 s and 5 GB before failing.
   */
  maxHighlightTokens: number;
  /** Largest PNG drawn, in device pixels (64 M pixels = 256 MB of RGBA in one canvas). */
  maxImagePixels: number;
}

export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxArrayBytes: 2 ** 31, // 2 GiB: larger arrays are streamed by rows (openNpy) or split
  maxOutputBytes: 2 ** 30, // 1 GiB: a 16384 x 16384 float32 map
  maxTempBytes: 2 ** 31, // 2 GiB: a .keras archive whose weights inflate past this is refused before the disk fills
  maxHeatmapCells: 1_000_000, // 1000 x 1000
  maxHighlightTokens: 100_000, // no reader scans past this
  maxImagePixels: 64_000_000,
});

/** What each limit counts: its values are whole numbers of this. */
export const LIMIT_UNITS: Readonly<Record<LimitName, 'bytes' | 'cells' | 'tokens' | 'pixels'>> = Object.freeze({
  maxArrayBytes: 'bytes',
  maxOutputBytes: 'bytes',
  maxTempBytes: 'bytes',
  maxHeatmapCells: 'cells',
  maxHighlightTokens: 'tokens',
  maxImagePixels: 'pixels',
});

const WHAT: Record<LimitName, string> = {
  maxArrayBytes: 'the per-array limit',
  maxOutputBytes: 'the per-output limit',
  maxTempBytes: 'the temporary-copy limit',
  maxHeatmapCells: 'the heatmap cell limit',
  maxHighlightTokens: 'the highlight token limit',
  maxImagePixels: 'the image pixel limit',
};

let current: Limits = { ...DEFAULT_LIMITS };

/** Change the process-wide limits (unnamed ones keep their value); returns the new limits. */
export function setLimits(next: Partial<Limits>): Readonly<Limits> {
  for (const [k, v] of Object.entries(next) as [LimitName, number | undefined][]) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_LIMITS)) fail('BAD_ARGUMENT', `unknown limit ${k}; the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (!Number.isSafeInteger(v) || v < 0) fail('BAD_ARGUMENT', `limit ${k} must be a non-negative whole number of ${LIMIT_UNITS[k]}, not ${v}`);
    current[k] = v;
  }
  return { ...current };
}

/** Back to DEFAULT_LIMITS (tests). */
export function resetLimits(): void {
  current = { ...DEFAULT_LIMITS };
}

/** The limits in force: the process-wide ones, with `override` on top. */
export function limits(override?: Partial<Limits>): Readonly<Limits> {
  if (!override) return current;
  const out = { ...current };
  for (const [k, v] of Object.entries(override) as [LimitName, number | undefined][]) if (v !== undefined) out[k] = v;
  return out;
}

/** "3.9 GB (3900000000 bytes)": decimal units people read, and the exact count. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'KB']];
  for (const [u, name] of units) if (n >= u) return `${(n / u).toFixed(1)} ${name} (${n} bytes)`;
  return `${n} bytes`;
}

export interface CheckSizeOptions {
  file?: string | undefined;
  limits?: Partial<Limits> | undefined;
  /** What to do instead of raising the limit, said first in the hint (e.g. "crop the map to the tokens of interest"). */
  instead?: string | undefined;
}

/**
 * Fail with SIZE_LIMIT when `amount` (what `what` would take, e.g. "the dataset /w (16384, 16384) float32",
 * in the limit's unit: bytes, cells, tokens, pixels) is over limit `name`. Call it before allocating for a
 * size a file claims. The hint says the fix in plain words; `details.option` names the limit, which the
 * CLI turns into its flag.
 */
export function checkSize(amount: number, what: string, name: LimitName = 'maxArrayBytes', opts: CheckSizeOptions = {}): void {
  const limit = limits(opts.limits)[name];
  if (amount <= limit) return;
  const unit = LIMIT_UNITS[name];
  const bytes = unit === 'bytes';
  const fmt = (n: number) => (bytes ? formatBytes(n) : `${n} ${unit}`);
  const raise = `${bytes ? 'if the file is genuine and the machine has the memory, ' : ''}raise ${WHAT[name]}`;
  fail('SIZE_LIMIT', `${what} ${bytes ? 'needs' : 'has'} ${fmt(amount)}, over ${WHAT[name]} of ${fmt(limit)}`, {
    file: opts.file,
    hint: opts.instead ? `${opts.instead}, or ${raise}` : raise,
    details: { [unit]: amount, limit, limitName: name, option: name },
  });
}
