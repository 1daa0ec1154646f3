// keras.layers.Attention (Luong; score_mode dot|concat, use_scale) and AdditiveAttention
// (Bahdanau), at inference. Keras 3 keras/src/layers/attention/attention.py (_calculate_scores,
// _apply_scores, _compute_attention_mask, call) and additive_attention.py; tf.keras
// keras/layers/attention/base_dense_attention.py has the same arithmetic.
import { fail } from '@attnlens/core';
import { checkLength, checkSize } from './checks.js';

export interface AttentionInputs {
  /** (N, Tq, dim). */
  query: Float32Array;
  /** (N, Tv, valueDim). */
  value: Float32Array;
  /** (N, Tv, dim); the value when absent, as Keras does. */
  key?: Float32Array;
  n: number; tq: number; tv: number; dim: number;
  /** The value's last axis when it differs from the query's (dot score mode only). */
  valueDim?: number;
  /** (N·Tq), 1 = valid: masked query rows of the output are zero (the scores are not). */
  queryMask?: Uint8Array;
  /** (N·Tv), 1 = valid: masked keys get score − 1e9 before the softmax. */
  valueMask?: Uint8Array;
  /** use_causal_mask (Keras 3, tf.keras ≥ 2.10) / causal=True (older tf.keras): query i sees keys j ≤ i. */
  causal?: boolean;
}

export interface DotAttentionOptions {
  scoreMode?: 'dot' | 'concat';
  /** The layer's `scale` weight (use_scale=True), a scalar; absent = 1. */
  scale?: number;
  /** score_mode='concat': the layer's `concat_score_weight` scalar. */
  concatScoreWeight?: number;
}

export interface AdditiveAttentionOptions {
  /** The layer's `scale` weight (use_scale=True, shape (dim)); absent = ones. */
  scale?: Float32Array;
}

/** output (N, Tq, valueDim) and the attention distribution `scores` (N, Tq, Tv), which sum to 1 per query. */
export interface AttentionResult { output: Float32Array; scores: Float32Array }

type Score = (b: number, i: number, j: number) => number;

function checkInputs(kernel: string, inp: AttentionInputs): number {
  const { n, tq, tv, dim } = inp;
  for (const [name, v] of [['n', n], ['tq', tq], ['tv', tv]] as const) checkSize(kernel, name, v);
  checkSize(kernel, 'dim', dim, false);
  const vd = inp.valueDim ?? dim;
  checkSize(kernel, 'valueDim', vd, false);
  checkLength(kernel, 'query', inp.query, n * tq * dim, `(${n}, ${tq}, ${dim})`);
  checkLength(kernel, 'value', inp.value, n * tv * vd, `(${n}, ${tv}, ${vd})`);
  if (inp.key) checkLength(kernel, 'key', inp.key, n * tv * dim, `(${n}, ${tv}, ${dim})`);
  else if (vd !== dim) fail('SHAPE_MISMATCH', `${kernel}: without a key the value's last axis (${vd}) must equal the query's (${dim})`);
  if (inp.queryMask) checkLength(kernel, 'query mask', inp.queryMask, n * tq, `(${n}, ${tq})`);
  if (inp.valueMask) checkLength(kernel, 'value mask', inp.valueMask, n * tv, `(${n}, ${tv})`);
  return vd;
}

/**
 * _apply_scores: scores −= 1e9 where the value mask (and the causal mask) say no, softmax over
 * Tv, output = weights · value, then query-masked rows zeroed. The subtraction is done in
 * float32 as Keras does it, so a fully masked row comes out uniform (1/Tv) as in Keras.
 */
function applyScores(inp: AttentionInputs, vd: number, score: Score): AttentionResult {
  const { n, tq, tv } = inp;
  const scores = new Float32Array(n * tq * tv);
  const output = new Float32Array(n * tq * vd);
  const row = new Float64Array(tv);
  const acc = new Float64Array(vd);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < tq; i++) {
      let max = -Infinity;
      for (let j = 0; j < tv; j++) {
        let s = Math.fround(score(b, i, j));
        const keep = (!inp.valueMask || inp.valueMask[b * tv + j] !== 0) && (!inp.causal || j <= i);
        if (!keep) s = Math.fround(s - 1e9);
        row[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < tv; j++) sum += (row[j] = Math.exp(row[j]! - max));
      acc.fill(0);
      const so = (b * tq + i) * tv;
      for (let j = 0; j < tv; j++) {
        const wgt = row[j]! / sum;
        scores[so + j] = wgt;
        const vo = (b * tv + j) * vd;
        for (let d = 0; d < vd; d++) acc[d] += wgt * inp.value[vo + d]!;
      }
      const qValid = !inp.queryMask || inp.queryMask[b * tq + i] !== 0;
      if (qValid) for (let d = 0; d < vd; d++) output[(b * tq + i) * vd + d] = acc[d]!;
    }
  }
  return { output, scores };
}

/** keras.layers.Attention: dot scores q·kᵀ·scale, or concat scores w·Σ tanh(scale·(q + k)). */
export function dotProductAttention(inp: AttentionInputs, opts: DotAttentionOptions = {}): AttentionResult {
  const vd = checkInputs('dotProductAttention', inp);
  const { tq, tv, dim, query: q } = inp;
  const k = inp.key ?? inp.value;
  const scale = opts.scale ?? 1;
  const mode = opts.scoreMode ?? 'dot';
  if (mode !== 'dot' && mode !== 'concat') fail('BAD_ARGUMENT', `dotProductAttention: score mode '${String(mode)}' is not dot or concat`);
  const w = opts.concatScoreWeight ?? 1;
  const score: Score = (b, i, j) => {
    const qo = (b * tq + i) * dim;
    const ko = (b * tv + j) * dim;
    let s = 0;
    if (mode === 'dot') {
      for (let d = 0; d < dim; d++) s += q[qo + d]! * k[ko + d]!;
      return s * scale;
    }
    for (let d = 0; d < dim; d++) s += Math.tanh(scale * (q[qo + d]! + k[ko + d]!));
    return w * s;
  };
  return applyScores(inp, vd, score);
}

/** keras.layers.AdditiveAttention: scores Σ_d scale_d · tanh(q_d + k_d). */
export function additiveAttention(inp: AttentionInputs, opts: AdditiveAttentionOptions = {}): AttentionResult {
  const vd = checkInputs('additiveAttention', inp);
  const { tq, tv, dim, query: q } = inp;
  const k = inp.key ?? inp.value;
  if (opts.scale) checkLength('additiveAttention', 'scale', opts.scale, dim, `(${dim})`);
  const sc = opts.scale;
  const score: Score = (b, i, j) => {
    const qo = (b * tq + i) * dim;
    const ko = (b * tv + j) * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += (sc ? sc[d]! : 1) * Math.tanh(q[qo + d]! + k[ko + d]!);
    return s;
  };
  return applyScores(inp, vd, score);
}
