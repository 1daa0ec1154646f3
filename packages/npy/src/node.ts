// @attnlens/npy/node: .npy/.npz files on disk. Reads are positioned (FileHandle.read),
// so a file is never read whole unless the whole array is asked for, and openNpy
// streams rows of a file of any size in constant memory (through ./rows.ts, the row
// reader the browser uses over a File too).
import { open, type FileHandle } from 'node:fs/promises';
import { allocate, checkSize, DTYPES, fail, formatShape, itemSize, shapeSize, tensor, type DType, type Limits, type Tensor, type TypedArray } from '@attnlens/core';
import { atomicWriteChunks, fileSize, fsError, IO_PIECE_BYTES, openAtomic } from '@attnlens/core/node';
import { arrayError } from './decode.js';
import { npyDataBytes } from './encode.js';
import {
  checkDataFits, encodeNpyHeader, hasNpyMagic, npyHeaderSize, NPY_MAGIC, NPY_PREAMBLE_BYTES, type NpyHeader, type NpyHeaderInfo,
} from './header.js';
import { entryHeaderInfo, entryLabel, npyEntries, type NpzEntryInfo } from './npz.js';
import { nativeInPlace } from './order.js';
import { npyHeaderAt, openNpyRows, type NpyRows, type ReadAt } from './rows.js';
import { entryStartAt, readNpzEntry, zipEntriesAt } from './npz-ranges.js';
import {
  loadInflate, prefixPiece, PrefixInflater, checkEntry, type ZipEntry,
} from './zip.js';

export type { NpyHeader, NpyHeaderInfo } from './header.js';
export type { NpzEntryInfo } from './npz.js';

export interface NpyReader extends NpyRows {
  close(): Promise<void>;
}

export interface NpyWriter {
  /** Append rows: a tensor of shape [k, ...rowShape] and the writer's dtype. */
  write(rows: Tensor): Promise<void>;
  /** Fix shape[0] in the header and rename the file into place. */
  close(): Promise<void>;
  /** Give up: remove the temporary file, leave nothing at the path. */
  abort(): Promise<void>;
}

export interface NpyArrayInfo {
  /** "0", "1", ... in the order np.load reads them from one handle. */
  name: string;
  /** Byte offset of the array's magic in the file. */
  offset: number;
  info: NpyHeaderInfo;
}

export type NumpyFileInfo =
  | {
    format: 'npy';
    size: number;
    arrays: NpyArrayInfo[];
    /** Bytes after the last array that are not another array. */
    trailingBytes: number;
    /** False when an array attnlens cannot size (a pickle) stops the scan, so later arrays are unknown. */
    complete: boolean;
  }
  | { format: 'npz'; size: number; entries: NpzEntryInfo[] };

export interface LoadOptions {
  /** Where warnings go (bytes after the last array); default: stderr. */
  warn?: (message: string) => void;
  /** Size limits for this call, over the process-wide ones (core's setLimits). */
  limits?: Partial<Limits>;
}

const stderrWarn = (m: string) => {
  process.stderr.write(`attnlens: warning: ${m}\n`);
};

// Reads go in pieces: a FileHandle call takes at most 2 GiB (core's IO_PIECE_BYTES; core's openAtomic writes the same way).
const IO_CHUNK = IO_PIECE_BYTES;

async function openRead(path: string): Promise<{ fh: FileHandle; size: number }> {
  const size = await fileSize(path);
  try {
    return { fh: await open(path, 'r'), size };
  } catch (e) {
    throw fsError(e, path);
  }
}

/** Fill `buf` from `position`; returns how many bytes the file had. */
async function readAt(fh: FileHandle, buf: Uint8Array, position: number, path: string): Promise<number> {
  let got = 0;
  try {
    while (got < buf.length) {
      const n = Math.min(IO_CHUNK, buf.length - got);
      const { bytesRead } = await fh.read(buf, got, n, position + got);
      if (!bytesRead) break;
      got += bytesRead;
    }
  } catch (e) {
    throw fsError(e, path);
  }
  return got;
}

async function readExactly(fh: FileHandle, buf: Uint8Array, position: number, path: string): Promise<void> {
  const got = await readAt(fh, buf, position, path);
  if (got < buf.length) fail('TRUNCATED', `ended at byte ${position + got} while reading up to byte ${position + buf.length} (did it shrink while being read?)`, { file: path, hint: 'read it again once it is written completely' });
}

async function bytesAt(fh: FileHandle, position: number, length: number, path: string, into?: Uint8Array): Promise<Uint8Array> {
  if (into && into.length >= length) {
    const got = await readAt(fh, into.subarray(0, length), position, path);
    return into.subarray(0, got);
  }
  // Not zero-filled: the read overwrites it, and only the bytes read are returned (zeroing X's
  // 4 MiB blocks cost ~10 % of compute's main thread, issue 15). allocUnsafeSlow gives a buffer of
  // its own (offset 0, so a block can be transferred to a worker whole), not a slice of Node's pool;
  // a plain Uint8Array over it, so callers' .slice() still copies.
  const buf = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  const got = await readAt(fh, buf, position, path);
  return got === length ? buf : buf.subarray(0, got);
}

/** An open file's positioned reads as the ReadAt that ./rows.ts (and @attnlens/tf's readTFRecordsAt) read through; read errors name `path`. */
export const fileHandleReadAt = (fh: FileHandle, path: string): ReadAt => (offset, length, into) => bytesAt(fh, offset, length, path, into);

/** The header of the array starting at `offset`, read with at most two small reads. */
function headerAt(fh: FileHandle, offset: number, size: number, path: string): Promise<NpyHeaderInfo> {
  return npyHeaderAt(fileHandleReadAt(fh, path), offset, size, path);
}

/** What follows an array's data: AMBIGUOUS when another array, CORRUPT otherwise. */
async function refuseTrailing(fh: FileHandle, end: number, size: number, path: string): Promise<never> {
  const next = await bytesAt(fh, end, NPY_MAGIC.length, path);
  if (hasNpyMagic(next)) {
    fail('AMBIGUOUS', `holds several arrays saved one after another (the next starts at byte ${end})`, {
      file: path, hint: 'pick one by its position (loadArray(path, "0"|"1"|...))', details: { option: 'array' }, // the CLI adds its flag
    });
  }
  return fail('CORRUPT', `has ${size - end} bytes after the array's data that are not another array`, {
    file: path, hint: 'the file was damaged or appended to; loadArray reads the array with a warning', details: { dataEnd: end, size },
  });
}

/** Read the array whose header is `h`, starting at `offset`, into one typed array. */
async function readArrayAt(fh: FileHandle, offset: number, h: NpyHeader, path: string, limits?: Partial<Limits>): Promise<Tensor> {
  checkSize(h.dataBytes, `the array ${h.dtype} ${formatShape(h.shape)}`, 'maxArrayBytes', { file: path, limits });
  const size = itemSize(h.dtype);
  let arr: TypedArray = allocate(h.dtype, h.dataBytes / size);
  await readExactly(fh, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), offset + h.headerBytes, path);
  arr = nativeInPlace(h, size, arr);
  return tensor(h.dtype, h.shape, arr);
}

/** One .npy array, strictly (as decodeNpy): bytes after it are an error. */
export async function readNpyFile(path: string, opts: Pick<LoadOptions, 'limits'> = {}): Promise<Tensor> {
  const { fh, size } = await openRead(path);
  try {
    const info = await headerAt(fh, 0, size, path);
    if (info.unsupported) throw info.unsupported.withFile(path);
    const h = info.header!;
    checkDataFits(h, size - h.headerBytes, path);
    const end = h.headerBytes + h.dataBytes;
    if (end < size) await refuseTrailing(fh, end, size, path);
    return await readArrayAt(fh, 0, h, path, opts.limits);
  } finally {
    await fh.close();
  }
}

/** Every array header in an .npy that np.save wrote to one handle several times. */
async function scanNpy(fh: FileHandle, size: number, path: string): Promise<Extract<NumpyFileInfo, { format: 'npy' }>> {
  const arrays: NpyArrayInfo[] = [];
  let off = 0;
  while (off < size || arrays.length === 0) {
    const k = arrays.length;
    if (k > 0) {
      const head = await bytesAt(fh, off, NPY_MAGIC.length, path);
      if (!hasNpyMagic(head)) {
        if (head.length < NPY_MAGIC.length && NPY_MAGIC.subarray(0, head.length).every((b, i) => head[i] === b)) {
          fail('TRUNCATED', `ends ${head.length} bytes into array ${k} (at byte ${off})`, { file: path, hint: 'the file was cut short; save it again' });
        }
        return { format: 'npy', size, arrays, trailingBytes: size - off, complete: true };
      }
    }
    let info: NpyHeaderInfo;
    try {
      info = await headerAt(fh, off, size, path);
      if (info.header) checkDataFits(info.header, size - off - info.headerBytes, path);
    } catch (e) {
      throw arrayError(e, k, off, path);
    }
    arrays.push({ name: String(k), offset: off, info });
    if (!info.header) return { format: 'npy', size, arrays, trailingBytes: 0, complete: false };
    off += info.headerBytes + info.header.dataBytes;
  }
  return { format: 'npy', size, arrays, trailingBytes: 0, complete: true };
}

/** The entries of a zip on disk, from its central directory (read by range). */
function zipEntriesOf(fh: FileHandle, size: number, path: string): Promise<ZipEntry[]> {
  return zipEntriesAt(fileHandleReadAt(fh, path), size, path);
}

function entryStart(fh: FileHandle, e: ZipEntry, size: number, path: string): Promise<number> {
  return entryStartAt(fileHandleReadAt(fh, path), e, size, path);
}

/** The first `want` bytes of an entry's content, inflating only what is needed. */
async function entryPrefix(fh: FileHandle, e: ZipEntry, start: number, want: number, path: string): Promise<Uint8Array> {
  want = Math.min(want, e.uncompressedSize);
  if (e.method === 0) return bytesAt(fh, start, want, path);
  await loadInflate();
  const inf = new PrefixInflater(want, e.name, path);
  for (let p = 0, k = 0; ; p += prefixPiece(k++)) {
    const n = Math.min(prefixPiece(k), e.compressedSize - p);
    const chunk = await bytesAt(fh, start + p, Math.max(0, n), path);
    if (inf.push(chunk, p + prefixPiece(k) >= e.compressedSize)) break;
  }
  return inf.bytes.subarray(0, want);
}

async function npzEntryInfo(fh: FileHandle, e: ZipEntry, size: number, path: string): Promise<NpyHeaderInfo> {
  checkEntry(e, path);
  const start = await entryStart(fh, e, size, path);
  let head = await entryPrefix(fh, e, start, 4096, path);
  const { headerBytes } = npyHeaderSize(head.subarray(0, NPY_PREAMBLE_BYTES), entryLabel(path, e.name));
  if (headerBytes > head.length) head = await entryPrefix(fh, e, start, headerBytes, path);
  return entryHeaderInfo(e, (want) => head.subarray(0, want), path);
}

type Kind = 'npy' | 'npz';
async function kindOf(fh: FileHandle, size: number, path: string): Promise<Kind> {
  const head = await bytesAt(fh, 0, Math.min(size, 6), path);
  if (hasNpyMagic(head)) return 'npy';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'npz';
  if (size === 0) fail('UNKNOWN_FORMAT', 'is empty', { file: path, hint: 'the file was not written completely; save it again' });
  if (NPY_MAGIC.subarray(0, head.length).every((b, i) => head[i] === b)) fail('TRUNCATED', `ends after ${size} bytes, inside the .npy magic`, { file: path, hint: 'the file was cut short; save it again' });
  return fail('UNKNOWN_FORMAT', 'is neither a .npy nor an .npz file (its first bytes are not \\x93NUMPY or PK)', { file: path, hint: 'pass a file written by np.save, np.savez or np.savez_compressed' });
}

/** What an .npy or .npz holds: every array's header, readable or not, without reading data. */
export async function inspectNumpyFile(path: string): Promise<NumpyFileInfo> {
  const { fh, size } = await openRead(path);
  try {
    if ((await kindOf(fh, size, path)) === 'npy') return await scanNpy(fh, size, path);
    const entries: NpzEntryInfo[] = [];
    for (const { key, entry } of npyEntries(await zipEntriesOf(fh, size, path), path)) {
      entries.push({ name: key, entryName: entry.name, compressed: entry.method === 8, storedBytes: entry.compressedSize, info: await npzEntryInfo(fh, entry, size, path) });
    }
    return { format: 'npz', size, entries };
  } finally {
    await fh.close();
  }
}

const namesList = (names: string[]) => (names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', '));

/**
 * One array: a .npy (the only array, or `name` = "0", "1", ... when several were
 * saved one after another), or an entry of an .npz (the only one when `name` is
 * undefined; otherwise NOT_FOUND listing the names). Only that array is read.
 */
export async function loadArray(path: string, name?: string, opts: LoadOptions = {}): Promise<Tensor> {
  const warn = opts.warn ?? stderrWarn;
  const { fh, size } = await openRead(path);
  try {
    if ((await kindOf(fh, size, path)) === 'npy') {
      const scan = await scanNpy(fh, size, path);
      const pick = choose(scan.arrays.map((a) => a.name), name, path, 'arrays saved one after another');
      const a = scan.arrays[Number(pick)]!;
      if (a.info.unsupported) throw arrayError(a.info.unsupported.withFile(path), Number(a.name), a.offset, path);
      if (scan.trailingBytes) warn(`${path}: ${scan.trailingBytes} bytes after the last array (from byte ${size - scan.trailingBytes}) are not another .npy array; ignored them`);
      return await readArrayAt(fh, a.offset, a.info.header!, path, opts.limits);
    }
    const entries = npyEntries(await zipEntriesOf(fh, size, path), path);
    const key = choose(entries.map((e) => e.key), name, path, 'entries');
    const e = [...entries].reverse().find((x) => x.key === key)!.entry;
    return await readNpzEntry(fileHandleReadAt(fh, path), e, size, path, opts.limits);
  } finally {
    await fh.close();
  }
}

function choose(names: string[], name: string | undefined, path: string, what: string): string {
  if (name === undefined) {
    if (names.length === 1) return names[0]!;
    fail('AMBIGUOUS', `holds ${names.length} ${what} (${namesList(names)}); say which one`, {
      file: path, hint: 'name one (loadArray(path, name))', details: { names, option: 'array' }, // the CLI adds its flag
    });
  }
  if (!names.includes(name)) {
    fail('NOT_FOUND', `has no array named ${JSON.stringify(name)}`, { file: path, hint: `it holds ${namesList(names)}`, details: { names } });
  }
  return name;
}

/**
 * A reader of an .npy's rows, for files of any size: each call reads just the rows
 * asked for (Fortran-order and big-endian files come back C-order and native too).
 */
export async function openNpy(path: string, opts: LoadOptions = {}): Promise<NpyReader> {
  const { fh, size } = await openRead(path);
  let rows: NpyRows;
  try {
    rows = await openNpyRows(fileHandleReadAt(fh, path), size, path, { warn: opts.warn ?? stderrWarn });
  } catch (e) {
    await fh.close();
    throw e;
  }
  let closed = false;
  return {
    ...rows,
    readRows(start: number, count: number, into?: Uint8Array) {
      if (closed) fail('BAD_ARGUMENT', 'readRows after close', { file: path });
      return rows.readRows(start, count, into);
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}

/**
 * Write an .npy row block by row block, in constant memory: rows go to a temporary
 * file beside `path`; close() fixes shape[0] in the header (which NumPy's growth
 * padding keeps the same length) and renames it into place.
 */
export async function createNpyWriter(path: string, dtype: DType, rowShape: number[]): Promise<NpyWriter> {
  if (!DTYPES.includes(dtype)) fail('BAD_ARGUMENT', `unknown dtype ${String(dtype)}; use one of ${DTYPES.join(', ')}`, { file: path });
  if (!Array.isArray(rowShape) || !rowShape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail('BAD_ARGUMENT', `row shape ${JSON.stringify(rowShape)} must be a list of non-negative integers`, { file: path });
  }
  shapeSize(rowShape);
  const rowShapeC = [...rowShape];
  const head0 = encodeNpyHeader(dtype, [0, ...rowShapeC]);
  // core's one atomic-write path: temp file (O_EXCL | O_NOFOLLOW, named as removeTempFiles expects), then rename
  const file = await openAtomic(path);
  await file.write(head0, 0);
  let pos = head0.length;
  let rows = 0;
  let state: 'open' | 'closed' | 'failed' = 'open';
  let queue: Promise<void> = Promise.resolve();
  const abort = async () => {
    if (state === 'closed') return;
    state = 'failed';
    await file.abort();
  };
  // Writes run one after another in call order, even when not awaited.
  const serial = (fn: () => Promise<void>): Promise<void> => {
    const p = queue.then(fn);
    queue = p.catch(() => undefined);
    return p;
  };
  return {
    write(t: Tensor) {
      return serial(async () => {
        if (state !== 'open') fail('BAD_ARGUMENT', `write after the writer was ${state === 'closed' ? 'closed' : 'aborted'}`, { file: path });
        if (t.dtype !== dtype) fail('BAD_ARGUMENT', `this writer holds ${dtype}, but the rows are ${t.dtype}`, { file: path, hint: 'convert the rows or create a writer for their dtype' });
        if (t.shape.length !== rowShapeC.length + 1 || t.shape.slice(1).some((d, i) => d !== rowShapeC[i])) {
          fail('SHAPE_MISMATCH', `rows of shape ${formatShape(t.shape)} do not fit a writer of rows ${formatShape(rowShapeC)}`, {
            file: path, hint: `write tensors of shape (k, ${rowShapeC.join(', ')})`, details: { rows: [...t.shape], rowShape: rowShapeC },
          });
        }
        const data = npyDataBytes(t);
        try {
          await file.write(data, pos);
        } catch (e) {
          state = 'failed'; // openAtomic removed the temporary file
          throw e;
        }
        pos += data.length;
        rows += t.shape[0]!;
      });
    },
    close() {
      return serial(async () => {
        if (state === 'closed') return;
        if (state === 'failed') fail('BAD_ARGUMENT', 'close after the writer was aborted', { file: path });
        const head = encodeNpyHeader(dtype, [rows, ...rowShapeC]);
        try {
          if (head.length !== head0.length) fail('UNSUPPORTED', `${rows} rows do not fit the header written at the start`, { file: path });
          await file.write(head, 0);
          await file.commit();
          state = 'closed';
        } catch (e) {
          await abort();
          throw e;
        }
      });
    },
    abort() {
      return serial(abort);
    },
  };
}

/** Write a tensor as an .npy, atomically, without copying its data into a second buffer (core's atomicWriteChunks writes big chunks as they are). */
export async function writeNpyFile(path: string, t: Tensor): Promise<void> {
  await atomicWriteChunks(path, [encodeNpyHeader(t.dtype, t.shape), npyDataBytes(t)]);
}


// .npy shards (contiguous row ranges, an index beside each) and their byte-equal merge.
export { inputFingerprint, mergeNpyShards, npyShardIndexPath, removeNpyShardIndex, writeNpyShardIndex } from './shards.js';
export type { NpyMergeResult, NpyShardIndex } from './shards.js';
