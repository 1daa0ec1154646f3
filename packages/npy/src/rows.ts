// Rows of an .npy read by byte ranges through any positioned reader: ./node's openNpy
// passes a FileHandle's reads, the web viewer a browser File's slices. Only the header
// and the rows asked for are read, so a file of any size streams in constant memory.
import { allocate, fail, itemSize, shapeSize, tensor, view, type DType, type Tensor, type TypedArray } from '@attnlens/core';
import { checkDataFits, hasNpyMagic, inspectNpyHeader, npyHeaderSize, NPY_MAGIC, type NpyHeader, type NpyHeaderInfo } from './header.js';
import { needsSwap, normaliseBool, swapBytes } from './order.js';

/**
 * `length` bytes of the file from byte `offset` (fewer only where the file ends). The bytes
 * returned belong to the caller, which may change them in place (byte swapping). `into`, when
 * given and at least `length` long, may be filled and returned instead of a new buffer (a reader
 * that cannot, such as a browser File's slices, ignores it): a caller reading block after block
 * reuses one buffer rather than paying for fresh pages each time (issue 15: 2.5 of 2.8 ms per
 * 4 MiB block were page faults).
 */
export type ReadAt = (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>;

export interface NpyRows {
  header: NpyHeader;
  /** shape[0] */
  rows: number;
  rowShape: number[];
  /**
   * Rows [start, start + count) as a tensor of shape [count, ...rowShape], C order and native
   * byte order. With `into` (bytes at least count rows long, aligned to the dtype), the tensor may
   * be a view of it: valid until `into` is used again.
   */
  readRows(start: number, count: number, into?: Uint8Array): Promise<Tensor>;
  /** Every row in chunks of `rowsPerChunk`, the next chunk read while the caller works on this one. */
  chunks(rowsPerChunk: number): AsyncGenerator<{ start: number; tensor: Tensor }>;
}

export interface NpyRowsOptions {
  /** Where warnings go (more arrays, or bytes, after the first array's data). */
  warn: (message: string) => void;
}

/** Exactly `length` bytes at `offset`, or TRUNCATED (the file ended or shrank). */
export async function readExactlyAt(read: ReadAt, offset: number, length: number, file: string, into?: Uint8Array): Promise<Uint8Array> {
  const b = await read(offset, length, into);
  if (b.length < length) fail('TRUNCATED', `ended at byte ${offset + b.length} while reading up to byte ${offset + length} (did it shrink while being read?)`, { file, hint: 'read it again once it is written completely' });
  return b.length === length ? b : b.subarray(0, length);
}

/** The header of the array starting at `offset`, read with at most two small reads. */
export async function npyHeaderAt(read: ReadAt, offset: number, size: number, file: string): Promise<NpyHeaderInfo> {
  let head = await read(offset, Math.min(4096, size - offset));
  const { headerBytes } = npyHeaderSize(head, file);
  if (headerBytes > head.length && size - offset > head.length) head = await read(offset, Math.min(headerBytes, size - offset));
  return inspectNpyHeader(head, file);
}

/** `bytes` as `n` items of `dtype`: a view when aligned for it (a fresh read is), else a copy. */
function asItems(dtype: DType, bytes: Uint8Array, n: number): TypedArray {
  if (bytes.byteOffset % itemSize(dtype) === 0) return view(dtype, bytes.buffer, bytes.byteOffset, n);
  const out = allocate(dtype, n);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes.subarray(0, out.byteLength));
  return out;
}

/** Stored bytes to native values, in place: byte order, and NumPy's bool (any non-zero byte is True). */
function toNative(h: NpyHeader, isz: number, bytes: Uint8Array): void {
  if (needsSwap(h, isz)) swapBytes(bytes, isz);
  if (h.dtype === 'bool') normaliseBool(bytes);
}

/** The header of the .npy that `read` reads, checked against its size; warns of anything after the array. */
async function rowsHeader(read: ReadAt, size: number, file: string, warn: (m: string) => void): Promise<NpyHeader> {
  const info = await npyHeaderAt(read, 0, size, file);
  if (info.unsupported) throw info.unsupported.withFile(file);
  const h = info.header!;
  checkDataFits(h, size - h.headerBytes, file);
  if (h.shape.length === 0) fail('UNSUPPORTED', 'holds a 0-d array (a single value), which has no rows to stream', { file, hint: 'read it whole with readNpyFile' });
  const end = h.headerBytes + h.dataBytes;
  if (end < size) {
    const next = await read(end, NPY_MAGIC.length);
    warn(hasNpyMagic(next)
      ? `${file}: holds more arrays after the first; streaming only the first (read the others with loadArray(path, "1") ...)`
      : `${file}: ${size - end} bytes after the array (from byte ${end}) are not another .npy array; ignored them`);
  }
  return h;
}

/**
 * A reader of the rows of the .npy that `read` reads (`size` bytes, named `file` in errors):
 * each call reads just the rows asked for (Fortran-order and big-endian files come back
 * C-order and native too).
 */
export async function openNpyRows(read: ReadAt, size: number, file: string, opts: NpyRowsOptions): Promise<NpyRows> {
  const h = await rowsHeader(read, size, file, opts.warn);
  const isz = itemSize(h.dtype);
  const rows = h.shape[0]!;
  const rowShape = h.shape.slice(1);
  const rowSize = shapeSize(rowShape);

  const readRows = async (start: number, count: number, into?: Uint8Array): Promise<Tensor> => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > rows) {
      fail('BAD_ARGUMENT', `rows ${start}..${start + count} are outside the array's ${rows} rows`, { file, hint: `ask for rows within 0..${rows}` });
    }
    if (h.fortranOrder && rowShape.length > 0 && count > 0 && rowSize > 0) return tensor(h.dtype, [count, ...rowShape], await readFortranRows(read, h, isz, start, count, file) as never);
    const bytes = await readExactlyAt(read, h.headerBytes + start * rowSize * isz, count * rowSize * isz, file, into);
    toNative(h, isz, bytes);
    return tensor(h.dtype, [count, ...rowShape], asItems(h.dtype, bytes, count * rowSize) as never);
  };

  return {
    header: h,
    rows,
    rowShape,
    readRows,
    async *chunks(rowsPerChunk: number) {
      if (!Number.isSafeInteger(rowsPerChunk) || rowsPerChunk < 1) fail('BAD_ARGUMENT', `rowsPerChunk must be a positive integer, not ${rowsPerChunk}`, { file });
      // Read one chunk ahead, so the disk works while the caller computes (two chunks in memory at most).
      const ahead = (start: number) => {
        const p = readRows(start, Math.min(rowsPerChunk, rows - start));
        p.catch(() => undefined); // awaited below; a caller that stops early must not see an unhandled rejection
        return p;
      };
      let next = rows > 0 ? ahead(0) : undefined;
      for (let start = 0; start < rows; start += rowsPerChunk) {
        const t = await next!;
        next = start + rowsPerChunk < rows ? ahead(start + rowsPerChunk) : undefined;
        yield { start, tensor: t };
      }
    },
  };
}

// Bytes per positioned read when gathering Fortran-order rows.
const FORTRAN_SPAN = 4 << 20;

/**
 * Rows [start, start+count) of a Fortran-order array: for each combination of the
 * other indices the rows are one contiguous run, shape[0] items apart. Neighbouring
 * runs are read together in spans of at most FORTRAN_SPAN bytes (or one run).
 */
async function readFortranRows(read: ReadAt, h: NpyHeader, isz: number, start: number, count: number, file: string): Promise<TypedArray> {
  const s0 = h.shape[0]!;
  const rest = h.shape.slice(1);
  const rowSize = shapeSize(rest);
  const out = allocate(h.dtype, count * rowSize);
  // C strides of the other axes within a row; j walks them in Fortran order (first axis fastest).
  const cstride: number[] = new Array(rest.length);
  for (let k = rest.length - 1, s = 1; k >= 0; k--) {
    cstride[k] = s;
    s *= rest[k]!;
  }
  const idx = new Array<number>(rest.length).fill(0);
  let c = 0;
  const per = Math.max(1, Math.floor((FORTRAN_SPAN / isz - count) / s0) + 1);
  const o = out as unknown as { [i: number]: number | bigint };
  for (let j0 = 0; j0 < rowSize; j0 += per) {
    const m = Math.min(per, rowSize - j0);
    const first = start + s0 * j0;
    const spanItems = s0 * (m - 1) + count;
    const sb = await readExactlyAt(read, h.headerBytes + first * isz, spanItems * isz, file);
    toNative(h, isz, sb);
    const sp = asItems(h.dtype, sb, spanItems) as unknown as { [i: number]: number | bigint };
    for (let j = 0; j < m; j++) {
      const base = j * s0;
      for (let r = 0; r < count; r++) o[r * rowSize + c] = sp[base + r]!;
      for (let k = 0; k < rest.length; k++) {
        idx[k]!++;
        c += cstride[k]!;
        if (idx[k]! < rest[k]!) break;
        c -= cstride[k]! * rest[k]!;
        idx[k] = 0;
      }
    }
  }
  return out;
}
