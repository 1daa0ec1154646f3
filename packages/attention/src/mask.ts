// Which steps of each sequence count: from valid lengths, from a 0/1 (or bool) mask
// array, or from the padding id in a token-id array (Keras Embedding(mask_zero=True)).
import { fail, formatShape, isFloat, valueAt, type Tensor } from '@attnlens/core/tensor';

/**
 * `lengths`: one valid length per sequence (steps 0..len-1 count).
 * `mask`: N·T bytes, 1 where the step counts; `shape` (optional) is the array's own
 * shape, for messages.
 */
export type Mask = { lengths: Int32Array; shape?: readonly number[] } | { mask: Uint8Array; shape?: readonly number[] };

/** Lengths from an integer (or integral float) array of any shape; every value must be a whole number ≥ 0. */
export function maskFromLengths(lengths: Tensor | ArrayLike<number>, file?: string): Mask {
  const t: Tensor = isTensor(lengths) ? lengths : { dtype: 'float64', shape: [lengths.length], data: Float64Array.from(lengths) };
  const n = t.data.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueAt(t, i);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      fail('BAD_ARGUMENT', `lengths ${formatShape(t.shape)} holds ${v} at [${unravelText(i, t.shape)}]; a length is a whole number of steps ≥ 0`, {
        file,
        hint: 'pass the number of valid (unpadded) steps of each sample',
        details: { index: i, value: v },
      });
    }
    out[i] = v;
  }
  return { lengths: out, shape: [...t.shape] };
}

/** A mask from a 0/1 or bool array (any numeric dtype; every value must be 0 or 1). */
export function maskFromArray(m: Tensor, file?: string): Mask {
  const n = m.data.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueAt(m, i);
    if (v !== 0 && v !== 1) {
      fail('BAD_ARGUMENT', `mask ${formatShape(m.shape)} holds ${v} at [${unravelText(i, m.shape)}]; a mask holds only 0 (padding) and 1 (valid)`, {
        file,
        hint: isFloat(m.dtype) ? 'is this an attention array rather than a mask? give valid lengths instead' : 'give token ids as the ids, with their padding id',
        details: { index: i, value: v, option: isFloat(m.dtype) ? 'lengths' : ['ids', 'padId'] },
      });
    }
    out[i] = v;
  }
  return { mask: out, shape: [...m.shape] };
}

/**
 * A mask from token ids: a step counts unless its id is `padId` (Keras masks padding
 * anywhere, not only at the end). Float arrays are accepted when every value is whole
 * (ids saved from a float array); anything else is not an id array.
 */
export function masksFromIds(ids: Tensor, padId: number, file?: string): Mask {
  if (!Number.isInteger(padId)) fail('BAD_ARGUMENT', `the padding id must be an integer, got ${padId}`, { hint: 'Keras pads with 0', details: { option: 'padId' } });
  const n = ids.data.length;
  const out = new Uint8Array(n);
  const float = isFloat(ids.dtype);
  for (let i = 0; i < n; i++) {
    const v = valueAt(ids, i);
    if (float && !Number.isInteger(v)) {
      fail('BAD_ARGUMENT', `ids ${formatShape(ids.shape)} holds ${v} at [${unravelText(i, ids.shape)}]; token ids are whole numbers`, { file, hint: 'pass the token-id array fed to the Embedding layer (are these the layer outputs X?)', details: { index: i, value: v } });
    }
    out[i] = v === padId ? 0 : 1;
  }
  return { mask: out, shape: [...ids.shape] };
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dtype' in x && 'shape' in x && 'data' in x;
}

function unravelText(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    idx.unshift(d ? i % d : 0);
    i = d ? Math.floor(i / d) : 0;
  }
  return idx.join(', ');
}

/**
 * Check a mask against X: N sequences of T steps (X's shape given for messages).
 * Lengths must number N (any shape with N elements) and lie in 0..T; a mask must have N·T entries.
 */
export function checkMask(mask: Mask, N: number, T: number, xShape: readonly number[], file?: string): void {
  const X = formatShape(xShape);
  if ('lengths' in mask) {
    const L = mask.shape ? formatShape(mask.shape) : formatShape([mask.lengths.length]);
    if (mask.lengths.length !== N) {
      fail('SHAPE_MISMATCH', `lengths is ${L} but X is ${X}: need one length per sequence (${N})`, { file, hint: 'pass the valid lengths of the same samples, in the same order, as X', details: { lengths: mask.shape ?? [mask.lengths.length], x: xShape } });
    }
    for (let i = 0; i < N; i++) {
      const v = mask.lengths[i]!;
      if (v < 0 || v > T) {
        fail('SHAPE_MISMATCH', `lengths[${i}] = ${v} is ${v < 0 ? 'negative' : `longer than T = ${T}`} (lengths is ${L}, X is ${X})`, {
          file,
          hint: v < 0 ? 'a length is a number of valid steps, 0 or more' : 'lengths count the valid steps of each sample and cannot exceed X\'s time axis; were the lengths taken before truncation?',
          details: { index: i, value: v, T },
        });
      }
    }
  } else {
    const M = mask.shape ? formatShape(mask.shape) : `${mask.mask.length} values`;
    if (mask.mask.length !== N * T) {
      fail('SHAPE_MISMATCH', `mask is ${M} but X is ${X}: need ${N * T} values, (${N}, ${T}) for ${N} sequences of ${T} steps`, { file, hint: 'the mask has one entry per sample and time step of X', details: { mask: mask.shape, x: xShape } });
    }
    if (mask.shape && mask.shape.length >= 1 && mask.shape[mask.shape.length - 1] !== T) {
      fail('SHAPE_MISMATCH', `mask is ${M} but X is ${X}: the mask's last axis must be T = ${T}`, { file, details: { mask: mask.shape, x: xShape } });
    }
  }
}

/** The part of a mask for sequences [start, start + count), as a new mask (for chunks and workers). */
export function sliceMask(mask: Mask, start: number, count: number, T: number): Mask {
  if ('lengths' in mask) return { lengths: mask.lengths.slice(start, start + count) };
  return { mask: mask.mask.slice(start * T, (start + count) * T) };
}

/** Valid steps of sequence n, as a per-step test. */
export function stepValid(mask: Mask | undefined, n: number, t: number, T: number): boolean {
  if (!mask) return true;
  if ('lengths' in mask) return t < mask.lengths[n]!;
  return mask.mask[n * T + t] !== 0;
}

/** How many steps of sequence n count, and one past the last one that does. */
export function validExtent(mask: Mask | undefined, n: number, T: number): { count: number; end: number } {
  if (!mask) return { count: T, end: T };
  if ('lengths' in mask) return { count: mask.lengths[n]!, end: mask.lengths[n]! };
  let count = 0;
  let end = 0;
  for (let t = 0; t < T; t++) {
    if (mask.mask[n * T + t]) {
      count++;
      end = t + 1;
    }
  }
  return { count, end };
}
