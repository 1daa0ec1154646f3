// The executor's tensors: float32, C order, batch axis first, with the Keras mask riding along.
import { fail, formatShape, type Tensor } from '@attnlens/core';

export interface Value {
  shape: number[];
  data: Float32Array;
  /** Keras's mask: one byte per position of every axis but the last (N·T for (N, T, F)), 1 = valid. */
  mask?: Uint8Array;
  /** Set when the value is an Embedding's output: its ids and table, so an RNN it feeds can project the table once. */
  embedded?: { ids: Float32Array; table: Float32Array; vocab: number; dim: number };
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function value(shape: number[], data: Float32Array, mask?: Uint8Array): Value {
  if (data.length !== size(shape)) fail('SHAPE_MISMATCH', `internal: ${data.length} values for shape ${formatShape(shape)}`);
  return mask ? { shape, data, mask } : { shape, data };
}

/** A tensor of any numeric dtype as float32 (token ids stay exact up to 2^24). */
export function fromTensor(t: Tensor): Value {
  const n = size(t.shape);
  let data: Float32Array;
  if (t.dtype === 'float32') data = t.data as Float32Array;
  else {
    data = new Float32Array(n);
    const d = t.data;
    if (t.dtype === 'float16') fail('UNSUPPORTED', 'float16 model inputs are not read; save the inputs as float32');
    for (let i = 0; i < n; i++) data[i] = Number(d[i]!);
  }
  return { shape: [...t.shape], data };
}

export function toTensor(v: Value): Tensor<'float32'> {
  return { dtype: 'float32', shape: [...v.shape], data: v.data };
}

/** The mask's length for a value of this shape (every axis but the last). */
export const maskLength = (shape: readonly number[]) => size(shape.slice(0, -1));
