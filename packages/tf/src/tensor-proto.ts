// TensorProto <-> Tensor (shared docs FORMATS.md §4.3). Values come either as raw
// little-endian `tensor_content` (what tf.io.serialize_tensor and TF2 summaries write)
// or as a typed `*_val` list, which TensorFlow may shorten: fewer values than the shape
// needs means "repeat the last one" (tensorflow/core/framework/tensor.cc, FromProto;
// TensorBoard tensor_util.make_ndarray pads with "edge"), so a single value broadcasts.
import {
  allocate, checkSize, fail, formatShape, isFloat, itemSize, shapeSize, tensor,
  type DType, type DataFor, type Limits, type Tensor,
} from '@attnlens/core';
import { DT, dtypeInfo, tfDtypeName, tfDtypeOf, type DtypeInfo } from './dtypes.js';
import protobuf from 'protobufjs';
import { longToBigInt, longToNumber, tfSchema } from './proto/schema.js';

/** Kept for the API; the limits now come from core (maxArrayBytes, maxOutputBytes). */
export const MAX_TENSOR_BYTES = 2 ** 31 - 1;

/** Bytes one element of a string tensor costs at least once materialised (a reference to its bytes). */
const STRING_ELEMENT_BYTES = 8;

/** What a TensorProto holds: numbers as a Tensor, or strings (DT_STRING) as raw bytes. */
export type TensorValue =
  | { kind: 'numeric'; tensor: Tensor; tfDtype: string }
  | { kind: 'string'; shape: number[]; values: Uint8Array[] };

/** A decoded TensorProto message as protobufjs returns it (camelCase fields). */
export interface TensorProtoMessage {
  dtype?: number;
  tensorShape?: { dim?: { size?: unknown; name?: string }[]; unknownRank?: boolean } | null;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: unknown[];
  boolVal?: boolean[];
  halfVal?: number[];
  uint32Val?: number[];
  uint64Val?: unknown[];
}

function corrupt(message: string, file: string | undefined, cause?: unknown): never {
  return fail('CORRUPT', message, { file, hint: 'the file is not a serialized TensorProto, or it was damaged; write it again with tf.io.serialize_tensor', cause });
}

/** Parse the protobuf wire bytes of a TensorProto (no interpretation yet). */
export function parseTensorProtoMessage(bytes: Uint8Array, file?: string): TensorProtoMessage {
  try {
    return tfSchema().TensorProto.decode(bytes) as unknown as TensorProtoMessage;
  } catch (e) {
    return corrupt(`not a valid TensorProto (${(e as Error).message})`, file, e);
  }
}

/** The shape of a TensorProto message; "absent" and "no dims" both mean a scalar. */
export function tensorProtoShape(m: TensorProtoMessage, file?: string): number[] {
  if (m.tensorShape?.unknownRank) corrupt('TensorProto has an unknown rank, so it holds no values', file);
  const shape = (m.tensorShape?.dim ?? []).map((d) => longToNumber(d.size));
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) corrupt(`TensorProto shape (${shape.join(', ')}) has ${d === -1 ? 'an unknown (-1)' : `an invalid`} dimension`, file);
  }
  return shape;
}

/**
 * Interpret a parsed TensorProto: numeric values as a Tensor, strings as bytes. A `*_val`
 * list shorter than the shape is broadcast (see the top of this file): 15 bytes can claim
 * 10^9 strings, 18 bytes 5*10^8 floats, so the broadcast size is checked against the
 * maxOutputBytes limit (what the file holds is far less) and any tensor against maxArrayBytes.
 */
export function tensorValueOf(m: TensorProtoMessage, file?: string, limits?: Partial<Limits>): TensorValue {
  const dt = m.dtype ?? 0;
  const shape = tensorProtoShape(m, file);
  const n = shapeSize(shape);
  if (dt === DT.STRING || dt === DT.STRING + 100) {
    const vals = m.stringVal ?? [];
    if (vals.length > n) corrupt(`string TensorProto of shape ${formatShape(shape)} holds ${vals.length} values, more than its ${n} elements`, file);
    if (n > vals.length) checkSize(n * STRING_ELEMENT_BYTES, `a string TensorProto of shape ${formatShape(shape)} (${n} elements from the ${vals.length} values it holds)`, 'maxOutputBytes', { file, limits });
    const values: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = vals.length ? vals[Math.min(i, vals.length - 1)]! : new Uint8Array(0);
    return { kind: 'string', shape, values };
  }
  const info = dtypeInfo(dt);
  if (!info) {
    fail('UNSUPPORTED', `TensorProto of dtype ${tfDtypeName(dt)}, which attnlens does not read`, {
      file,
      hint: 'attnlens reads float, integer and bool tensors; cast it (tf.cast) before serializing',
      details: { dtype: dt },
    });
  }
  const bytes = n * Math.max(info.bytes, itemSize(info.dtype));
  const what = `a TensorProto of shape ${formatShape(shape)} (${tfDtypeName(dt)})`;
  checkSize(bytes, what, 'maxArrayBytes', { file, limits });
  const content = m.tensorContent;
  const held = content && content.length ? content.length : ((m[info.field] ?? []) as unknown[]).length;
  if (!(content && content.length) && held < n) checkSize(bytes, `${what}, broadcast from the ${held} value${held === 1 ? '' : 's'} it holds,`, 'maxOutputBytes', { file, limits });
  const data = content && content.length ? fromContent(content, info, n, shape, dt, file) : fromTyped(m, info, n, shape, dt, file);
  return { kind: 'numeric', tensor: tensor(info.dtype, shape, data), tfDtype: tfDtypeName(dt) };
}

function fromContent(content: Uint8Array, info: DtypeInfo, n: number, shape: number[], dt: number, file?: string): DataFor[DType] {
  if (content.length !== n * info.bytes) {
    corrupt(`TensorProto of shape ${formatShape(shape)} (${tfDtypeName(dt)}) needs ${n * info.bytes} bytes of tensor_content, has ${content.length}`, file);
  }
  // Copy into a fresh, aligned buffer: tensor_content sits at any offset inside the message.
  const raw = new Uint8Array(content.length);
  raw.set(content);
  if (info.bfloat16) {
    const src = new Uint16Array(raw.buffer, 0, n);
    const out = new Float32Array(n);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
    return out;
  }
  if (info.dtype === 'bool') {
    for (let i = 0; i < n; i++) raw[i] = raw[i] ? 1 : 0;
    return raw;
  }
  const out = allocate(info.dtype, n);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(raw);
  return out;
}

function fromTyped(m: TensorProtoMessage, info: DtypeInfo, n: number, shape: number[], dt: number, file?: string): DataFor[DType] {
  const vals = (m[info.field] ?? []) as unknown[];
  if (vals.length > n) corrupt(`TensorProto of shape ${formatShape(shape)} holds ${vals.length} values in ${snake(info.field)}, more than its ${n} elements`, file);
  const out = allocate(info.bfloat16 ? 'float32' : info.dtype, n);
  if (n === 0 || vals.length === 0) return out; // no values: zeros, as TensorFlow fills
  const k = vals.length;
  if (info.bfloat16) {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = ((vals[Math.min(i, k - 1)] as number) & 0xffff) << 16;
  } else if (info.dtype === 'int64' || info.dtype === 'uint64') {
    const o = out as BigInt64Array | BigUint64Array;
    const conv = vals.map((v) => longToBigInt(v, info.dtype === 'uint64'));
    for (let i = 0; i < n; i++) o[i] = conv[Math.min(i, k - 1)]!;
  } else if (info.dtype === 'float16') {
    const o = out as Uint16Array;
    for (let i = 0; i < n; i++) o[i] = (vals[Math.min(i, k - 1)] as number) & 0xffff;
  } else if (info.dtype === 'bool') {
    const o = out as Uint8Array;
    for (let i = 0; i < n; i++) o[i] = vals[Math.min(i, k - 1)] ? 1 : 0;
  } else {
    const o = out as Float32Array;
    for (let i = 0; i < k; i++) o[i] = vals[i] as number;
    if (k < n) o.fill(vals[k - 1] as number, k);
  }
  return out;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Decode a serialized TensorProto (`tf.io.serialize_tensor`, `make_tensor_proto(...).SerializeToString()`)
 * into a C-order Tensor. bfloat16 comes back as float32; string tensors are refused.
 */
export function decodeTensorProto(bytes: Uint8Array, file?: string): Tensor {
  const v = tensorValueOf(parseTensorProtoMessage(bytes, file), file);
  if (v.kind === 'string') {
    fail('UNSUPPORTED', `TensorProto holds strings (shape ${formatShape(v.shape)}), not numbers`, { file, hint: 'attnlens reads numeric tensors' });
  }
  return v.tensor;
}

export interface EncodeTensorProtoOptions {
  /**
   * Where the values go: 'content' (default) = raw `tensor_content`, as tf.io.serialize_tensor
   * writes; 'typed' = the typed `*_val` list (`half_val` bit patterns for float16), as
   * make_tensor_proto writes for scalars and float16.
   */
  values?: 'content' | 'typed';
  /** With 'typed': drop trailing repeats of the last value, as TensorFlow's CompressTensorProtoInPlace does. */
  compress?: boolean;
}

/** Serialize a Tensor as a TensorProto, byte-compatible with what TensorFlow writes. */
export function encodeTensorProto(t: Tensor, opts: EncodeTensorProtoOptions = {}): Uint8Array {
  return tfSchema().TensorProto.encode(tensorProtoObject(t, opts)).finish();
}

/** The TensorProto of a Tensor as a protobufjs object (to nest inside other messages). */
export function tensorProtoObject(t: Tensor, opts: EncodeTensorProtoOptions = {}): Record<string, unknown> {
  const dt = tfDtypeOf(t.dtype);
  const msg: Record<string, unknown> = { dtype: dt, tensorShape: { dim: t.shape.map((size) => ({ size })) } };
  if (opts.values === 'typed') {
    const info = dtypeInfo(dt)!;
    let vals: unknown[];
    if (t.dtype === 'int64' || t.dtype === 'uint64') vals = Array.from(t.data as BigInt64Array, (v) => v.toString());
    else if (t.dtype === 'bool') vals = Array.from(t.data as Uint8Array, (v) => v !== 0);
    else vals = Array.from(t.data as Float32Array);
    if (opts.compress && vals.length > 1) {
      let k = vals.length;
      while (k > 1 && same(vals[k - 1], vals[k - 2], isFloat(t.dtype))) k--;
      vals = vals.slice(0, k);
    }
    msg[info.field] = vals;
  } else {
    const d = t.data;
    msg.tensorContent = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  }
  return msg;
}

const same = (a: unknown, b: unknown, float: boolean) => (float ? Object.is(a, b) : a === b);

/** A string TensorProto (DT_STRING), as TF2 image summaries write them. */
export function encodeStringTensorProto(shape: readonly number[], values: readonly Uint8Array[]): Uint8Array {
  return tfSchema().TensorProto.encode({ dtype: DT.STRING, tensorShape: { dim: shape.map((size) => ({ size })) }, stringVal: values }).finish();
}


/**
 * dtype and shape from the first bytes of a serialized TensorProto (a record too long to
 * keep whole): fields 1 (dtype) and 2 (tensor_shape) come before the values, as TensorFlow
 * writes them, so the bytes before the first value field are a TensorProto of their own,
 * decoded with the same schema. Undefined when the prefix does not hold them whole.
 */
export function tensorProtoHead(prefix: Uint8Array): { dtype: number; shape: number[] } | undefined {
  const r = protobuf.Reader.create(prefix);
  try {
    while (r.pos < r.len) {
      const at = r.pos;
      const tag = r.uint32();
      if (tag >>> 3 > 2) return headOf(prefix.subarray(0, at));
      r.skipType(tag & 7);
    }
  } catch {
    return undefined; // a field runs past the prefix
  }
  return undefined; // the prefix ends before any value: not enough of the message to be sure
}

function headOf(bytes: Uint8Array): { dtype: number; shape: number[] } | undefined {
  try {
    const m = parseTensorProtoMessage(bytes);
    return m.dtype ? { dtype: m.dtype, shape: tensorProtoShape(m) } : undefined;
  } catch {
    return undefined;
  }
}
