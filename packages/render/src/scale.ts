import { fail, trimmed, type AttentionMap } from '@attnlens/core/tensor';

/** A fixed weight range: weights map to t = (w - min) / (max - min), clamped to [0, 1]. */
export interface Scale {
  min: number;
  max: number;
}

/**
 * How the weight range of a figure is chosen:
 * - `'auto'` (default): from 0 to the largest valid weight (attention weights are
 *   non-negative, and starting at 0 keeps a flat distribution pale instead of
 *   stretching noise over the whole colour map); all-negative data goes from the
 *   smallest weight to 0, and signed data is symmetric around 0 (for diverging maps).
 * - `'minmax'`: from the smallest to the largest valid weight.
 * - `{ min, max }`: fixed, so that several figures share one scale (compare two models).
 */
export type ScaleSpec = 'auto' | 'minmax' | Scale;

/** Smallest and largest finite weight over the valid (unpadded) cells of the maps; undefined when none. */
export function finiteRange(maps: readonly AttentionMap[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (m: AttentionMap) => {
    for (const w of trimmed(m).weights) {
      if (w < lo) lo = w; // NaN compares false, ±Inf excluded below
      if (w > hi) hi = w;
    }
  };
  for (const m of maps) visit(m);
  if (lo === -Infinity || hi === Infinity) {
    // ±Inf are drawn as non-finite: recompute over finite values only
    lo = Infinity;
    hi = -Infinity;
    for (const m of maps) {
      for (const w of trimmed(m).weights) {
        if (!Number.isFinite(w)) continue;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Throws BAD_ARGUMENT for a malformed spec (unknown name, non-finite or empty range). */
export function checkScaleSpec(spec: unknown): asserts spec is ScaleSpec | undefined {
  if (spec === undefined || spec === 'auto' || spec === 'minmax') return;
  if (typeof spec === 'object' && spec !== null) {
    const { min, max } = spec as Partial<Scale>;
    if (typeof min === 'number' && typeof max === 'number' && Number.isFinite(min) && Number.isFinite(max)) {
      if (min < max) return;
      fail('BAD_ARGUMENT', `colour scale min (${min}) must be below max (${max})`, { hint: 'pass scale: { min, max } with min < max', details: { scale: spec } });
    }
  }
  fail('BAD_ARGUMENT', `invalid colour scale ${safeJson(spec)}`, { hint: "use 'auto', 'minmax' or { min, max } with finite numbers" });
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * The weight range for one figure (or, passing several maps, one range shared by
 * all of them: render each with `scale: resolveScale(allMaps)` to compare models).
 */
export function resolveScale(maps: AttentionMap | readonly AttentionMap[], spec: ScaleSpec = 'auto'): Scale {
  checkScaleSpec(spec);
  if (typeof spec === 'object') return { min: spec.min, max: spec.max };
  const list = Array.isArray(maps) ? (maps as readonly AttentionMap[]) : [maps as AttentionMap];
  const r = finiteRange(list);
  return scaleFromRange(r, spec);
}

/** Scale from a [lo, hi] data range under 'auto' or 'minmax'. */
export function scaleFromRange(r: [number, number] | undefined, spec: 'auto' | 'minmax'): Scale {
  if (!r) return { min: 0, max: 1 };
  let [lo, hi] = r;
  if (spec === 'auto') {
    if (lo >= 0) lo = 0;
    else if (hi <= 0) hi = 0;
    else {
      const m = Math.max(-lo, hi);
      lo = -m;
      hi = m;
    }
  }
  if (!(hi > lo)) {
    // a constant map: widen so it still has a colour and the bar has ticks
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    return spec === 'auto' && lo === 0 ? { min: 0, max: 1 } : { min: lo - pad, max: hi + pad };
  }
  return { min: lo, max: hi };
}

/** Position of weight w on the scale, clamped to [0, 1]; NaN for non-finite weights. */
export function scalePosition(s: Scale, w: number): number {
  if (!Number.isFinite(w)) return NaN;
  const t = (w - s.min) / (s.max - s.min);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * About `count` round tick values inside [min, max] (1, 2 or 5 times a power of
 * ten apart), as d3-array's `ticks` picks them.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return Number.isFinite(min) ? [min] : [];
  const raw = (max - min) / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const err = raw / 10 ** power;
  const factor = err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.sqrt(2) ? 2 : 1;
  const step = factor * 10 ** power;
  const start = Math.ceil(min / step - 1e-9);
  const stop = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  for (let i = start; i <= stop; i++) {
    // multiply/divide by an integer power of ten to avoid 0.30000000000000004
    const v = power < 0 ? (i * factor) / 10 ** -power : i * step;
    out.push(Object.is(v, -0) ? 0 : v);
  }
  return out;
}

/** A tick label: as few digits as tell the ticks apart. */
export function formatTick(v: number, ticks: readonly number[]): string {
  let decimals = 0;
  for (const t of ticks) {
    const s = String(t);
    const dot = s.indexOf('.');
    if (dot >= 0 && !s.includes('e')) decimals = Math.max(decimals, s.length - dot - 1);
  }
  return v.toFixed(Math.min(decimals, 6));
}

/** A weight as shown in tooltips and cells. */
export function formatWeight(w: number, digits = 4): string {
  if (Number.isNaN(w)) return 'NaN';
  if (!Number.isFinite(w)) return w > 0 ? 'Inf' : '-Inf';
  if (w !== 0 && Math.abs(w) < 10 ** -digits) return w.toExponential(1);
  return w.toFixed(digits);
}

/** A scale end for legends: up to 3 significant digits, no trailing zeros (0.41, not 0.4). */
export function formatBound(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/**
 * One colour range over many maps (a shared scale across documents), gathered map by map as
 * inputs stream so no document is kept, by the 'auto' rule of scaleFromRange.
 */
export class SharedRange {
  private lo = Infinity;
  private hi = -Infinity;
  add(m: AttentionMap): void {
    const r = finiteRange([m]);
    if (!r) return;
    this.lo = Math.min(this.lo, r[0]);
    this.hi = Math.max(this.hi, r[1]);
  }
  get(): [number, number] {
    const s = scaleFromRange(this.lo <= this.hi ? [this.lo, this.hi] : undefined, 'auto');
    return [s.min, s.max];
  }
}
