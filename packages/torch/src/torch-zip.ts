// torch.save's zip (PyTorch >= 1.6; FORMATS.md §5; torch/serialization.py `_save`,
// caffe2/serialize/inline_container.cc): `<folder>/data.pkl`, `<folder>/data/<key>` per
// storage, `version` (or `.data/version`), and in newer releases `byteorder`,
// `.format_version`, `.storage_alignment`. The folder is any name. The zip itself is
// read with @attnlens/npy's zip reader, by ranges: only data.pkl and the small
// records are read when opening, a storage only when its tensor is asked for.
import { checkSize, fail } from '@attnlens/core';
import {
  checkEntry, entryData, LOCAL_HEADER_BYTES, localDataOffset, locateCentralDirectory, parseCentralDirectory, zip64Record, ZIP_TAIL_BYTES, type ZipEntry,
} from '@attnlens/npy';
import type { ByteSource } from './source.js';
import type { StorageAccess } from './tensor-data.js';

export interface TorchZip {
  prefix: string;
  pickle: Uint8Array;
  records: Record<string, string>;
  bigEndian: boolean;
  storages: StorageAccess;
  entryNames: string[];
}

/** Small text records torch writes beside data.pkl. */
const RECORDS = ['version', '.data/version', 'byteorder', '.format_version', '.storage_alignment'];
const MAX_RECORD = 1024;

export async function zipEntries(src: ByteSource): Promise<ZipEntry[]> {
  const file = src.name;
  const tailLen = Math.min(src.size, ZIP_TAIL_BYTES);
  const tail = await src.read(src.size - tailLen, tailLen);
  let cd = locateCentralDirectory(tail, src.size - tailLen, src.size, file);
  if ('need' in cd) cd = zip64Record(await src.read(cd.need[0], cd.need[1]), src.size, file);
  return parseCentralDirectory(await src.read(cd.offset, cd.size), cd.count, file);
}

async function dataStart(src: ByteSource, e: ZipEntry): Promise<number> {
  return localDataOffset(await src.read(e.localHeaderOffset, LOCAL_HEADER_BYTES), e, src.size, src.name);
}

/** A whole (small) entry, inflated and CRC-checked. */
async function readEntry(src: ByteSource, e: ZipEntry): Promise<Uint8Array> {
  checkEntry(e, src.name);
  return entryData(e, await src.read(await dataStart(src, e), e.compressedSize), src.name);
}

export async function openTorchZip(src: ByteSource): Promise<TorchZip> {
  const file = src.name;
  const entries = await zipEntries(src);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const pkls = entries.filter((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl')).sort((a, b) => a.name.length - b.name.length);
  if (!pkls.length) {
    fail('UNKNOWN_FORMAT', 'is a zip without a data.pkl, so not a torch.save file', { file, hint: 'pass a file written by torch.save, or a safetensors file' });
  }
  const prefix = pkls[0]!.name.slice(0, -'data.pkl'.length);
  if (entries.some((e) => e.name.startsWith(`${prefix}code/`))) {
    fail('UNSUPPORTED', 'is a TorchScript archive (torch.jit.save), whose pickles name compiled classes attnlens does not read', {
      file, hint: 'save the weights with torch.save(model.state_dict(), "model.pt") and read that',
    });
  }
  const records: Record<string, string> = {};
  for (const r of RECORDS) {
    const e = byName.get(prefix + r);
    if (e && e.uncompressedSize <= MAX_RECORD) records[r] = new TextDecoder().decode(await readEntry(src, e)).trim();
  }
  const order = records.byteorder ?? 'little';
  if (order !== 'little' && order !== 'big') fail('CORRUPT', `has a byteorder record ${JSON.stringify(order)}, neither little nor big`, { file, hint: 'the file is damaged; save it again' });
  checkSize(pkls[0]!.uncompressedSize, `${pkls[0]!.name} (the pickle)`, 'maxArrayBytes', { file });
  const pickle = await readEntry(src, pkls[0]!);
  const starts = new Map<string, number>();
  const storages: StorageAccess = {
    byteLength(key) {
      const e = byName.get(`${prefix}data/${key}`);
      if (!e) fail('CORRUPT', `has no data/${key} for a storage its pickle names`, { file, hint: 'the archive is incomplete; save it again' });
      return e.uncompressedSize;
    },
    async read(key, off, len) {
      const e = byName.get(`${prefix}data/${key}`)!;
      checkEntry(e, file);
      // torch stores storages uncompressed; a repacked (deflated) archive is inflated whole
      if (e.method !== 0) return (await readEntry(src, e)).subarray(off, off + len);
      let start = starts.get(key);
      if (start === undefined) starts.set(key, (start = await dataStart(src, e)));
      return src.read(start + off, len);
    },
  };
  return { prefix, pickle, records, bigEndian: order === 'big', storages, entryNames: entries.map((e) => e.name) };
}
