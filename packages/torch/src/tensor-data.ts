// A tensor's bytes out of its storage: only the span its view covers is read, then
// gathered into C order (a `W.t()` saved without .contiguous() has strides (1, rows)),
// byte-swapped from a big-endian writer, bfloat16 widened to float32, bool made 0/1.
import { allocate, checkSize, cStrides, fail, formatShape, gatherStrided, itemSize, shapeSize, tensor, view, type Tensor } from '@attnlens/core';
import { readDType, torchItemSize, type TorchDType } from './dtypes.js';

/** Where a storage's bytes are, and how to read a range of them. */
export interface StorageAccess {
  /** Bytes the file really holds for this storage. */
  byteLength(key: string): number;
  read(key: string, byteOffset: number, length: number): Promise<Uint8Array>;
}

/** One tensor of a file, as inspect lists it; nothing of its data is read. */
export interface TorchTensorInfo {
  /** Its path of keys (`model_state_dict/attn.weight`), or its safetensors name. */
  name: string;
  dtype: TorchDType;
  shape: number[];
  /** In elements, as torch keeps them. */
  strides: number[];
  storageOffset: number;
  /** The storage key (`data/<key>` in a zip) or, for safetensors, the tensor's own name. */
  storage: string;
  /** Elements the storage has, as the file says. */
  storageNumel: number;
  /** Where it lived when saved (`cpu`, `cuda:0`); always read on the CPU. */
  location: string;
  /** An nn.Parameter rather than a buffer or bare tensor. */
  parameter: boolean;
}

/** Elements of the storage the view reaches: offset + Σ (size-1)·stride + 1 (0 for an empty tensor). */
export function viewSpan(t: Pick<TorchTensorInfo, 'shape' | 'strides' | 'storageOffset'>): number {
  if (shapeSize(t.shape) === 0) return 0;
  let last = t.storageOffset;
  for (let i = 0; i < t.shape.length; i++) last += (t.shape[i]! - 1) * t.strides[i]!;
  return last + 1;
}

export async function readTensorData(info: TorchTensorInfo, access: StorageAccess, bigEndian: boolean, file?: string): Promise<Tensor> {
  const item = torchItemSize(info.dtype);
  const n = shapeSize(info.shape);
  const span = viewSpan(info);
  const have = access.byteLength(info.storage);
  const claimed = info.storageNumel * item;
  if (have < claimed || span * item > have) {
    const needBytes = Math.max(claimed, span * item);
    fail('CORRUPT', `has tensor ${info.name} ${formatShape(info.shape)} whose storage ${info.storage} needs ${needBytes} bytes but holds ${have}`, {
      file, hint: 'the file is damaged (a storage shorter than its tensor claims); save it again', details: { tensor: info.name, storage: info.storage, needBytes, haveBytes: have },
    });
  }
  if (span > info.storageNumel) {
    fail('CORRUPT', `has tensor ${info.name} reaching element ${span} of a storage of ${info.storageNumel}`, { file, hint: 'the file is damaged; save it again' });
  }
  const what = `tensor ${info.name} ${formatShape(info.shape)} ${info.dtype}`;
  checkSize(n * item, what, 'maxArrayBytes', { file });
  // a broadcast view (stride 0, torch's expand) yields more than it reads
  if (n > span - info.storageOffset) checkSize(n * item, `${what}, a broadcast view of ${span - info.storageOffset} stored elements,`, 'maxOutputBytes', { file });
  const first = n === 0 ? 0 : info.storageOffset;
  const raw = await access.read(info.storage, first * item, (span - first) * item);
  const bytes = gather(raw, info, first, item, n);
  if (bigEndian && item > 1) swapInPlace(bytes, item);
  return toTensor(bytes, info.dtype, info.shape, n);
}

/** The view's elements in C order, from `raw` (the storage from element `first`). */
function gather(raw: Uint8Array, info: TorchTensorInfo, first: number, item: number, n: number): Uint8Array {
  const c = cStrides(info.shape);
  // contiguous: the bytes read are the tensor's (read() gives a buffer of its own, so no copy)
  if (info.strides.every((s, i) => s === c[i] || info.shape[i] === 1)) return raw.length === n * item ? raw : raw.slice(0, n * item);
  // the item's bytes are one more, innermost axis of stride 1
  const strides = [...info.strides.map((s) => s * item), 1];
  return gatherStrided(raw, (info.storageOffset - first) * item, [...info.shape, item], strides, new Uint8Array(n * item));
}

function swapInPlace(b: Uint8Array, item: number): void {
  for (let p = 0; p < b.length; p += item) {
    for (let i = 0, j = item - 1; i < j; i++, j--) {
      const t = b[p + i]!;
      b[p + i] = b[p + j]!;
      b[p + j] = t;
    }
  }
}

function toTensor(bytes: Uint8Array, dtype: TorchDType, shape: number[], n: number): Tensor {
  if (dtype === 'bfloat16') {
    const out = new Float32Array(n);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = (bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16;
    return tensor('float32', shape, out);
  }
  const d = readDType(dtype);
  const item = itemSize(d);
  // view the bytes when aligned (a fresh buffer always is); copy otherwise
  const data = bytes.byteOffset % item === 0 ? view(d, bytes.buffer, bytes.byteOffset, n) : allocate(d, n);
  if (data.buffer !== bytes.buffer) new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  if (d === 'bool') for (let i = 0; i < n; i++) (data as Uint8Array)[i] = (data as Uint8Array)[i] ? 1 : 0;
  return tensor(d, shape, data);
}
