// Recompute a = normalise(score(X)) for (T,F) or (..., T, F) inputs, in memory.
// The streamed, multi-threaded version over files is computeFile in node.ts; both run
// computeBlock below on each block of whole sequences.
import { AttnlensError, fail, formatShape, isFloat, toFloat32, unravel, type Tensor } from '@attnlens/core/tensor';
import { checkMask, sliceMask, type Mask } from './mask.js';
import { normaliseScores } from './normalise.js';
import { JsScorer, addStepBias, perUnitScores, type Scorer } from './scores-js.js';
import { DEFAULT_BLOCK, WasmScorer, wasmRelaxedSimdAvailable, wasmSimdAvailable, type Precision } from './scores-wasm.js';
import { inputAxisOfW, type Kernel } from './variants.js';

export type Backend = 'auto' | 'wasm' | 'js';

export interface ComputeOptions {
  /** The file X came from, named in errors. */
  file?: string;
  /** The file the mask came from, named in mask errors. */
  maskFile?: string;
  /** `auto` (default): WebAssembly SIMD where available, else JavaScript. */
  backend?: Backend;
  /**
   * `auto` (default): the SIMD kernel in float32 when X and the weights are float32: x·W + b,
   * tanh and the dot with u, as the layer computed them (within ~1e-6 of the float64 reference, 2.3x the speed),
   * float64 otherwise; `float64`: always float64. The JavaScript scorer is always float64.
   */
  precision?: PrecisionOption;
}

export type PrecisionOption = 'auto' | 'float64';

/** X's layout: `sequences` of `steps` steps of `features` values; leading axes flattened. */
export interface SequenceLayout {
  sequences: number;
  steps: number;
  features: number;
}

/** Check X against the kernel and say how it splits into sequences. (T,F) is one sequence. */
export function sequenceLayout(k: Kernel, xShape: readonly number[], dtype: Tensor['dtype'], file?: string): SequenceLayout {
  if (!isFloat(dtype)) {
    fail('UNSUPPORTED', `X ${formatShape(xShape)} has dtype ${dtype}; attention inputs are the float outputs of the layer before the attention layer`, {
      file,
      hint: 'give token ids as the ids (with their padding id), not as X',
      details: { option: ['ids', 'padId'] },
    });
  }
  if (xShape.length < 2) {
    fail('SHAPE_MISMATCH', `X is ${formatShape(xShape)} but must be (T, F) or (N, T, F), F = ${k.inputDim} to match W ${formatShape(k.shapes.W)}`, {
      file,
      hint: 'pass the per-step outputs of the layer before the attention layer (return_sequences=True)',
    });
  }
  const F = xShape[xShape.length - 1]!;
  const T = xShape[xShape.length - 2]!;
  if (F !== k.inputDim) {
    fail('SHAPE_MISMATCH', `X is ${formatShape(xShape)} but W is ${formatShape(k.shapes.W)}: X's last axis (F = ${F}) must equal ${inputAxisOfW(k)} = ${k.inputDim}`, {
      file,
      hint: 'X must be the output of the layer that feeds this attention layer; check the layer chosen, or the variant (awc-tf reads W transposed)',
      details: { x: xShape, W: k.shapes.W, variant: k.variant, option: ['layer', 'variant'] },
    });
  }
  if (k.stepBias && T !== k.stepBias.length) {
    fail('SHAPE_MISMATCH', `X is ${formatShape(xShape)} with T = ${T} steps, but the layer's per-step bias b is ${formatShape(k.shapes.b ?? [])}: it was built for T = ${k.stepBias.length}`, {
      file,
      hint: `a step-bias layer only runs on sequences of exactly ${k.stepBias.length} steps; pad or cut X's second-to-last axis to ${k.stepBias.length}`,
      details: { x: xShape, b: k.shapes.b, variant: k.variant },
    });
  }
  let N = 1;
  for (let i = 0; i < xShape.length - 2; i++) N *= xShape[i]!;
  return { sequences: N, steps: T, features: F };
}

const scorers = new WeakMap<Kernel, Map<string, Scorer>>();

/** The scorer for a kernel, built once per backend and precision and reused. */
export function scorerFor(k: Kernel, backend: Backend = 'auto', precision: Precision = 'float64'): Scorer {
  let byBackend = scorers.get(k);
  if (!byBackend) scorers.set(k, (byBackend = new Map()));
  // per-feature keeps every unit (perUnitScores), which the SIMD kernel's fused sum with u cannot give.
  const simdKernel = k.tanh && k.variant !== 'per-feature';
  const useWasm = simdKernel && backend !== 'js' && wasmSimdAvailable();
  const key = useWasm ? `wasm/${precision}` : 'js';
  let s = byBackend.get(key);
  if (!s) {
    if (backend === 'wasm' && !useWasm) {
      fail('UNSUPPORTED', simdKernel ? 'this JavaScript engine has no WebAssembly SIMD' : `the ${k.variant} variant has no WebAssembly kernel (${k.variant === 'per-feature' ? 'it keeps one score per feature' : 'it is one dot product per step'})`, { hint: 'use backend auto' });
    }
    s = useWasm ? new WasmScorer(k, DEFAULT_BLOCK, wasmRelaxedSimdAvailable(), precision) : new JsScorer(k);
    byBackend.set(key, s);
  }
  return s;
}

/** float32 arithmetic where the layer itself computed in float32 (float32 X and weights), unless float64 is asked for. */
function precisionFor(k: Kernel, x: Float32Array | Float64Array, opt: PrecisionOption = 'auto'): Precision {
  return opt === 'auto' && k.float32Weights === true && x instanceof Float32Array ? 'float32' : 'float64';
}

/** X data as float32 or float64 values (float16 widened exactly). */
export function floatData(dtype: Tensor['dtype'], data: Tensor['data']): Float32Array | Float64Array {
  if (dtype === 'float32') return data as Float32Array;
  if (dtype === 'float64') return data as Float64Array;
  return toFloat32({ dtype, shape: [data.length], data } as Tensor);
}

/** Raw scores of `rows` rows of X into out: rows·k.perStep values (step t, then unit). */
function scoreRows(k: Kernel, x: Float32Array | Float64Array, rows: number, out: Float64Array, backend?: Backend, precision?: PrecisionOption): void {
  // By variant, not perStep: a per-feature layer over F = 1 still keeps its unit rather than a dot with u.
  if (k.variant === 'per-feature') {
    if (backend === 'wasm') scorerFor(k, backend); // says why there is no SIMD kernel for it
    return perUnitScores(k, x, rows, out);
  }
  scorerFor(k, backend, precisionFor(k, x, precision)).score(x, rows, out);
  if (k.stepBias) addStepBias(out, rows, k.stepBias);
}

/**
 * Score and normalise `count` whole sequences starting at sequence `start` of X.
 * `x` holds exactly those sequences and `blockMask` their mask (sliceMask of X's mask).
 * `out` receives count·T·k.perStep weights. Errors name positions in X's own shape.
 */
export function computeBlock(
  k: Kernel,
  x: Float32Array | Float64Array,
  start: number,
  count: number,
  T: number,
  xShape: readonly number[],
  blockMask: Mask | undefined,
  out: Float32Array,
  outOffset: number,
  opts: ComputeOptions = {},
  scores: Float64Array = new Float64Array(count * T * k.perStep),
): void {
  const rows = count * T;
  const P = k.perStep;
  scoreRows(k, x, rows, scores, opts.backend, opts.precision);
  for (let i = 0; i < rows * P; i++) {
    const s = scores[i]!;
    if (s - s !== 0) reportNonFinite(k, x, Math.floor(i / P), start * T, xShape, opts.file);
  }
  const where = (n: number, t?: number) =>
    t === undefined ? `X[${[...unravel(start + n, xShape.slice(0, -2)), ':', ':'].join(', ')}]` : `X[${unravel((start + n) * T + t, xShape.slice(0, -1)).join(', ')}, :]`;
  try {
    normaliseScores(scores, count, T, k.normalise, blockMask, out, outOffset, where, P);
  } catch (e) {
    throw opts.file && e instanceof AttnlensError ? e.withFile(opts.file) : e;
  }
}

/** A row scored NaN: find the first NaN or Inf in it, or say the sum overflowed. */
function reportNonFinite(k: Kernel, x: Float32Array | Float64Array, r: number, rowBase: number, xShape: readonly number[], file?: string): never {
  const F = k.inputDim;
  for (let f = 0; f < F; f++) {
    const v = x[r * F + f]!;
    if (!Number.isFinite(v)) {
      const at = unravel((rowBase + r) * F + f, xShape);
      fail('NON_FINITE', `X ${formatShape(xShape)} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} at [${at.join(', ')}]`, {
        file,
        hint: 'the layer before the attention produced non-finite outputs; fix or drop that sample',
        details: { index: at },
      });
    }
  }
  const at = unravel(rowBase + r, xShape.slice(0, -1));
  fail('NON_FINITE', `X[${at.join(', ')}, :] is so large that x·W overflows float64`, {
    file,
    hint: 'X should be the outputs of a network layer; values near 1e300 mean the file is not what it seems',
    details: { index: at },
  });
}

/**
 * The attention weights of X: (T,F) → (1,T) values, (N,T,F) → (N,T), (N,S,T,F) → (N,S,T),
 * returned flat as float32 (see ComputeOptions.precision). `mask` covers the sequences in order.
 * A `per-feature` kernel gives X's own shape ((T,F) → (1,T,F)): one weight per step and feature.
 */
export function computeAttention(k: Kernel, x: Tensor, mask?: Mask, opts: ComputeOptions = {}): Float32Array {
  const { sequences: N, steps: T } = sequenceLayout(k, x.shape, x.dtype, opts.file);
  if (mask) checkMask(mask, N, T, x.shape, opts.maskFile);
  const P = k.perStep;
  const out = new Float32Array(N * T * P);
  const data = floatData(x.dtype, x.data);
  // Blocks of sequences bound the float64 score buffer.
  const per = Math.max(1, Math.floor((1 << 20) / Math.max(1, T * P)));
  const scores = new Float64Array(Math.min(N, per) * T * P);
  const F = k.inputDim;
  for (let s = 0; s < N; s += per) {
    const c = Math.min(per, N - s);
    computeBlock(k, data.subarray(s * T * F, (s + c) * T * F), s, c, T, x.shape, mask && sliceMask(mask, s, c, T), out, s * T * P, opts, scores.subarray(0, c * T * P));
  }
  return out;
}

/** Raw scores (before normalisation) of every step of X (k.perStep per step), float64, for inspection. */
export function computeScores(k: Kernel, x: Tensor, opts: ComputeOptions = {}): Float64Array {
  const { sequences: N, steps: T } = sequenceLayout(k, x.shape, x.dtype, opts.file);
  const P = k.perStep;
  const out = new Float64Array(N * T * P);
  const data = floatData(x.dtype, x.data);
  scoreRows(k, data, N * T, out, opts.backend, opts.precision);
  for (let i = 0; i < N * T * P; i++) if (out[i]! - out[i]! !== 0) reportNonFinite(k, data, Math.floor(i / P), 0, x.shape, opts.file);
  return out;
}
