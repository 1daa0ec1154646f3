// The score kernel in plain JavaScript: the fallback where WebAssembly SIMD is missing,
// the reference the SIMD kernel is tested against, and the path for `linear` (one
// dot product per row, bound by memory rather than arithmetic). Float64 accumulation,
// blocked 2 rows x 4 units over weights packed in panels of 4 contiguous units.
import type { Kernel } from './variants.js';

export interface Scorer {
  /** Rows of x (row-major, F values per row) → raw scores out[0..rows). A row whose inputs hold NaN or Inf scores NaN. */
  score(x: Float32Array | Float64Array, rows: number, out: Float64Array): void;
}

export class JsScorer implements Scorer {
  private readonly F: number;
  private readonly panels: number;
  private readonly wp: Float64Array;
  private readonly b: Float64Array;
  private readonly u: Float64Array;

  constructor(private readonly k: Kernel) {
    const F = (this.F = k.inputDim);
    const A = k.attentionDim;
    this.panels = Math.ceil(A / 4);
    const ap = this.panels * 4;
    this.wp = new Float64Array(ap * F);
    for (let a = 0; a < A; a++) {
      const p = a >> 2;
      const c = a & 3;
      for (let f = 0; f < F; f++) this.wp[(p * F + f) * 4 + c] = k.w[a * F + f]!;
    }
    this.b = new Float64Array(ap);
    this.b.set(k.b);
    this.u = new Float64Array(ap);
    this.u.set(k.u);
  }

  score(x: Float32Array | Float64Array, rows: number, out: Float64Array): void {
    if (!this.k.tanh) return this.linear(x, rows, out);
    const { F, panels, wp, b, u } = this;
    let r = 0;
    for (; r + 1 < rows; r += 2) {
      const x0 = r * F;
      const x1 = x0 + F;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < panels; p++) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        let wo = p * F * 4;
        for (let f = 0; f < F; f++, wo += 4) {
          const v = x[x0 + f]!;
          const y = x[x1 + f]!;
          const w0 = wp[wo]!, w1 = wp[wo + 1]!, w2 = wp[wo + 2]!, w3 = wp[wo + 3]!;
          a0 += v * w0; a1 += v * w1; a2 += v * w2; a3 += v * w3;
          c0 += y * w0; c1 += y * w1; c2 += y * w2; c3 += y * w3;
        }
        const q = p * 4;
        s0 += unit(a0 + b[q]!, u[q]!) + unit(a1 + b[q + 1]!, u[q + 1]!) + unit(a2 + b[q + 2]!, u[q + 2]!) + unit(a3 + b[q + 3]!, u[q + 3]!);
        s1 += unit(c0 + b[q]!, u[q]!) + unit(c1 + b[q + 1]!, u[q + 1]!) + unit(c2 + b[q + 2]!, u[q + 2]!) + unit(c3 + b[q + 3]!, u[q + 3]!);
      }
      out[r] = s0;
      out[r + 1] = s1;
    }
    for (; r < rows; r++) {
      const x0 = r * F;
      let s0 = 0;
      for (let p = 0; p < panels; p++) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let wo = p * F * 4;
        for (let f = 0; f < F; f++, wo += 4) {
          const v = x[x0 + f]!;
          a0 += v * wp[wo]!; a1 += v * wp[wo + 1]!; a2 += v * wp[wo + 2]!; a3 += v * wp[wo + 3]!;
        }
        const q = p * 4;
        s0 += unit(a0 + b[q]!, u[q]!) + unit(a1 + b[q + 1]!, u[q + 1]!) + unit(a2 + b[q + 2]!, u[q + 2]!) + unit(a3 + b[q + 3]!, u[q + 3]!);
      }
      out[r] = s0;
    }
  }

  private linear(x: Float32Array | Float64Array, rows: number, out: Float64Array): void {
    const { F } = this;
    const w = this.k.w;
    const bias = this.k.b[0]!;
    for (let r = 0; r < rows; r++) {
      const o = r * F;
      let s = 0;
      for (let f = 0; f < F; f++) s += x[o + f]! * w[f]!;
      out[r] = s + bias;
    }
  }
}

/**
 * `per-feature`'s scores: tanh(x·W + b) for every unit of every row, out[r·A + a], with no
 * dot with u. The WebAssembly kernel sums each row's units with u inside its register
 * blocks and stores only that sum, so it has no place for per-unit values; these layers
 * are small (the real one is 64×64), so the plain loop is enough.
 */
export function perUnitScores(k: Kernel, x: Float32Array | Float64Array, rows: number, out: Float64Array): void {
  const F = k.inputDim;
  const A = k.attentionDim;
  const { w, b } = k;
  for (let r = 0; r < rows; r++) {
    const xo = r * F;
    const oo = r * A;
    let a = 0;
    // four units at a time, so each x value is loaded once per four products
    for (; a + 3 < A; a += 4) {
      const w0 = a * F, w1 = w0 + F, w2 = w1 + F, w3 = w2 + F;
      let h0 = b[a]!, h1 = b[a + 1]!, h2 = b[a + 2]!, h3 = b[a + 3]!;
      for (let f = 0; f < F; f++) {
        const v = x[xo + f]!;
        h0 += v * w[w0 + f]!; h1 += v * w[w1 + f]!; h2 += v * w[w2 + f]!; h3 += v * w[w3 + f]!;
      }
      out[oo + a] = unit(h0, 1); out[oo + a + 1] = unit(h1, 1); out[oo + a + 2] = unit(h2, 1); out[oo + a + 3] = unit(h3, 1);
    }
    for (; a < A; a++) {
      const wo = a * F;
      let h = b[a]!;
      for (let f = 0; f < F; f++) h += x[xo + f]! * w[wo + f]!;
      out[oo + a] = unit(h, 1);
    }
  }
}

/**
 * `step-bias`: s_t = tanh(x_t·w + b_t) in place over `rows` scores of whole sequences of
 * T = bias.length steps (the scorer gave x·w). (h − h) keeps a NaN or Inf visible, as unit() does.
 */
export function addStepBias(scores: Float64Array, rows: number, bias: Float64Array): void {
  const T = bias.length;
  for (let r = 0; r < rows; r++) scores[r] = unit(scores[r]! + bias[r % T]!, 1);
}

/** tanh(h)·u, plus (h − h): +0 for finite h, NaN for NaN or ±Inf, so bad inputs can't hide behind tanh(±Inf) = ±1. */
function unit(h: number, u: number): number {
  return Math.tanh(h) * u + (h - h);
}
