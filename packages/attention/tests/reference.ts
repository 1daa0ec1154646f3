import { AttnlensError } from '@attnlens/core';
// A direct float64 port of ../shared/reference/han_ref.py for property tests: written
// plainly (no blocking, no SIMD, Math.tanh), independent of the engine's code.
import type { Variant } from '../src/index.js';

export interface RefCase {
  variant: Variant;
  /** As stored: (F,F) for awc, (F,A) for attlayer, (F,) for linear. */
  W: Float64Array;
  F: number;
  A: number;
  b?: Float64Array;
  u?: Float64Array;
  normalise?: 'eps' | 'softmax';
}

export function refScores(c: RefCase, x: ArrayLike<number>, rows: number): Float64Array {
  const { F, A } = c;
  const s = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    if (c.variant === 'linear') {
      let e = 0;
      for (let f = 0; f < F; f++) e += x[r * F + f]! * c.W[f]!;
      s[r] = e + (c.b ? c.b[0]! : 0);
      continue;
    }
    let sum = 0;
    for (let a = 0; a < A; a++) {
      let h = 0;
      for (let f = 0; f < F; f++) {
        const w = c.variant === 'awc-tf' ? c.W[a * F + f]! : c.W[f * A + a]!;
        h += x[r * F + f]! * w;
      }
      if (c.b) h += c.b[a]!;
      sum += Math.tanh(h) * c.u![a]!;
    }
    s[r] = sum;
  }
  return s;
}

/** han_ref's _masked_normalise and _softmax, one sequence at a time. */
export function refAttention(c: RefCase, x: ArrayLike<number>, N: number, T: number, lengths?: ArrayLike<number>): Float64Array {
  const s = refScores(c, x, N * T);
  const mode = c.normalise ?? (c.variant === 'linear' ? 'softmax' : 'eps');
  const out = new Float64Array(N * T);
  for (let n = 0; n < N; n++) {
    const m = (t: number) => (lengths ? (t < lengths[n]! ? 1 : 0) : 1);
    if (mode === 'eps') {
      let z = 0;
      for (let t = 0; t < T; t++) z += Math.exp(s[n * T + t]!) * m(t);
      for (let t = 0; t < T; t++) out[n * T + t] = (Math.exp(s[n * T + t]!) * m(t)) / (z + 1e-7);
    } else {
      let mx = -Infinity;
      for (let t = 0; t < T; t++) if (m(t) && s[n * T + t]! > mx) mx = s[n * T + t]!;
      if (!Number.isFinite(mx)) mx = 0;
      let z = 0;
      for (let t = 0; t < T; t++) z += m(t) ? Math.exp(s[n * T + t]! - mx) : 0;
      for (let t = 0; t < T; t++) out[n * T + t] = z > 0 && m(t) ? Math.exp(s[n * T + t]! - mx) / z : 0;
    }
  }
  return out;
}

/** A small deterministic PRNG (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(n: number, r: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

/** The AttnlensError `fn` throws; fails the test if it throws anything else or nothing. */
export function error(fn: () => unknown): AttnlensError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AttnlensError) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}

/**
 * scripts/variants_ref.py's step_bias and per_feature, ported plainly (float64, Math.tanh,
 * no blocking): x (N·T·F), w (F) and b (T) for step-bias, W (F·F) row-major and b (F) for
 * per-feature. Returns (N·T) or (N·T·F) weights; steps t ≥ lengths[n] are 0.
 */
export function refNewVariant(variant: 'step-bias' | 'per-feature', x: ArrayLike<number>, N: number, T: number, F: number, W: ArrayLike<number>, b: ArrayLike<number>, lengths?: ArrayLike<number>): Float64Array {
  const P = variant === 'per-feature' ? F : 1;
  const h = new Float64Array(N * T * P);
  for (let r = 0; r < N * T; r++) {
    for (let p = 0; p < P; p++) {
      let s = variant === 'per-feature' ? b[p]! : b[r % T]!;
      for (let f = 0; f < F; f++) s += x[r * F + f]! * (variant === 'per-feature' ? W[f * F + p]! : W[f]!);
      h[r * P + p] = Math.tanh(s);
    }
  }
  const out = new Float64Array(N * T * P);
  for (let n = 0; n < N; n++) {
    const len = lengths ? lengths[n]! : T;
    for (let p = 0; p < P; p++) {
      const at = (t: number) => (n * T + t) * P + p;
      if (variant === 'per-feature') {
        let z = 0;
        for (let t = 0; t < len; t++) z += Math.exp(h[at(t)]!);
        for (let t = 0; t < len; t++) out[at(t)] = Math.exp(h[at(t)]!) / (z + 1e-7);
      } else if (len > 0) {
        let mx = -Infinity;
        for (let t = 0; t < len; t++) mx = Math.max(mx, h[at(t)]!);
        let z = 0;
        for (let t = 0; t < len; t++) z += Math.exp(h[at(t)]! - mx);
        for (let t = 0; t < len; t++) out[at(t)] = Math.exp(h[at(t)]! - mx) / z;
      }
    }
  }
  return out;
}

/**
 * How far the float32 kernel's score may be from the float64 one, row by row. h = x·W + b
 * is a float32 dot product of F terms plus a bias: |Δh_a| ≤ (F + 2)·2⁻²⁴·(Σ_f |x_f·w_af| + |b_a|),
 * and |tanh'| ≤ 1; its float32 tanh is within 8·2⁻²⁴ (exp's polynomial and four roundings,
 * halved by tanh's derivative in e); the products with u and the sum, A/4 terms per lane then
 * four lanes, add (A/4 + 4)·2⁻²⁴·Σ|u_a|. So |Δs| ≤ Σ_a |u_a|·((F + 2)·m_a + 8 + A/4 + 4)·2⁻²⁴.
 * k.w is (A, F), k.b and k.u (A,) as prepareKernel gives them.
 */
export function float32ScoreBound(k: { inputDim: number; attentionDim: number; w: Float64Array; b: Float64Array; u: Float64Array }, x: ArrayLike<number>, r: number): number {
  const F = k.inputDim;
  const A = k.attentionDim;
  let bound = 0;
  for (let a = 0; a < A; a++) {
    let m = Math.abs(k.b[a]!);
    for (let f = 0; f < F; f++) m += Math.abs(x[r * F + f]! * k.w[a * F + f]!);
    bound += Math.abs(k.u[a]!) * ((F + 2) * m + 8 + A / 4 + 4) * 2 ** -24;
  }
  return bound + 1e-14;
}
