// The arithmetic of two layers that wrap or gate others: Bidirectional's merge and Masking.
import { fail } from '@attnlens/core';
import { checkLength, checkSize } from './checks.js';

export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

/**
 * Bidirectional's output from its two runs (Keras 3 keras/src/layers/rnn/bidirectional.py call;
 * Keras 2 keras/layers/wrappers.py): with return_sequences the backward output (N, T, U), in
 * processing order, is flipped back in time; then concat on the last axis (→ 2U), sum, ave or
 * mul. Without return_sequences both are (N, U) and t must be 1. merge_mode=None is the pair as is.
 */
export function bidirectionalMerge(forward: Float32Array, backward: Float32Array, n: number, t: number, u: number, mode: MergeMode, returnSequences: boolean): Float32Array {
  checkSize('bidirectionalMerge', 'n', n);
  checkSize('bidirectionalMerge', 't', t);
  checkSize('bidirectionalMerge', 'units', u, false);
  const steps = returnSequences ? t : 1;
  const shape = returnSequences ? `(${n}, ${t}, ${u})` : `(${n}, ${u})`;
  checkLength('bidirectionalMerge', 'forward output', forward, n * steps * u, shape);
  checkLength('bidirectionalMerge', 'backward output', backward, n * steps * u, shape);
  if (!['concat', 'sum', 'ave', 'mul'].includes(mode)) fail('BAD_ARGUMENT', `bidirectionalMerge: merge mode '${String(mode)}' is not concat, sum, ave or mul`);
  const width = mode === 'concat' ? 2 * u : u;
  const out = new Float32Array(n * steps * width);
  for (let b = 0; b < n; b++) {
    for (let s = 0; s < steps; s++) {
      const fo = (b * steps + s) * u;
      const bo = (b * steps + (returnSequences ? steps - 1 - s : s)) * u;
      const o = (b * steps + s) * width;
      if (mode === 'concat') {
        out.set(forward.subarray(fo, fo + u), o);
        out.set(backward.subarray(bo, bo + u), o + u);
        continue;
      }
      for (let j = 0; j < u; j++) {
        const x = forward[fo + j]!;
        const y = backward[bo + j]!;
        out[o + j] = mode === 'sum' ? x + y : mode === 'ave' ? (x + y) / 2 : x * y;
      }
    }
  }
  return out;
}

/** Keras's Masking layer on x (rows, dim): a row is masked when every value equals maskValue; masked rows become 0. */
export function masking(x: Float32Array, rows: number, dim: number, maskValue: number): { data: Float32Array; mask: Uint8Array } {
  checkSize('masking', 'rows', rows);
  checkSize('masking', 'dim', dim, false);
  checkLength('masking', 'x', x, rows * dim, `(${rows}, ${dim})`);
  const data = new Float32Array(x.length);
  const mask = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * dim, (r + 1) * dim);
    if (row.some((v) => v !== maskValue)) {
      mask[r] = 1;
      data.set(row, r * dim);
    }
  }
  return { data, mask };
}
