// Scores → weights, one sequence at a time (never one sum over the batch).
// `eps` is what AttentionWithContext and AttLayer do: exp(s)·m / (Σ exp(s)·m + 1e-7), with
// no max-subtraction (FORMATS.md §2.1 step 3–5). `softmax` is max-subtracted and stable.
// Masked steps get exactly 0 and a fully masked sequence gives zeros, in both.
import { fail } from '@attnlens/core';
import type { Mask } from './mask.js';
import type { Normalisation } from './variants.js';

/** keras.backend.epsilon(). */
export const KERAS_EPSILON = 1e-7;

/**
 * Normalise `count` sequences of T scores (scores[n·T + t]) into out[outOffset + n·T + t].
 * `mask` covers the same `count` sequences (already sliced). `where(n, t)` names a step
 * (or with t undefined, a sequence) for an overflow error.
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
): void {
  const e = new Float64Array(T);
  for (let n = 0; n < count; n++) {
    const o = n * T;
    let len = T;
    let m: Uint8Array | undefined;
    if (mask && 'lengths' in mask) len = mask.lengths[n]!;
    else if (mask) m = mask.mask.subarray(o, o + T);
    const valid = (t: number) => (m ? m[t] !== 0 : t < len);
    let sum = 0;
    if (mode === 'eps') {
      for (let t = 0; t < T; t++) {
        if (!valid(t)) {
          e[t] = 0;
          continue;
        }
        const v = Math.exp(scores[o + t]!);
        if (v === Infinity) {
          fail('NON_FINITE', `the score at ${where(n, t)} is ${scores[o + t]!.toPrecision(6)}: exp() overflows in the layer's own eps normalisation`, {
            hint: 'the layer itself (float32) already overflows above 88.7; recompute with --normalise softmax to see the weights it meant',
            details: { score: scores[o + t] },
          });
        }
        e[t] = v;
        sum += v;
      }
      if (sum === Infinity) {
        fail('NON_FINITE', `the scores of ${where(n)} sum to more than float64 holds after exp() in the layer's own eps normalisation`, {
          hint: 'the layer itself (float32) already overflows above 88.7; recompute with --normalise softmax to see the weights it meant',
        });
      }
      const z = sum + KERAS_EPSILON;
      for (let t = 0; t < T; t++) out[outOffset + o + t] = e[t]! / z;
    } else {
      let max = -Infinity;
      for (let t = 0; t < T; t++) if (valid(t) && scores[o + t]! > max) max = scores[o + t]!;
      if (max === -Infinity) {
        out.fill(0, outOffset + o, outOffset + o + T);
        continue;
      }
      for (let t = 0; t < T; t++) {
        const v = valid(t) ? Math.exp(scores[o + t]! - max) : 0;
        e[t] = v;
        sum += v;
      }
      for (let t = 0; t < T; t++) out[outOffset + o + t] = e[t]! / sum;
    }
  }
}
