// @attnlens/npy: NumPy .npy and .npz <-> Tensor. Browser-safe; files and streaming
// by rows are in '@attnlens/npy/node'.
export { parseNpyHeader, inspectNpyHeader, NPY_MAGIC } from './header.js';
export type { NpyHeader, NpyHeaderInfo, ByteOrder } from './header.js';
export { decodeNpy, decodeNpyAll } from './decode.js';
export { encodeNpy } from './encode.js';
export { decodeNpz, listNpz, inspectNpz, extractZipEntry } from './npz.js';
export type { NpzEntry, NpzEntryInfo } from './npz.js';
