// Turning the bytes of an array as stored (either byte order, C or Fortran order)
// into the row-major, native (little-endian) typed array a Tensor holds.
import { allocate, cStrides, fail, gatherStrided, view, type DType, type DataFor, type TypedArray } from '@attnlens/core';
import type { NpyHeader } from './header.js';

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Do the stored bytes need swapping to native order? ('|' and '=' mean native). */
export function needsSwap(h: Pick<NpyHeader, 'byteOrder' | 'dataBytes' | 'shape'>, itemSize: number): boolean {
  if (itemSize === 1) return false;
  return HOST_LITTLE_ENDIAN ? h.byteOrder === '>' : h.byteOrder === '<';
}

/** Reverse the bytes of every item, in place. */
export function swapBytes(b: Uint8Array, itemSize: number): void {
  const n = b.length - (b.length % itemSize);
  if (itemSize === 2) {
    for (let i = 0; i < n; i += 2) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
  } else if (itemSize === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = b[i]!, c = b[i + 1]!;
      b[i] = b[i + 3]!;
      b[i + 1] = b[i + 2]!;
      b[i + 2] = c;
      b[i + 3] = a;
    }
  } else if (itemSize === 8) {
    for (let i = 0; i < n; i += 8) {
      for (let k = 0; k < 4; k++) {
        const t = b[i + k]!;
        b[i + k] = b[i + 7 - k]!;
        b[i + 7 - k] = t;
      }
    }
  }
}

/** NumPy bool is one byte, 0 or 1; any other byte reads as True. Normalise to 0/1 in place. */
export function normaliseBool(b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) if (b[i]! > 1) b[i] = 1;
}
function hasNonBoolByte(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 1) return true;
  return false;
}

/** Reorder column-major data of `shape` into a new row-major array (FORMATS.md §3 "Data and order"). */
export function fortranToC<D extends DType>(dtype: D, shape: readonly number[], src: DataFor[D]): DataFor[D] {
  const n = src.length;
  const out = allocate(dtype, n);
  const nd = shape.length;
  if (n === 0) return out;
  if (nd < 2) {
    (out as TypedArray).set(src as never);
    return out;
  }
  // column-major strides: the first axis varies fastest
  const fstride = cStrides([...shape].reverse()).reverse();
  return gatherStrided(src as unknown as { [i: number]: number | bigint }, 0, shape, fstride, out as unknown as { [i: number]: number | bigint }) as unknown as DataFor[D];
}

/**
 * The C-order native typed array for the `h.dataBytes` bytes of `data`. When the
 * bytes are already native, C-order and aligned, and `share` is set, the result is
 * a view of `data` (no copy); otherwise it owns a copy.
 */
export function arrayFromBytes(h: NpyHeader, itemSize: number, data: Uint8Array, share: boolean): TypedArray {
  if (data.length !== h.dataBytes) fail('BAD_ARGUMENT', `expected ${h.dataBytes} data bytes, got ${data.length}`);
  const n = h.dataBytes / itemSize;
  const swap = needsSwap(h, itemSize);
  const aligned = (data.byteOffset % itemSize) === 0;
  let arr: TypedArray;
  if (share && aligned && !swap && !(h.dtype === 'bool' && hasNonBoolByte(data))) {
    arr = view(h.dtype, data.buffer, data.byteOffset, n);
  } else {
    arr = allocate(h.dtype, n);
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    bytes.set(data);
    if (swap) swapBytes(bytes, itemSize);
    if (h.dtype === 'bool') normaliseBool(bytes);
  }
  if (h.fortranOrder && h.shape.length > 1) arr = fortranToC(h.dtype, h.shape, arr as never);
  return arr;
}

/**
 * Make an array read straight from a file native and C-order: swap bytes and
 * normalise bools in place; a Fortran-order array is reordered into a new array.
 */
export function nativeInPlace(h: NpyHeader, itemSize: number, arr: TypedArray): TypedArray {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (needsSwap(h, itemSize)) swapBytes(bytes, itemSize);
  if (h.dtype === 'bool') normaliseBool(bytes);
  return h.fortranOrder && h.shape.length > 1 ? fortranToC(h.dtype, h.shape, arr as never) : arr;
}
