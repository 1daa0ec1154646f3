// Scores → weights, one sequence at a time (never one sum over the batch).
// `eps` is what AttentionWithContext and AttLayer do: exp(s)·m / (Σ exp(s)·m + 1e-7), with
// no max-subtraction (FORMATS.md §2.1 step 3–5). `softmax` is max-subtracted and stable.
// Masked steps get exactly 0 and a fully masked sequence gives zeros, in both.
import { fail } from '@attnlens/core/tensor';
import type { Mask } from './mask.js';
import type { Normalisation } from './variants.js';

/** keras.backend.epsilon(). */
export const KERAS_EPSILON = 1e-7;

/**
 * Normalise `count` sequences of T scores (scores[n·T + t]) into out[outOffset + n·T + t].
 * With `columns` P > 1 (per-feature) each step holds P scores, scores[(n·T + t)·P + p], and
 * each of the P columns is normalised over time on its own, as the layer's
 * K.sum(a, axis=1) does. `mask` covers the same `count` sequences (already sliced).
 * `where(n, t)` names a step (or with t undefined, a sequence) for an overflow error.
 */
export function normaliseScores(
  scores: Float64Array,
  count: number,
  T: number,
  mode: Normalisation,
  mask: Mask | undefined,
  out: Float32Array,
  outOffset = 0,
  where: (n: number, t?: number) => string = (n, t) => (t === undefined ? `sequence ${n}` : `[${n}, ${t}]`),
  columns = 1,
): void {
  const e = new Float64Array(T);
  for (let n = 0; n < count; n++) {
    let len = T;
    let m: Uint8Array | undefined;
    if (mask && 'lengths' in mask) len = mask.lengths[n]!;
    else if (mask) m = mask.mask.subarray(n * T, n * T + T);
    const valid = (t: number) => (m ? m[t] !== 0 : t < len);
    for (let p = 0; p < columns; p++) {
      const at = (t: number) => (n * T + t) * columns + p;
      if (mode === 'eps') normaliseEps(scores, T, at, valid, e, out, outOffset, (t) => where(n, t), () => where(n));
      else normaliseSoftmax(scores, T, at, valid, e, out, outOffset);
    }
  }
}

/** exp(s)·m / (Σ exp(s)·m + ε) over one sequence's column, whose step t is at scores[at(t)]. */
function normaliseEps(
  scores: Float64Array, T: number, at: (t: number) => number, valid: (t: number) => boolean, e: Float64Array,
  out: Float32Array, outOffset: number, whereStep: (t: number) => string, whereSeq: () => string,
): void {
  let sum = 0;
  for (let t = 0; t < T; t++) {
    if (!valid(t)) {
      e[t] = 0;
      continue;
    }
    const v = Math.exp(scores[at(t)]!);
    if (v === Infinity) {
      fail('NON_FINITE', `the score at ${whereStep(t)} is ${scores[at(t)]!.toPrecision(6)}: exp() overflows in the layer's own eps normalisation`, {
        hint: "the layer itself (float32) already overflows above 88.7; recompute with 'softmax' normalisation to see the weights it meant",
        details: { score: scores[at(t)], option: 'normalise' },
      });
    }
    e[t] = v;
    sum += v;
  }
  if (sum === Infinity) {
    fail('NON_FINITE', `the scores of ${whereSeq()} sum to more than float64 holds after exp() in the layer's own eps normalisation`, {
      hint: "the layer itself (float32) already overflows above 88.7; recompute with 'softmax' normalisation to see the weights it meant",
      details: { option: 'normalise' },
    });
  }
  const z = sum + KERAS_EPSILON;
  for (let t = 0; t < T; t++) out[outOffset + at(t)] = e[t]! / z;
}

/** The max-subtracted softmax over one sequence's column; all zeros when every step is masked. */
function normaliseSoftmax(scores: Float64Array, T: number, at: (t: number) => number, valid: (t: number) => boolean, e: Float64Array, out: Float32Array, outOffset: number): void {
  let max = -Infinity;
  for (let t = 0; t < T; t++) if (valid(t) && scores[at(t)]! > max) max = scores[at(t)]!;
  if (max === -Infinity) {
    for (let t = 0; t < T; t++) out[outOffset + at(t)] = 0;
    return;
  }
  let sum = 0;
  for (let t = 0; t < T; t++) {
    const v = valid(t) ? Math.exp(scores[at(t)]! - max) : 0;
    e[t] = v;
    sum += v;
  }
  for (let t = 0; t < T; t++) out[outOffset + at(t)] = e[t]! / sum;
}
