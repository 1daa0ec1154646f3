// Open a PyTorch file of any generation, or a safetensors file, from a ByteSource: list its
// tensors (nothing of their data is read) and the values beside them, find its attention
// modules, and read any tensor on demand.
import { fail, sniff, type Tensor } from '@attnlens/core';
import { classifyAttention, type TorchAttention, type UnrecognisedAttention } from './classify.js';
import { buildObject, resolveGlobal, storageFromPid, type StorageRef } from './globals.js';
import { openTorchLegacy } from './legacy.js';
import { unpickle, type PyValue, type UnpickleHooks } from './pickle.js';
import { openSafetensors } from './safetensors.js';
import type { ByteSource } from './source.js';
import { readTensorData, type StorageAccess, type TorchTensorInfo } from './tensor-data.js';
import { openTorchZip } from './torch-zip.js';
import { walkCheckpoint, type TorchEntry } from './walk.js';

export type TorchFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';

export interface TorchFile {
  name?: string;
  format: TorchFormat;
  /** What exactly was found: the zip's folder and records, the legacy protocol, the header size. */
  detail: string;
  /** `version`, `byteorder`, `.format_version`, `.storage_alignment` of a zip, as written. */
  records: Record<string, string>;
  /** safetensors `__metadata__`. */
  metadata?: Record<string, string>;
  tensors: TorchTensorInfo[];
  /** Values that are not tensors: epoch, losses, a Vocab placeholder. */
  entries: TorchEntry[];
  attentionLayers: TorchAttention[];
  unrecognisedAttention: UnrecognisedAttention[];
  /** A tensor by name, in C order (bfloat16 widened to float32). NOT_FOUND lists the names. */
  readTensor(name: string): Promise<Tensor>;
  tensor(name: string): TorchTensorInfo;
  /** An attention module's W, b, u, ready for the engine's prepareKernel (a Linear's weight transposed to (H, A)). */
  attentionWeights(a: TorchAttention): Promise<{ W: Tensor; b?: Tensor; u?: Tensor }>;
  close(): Promise<void>;
}

export async function openTorch(src: ByteSource): Promise<TorchFile> {
  const head = await src.read(0, Math.min(src.size, 64));
  const kind = sniff(head);
  if (kind === 'pytorch' || kind === 'zip') return head[0] === 0x50 ? fromZip(src) : fromLegacy(src);
  if (kind === 'safetensors' || (head.length >= 9 && head[8] === 0x7b)) return fromSafetensors(src);
  return fail('UNKNOWN_FORMAT', `is not a PyTorch or safetensors file (it looks like ${kind})`, { file: src.name, hint: 'pass a file written by torch.save or safetensors' });
}

/** Pickle hooks that collect the storages a checkpoint names. */
function checkpointHooks(file: string | undefined, storages: Map<string, StorageRef>): UnpickleHooks {
  return {
    resolveGlobal: (m, n) => resolveGlobal(m, n, file),
    persistentLoad(pid: PyValue) {
      const s = storageFromPid(pid, file);
      const known = storages.get(s.key);
      if (known) return known; // one storage, several views (cuDNN's flattened RNN weights)
      storages.set(s.key, s);
      return s;
    },
    build: (obj, state) => buildObject(obj, state, file),
  };
}

async function fromZip(src: ByteSource): Promise<TorchFile> {
  const z = await openTorchZip(src);
  const storages = new Map<string, StorageRef>();
  const root = unpickleWhole(z.pickle, checkpointHooks(src.name, storages), src.name);
  const recs = Object.entries(z.records).map(([k, v]) => `${k} ${v}`).join(', ');
  return build(src, 'torch-zip', `folder ${z.prefix ? JSON.stringify(z.prefix) : '(none)'}${recs ? `, ${recs}` : ''}`, z.records, root, z.storages, z.bigEndian);
}

function unpickleWhole(bytes: Uint8Array, hooks: UnpickleHooks, file?: string): PyValue {
  try {
    return unpickle(bytes, hooks, 0, file).value;
  } catch (e) {
    if (e instanceof Error && e.name !== 'AttnlensError') fail('CORRUPT', 'has a data.pkl that ends before its STOP opcode', { file, hint: 'the file is damaged; save it again' });
    throw e;
  }
}

async function fromLegacy(src: ByteSource): Promise<TorchFile> {
  const storages = new Map<string, StorageRef>();
  const l = await openTorchLegacy(src, checkpointHooks(src.name, storages), (k) => storages.get(k)?.dtype);
  return build(src, 'torch-legacy', `pickles of protocol 1001, ${l.bigEndian ? 'big' : 'little'}-endian`, {}, l.root, l.storages, l.bigEndian);
}

async function fromSafetensors(src: ByteSource): Promise<TorchFile> {
  const s = await openSafetensors(src);
  return assemble(src, 'safetensors', `${s.headerBytes}-byte header`, {}, s.tensors, [], s.storages, false, s.metadata);
}

function build(src: ByteSource, format: TorchFormat, detail: string, records: Record<string, string>, root: PyValue, access: StorageAccess, bigEndian: boolean): TorchFile {
  const { tensors, entries } = walkCheckpoint(root, src.name);
  const infos: TorchTensorInfo[] = tensors.map(({ name, ref }) => ({
    name, dtype: ref.storage.dtype, shape: ref.shape, strides: ref.strides, storageOffset: ref.offset,
    storage: ref.storage.key, storageNumel: ref.storage.numel, location: ref.storage.location, parameter: ref.parameter,
  }));
  return assemble(src, format, detail, records, infos, entries, access, bigEndian);
}

function assemble(
  src: ByteSource, format: TorchFormat, detail: string, records: Record<string, string>, tensors: TorchTensorInfo[], entries: TorchEntry[],
  access: StorageAccess, bigEndian: boolean, metadata?: Record<string, string>,
): TorchFile {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const { found, unrecognised } = classifyAttention(tensors);
  const tensor = (name: string): TorchTensorInfo => {
    const t = byName.get(name);
    if (t) return t;
    const names = tensors.map((x) => x.name);
    return fail('NOT_FOUND', `has no tensor named ${JSON.stringify(name)}`, {
      file: src.name, hint: names.length ? `it holds ${names.slice(0, 20).join(', ')}${names.length > 20 ? ` and ${names.length - 20} more` : ''}` : 'it holds no tensors', details: { names },
    });
  };
  return {
    ...(src.name !== undefined ? { name: src.name } : {}),
    format, detail, records, ...(metadata ? { metadata } : {}), tensors, entries,
    attentionLayers: found, unrecognisedAttention: unrecognised,
    tensor,
    readTensor: async (name) => readTensorData(tensor(name), access, bigEndian, src.name),
    async attentionWeights(a) {
      const w = tensor(a.weights.W);
      // Wᵀ is read as the transposed view of the same storage: shape and strides reversed
      const W = await readTensorData(a.transposeW ? { ...w, shape: [...w.shape].reverse(), strides: [...w.strides].reverse() } : w, access, bigEndian, src.name);
      const b = a.weights.b ? await readTensorData(tensor(a.weights.b), access, bigEndian, src.name) : undefined;
      const u = a.weights.u ? await readTensorData(tensor(a.weights.u), access, bigEndian, src.name) : undefined;
      return { W, ...(b ? { b } : {}), ...(u ? { u } : {}) };
    },
    close: async () => {
      await src.close?.();
    },
  };
}
