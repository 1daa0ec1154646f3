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
}

export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxArrayBytes: 2 ** 31, // 2 GiB: larger arrays are streamed by rows (openNpy) or split
  maxOutputBytes: 2 ** 30, // 1 GiB: a 16384 x 16384 float32 map
  maxTempBytes: 2 ** 31, // 2 GiB: a .keras archive whose weights inflate past this is refused before the disk fills
});

/** What each limit is called on the command line (for hints; the CLI defines the flags). */
export const LIMIT_FLAGS: Readonly<Record<LimitName, string>> = Object.freeze({
  maxArrayBytes: '--max-array-bytes',
  maxOutputBytes: '--max-output-bytes',
  maxTempBytes: '--max-temp-bytes',
});

const WHAT: Record<LimitName, string> = {
  maxArrayBytes: 'the per-array limit',
  maxOutputBytes: 'the per-output limit',
  maxTempBytes: 'the temporary-copy limit',
};

let current: Limits = { ...DEFAULT_LIMITS };

/** Change the process-wide limits (unnamed ones keep their value); returns the new limits. */
export function setLimits(next: Partial<Limits>): Readonly<Limits> {
  for (const [k, v] of Object.entries(next) as [LimitName, number | undefined][]) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_LIMITS)) fail('BAD_ARGUMENT', `unknown limit ${k}; the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (!Number.isSafeInteger(v) || v < 0) fail('BAD_ARGUMENT', `limit ${k} must be a non-negative whole number of bytes, not ${v}`);
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
}

/**
 * Fail with SIZE_LIMIT when `bytes` (what `what` would take, e.g. "the dataset /w (16384, 16384) float32")
 * is over limit `name`. Call it before allocating for a size a file claims.
 */
export function checkSize(bytes: number, what: string, name: LimitName = 'maxArrayBytes', opts: CheckSizeOptions = {}): void {
  const limit = limits(opts.limits)[name];
  if (bytes <= limit) return;
  fail('SIZE_LIMIT', `${what} needs ${formatBytes(bytes)}, over ${WHAT[name]} of ${formatBytes(limit)}`, {
    file: opts.file,
    hint: `if the file is genuine and the machine has the memory, raise the limit (the ${name} option; ${LIMIT_FLAGS[name]} on the command line)`,
    details: { bytes, limit, limitName: name },
  });
}
