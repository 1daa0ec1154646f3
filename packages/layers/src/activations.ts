// Every built-in Keras activation, in place on float32 data. Formulas follow
// Keras 3 keras/src/activations/activations.py and Keras 2 keras/activations.py
// (the differences are named below); scripts/keras_ref.py holds the same in NumPy.
import { fail } from '@attnlens/core';

export const ACTIVATION_NAMES = [
  'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'hard_sigmoid', 'hard_sigmoid_v3',
  'elu', 'selu', 'softplus', 'softsign', 'exponential', 'swish', 'silu', 'gelu', 'gelu_approximate',
  'relu6', 'leaky_relu', 'mish', 'hard_silu',
] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

const NAMES = new Set<string>(ACTIVATION_NAMES);
export function isActivationName(s: string): s is ActivationName {
  return NAMES.has(s);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** erf to ~1e-15 (Math has none): Abramowitz-Stegun 7.1.26 is too coarse, so a series / continued fraction. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)); converges fast for |x| < 2.5.
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  // erfc by Lentz's continued fraction: erfc x = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = ax + an / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function softplus(v: number): number {
  // log(1 + e^v) without overflow: v + log1p(e^-v) for large v.
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

/** The LeakyReLU / ELU layers' `alpha` (Keras 3 `negative_slope`); the activation functions' defaults otherwise. */
export interface ActivationOptions { alpha?: number }

/** One scalar activation; softmax and log_softmax are row-wise and handled apart. */
export function scalarActivation(name: ActivationName, opts: ActivationOptions = {}): ((v: number) => number) | null {
  const alpha = opts.alpha;
  switch (name) {
    case 'linear': return (v) => v;
    case 'relu': return (v) => (v > 0 ? v : 0);
    case 'sigmoid': return sigmoid;
    case 'tanh': return Math.tanh;
    // Keras 1/2 keras/backend: hard_sigmoid = clip(0.2·x + 0.5, 0, 1).
    case 'hard_sigmoid': return (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
    // Keras 3 activations.py hard_sigmoid → ops.hard_sigmoid = relu6(x + 3) / 6.
    case 'hard_sigmoid_v3': return (v) => Math.min(6, Math.max(0, v + 3)) / 6;
    case 'hard_silu': return (v) => (v * Math.min(6, Math.max(0, v + 3))) / 6;
    case 'elu': { const a = alpha ?? 1; return (v) => (v > 0 ? v : a * Math.expm1(v)); }
    case 'selu': return (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
    case 'softplus': return softplus;
    case 'softsign': return (v) => v / (1 + Math.abs(v));
    case 'exponential': return Math.exp;
    case 'swish':
    case 'silu': return (v) => v * sigmoid(v);
    case 'gelu': return (v) => 0.5 * v * (1 + erf(v / Math.SQRT2));
    // Keras 3 ops.gelu(approximate=True): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
    case 'gelu_approximate': return (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    case 'relu6': return (v) => Math.min(6, Math.max(0, v));
    // keras.activations.leaky_relu defaults to negative_slope 0.2 (Keras 3); the LeakyReLU layer's
    // default is 0.3 (Keras 2 alpha, Keras 3 negative_slope): pass it as `alpha`.
    case 'leaky_relu': { const a = alpha ?? 0.2; return (v) => (v > 0 ? v : a * v); }
    case 'mish': return (v) => v * Math.tanh(softplus(v));
    default: return null;
  }
}

function softmaxRows(x: Float32Array, lastDim: number, log: boolean): void {
  for (let off = 0; off < x.length; off += lastDim) {
    let max = -Infinity;
    for (let j = 0; j < lastDim; j++) if (x[off + j]! > max) max = x[off + j]!;
    let sum = 0;
    for (let j = 0; j < lastDim; j++) sum += Math.exp(x[off + j]! - max);
    if (log) {
      const lse = max + Math.log(sum);
      for (let j = 0; j < lastDim; j++) x[off + j] = x[off + j]! - lse;
    } else {
      for (let j = 0; j < lastDim; j++) x[off + j] = Math.exp(x[off + j]! - max) / sum;
    }
  }
}

/** In place; softmax/log_softmax over the last axis of size `lastDim` (max subtracted, as Keras does). */
export function activate(name: ActivationName, x: Float32Array, lastDim: number, opts: ActivationOptions = {}): Float32Array {
  if (name === 'softmax' || name === 'log_softmax') {
    if (!Number.isInteger(lastDim) || lastDim < 1 || x.length % lastDim !== 0) {
      fail('SHAPE_MISMATCH', `${name}: ${x.length} values do not split into rows of ${lastDim}`);
    }
    softmaxRows(x, lastDim, name === 'log_softmax');
    return x;
  }
  if (opts.alpha !== undefined && !Number.isFinite(opts.alpha)) fail('BAD_ARGUMENT', `${name}: alpha must be a finite number, got ${opts.alpha}`);
  const f = scalarActivation(name, opts);
  if (!f) fail('UNSUPPORTED', `unknown activation '${String(name)}'`, { hint: `use one of ${ACTIVATION_NAMES.join(', ')}` });
  if (name === 'linear') return x;
  for (let i = 0; i < x.length; i++) x[i] = f(x[i]!);
  return x;
}
