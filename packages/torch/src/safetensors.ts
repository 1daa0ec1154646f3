// safetensors (FORMATS.md §5; huggingface/safetensors safetensors/src/tensor.rs): a u64 LE
// header length N, N bytes of JSON, then the tensors' bytes at `data_offsets` relative to
// 8 + N. Everything is checked against the file's real size before anything is read.
import { cStrides, fail, formatShape, shapeSize } from '@attnlens/core';
import { SAFETENSORS_DTYPES, torchItemSize } from './dtypes.js';
import type { ByteSource } from './source.js';
import type { StorageAccess, TorchTensorInfo } from './tensor-data.js';

/** tensor.rs MAX_HEADER_SIZE. */
const MAX_HEADER = 100_000_000;

export interface Safetensors {
  tensors: TorchTensorInfo[];
  metadata?: Record<string, string>;
  headerBytes: number;
  storages: StorageAccess;
}

export async function openSafetensors(src: ByteSource): Promise<Safetensors> {
  const file = src.name;
  const bad = (message: string, code: 'CORRUPT' | 'TRUNCATED' = 'CORRUPT'): never =>
    fail(code, message, { file, hint: code === 'TRUNCATED' ? 'the file was cut short; save it again' : 'the file is damaged or not a safetensors file; save it again' });
  if (src.size < 8) bad(`is ${src.size} bytes long, shorter than a safetensors header length`, 'TRUNCATED');
  const n = Number(new DataView((await src.read(0, 8)).slice().buffer).getBigUint64(0, true));
  if (n > MAX_HEADER) bad(`has a safetensors header of ${n} bytes, more than the ${MAX_HEADER} safetensors allows`);
  if (8 + n > src.size) bad(`has a safetensors header of ${n} bytes but the file is only ${src.size} bytes long`, 'TRUNCATED');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await src.read(8, n)));
  } catch (e) {
    bad(`has a safetensors header that is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('has a safetensors header that is not a JSON object');
  const dataStart = 8 + n;
  const tensors: TorchTensorInfo[] = [];
  const ranges = new Map<string, [number, number]>();
  let metadata: Record<string, string> | undefined;
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string')) bad('has a __metadata__ that is not a map of strings');
      metadata = v as Record<string, string>;
      continue;
    }
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = SAFETENSORS_DTYPES[String(t?.dtype)];
    if (!dtype) {
      fail('UNSUPPORTED', `has tensor ${name} of dtype ${String(t?.dtype)}, which attnlens does not read`, { file, hint: `attnlens reads ${Object.keys(SAFETENSORS_DTYPES).join(', ')}` });
    }
    const shape = t.shape as number[];
    const off = t.data_offsets as number[];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`has tensor ${name} with a shape that is not a list of sizes`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) bad(`has tensor ${name} with bad data_offsets`);
    const [b, e] = off as [number, number];
    const want = shapeSize(shape) * torchItemSize(dtype);
    if (e - b !== want) bad(`has tensor ${name} ${formatShape(shape)} ${String(t.dtype)} that needs ${want} bytes but its data_offsets span ${e - b}`);
    if (dataStart + e > src.size) bad(`has tensor ${name} whose bytes end at ${dataStart + e}, past the end of the file (${src.size} bytes)`, 'TRUNCATED');
    ranges.set(name, [dataStart + b, e - b]);
    tensors.push({ name, dtype, shape, strides: cStrides(shape), storageOffset: 0, storage: name, storageNumel: shapeSize(shape), location: 'cpu', parameter: false });
  }
  checkCoverage(ranges, dataStart, src.size, bad);
  const storages: StorageAccess = {
    byteLength: (key) => ranges.get(key)?.[1] ?? 0,
    read: (key, off, len) => src.read(ranges.get(key)![0] + off, len),
  };
  return { tensors, ...(metadata ? { metadata } : {}), headerBytes: n, storages };
}

/**
 * The tensors must tile the byte buffer exactly, no hole, no overlap, nothing after
 * (tensor.rs `validate`: MetadataIncompleteBuffer): anything else is not a file safetensors wrote.
 */
function checkCoverage(ranges: Map<string, [number, number]>, dataStart: number, size: number, bad: (m: string) => never): void {
  const sorted = [...ranges].filter(([, [, n]]) => n > 0).sort((a, b) => a[1][0] - b[1][0]);
  let at = dataStart;
  for (const [name, [start, n]] of sorted) {
    if (start !== at) bad(start > at ? `has a hole in its data before tensor ${name} (bytes ${at}..${start})` : `has tensor ${name} overlapping the one before it at byte ${start}`);
    at = start + n;
  }
  if (at !== size) bad(`has ${size - at} bytes after its last tensor`);
}
