import { fail } from './errors.js';

/** The element types the adapters meet. float16 is kept as raw IEEE bits in a Uint16Array. */
export type DType =
  | 'float16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

export interface DataFor {
  float16: Uint16Array; float32: Float32Array; float64: Float64Array;
  int8: Int8Array; int16: Int16Array; int32: Int32Array; int64: BigInt64Array;
  uint8: Uint8Array; uint16: Uint16Array; uint32: Uint32Array; uint64: BigUint64Array;
  bool: Uint8Array;
}
export type TypedArray = DataFor[DType];

/** An n-d array: dtype, shape and row-major (C-order) data. */
export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DataFor[D];
}

export const DTYPES: readonly DType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

const ITEM_SIZE: Record<DType, number> = {
  float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};
const CTOR: { [D in DType]: { new (n: number): DataFor[D]; new (buf: ArrayBufferLike, off: number, len: number): DataFor[D] } } = {
  float16: Uint16Array, float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};

export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}
export function isFloat(dtype: DType): boolean {
  return dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
}

/** Number of elements of a shape; throws on negative, fractional or unsafe sizes (never overflows silently). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail('CORRUPT', `shape (${shape.join(', ')}) has an invalid dimension ${d}`);
    n *= d;
    if (!Number.isSafeInteger(n)) fail('UNSUPPORTED', `shape (${shape.join(', ')}) has more elements than can be addressed`);
  }
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** A zero-filled typed array for `dtype`. */
export function allocate<D extends DType>(dtype: D, n: number): DataFor[D] {
  return new CTOR[dtype](n);
}

/** A typed array of `dtype` viewing `n` elements of `buf` at byte `offset` (which must be aligned). */
export function view<D extends DType>(dtype: D, buf: ArrayBufferLike, offset: number, n: number): DataFor[D] {
  return new CTOR[dtype](buf, offset, n);
}

/** Build a tensor, checking that data length matches the shape. */
export function tensor<D extends DType>(dtype: D, shape: readonly number[], data: DataFor[D]): Tensor<D> {
  const n = shapeSize(shape);
  if (data.length !== n) fail('SHAPE_MISMATCH', `tensor of shape ${formatShape(shape)} needs ${n} elements, got ${data.length}`);
  if (!(data instanceof CTOR[dtype])) fail('BAD_ARGUMENT', `data for dtype ${dtype} must be a ${CTOR[dtype].name}`);
  return { dtype, shape: [...shape], data };
}

// IEEE 754 half -> single, exact (every half is representable as a float32). Built at the
// first float16 value, not at import: every process and worker imports this module, and the
// 65536 entries cost ~5 ms of each one's start-up (issue 15).
let f16: Float32Array | undefined;
function f16Table(): Float32Array {
  if (f16) return f16;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return (f16 = t);
}

export function float16ToFloat32(bits: number): number {
  return f16Table()[bits & 0xffff]!;
}

/** float32 -> nearest float16 bits (round half to even), for writers and tests. */
export function float32ToFloat16(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** Any numeric tensor as float64 values (int64 beyond 2^53 loses precision, as in NumPy's astype). */
export function toFloat64(t: Tensor): Float64Array {
  return convert(t, Float64Array);
}
/** Any numeric tensor as float32 values. */
export function toFloat32(t: Tensor): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  return convert(t, Float32Array);
}

function convert<A extends Float32Array | Float64Array>(t: Tensor, C: { new (n: number): A }): A {
  const n = t.data.length;
  const out = new C(n);
  const d = t.data;
  if (t.dtype === 'float16') {
    const b = d as Uint16Array;
    const table = f16Table();
    for (let i = 0; i < n; i++) out[i] = table[b[i]!]!;
  } else if (t.dtype === 'int64' || t.dtype === 'uint64') {
    const b = d as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) out[i] = Number(b[i]!);
  } else {
    const b = d as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < n; i++) out[i] = b[i]!;
  }
  return out;
}

/** The numeric value at flat index i (float16 decoded, int64 as Number). */
export function valueAt(t: Tensor, i: number): number {
  const v = t.data[i]!;
  if (t.dtype === 'float16') return f16Table()[v as number]!;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** First index (as an n-d index) of a NaN or Inf in a float tensor, or undefined. */
export function firstNonFinite(t: Tensor): number[] | undefined {
  if (!isFloat(t.dtype)) return undefined;
  const n = t.data.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(valueAt(t, i))) return unravel(i, t.shape);
  }
  return undefined;
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    if (d === 0) break;
    idx[k] = flat % d;
    flat = Math.floor(flat / d);
  }
  return idx;
}

/** Row-major (C-order) strides of a shape, in elements. */
export function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * The one strided gather: the elements of a view of `src` (element `offset` + Σ index·stride)
 * written to `out` in C order. A transpose is a gather with permuted strides, Fortran order one
 * with reversed strides, a torch view one with its own (a stride 0 repeats an element). `out`
 * must hold Π shape elements; an odometer over all axes but the last moves the base, the last
 * axis is a tight inner loop.
 */
export function gatherStrided<V, O extends { [i: number]: V }>(src: { readonly [i: number]: V }, offset: number, shape: readonly number[], strides: readonly number[], out: O): O {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = src[offset]!;
    return out;
  }
  const last = nd - 1;
  const L = shape[last]!;
  const sL = strides[last]!;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let at = 0; at < n; at += L) {
    for (let j = 0, p = base; j < L; j++, p += sL) out[at + j] = src[p]!;
    for (let k = last - 1; k >= 0; k--) {
      idx[k]!++;
      base += strides[k]!;
      if (idx[k]! < shape[k]!) break;
      base -= strides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}
