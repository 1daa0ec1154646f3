// @attnlens/npy: NumPy .npy and .npz <-> Tensor. Browser-safe; files and streaming
// by rows are in '@attnlens/npy/node'.
import * as fflate from 'fflate';
import { provideInflate } from './zip.js';

// The synchronous .npz functions below inflate with it (zip.ts loads it lazily otherwise).
provideInflate(fflate);
export { parseNpyHeader, inspectNpyHeader, NPY_MAGIC } from './header.js';
export type { NpyHeader, NpyHeaderInfo, ByteOrder } from './header.js';
export { decodeNpy, decodeNpyAll } from './decode.js';
export { encodeNpy } from './encode.js';
export { decodeNpz, listNpz, inspectNpz, extractZipEntry } from './npz.js';
export type { NpzEntry, NpzEntryInfo } from './npz.js';
// Rows by byte ranges through any positioned reader (a browser File's slices; ./node's file handle).
export { openNpyRows, npyHeaderAt, readExactlyAt } from './rows.js';
export type { NpyRows, NpyRowsOptions, ReadAt } from './rows.js';
export { zipEntriesAt, entryStartAt, npzEntriesAt, readNpzEntry } from './npz-ranges.js';
// The zip reader (by ranges, ZIP64, CRC-checked), shared with the torch and Keras adapters.
export {
  locateCentralDirectory, zip64Record, parseCentralDirectory, localDataOffset, checkEntry, entryData, crc32, ZIP_TAIL_BYTES, LOCAL_HEADER_BYTES,
} from './zip.js';
export type { ZipEntry, CentralDirectory } from './zip.js';
