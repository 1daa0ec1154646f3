// The layer variants and their weights, checked and put into one canonical form.
// The maths of each variant is ../shared/reference/han_ref.py; the layers themselves
// are described in ../shared/docs/FORMATS.md §2.
import { fail, firstNonFinite, formatShape, isFloat, toFloat64, valueAt, type Tensor } from '@attnlens/core/tensor';

/**
 * - `awc-tf`: cbaziotis AttentionWithContext trained on TensorFlow: tanh(x·Wᵀ + b)·u, W (F,F).
 * - `awc-th`: the same layer on Theano: tanh(x·W + b)·u.
 * - `attlayer`: richliao AttLayer: tanh(x·W + b)·u with W (F,A).
 * - `linear`: a Linear(H,1) score head: x·w + b, no tanh, softmax.
 * - `step-bias`: tanh(x·w + b_t) with w (F,1) and one bias per time step b (T,1), softmax
 *   (mschongchulshin/fatigue_life_predictor attention.py).
 * - `per-feature`: no context vector: a = exp(tanh(x·W + b)) normalised over time for each
 *   feature, W (F,F), b (F,): a (T,F) map (mayuefine/c_AMPs-prediction script/Attention.py).
 */
export type Variant = 'awc-tf' | 'awc-th' | 'attlayer' | 'linear' | 'step-bias' | 'per-feature';
export type Normalisation = 'eps' | 'softmax';

export const VARIANTS: readonly Variant[] = ['awc-tf', 'awc-th', 'attlayer', 'linear', 'step-bias', 'per-feature'];

export interface AttentionParams {
  variant: Variant;
  W: Tensor;
  b?: Tensor;
  u?: Tensor;
  /** Defaults to `eps` for the Keras variants and `softmax` for `linear` and `step-bias` (whose layer calls K.softmax). */
  normalise?: Normalisation;
}

/**
 * A checked layer, ready to run: the projection stored transposed as `w[a*F + f]`
 * (A rows of F, one contiguous row per attention unit, whatever the variant's own
 * layout), the bias and the context vector as float64. Plain data, so it can be
 * posted to a worker thread.
 */
export interface Kernel {
  variant: Variant;
  normalise: Normalisation;
  /** F: the size of X's last axis. */
  inputDim: number;
  /** A: the number of attention units (1 for `linear` and `step-bias`, F for `per-feature`). */
  attentionDim: number;
  /**
   * The scorer's tanh between the projection and the dot with u. False for `linear`, and for
   * `step-bias`, whose scorer runs the plain x·w and whose tanh comes after its per-step bias.
   */
  tanh: boolean;
  /** `step-bias` only: the (T,) bias added to step t's x·w before tanh; X must have T steps. */
  stepBias?: Float64Array;
  /**
   * Weights per step: 1, or F for `per-feature`, whose units are not summed with a u but
   * each normalised over time (its weights are (…, T, F), one per step and feature).
   */
  perStep: number;
  /** (A, F) row-major. */
  w: Float64Array;
  /** (A,), zeros when the layer has no bias. */
  b: Float64Array;
  /** (A,); [1] for `linear`. */
  u: Float64Array;
  /** The shapes as given, for messages. */
  shapes: { W: number[]; b?: number[]; u?: number[] };
  /**
   * W, b and u were float32 (or float16): the layer computed x·W + b in float32, so the SIMD
   * kernel may too for float32 X (w, b and u above hold them widened exactly).
   */
  float32Weights?: boolean;
}

export function isVariant(v: string): v is Variant {
  return (VARIANTS as readonly string[]).includes(v);
}

const DESCRIBE: Record<Variant, string> = {
  'awc-tf': 'AttentionWithContext on TensorFlow, tanh(x·Wᵀ+b)·u with W (F, F)',
  'awc-th': 'AttentionWithContext on Theano, tanh(x·W+b)·u with W (F, F)',
  attlayer: 'AttLayer, tanh(x·W+b)·u with W (F, A)',
  linear: 'a linear score head x·w+b with w (F,), (F, 1) or (1, F)',
  'step-bias': 'a per-step bias tanh(x·w+b_t) with w (F, 1) and b (T, 1), softmax over time',
  'per-feature': 'per-feature attention exp(tanh(x·W+b)) over time for each feature, W (F, F), b (F,), no u',
};

export function describeVariant(v: Variant): string {
  return DESCRIBE[v];
}

function checkFinite(t: Tensor, name: string, file?: string): void {
  const at = firstNonFinite(t);
  if (at) {
    const v = valueAt(t, flatIndex(at, t.shape));
    fail('NON_FINITE', `${name} ${formatShape(t.shape)} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} at [${at.join(', ')}]`, {
      file,
      hint: 'the saved weights are broken (training diverged?); save them again from a healthy checkpoint',
      details: { array: name, index: at },
    });
  }
}

function flatIndex(idx: number[], shape: readonly number[]): number {
  let f = 0;
  for (let k = 0; k < shape.length; k++) f = f * shape[k]! + idx[k]!;
  return f;
}

function numeric(t: Tensor, name: string, file?: string): Float64Array {
  if (!isFloat(t.dtype)) {
    fail('UNSUPPORTED', `${name} has dtype ${t.dtype}; attention weights are floating point`, {
      file,
      hint: `check that ${name} is the layer's weight array and not something else`,
    });
  }
  checkFinite(t, name, file);
  return toFloat64(t);
}

/** A vector of length n given as (n,), (n, 1) or (1, n); undefined when the shape is something else. */
function asVector(shape: readonly number[], n?: number): number | undefined {
  const s = shape.filter((d) => d !== 1);
  if (shape.length === 0 || shape.length > 2) return undefined;
  if (s.length > 1) return undefined;
  const len = s.length === 0 ? 1 : s[0]!;
  if (n !== undefined && len !== n) return undefined;
  return len;
}

/**
 * Check a layer's weights against its variant and put them in the canonical form.
 * Every shape problem is a SHAPE_MISMATCH naming the shapes involved.
 */
export function prepareKernel(p: AttentionParams, file?: string): Kernel {
  const { variant } = p;
  if (!isVariant(variant)) {
    fail('BAD_ARGUMENT', `unknown attention variant ${JSON.stringify(variant)}`, { file, hint: `use one of ${VARIANTS.join(', ')}` });
  }
  const normalise = p.normalise ?? (variant === 'linear' || variant === 'step-bias' ? 'softmax' : 'eps');
  if (normalise !== 'eps' && normalise !== 'softmax') {
    fail('BAD_ARGUMENT', `unknown normalisation ${JSON.stringify(normalise)}`, { file, hint: 'use eps (the layers\' own) or softmax' });
  }
  const Ws = [...p.W.shape];
  const shapes: Kernel['shapes'] = { W: Ws, ...(p.b ? { b: [...p.b.shape] } : {}), ...(p.u ? { u: [...p.u.shape] } : {}) };
  const mismatch = (msg: string, hint?: string, option?: string): never =>
    fail('SHAPE_MISMATCH', msg, { file, hint: hint ?? `the ${variant} variant is ${DESCRIBE[variant]}; pick the variant that fits, or check the weight order (W, b, u)`, details: { variant, ...shapes, ...(option ? { option } : {}) } });

  if (variant === 'linear') {
    const F = asVector(Ws);
    if (F === undefined) mismatch(`the linear variant needs w of shape (F,), (F, 1) or (1, F), but W is ${formatShape(Ws)}`);
    if (p.u) mismatch(`the linear variant has no context vector u, but u ${formatShape(p.u.shape)} was given`);
    const w = numeric(p.W, 'W', file);
    let bias = 0;
    if (p.b) {
      if (asVector(p.b.shape, 1) === undefined) mismatch(`the linear variant's bias is one number, but b is ${formatShape(p.b.shape)} (W is ${formatShape(Ws)})`);
      bias = numeric(p.b, 'b', file)[0]!;
    }
    return { variant, normalise, inputDim: F!, attentionDim: 1, tanh: false, perStep: 1, w, b: new Float64Array([bias]), u: new Float64Array([1]), shapes };
  }
  if (variant === 'step-bias') return stepBiasKernel(p, normalise, shapes, mismatch, file);

  if (Ws.length !== 2) mismatch(`W must be 2-D, but W is ${formatShape(Ws)}`);
  const [r, c] = Ws as [number, number];
  if ((variant === 'awc-tf' || variant === 'awc-th') && r !== c) {
    mismatch(`${variant} needs a square W (F, F), but W is ${formatShape(Ws)}`, 'AttentionWithContext has a square W; a W of shape (F, A) is an AttLayer: choose the variant attlayer', 'variant');
  }
  const F = r;
  const A = c;
  if (F === 0 || A === 0) mismatch(`W ${formatShape(Ws)} has an empty axis`);
  if (variant === 'per-feature') return perFeatureKernel(p, normalise, shapes, F, A, mismatch, file);
  if (!p.u) mismatch(`${variant} needs a context vector u of shape (${A},), but none was given (W is ${formatShape(Ws)})`, 'pass W, b and u in that order (W.npy,b.npy,u.npy, or W.npy,,u.npy without a bias)');
  if (asVector(p.u!.shape, A) === undefined) {
    mismatch(`u is ${formatShape(p.u!.shape)} but W ${formatShape(Ws)} gives A = ${A}: u must be (${A},), (${A}, 1) or (1, ${A})`);
  }
  if (p.b && asVector(p.b.shape, A) === undefined) {
    mismatch(`b is ${formatShape(p.b.shape)} but W ${formatShape(Ws)} gives A = ${A}: b must be (${A},) or (1, ${A})`);
  }
  const W = numeric(p.W, 'W', file);
  const b = p.b ? numeric(p.b, 'b', file) : new Float64Array(A);
  const u = numeric(p.u!, 'u', file);
  // Canonical w[a*F + f] is the weight from input f to unit a.
  const w = new Float64Array(A * F);
  if (variant === 'awc-tf') {
    // x·Wᵀ: unit a reads row a of W, which is already w's layout.
    w.set(W);
  } else {
    // x·W: unit a reads column a of W.
    for (let f = 0; f < F; f++) for (let a = 0; a < A; a++) w[a * F + f] = W[f * A + a]!;
  }
  const float32Weights = [p.W, p.b, p.u].every((t) => !t || t.dtype === 'float32' || t.dtype === 'float16');
  return { variant, normalise, inputDim: F, attentionDim: A, tanh: true, perStep: 1, w, b: Float64Array.from(b), u: Float64Array.from(u), shapes, float32Weights };
}

type Mismatch = (msg: string, hint?: string, option?: string) => never;

/** w (F,1) or (F,), b (T,1) or (T,): e_t = tanh(x_t·w + b_t). The scorer computes x·w; computeBlock adds b_t and takes the tanh. */
function stepBiasKernel(p: AttentionParams, normalise: Normalisation, shapes: Kernel['shapes'], mismatch: Mismatch, file?: string): Kernel {
  const Ws = p.W.shape;
  const F = Ws.length === 2 && Ws[1] === 1 ? Ws[0] : Ws.length === 1 ? Ws[0] : undefined;
  if (!F) mismatch(`the step-bias variant needs w of shape (F, 1) or (F,), but W is ${formatShape(Ws)}`);
  if (p.u) mismatch(`the step-bias variant has no context vector u, but u ${formatShape(p.u.shape)} was given`);
  if (!p.b) mismatch(`the step-bias variant needs its per-step bias b of shape (T, 1), but none was given (W is ${formatShape(Ws)})`, 'pass W and b in that order (W.npy,b.npy)');
  const bs = p.b!.shape;
  if (!((bs.length === 2 && bs[1] === 1) || bs.length === 1) || bs[0] === 0) {
    mismatch(`the step-bias variant's b holds one bias per time step, (T, 1) or (T,), but b is ${formatShape(bs)}`);
  }
  const w = numeric(p.W, 'W', file);
  const stepBias = numeric(p.b!, 'b', file);
  return { variant: 'step-bias', normalise, inputDim: F!, attentionDim: 1, tanh: false, stepBias, perStep: 1, w, b: new Float64Array(1), u: new Float64Array([1]), shapes };
}

/** W (F,F), b (F,) or (1,F), no u: h = tanh(x·W + b), each of the F units normalised over time on its own. */
function perFeatureKernel(p: AttentionParams, normalise: Normalisation, shapes: Kernel['shapes'], F: number, A: number, mismatch: Mismatch, file?: string): Kernel {
  if (F !== A) mismatch(`per-feature needs a square W (F, F) (its output has one weight per feature of X), but W is ${formatShape(p.W.shape)}`);
  if (p.u) mismatch(`the per-feature variant has no context vector u, but u ${formatShape(p.u.shape)} was given`, 'a layer with a u is AttentionWithContext (awc-tf/awc-th) or AttLayer');
  if (p.b && asVector(p.b.shape, F) === undefined) mismatch(`b is ${formatShape(p.b.shape)} but W ${formatShape(p.W.shape)} gives F = ${F}: b must be (${F},) or (1, ${F})`);
  const W = numeric(p.W, 'W', file);
  const b = p.b ? numeric(p.b, 'b', file) : new Float64Array(F);
  // K.dot(x, W) is x·W (a 2-D W is not expanded as AttentionWithContext's is): unit a reads column a.
  const w = new Float64Array(F * F);
  for (let f = 0; f < F; f++) for (let a = 0; a < F; a++) w[a * F + f] = W[f * F + a]!;
  return { variant: 'per-feature', normalise, inputDim: F, attentionDim: F, tanh: true, perStep: F, w, b: Float64Array.from(b), u: new Float64Array(F), shapes };
}

/** Which axis of W is X's F, for messages: "W's axis 1" for awc-tf, "W's axis 0" otherwise. */
export function inputAxisOfW(k: Kernel): string {
  if (k.variant === 'linear' || k.variant === 'step-bias') return "w's length (F)";
  return k.variant === 'awc-tf' ? "W's axis 1 (x·Wᵀ)" : "W's axis 0 (x·W)";
}
