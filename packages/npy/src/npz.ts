// .npz archives held in memory (np.savez: stored; np.savez_compressed: deflate).
import { fail, type Tensor } from '@attnlens/core';
import { decodeNpy } from './decode.js';
import { checkDataFits, inspectNpyHeader, npyHeaderSize, NPY_PREAMBLE_BYTES, type NpyHeader, type NpyHeaderInfo } from './header.js';
import { checkNoOverlap, entryData, LOCAL_HEADER_BYTES, localDataOffset, locateCentralDirectory, parseCentralDirectory, prefixPiece, PrefixInflater, checkEntry, type ZipEntry } from './zip.js';

export interface NpzEntry {
  /** The key np.load gives it: the entry name without `.npy` (`arr_0` for positional arrays). */
  name: string;
  header: NpyHeader;
  compressed: boolean;
}

/** An entry as `inspect` shows it, readable or not. */
export interface NpzEntryInfo {
  name: string;
  /** The name inside the zip (`name` + `.npy`). */
  entryName: string;
  compressed: boolean;
  /** Bytes the entry takes in the archive. */
  storedBytes: number;
  info: NpyHeaderInfo;
}

/** How errors about one entry name it. */
export const entryLabel = (file: string | undefined, entryName: string) => (file ? `${file} (entry ${entryName})` : `entry ${entryName}`);

/** Every entry of a zip held in memory. */
export function zipEntries(bytes: Uint8Array, file?: string): ZipEntry[] {
  const cd = locateCentralDirectory(bytes, 0, bytes.length, file);
  if ('need' in cd) return fail('CORRUPT', 'has a damaged ZIP64 end record', { file });
  return parseCentralDirectory(bytes.subarray(cd.offset, cd.offset + cd.size), cd.count, file);
}

/** The .npy entries of an archive, as np.load names them. */
export function npyEntries(entries: ZipEntry[], file?: string): { key: string; entry: ZipEntry }[] {
  checkNoOverlap(entries, file);
  const out = entries.filter((e) => e.name.endsWith('.npy')).map((entry) => ({ key: entry.name.slice(0, -4), entry }));
  if (!out.length) {
    fail('UNKNOWN_FORMAT', `is a zip with no .npy entries (${entries.length ? entries.slice(0, 5).map((e) => e.name).join(', ') : 'it is empty'}), not an .npz`, {
      file, hint: 'pass a file written by np.savez or np.savez_compressed',
    });
  }
  return out;
}

function rawEntry(bytes: Uint8Array, e: ZipEntry, file?: string): Uint8Array {
  const start = localDataOffset(bytes.subarray(e.localHeaderOffset, e.localHeaderOffset + LOCAL_HEADER_BYTES), e, bytes.length, file);
  return bytes.subarray(start, start + e.compressedSize);
}

/** The header of one entry, inflating only as much as the header needs. */
export function entryHeaderInfo(e: ZipEntry, prefix: (want: number) => Uint8Array, file?: string): NpyHeaderInfo {
  checkEntry(e, file);
  const label = entryLabel(file, e.name);
  const { headerBytes } = npyHeaderSize(prefix(NPY_PREAMBLE_BYTES), label);
  const info = inspectNpyHeader(prefix(headerBytes), label);
  if (info.header) {
    checkDataFits(info.header, e.uncompressedSize - info.headerBytes, label);
    if (info.headerBytes + info.header.dataBytes !== e.uncompressedSize) {
      fail('CORRUPT', `holds ${e.uncompressedSize - info.headerBytes - info.header.dataBytes} bytes after the array's data`, { file: label, hint: 'the archive was not written by NumPy or is damaged' });
    }
  }
  return info;
}

function memoryPrefix(e: ZipEntry, raw: Uint8Array, file?: string): (want: number) => Uint8Array {
  if (e.method === 0) return (want) => raw.subarray(0, want);
  return (want) => {
    const inf = new PrefixInflater(want, e.name, file);
    for (let p = 0, k = 0; p < raw.length; p += prefixPiece(k++)) {
      const end = p + prefixPiece(k);
      if (inf.push(raw.subarray(p, end), end >= raw.length)) break;
    }
    if (raw.length === 0) inf.push(raw, true);
    return inf.bytes.subarray(0, want);
  };
}

/** Every .npy entry of an archive with its header, readable or not (for `inspect`). */
export function inspectNpz(bytes: Uint8Array, file?: string): NpzEntryInfo[] {
  return npyEntries(zipEntries(bytes, file), file).map(({ key, entry }) => ({
    name: key,
    entryName: entry.name,
    compressed: entry.method === 8,
    storedBytes: entry.compressedSize,
    info: entryHeaderInfo(entry, memoryPrefix(entry, rawEntry(bytes, entry, file), file), file),
  }));
}

/** Every entry with its header; UNSUPPORTED, naming the entry, when one holds something attnlens does not read. */
export function listNpz(bytes: Uint8Array, file?: string): NpzEntry[] {
  return inspectNpz(bytes, file).map((x) => {
    if (x.info.unsupported) throw x.info.unsupported.withFile(entryLabel(file, x.entryName));
    return { name: x.name, header: x.info.header!, compressed: x.compressed };
  });
}

/** Every array of an .npz, by the names np.load gives them. */
export function decodeNpz(bytes: Uint8Array, file?: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const { key, entry } of npyEntries(zipEntries(bytes, file), file)) {
    out.set(key, decodeNpy(entryData(entry, rawEntry(bytes, entry, file), entryLabel(file, entry.name)), entryLabel(file, entry.name)));
  }
  return out;
}

/**
 * The bytes of one entry of any zip held in memory, inflated and CRC-checked: e.g.
 * `decodeNpz(extractZipEntry(kerasZip, 'model.weights.npz'))` for a Keras 3 archive
 * saved with weights_format="npz".
 */
export function extractZipEntry(bytes: Uint8Array, name: string, file?: string): Uint8Array {
  const entries = zipEntries(bytes, file);
  const e = [...entries].reverse().find((x) => x.name === name);
  if (!e) {
    fail('NOT_FOUND', `has no entry ${name}`, { file, hint: `it holds ${entries.map((x) => x.name).join(', ') || 'nothing'}`, details: { entries: entries.map((x) => x.name) } });
  }
  return entryData(e, rawEntry(bytes, e, file), file);
}
