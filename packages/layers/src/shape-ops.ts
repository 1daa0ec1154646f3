// Shape and merge ops on (data, shape) pairs, batch axis included in every shape.
// Merge broadcasting follows Keras's _Merge (Keras 2 keras/layers/merge.py _Merge.call, Keras 3
// keras/src/layers/merging/base_merge.py call): inputs of lower rank get size-1 axes inserted at
// axis 1 until the ranks agree, then size-1 axes broadcast as in NumPy.
import { cStrides, fail, gatherStrided } from '@attnlens/core';
import { checkLength, checkShape, checkSize, normaliseAxis, product } from './checks.js';

export interface Shaped { data: Float32Array; shape: number[] }
export type MergeOp = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

function checkShaped(kernel: string, name: string, p: Shaped): void {
  const size = checkShape(kernel, name, p.shape);
  checkLength(kernel, name, p.data, size, `(${p.shape.join(', ')})`);
}

/** Transpose: output axis i is input axis perm[i] (perm over all axes, batch included). */
export function permute(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  checkShaped('permute', 'x', { data: x, shape });
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
    fail('BAD_ARGUMENT', `permute: [${perm.join(', ')}] is not a permutation of the ${rank} axes of (${shape.join(', ')})`);
  }
  const inStr = cStrides(shape);
  // output axis i walks input axis perm[i]: a gather with the permuted strides
  return gatherStrided(x, 0, perm.map((p) => shape[p]!), perm.map((p) => inStr[p]!), new Float32Array(x.length));
}

/** Concatenate along `axis` (negative counts from the end); every other axis must agree. */
export function concatenate(parts: Shaped[], axis: number): Shaped {
  if (parts.length === 0) fail('BAD_ARGUMENT', 'concatenate: no inputs');
  parts.forEach((p, i) => checkShaped('concatenate', `input ${i}`, p));
  const rank = parts[0]!.shape.length;
  const ax = normaliseAxis('concatenate', axis, rank);
  for (const [i, p] of parts.entries()) {
    if (p.shape.length !== rank || p.shape.some((d, k) => k !== ax && d !== parts[0]!.shape[k])) {
      fail('SHAPE_MISMATCH', `concatenate: input ${i} has shape (${p.shape.join(', ')}), which does not fit (${parts[0]!.shape.join(', ')}) along axis ${axis}`);
    }
  }
  const outer = product(parts[0]!.shape.slice(0, ax));
  const blocks = parts.map((p) => product(p.shape.slice(ax)));
  const width = blocks.reduce((a, b) => a + b, 0);
  const data = new Float32Array(outer * width);
  for (let o = 0; o < outer; o++) {
    let dst = o * width;
    for (const [i, p] of parts.entries()) {
      data.set(p.data.subarray(o * blocks[i]!, (o + 1) * blocks[i]!), dst);
      dst += blocks[i]!;
    }
  }
  const shape = [...parts[0]!.shape];
  shape[ax] = parts.reduce((a, p) => a + p.shape[ax]!, 0);
  return { data, shape };
}

/** Keras's merge broadcast: the output shape, and each input's shape after inserting axes at 1. */
function broadcastShapes(shapes: number[][]): { out: number[]; expanded: number[][] } {
  const rank = Math.max(...shapes.map((s) => s.length));
  const expanded = shapes.map((s) => [s[0]!, ...new Array<number>(rank - s.length).fill(1), ...s.slice(1)]);
  const out = new Array<number>(rank);
  for (let a = 0; a < rank; a++) {
    const sizes = new Set(expanded.map((s) => s[a]!).filter((d) => d !== 1));
    if (sizes.size > 1) {
      fail('SHAPE_MISMATCH', `merge: shapes ${shapes.map((s) => `(${s.join(', ')})`).join(', ')} do not broadcast (axis ${a})`);
    }
    out[a] = sizes.size ? [...sizes][0]! : 1;
  }
  return { out, expanded };
}

/** Add, Subtract (exactly two inputs), Multiply, Average, Maximum, Minimum with Keras's broadcasting. */
export function elementwise(op: MergeOp, parts: Shaped[]): Shaped {
  if (parts.length === 0) fail('BAD_ARGUMENT', `${op}: no inputs`);
  if (op === 'subtract' && parts.length !== 2) fail('BAD_ARGUMENT', `subtract takes exactly 2 inputs, got ${parts.length}`);
  parts.forEach((p, i) => checkShaped(op, `input ${i}`, p));
  const { out: shape, expanded } = broadcastShapes(parts.map((p) => p.shape));
  const size = product(shape);
  const acc = new Float64Array(size);
  // each input broadcast to the output shape: a gather with stride 0 along its size-1 axes
  const v = new Float32Array(size);
  for (const [pi, p] of parts.entries()) {
    const st = cStrides(expanded[pi]!).map((s, a) => (expanded[pi]![a] === 1 ? 0 : s));
    gatherStrided(p.data, 0, shape, st, v);
    for (let o = 0; o < size; o++) {
      if (pi === 0) acc[o] = v[o]!;
      else if (op === 'add' || op === 'average') acc[o] += v[o]!;
      else if (op === 'subtract') acc[o] -= v[o]!;
      else if (op === 'multiply') acc[o] *= v[o]!;
      else if (op === 'maximum') acc[o] = Math.max(acc[o]!, v[o]!);
      else acc[o] = Math.min(acc[o]!, v[o]!);
    }
  }
  const data = new Float32Array(size);
  const scale = op === 'average' ? 1 / parts.length : 1;
  for (let o = 0; o < size; o++) data[o] = acc[o]! * scale;
  return { data, shape };
}

/** x / sqrt(max(Σx², 1e-12)) along `axis` (Keras's l2_normalize, epsilon 1e-12). */
function l2Normalise(x: Float32Array, shape: number[], axis: number): Float32Array {
  const inner = product(shape.slice(axis + 1));
  const dim = shape[axis]!;
  const outer = product(shape.slice(0, axis));
  const out = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let ss = 0;
      for (let d = 0; d < dim; d++) ss += x[base + d * inner]! ** 2;
      const inv = 1 / Math.sqrt(Math.max(ss, 1e-12));
      for (let d = 0; d < dim; d++) out[base + d * inner] = x[base + d * inner]! * inv;
    }
  }
  return out;
}

/** Moves axis `axis` to the end: (N, ..., D) with the rest in order; returns data and the kept dims. */
function contractLast(x: Float32Array, shape: number[], axis: number): { data: Float32Array; rest: number[] } {
  const perm = [...shape.keys()].filter((a) => a !== axis).concat(axis);
  return { data: axis === shape.length - 1 ? x : permute(x, shape, perm), rest: perm.slice(1, -1).map((a) => shape[a]!) };
}

/**
 * Keras's Dot layer (K.batch_dot): per sample, contract axis axes[0] of a with axes[1] of b
 * (axes count the batch axis, so 1 is the first data axis; negative from the end). The output
 * is (N, a's other axes..., b's other axes...), and (N, 1) when both are 2-D. With `normalize`,
 * both are first L2-normalised along their contracted axes (cosine proximity).
 */
export function batchDot(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], axes: [number, number], normalize: boolean): Shaped {
  checkShaped('batchDot', 'a', { data: a, shape: aShape });
  checkShaped('batchDot', 'b', { data: b, shape: bShape });
  if (aShape.length < 2 || bShape.length < 2) fail('SHAPE_MISMATCH', 'batchDot: both inputs need a batch axis and at least one data axis');
  if (aShape[0] !== bShape[0]) fail('SHAPE_MISMATCH', `batchDot: batch sizes ${aShape[0]} and ${bShape[0]} differ`);
  const ax = normaliseAxis('batchDot', axes[0], aShape.length);
  const bx = normaliseAxis('batchDot', axes[1], bShape.length);
  if (ax === 0 || bx === 0) fail('BAD_ARGUMENT', 'batchDot: the batch axis cannot be contracted');
  if (aShape[ax] !== bShape[bx]) {
    fail('SHAPE_MISMATCH', `batchDot: axis ${axes[0]} of (${aShape.join(', ')}) has ${aShape[ax]} values but axis ${axes[1]} of (${bShape.join(', ')}) has ${bShape[bx]}`);
  }
  const an = normalize ? l2Normalise(a, aShape, ax) : a;
  const bn = normalize ? l2Normalise(b, bShape, bx) : b;
  const A = contractLast(an, aShape, ax);
  const B = contractLast(bn, bShape, bx);
  const n = aShape[0]!;
  const d = aShape[ax]!;
  const ra = product(A.rest);
  const rb = product(B.rest);
  const data = new Float32Array(n * ra * rb);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < ra; i++) {
      const ao = (s * ra + i) * d;
      for (let j = 0; j < rb; j++) {
        const bo = (s * rb + j) * d;
        let acc = 0;
        for (let k = 0; k < d; k++) acc += A.data[ao + k]! * B.data[bo + k]!;
        data[(s * ra + i) * rb + j] = acc;
      }
    }
  }
  const rest = [...A.rest, ...B.rest];
  return { data, shape: [n, ...(rest.length ? rest : [1])] };
}

/** RepeatVector: (N, dim) → (N, times, dim). */
export function repeatVector(x: Float32Array, n: number, dim: number, times: number): Float32Array {
  checkSize('repeatVector', 'n', n);
  checkSize('repeatVector', 'dim', dim);
  checkSize('repeatVector', 'times', times);
  checkLength('repeatVector', 'x', x, n * dim, `(${n}, ${dim})`);
  const out = new Float32Array(n * times * dim);
  for (let b = 0; b < n; b++) for (let r = 0; r < times; r++) out.set(x.subarray(b * dim, (b + 1) * dim), (b * times + r) * dim);
  return out;
}
