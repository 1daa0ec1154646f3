// Conv1D and 1-D pooling in TensorFlow's padding arithmetic (Keras's Conv1D calls
// tf.nn.convolution / ops.conv; 'same' pads ⌊total/2⌋ before and the rest after, 'causal'
// pads (K-1)·dilation before: keras/src/layers/convolutional/base_conv.py and Keras 2
// keras/layers/convolutional.py Conv1D.call). Data is channels-last, (N, T, C).
import { fail } from '@attnlens/core';
import { checkLength, checkSize } from './checks.js';
import { gemmF32, packB } from './matmul.js';

/** Output rows whose windows are gathered at once. */
const IM2COL_ROWS = 512;

export interface Conv1dOptions { strides: number; padding: 'valid' | 'same' | 'causal'; dilation: number }
export interface Pool1dOptions { kind: 'max' | 'avg'; poolSize: number; strides: number; padding: 'valid' | 'same' }

/** Output length and left padding for a window of effective size `span` (TF's rule, tf.nn conv/pool 'SAME'). */
export function windowGeometry(t: number, span: number, strides: number, padding: 'valid' | 'same' | 'causal'): { out: number; left: number } {
  if (padding === 'valid') return { out: t >= span ? Math.floor((t - span) / strides) + 1 : 0, left: 0 };
  if (padding === 'causal') return { out: t >= 1 ? Math.floor((t - 1) / strides) + 1 : 0, left: span - 1 };
  if (padding !== 'same') fail('BAD_ARGUMENT', `padding '${String(padding)}' is not valid, same or causal`);
  const out = Math.ceil(t / strides);
  const total = Math.max((out - 1) * strides + span - t, 0);
  return { out, left: Math.floor(total / 2) };
}

/** x (N, T, C) * kernel (K, C, O) + bias (O) → (N, T', O). Each output step is one GEMM row over the gathered window. */
export function conv1d(
  x: Float32Array, n: number, t: number, c: number, kernel: Float32Array, k: number, o: number,
  bias: Float32Array | undefined, opts: Conv1dOptions,
): { data: Float32Array; t: number } {
  for (const [name, v] of [['n', n], ['t', t], ['channels', c]] as const) checkSize('conv1d', name, v);
  for (const [name, v] of [['kernel size', k], ['filters', o], ['strides', opts.strides], ['dilation', opts.dilation]] as const) checkSize('conv1d', name, v, false);
  checkLength('conv1d', 'x', x, n * t * c, `(${n}, ${t}, ${c})`);
  checkLength('conv1d', 'kernel', kernel, k * c * o, `(${k}, ${c}, ${o})`);
  if (bias) checkLength('conv1d', 'bias', bias, o, `(${o})`);
  const { strides, dilation } = opts;
  const g = windowGeometry(t, (k - 1) * dilation + 1, strides, opts.padding);
  // im2col: the (K·C) window of each output step, zeros where it falls in the padding; then one
  // GEMM with the kernel viewed as (K·C, O). Windows are gathered a block of rows at a time, so
  // the scratch stays bounded instead of being K times the input.
  const packed = packB(kernel, k * c, o, bias);
  const rows = n * g.out;
  const block = Math.max(1, Math.min(rows, IM2COL_ROWS));
  const cols = new Float32Array(block * k * c);
  const part = new Float32Array(block * o);
  const data = new Float32Array(rows * o);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const m = Math.min(block, rows - r0);
    cols.fill(0);
    for (let r = 0; r < m; r++) {
      const b = Math.floor((r0 + r) / g.out);
      const s = (r0 + r) % g.out;
      for (let kk = 0; kk < k; kk++) {
        const ti = s * strides - g.left + kk * dilation;
        if (ti >= 0 && ti < t) cols.set(x.subarray((b * t + ti) * c, (b * t + ti + 1) * c), (r * k + kk) * c);
      }
    }
    const out = m === block ? part : part.subarray(0, m * o);
    gemmF32(m === block ? cols : cols.subarray(0, m * k * c), m, packed, out);
    data.set(out, r0 * o);
  }
  return { data, t: g.out };
}

/** MaxPooling1D / AveragePooling1D, (N, T, C) → (N, T', C). 'same' average counts only the real steps (TF avg_pool). */
export function pool1d(x: Float32Array, n: number, t: number, c: number, opts: Pool1dOptions): { data: Float32Array; t: number } {
  for (const [name, v] of [['n', n], ['t', t], ['channels', c]] as const) checkSize('pool1d', name, v);
  checkSize('pool1d', 'pool size', opts.poolSize, false);
  checkSize('pool1d', 'strides', opts.strides, false);
  if (opts.kind !== 'max' && opts.kind !== 'avg') fail('BAD_ARGUMENT', `pool1d: kind '${String(opts.kind)}' is not max or avg`);
  if ((opts.padding as string) === 'causal') fail('BAD_ARGUMENT', "pool1d: padding must be 'valid' or 'same'");
  checkLength('pool1d', 'x', x, n * t * c, `(${n}, ${t}, ${c})`);
  const g = windowGeometry(t, opts.poolSize, opts.strides, opts.padding);
  const data = new Float32Array(n * g.out * c);
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let s = 0; s < g.out; s++) {
      const from = Math.max(0, s * opts.strides - g.left);
      const to = Math.min(t, s * opts.strides - g.left + opts.poolSize);
      acc.fill(opts.kind === 'max' ? -Infinity : 0);
      for (let ti = from; ti < to; ti++) {
        const off = (b * t + ti) * c;
        if (opts.kind === 'max') for (let j = 0; j < c; j++) acc[j] = Math.max(acc[j]!, x[off + j]!);
        else for (let j = 0; j < c; j++) acc[j] += x[off + j]!;
      }
      const dst = (b * g.out + s) * c;
      for (let j = 0; j < c; j++) data[dst + j] = opts.kind === 'max' ? acc[j]! : acc[j]! / (to - from);
    }
  }
  return { data, t: g.out };
}

/**
 * GlobalMaxPooling1D / GlobalAveragePooling1D, (N, T, C) → (N, C). With a mask, the average is
 * Σ x·m / Σ m (Keras 2 keras/layers/pooling.py GlobalAveragePooling1D.call, Keras 3
 * global_average_pooling1d.py): a fully masked sample is 0/0 = NaN there, and here too (README).
 * Keras's GlobalMaxPooling1D ignores the mask, so 'max' does too.
 */
export function globalPool1d(x: Float32Array, n: number, t: number, c: number, kind: 'max' | 'avg', mask?: Uint8Array): Float32Array {
  for (const [name, v] of [['n', n], ['t', t], ['channels', c]] as const) checkSize('globalPool1d', name, v);
  checkLength('globalPool1d', 'x', x, n * t * c, `(${n}, ${t}, ${c})`);
  if (mask) checkLength('globalPool1d', 'mask', mask, n * t, `(${n}, ${t})`);
  if (kind !== 'max' && kind !== 'avg') fail('BAD_ARGUMENT', `globalPool1d: kind '${String(kind)}' is not max or avg`);
  const out = new Float32Array(n * c);
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    acc.fill(kind === 'max' ? -Infinity : 0);
    let count = 0;
    for (let ti = 0; ti < t; ti++) {
      const off = (b * t + ti) * c;
      if (kind === 'max') {
        for (let j = 0; j < c; j++) acc[j] = Math.max(acc[j]!, x[off + j]!);
      } else if (!mask || mask[b * t + ti] !== 0) {
        count++;
        for (let j = 0; j < c; j++) acc[j] += x[off + j]!;
      }
    }
    for (let j = 0; j < c; j++) out[b * c + j] = kind === 'max' ? acc[j]! : acc[j]! / count;
  }
  return out;
}
