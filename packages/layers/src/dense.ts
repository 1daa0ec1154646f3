// Dense and Embedding: Keras's Dense is x·kernel + bias on the last axis
// (keras/src/layers/core/dense.py call: ops.matmul(inputs, self.kernel) + bias);
// the activation is applied by the caller with activate().
import { fail } from '@attnlens/core';
import { checkLength, checkSize } from './checks.js';
import { matmul } from './matmul.js';

/** x (rows, inDim) · kernel (inDim, outDim) + bias (outDim). */
export function dense(x: Float32Array, rows: number, inDim: number, kernel: Float32Array, outDim: number, bias?: Float32Array): Float32Array {
  return matmul(x, rows, inDim, kernel, outDim, bias);
}

/**
 * ids (any integer-valued typed array, int64 included) → (len, dim) rows of `table` (vocab, dim),
 * into `out` when given (a streaming caller reuses one buffer per batch).
 */
export function embedding(ids: ArrayLike<number> | BigInt64Array | BigUint64Array, table: Float32Array, vocab: number, dim: number, out?: Float32Array): Float32Array {
  checkSize('embedding', 'vocab', vocab, false);
  checkSize('embedding', 'dim', dim, false);
  checkLength('embedding', 'table', table, vocab * dim, `(${vocab}, ${dim})`);
  if (out) checkLength('embedding', 'out', out, ids.length * dim, `(${ids.length}, ${dim})`);
  else out = new Float32Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) {
    const id = Number(ids[i]);
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      fail('BAD_ARGUMENT', `token id ${ids[i]} at position ${i} is outside the embedding's vocabulary [0, ${vocab})`, {
        hint: `ids must be integers from 0 to ${vocab - 1}; check the tokenizer's num_words against the Embedding's input_dim`,
        details: { position: i, id: Number(ids[i]), vocab },
      });
    }
    out.set(table.subarray(id * dim, id * dim + dim), i * dim);
  }
  return out;
}
