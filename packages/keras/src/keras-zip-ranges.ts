// @attnlens/keras/zip-ranges: a .keras archive read by byte ranges, for callers that can read any range of the file but
// should not copy it (a browser File: slice()). Keras 3 stores model.weights.h5 uncompressed
// (zipfile's default, ZIP_STORED), so the HDF5 file is a range of the archive and can be
// opened in place; a deflated one is refused with what to do (node.ts inflates it to a
// temporary file instead). config.json and metadata.json are small and read whole.
import { fail } from '@attnlens/core';
import { entryData, localDataOffset, locateCentralDirectory, parseCentralDirectory, zip64Record, LOCAL_HEADER_BYTES, ZIP_TAIL_BYTES, type ZipEntry } from '@attnlens/npy';
import { parsePythonJson } from './python-json.js';

export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export interface KerasZipRanges {
  /** Where model.weights.h5 lies in the archive, stored as is. */
  weights: { start: number; end: number };
  config?: unknown;
  kerasVersion?: string;
  detail: string;
}

const WEIGHTS = 'model.weights.h5';
/** config.json and metadata.json larger than this are not a Keras archive's. */
const MAX_JSON_BYTES = 64 << 20;

async function entries(read: ReadRange, size: number, file: string): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
  let cd = locateCentralDirectory(await read(tailStart, size), tailStart, size, file);
  if ('need' in cd) {
    const [at, length] = cd.need;
    cd = zip64Record(await read(at, at + length), size, file);
  }
  return parseCentralDirectory(await read(cd.offset, cd.offset + cd.size), cd.count, file);
}

async function dataRange(read: ReadRange, e: ZipEntry, size: number, file: string): Promise<{ start: number; end: number }> {
  const start = localDataOffset(await read(e.localHeaderOffset, Math.min(size, e.localHeaderOffset + LOCAL_HEADER_BYTES + 0x20000)), e, size, file);
  return { start, end: start + e.compressedSize };
}

async function jsonEntry(read: ReadRange, list: ZipEntry[], name: string, size: number, file: string): Promise<unknown> {
  const e = list.find((x) => x.name === name);
  if (!e) return undefined;
  if (e.uncompressedSize > MAX_JSON_BYTES) fail('CORRUPT', `${name} claims ${e.uncompressedSize} bytes; a Keras archive's is a few KB`, { file, hint: 'the archive is not a Keras .keras file, or it is damaged' });
  const r = await dataRange(read, e, size, file);
  return parsePythonJson(new TextDecoder().decode(entryData(e, await read(r.start, r.end), file)), name, file);
}

/** Locate model.weights.h5 (stored) and read config.json and metadata.json of a .keras archive. */
export async function kerasZipRanges(read: ReadRange, size: number, file: string): Promise<KerasZipRanges> {
  const list = await entries(read, size, file);
  const w = list.find((e) => e.name === WEIGHTS);
  if (!w) fail('UNKNOWN_FORMAT', `is a zip archive without ${WEIGHTS}, not a Keras .keras file (entries: ${list.slice(0, 8).map((e) => e.name).join(', ')})`, { file, hint: 'a .keras archive holds config.json, metadata.json and model.weights.h5' });
  if (w.method !== 0) fail('UNSUPPORTED', `its ${WEIGHTS} is compressed (zip method ${w.method}), so it cannot be read in place`, { file, hint: 'unzip the archive and open its model.weights.h5 (openKeras in @attnlens/keras/node inflates it to a temporary file instead)' });
  const meta = (await jsonEntry(read, list, 'metadata.json', size, file)) as { keras_version?: unknown } | undefined;
  const config = await jsonEntry(read, list, 'config.json', size, file);
  return {
    weights: await dataRange(read, w, size, file),
    ...(config !== undefined ? { config } : {}),
    ...(typeof meta?.keras_version === 'string' ? { kerasVersion: meta.keras_version } : {}),
    detail: 'Keras 3 .keras archive (config.json, metadata.json, model.weights.h5)',
  };
}
