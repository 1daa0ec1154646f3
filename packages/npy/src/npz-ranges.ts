// An .npz read by byte ranges through a ReadAt (./rows.ts): the zip's central directory from
// its tail, then only the entry asked for. ./node reads files this way over a file handle,
// the web viewer over a browser File, with this one zip reader (./zip.ts).
import { checkSize, type Limits, type Tensor } from '@attnlens/core';
import { decodeNpy } from './decode.js';
import { entryLabel, npyEntries } from './npz.js';
import { readExactlyAt, type ReadAt } from './rows.js';
import { checkEntry, entryData, loadInflate, LOCAL_HEADER_BYTES, localDataOffset, locateCentralDirectory, parseCentralDirectory, zip64Record, ZIP_TAIL_BYTES, type ZipEntry } from './zip.js';

/** The entries of a zip of `size` bytes, from its central directory (ZIP64 too). */
export async function zipEntriesAt(read: ReadAt, size: number, path: string): Promise<ZipEntry[]> {
  const tailLen = Math.min(size, ZIP_TAIL_BYTES);
  const tail = await read(size - tailLen, tailLen);
  let cd = locateCentralDirectory(tail, size - tailLen, size, path);
  if ('need' in cd) cd = zip64Record(await read(cd.need[0], cd.need[1]), size, path);
  return parseCentralDirectory(await read(cd.offset, cd.size), cd.count, path);
}

/** Where an entry's stored bytes start (after its local header). */
export async function entryStartAt(read: ReadAt, e: ZipEntry, size: number, path: string): Promise<number> {
  return localDataOffset(await read(e.localHeaderOffset, LOCAL_HEADER_BYTES), e, size, path);
}

/** The .npy entries of an .npz by array name; a name saved twice is its last entry, as np.load reads it. */
export async function npzEntriesAt(read: ReadAt, size: number, path: string): Promise<Map<string, ZipEntry>> {
  const out = new Map<string, ZipEntry>();
  for (const { key, entry } of npyEntries(await zipEntriesAt(read, size, path), path)) out.set(key, entry);
  return out;
}

/** One entry's array: its size checked against the limits first, then its stored bytes read, inflated and decoded. */
export async function readNpzEntry(read: ReadAt, e: ZipEntry, size: number, path: string, limits?: Partial<Limits>): Promise<Tensor> {
  checkEntry(e, path);
  const label = entryLabel(path, e.name);
  checkSize(e.uncompressedSize, `zip entry ${e.name}`, 'maxArrayBytes', { file: path, limits });
  const raw = await readExactlyAt(read, await entryStartAt(read, e, size, path), e.compressedSize, path);
  if (e.method !== 0) await loadInflate();
  return decodeNpy(entryData(e, raw, label, limits), label);
}
