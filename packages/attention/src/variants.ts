// The layer variants and their weights, checked and put into one canonical form.
// The maths of each variant is ../shared/reference/han_ref.py; the layers themselves
// are described in ../shared/docs/FORMATS.md §2.
import { fail, firstNonFinite, formatShape, isFloat, toFloat64, valueAt, type Tensor } from '@attnlens/core';

/**
 * - `awc-tf`: cbaziotis AttentionWithContext trained on TensorFlow: tanh(x·Wᵀ + b)·u, W (F,F).
 * - `awc-th`: the same layer on Theano: tanh(x·W + b)·u.
 * - `attlayer`: richliao AttLayer: tanh(x·W + b)·u with W (F,A).
 * - `linear`: a Linear(H,1) score head: x·w + b, no tanh, softmax.
 */
export type Variant = 'awc-tf' | 'awc-th' | 'attlayer' | 'linear';
export type Normalisation = 'eps' | 'softmax';

export const VARIANTS: readonly Variant[] = ['awc-tf', 'awc-th', 'attlayer', 'linear'];

export interface AttentionParams {
  variant: Variant;
  W: Tensor;
  b?: Tensor;
  u?: Tensor;
  /** Defaults to `eps` for the Keras variants and `softmax` for `linear`. */
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
  /** A: the number of attention units (1 for `linear`). */
  attentionDim: number;
  /** tanh between the projection and the dot with u (false for `linear`). */
  tanh: boolean;
  /** (A, F) row-major. */
  w: Float64Array;
  /** (A,), zeros when the layer has no bias. */
  b: Float64Array;
  /** (A,); [1] for `linear`. */
  u: Float64Array;
  /** The shapes as given, for messages. */
  shapes: { W: number[]; b?: number[]; u?: number[] };
}

export function isVariant(v: string): v is Variant {
  return (VARIANTS as readonly string[]).includes(v);
}

const DESCRIBE: Record<Variant, string> = {
  'awc-tf': 'AttentionWithContext on TensorFlow, tanh(x·Wᵀ+b)·u with W (F, F)',
  'awc-th': 'AttentionWithContext on Theano, tanh(x·W+b)·u with W (F, F)',
  attlayer: 'AttLayer, tanh(x·W+b)·u with W (F, A)',
  linear: 'a linear score head x·w+b with w (F,), (F, 1) or (1, F)',
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
  const normalise = p.normalise ?? (variant === 'linear' ? 'softmax' : 'eps');
  if (normalise !== 'eps' && normalise !== 'softmax') {
    fail('BAD_ARGUMENT', `unknown normalisation ${JSON.stringify(normalise)}`, { file, hint: 'use eps (the layers\' own) or softmax' });
  }
  const Ws = [...p.W.shape];
  const shapes: Kernel['shapes'] = { W: Ws, ...(p.b ? { b: [...p.b.shape] } : {}), ...(p.u ? { u: [...p.u.shape] } : {}) };
  const mismatch = (msg: string, hint?: string): never =>
    fail('SHAPE_MISMATCH', msg, { file, hint: hint ?? `the ${variant} variant is ${DESCRIBE[variant]}; pick the variant that fits, or check the weight order (W, b, u)`, details: { variant, ...shapes } });

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
    return { variant, normalise, inputDim: F!, attentionDim: 1, tanh: false, w, b: new Float64Array([bias]), u: new Float64Array([1]), shapes };
  }

  if (Ws.length !== 2) mismatch(`W must be 2-D, but W is ${formatShape(Ws)}`);
  const [r, c] = Ws as [number, number];
  if ((variant === 'awc-tf' || variant === 'awc-th') && r !== c) {
    mismatch(`${variant} needs a square W (F, F), but W is ${formatShape(Ws)}`, 'AttentionWithContext has a square W; a W of shape (F, A) is an AttLayer: use --variant attlayer');
  }
  const F = r;
  const A = c;
  if (F === 0 || A === 0) mismatch(`W ${formatShape(Ws)} has an empty axis`);
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
  return { variant, normalise, inputDim: F, attentionDim: A, tanh: true, w, b: Float64Array.from(b), u: Float64Array.from(u), shapes };
}

/** Which axis of W is X's F, for messages: "W's axis 1" for awc-tf, "W's axis 0" otherwise. */
export function inputAxisOfW(k: Kernel): string {
  if (k.variant === 'linear') return 'the length of w';
  return k.variant === 'awc-tf' ? "W's axis 1 (x·Wᵀ)" : "W's axis 0 (x·W)";
}
