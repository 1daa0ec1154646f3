// The .npy preamble and header (FORMATS.md §3; numpy/lib/_format_impl.py):
// magic, version, header length, then a Python dict literal. The data offset is
// always computed from the header length, never assumed.
import { AttnlensError, fail, formatShape, type DType } from '@attnlens/core';
import { descrFor, resolveDescr, type ByteOrder } from './descr.js';
import { PyDict, PyLiteralError, PyTuple, parsePyLiteral, pyRepr } from './literal.js';

export type { ByteOrder } from './descr.js';

export interface NpyHeader {
  version: [number, number];
  /** The descr as written, e.g. '<f4', '>i8', '|b1'. */
  descr: string;
  dtype: DType;
  byteOrder: ByteOrder;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes before the data: magic, version, length field and header text (the data offset). */
  headerBytes: number;
  /** Bytes of data the header promises: elements x item size. */
  dataBytes: number;
}

/** A header as written, whether or not attnlens can read its data (for `inspect`). */
export interface NpyHeaderInfo {
  version: [number, number];
  /** The descr as written; a structured descr is its Python text. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  headerBytes: number;
  /** Set when attnlens reads this dtype. */
  header?: NpyHeader;
  /** Why not, when `header` is unset: an UNSUPPORTED error saying what the array holds. */
  unsupported?: AttnlensError;
}

export const NPY_MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
/** Bytes needed to know the header's length (magic 6 + version 2 + length field up to 4). */
export const NPY_PREAMBLE_BYTES = 12;
// NumPy itself refuses headers over 10000 bytes unless told otherwise; anything
// beyond this is not a header but damage, and must not make us allocate.
export const MAX_HEADER_BYTES = 1 << 24;
// NumPy >= 1.24 leaves room to grow the first axis in place; the writer relies on it.
const GROWTH_AXIS_MAX_DIGITS = 21;
const ARRAY_ALIGN = 64;

export function hasNpyMagic(bytes: Uint8Array, at = 0): boolean {
  if (bytes.length < at + NPY_MAGIC.length) return false;
  for (let i = 0; i < NPY_MAGIC.length; i++) if (bytes[at + i] !== NPY_MAGIC[i]) return false;
  return true;
}

const CUT_HINT = 'the file was cut short (an interrupted copy or download?); save it again';
const DAMAGE_HINT = 'the header was not written by NumPy or is damaged; save the array again with np.save';

/**
 * From the first bytes of an .npy, the total header size (the data offset).
 * Throws CORRUPT for a missing magic, VERSION for an unknown version, TRUNCATED when
 * fewer than NPY_PREAMBLE_BYTES (or 10 for v1) bytes are given.
 */
export function npyHeaderSize(bytes: Uint8Array, file?: string): { version: [number, number]; headerBytes: number } {
  if (bytes.length === 0) fail('TRUNCATED', 'is empty', { file, hint: CUT_HINT });
  if (!hasNpyMagic(bytes)) {
    if (bytes.length < NPY_MAGIC.length && NPY_MAGIC.subarray(0, bytes.length).every((b, i) => bytes[i] === b)) {
      fail('TRUNCATED', `ends after ${bytes.length} bytes, inside the .npy magic`, { file, hint: CUT_HINT });
    }
    fail('CORRUPT', 'is not a .npy file (it does not start with \\x93NUMPY)', { file, hint: 'pass a file written by np.save' });
  }
  if (bytes.length < 10) fail('TRUNCATED', `ends after ${bytes.length} bytes, inside the .npy preamble`, { file, hint: CUT_HINT });
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    fail('VERSION', `uses .npy format version ${major}.${minor}; attnlens reads 1.0, 2.0 and 3.0`, {
      file, hint: major > 3 ? 'save it with an older NumPy, or update attnlens' : DAMAGE_HINT, details: { version: [major, minor] },
    });
  }
  let len: number;
  if (major === 1) len = bytes[8]! | (bytes[9]! << 8);
  else {
    if (bytes.length < 12) fail('TRUNCATED', `ends after ${bytes.length} bytes, inside the .npy preamble`, { file, hint: CUT_HINT });
    len = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  }
  if (len > MAX_HEADER_BYTES) {
    fail('CORRUPT', `declares a header of ${len} bytes, far beyond any header NumPy writes`, { file, hint: DAMAGE_HINT, details: { headerLength: len } });
  }
  return { version: [major, minor], headerBytes: (major === 1 ? 10 : 12) + len };
}

function latin1(bytes: Uint8Array): string {
  // TextDecoder('latin1') is really windows-1252 (WHATWG), which differs at 0x80-0x9f.
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * Parse the header of an .npy without judging its dtype: `bytes` must hold at least
 * the whole header. Throws CORRUPT, TRUNCATED or VERSION for a header that is not one.
 */
export function inspectNpyHeader(bytes: Uint8Array, file?: string): NpyHeaderInfo {
  const { version, headerBytes } = npyHeaderSize(bytes, file);
  if (bytes.length < headerBytes) {
    fail('TRUNCATED', `ends after ${bytes.length} bytes, inside the .npy header (which is ${headerBytes} bytes long)`, { file, hint: CUT_HINT });
  }
  const raw = bytes.subarray(version[0] === 1 ? 10 : 12, headerBytes);
  let text: string;
  if (version[0] === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail('CORRUPT', 'has a version 3.0 header that is not valid UTF-8', { file, hint: DAMAGE_HINT });
    }
  } else text = latin1(raw);
  const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text.trimEnd();
  const bad = (what: string): never =>
    fail('CORRUPT', `has a header that ${what}: ${JSON.stringify(shown)}`, { file, hint: DAMAGE_HINT, details: { header: shown } });
  let lit;
  try {
    lit = parsePyLiteral(text);
  } catch (e) {
    if (e instanceof PyLiteralError) bad(`does not parse as a Python dict (${e.message} at column ${e.column})`);
    throw e;
  }
  if (!(lit instanceof PyDict)) return bad('is not a Python dict');
  const keys = [...new Set(lit.entries.map(([k]) => k))].sort();
  if (keys.join() !== 'descr,fortran_order,shape') bad(`must have exactly the keys descr, fortran_order and shape, not ${keys.join(', ') || 'none'}`);
  const get = (k: string) => [...lit.entries].reverse().find(([key]) => key === k)![1];
  const fortran = get('fortran_order');
  if (typeof fortran !== 'boolean') bad('has a fortran_order that is not True or False');
  const shapeV = get('shape');
  if (!(shapeV instanceof PyTuple) || !shapeV.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    bad('has a shape that is not a tuple of non-negative integers');
  }
  const shape = (shapeV as PyTuple).items as number[];
  const descrV = get('descr');
  const descr = typeof descrV === 'string' ? descrV : pyRepr(descrV);
  const info: NpyHeaderInfo = { version, descr, fortranOrder: fortran as boolean, shape, headerBytes };
  const r = resolveDescr(descrV, file);
  if (r instanceof AttnlensError) {
    if (r.code !== 'UNSUPPORTED') throw r;
    info.unsupported = r;
    return info;
  }
  info.header = { version, descr, dtype: r.dtype, byteOrder: r.byteOrder, fortranOrder: fortran as boolean, shape, headerBytes, dataBytes: dataBytesFor(shape, r.itemSize, descr, file) };
  return info;
}

/** elements x item size, refusing sizes no file can have (checked before anything is allocated). */
function dataBytesFor(shape: number[], itemSize: number, descr: string, file?: string): number {
  let n = 1n;
  for (const d of shape) n *= BigInt(d);
  const bytes = n * BigInt(itemSize);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail('CORRUPT', `has shape ${formatShape(shape)} of ${descr}, which would need ${bytes} bytes, more than any file holds`, {
      file, hint: DAMAGE_HINT, details: { shape, descr },
    });
  }
  return Number(bytes);
}

/** Parse the header of an .npy whose dtype attnlens reads; UNSUPPORTED (with what it holds) otherwise. */
export function parseNpyHeader(bytes: Uint8Array, file?: string): NpyHeader {
  const info = inspectNpyHeader(bytes, file);
  if (info.unsupported) throw info.unsupported;
  return info.header!;
}

/** TRUNCATED unless `available` bytes after the header hold all the data the header promises. */
export function checkDataFits(h: NpyHeader, available: number, file?: string, what = 'the header'): void {
  if (available < h.dataBytes) {
    fail('TRUNCATED', `${what} promises ${formatShape(h.shape)} ${h.descr} = ${h.dataBytes} bytes of data, but only ${Math.max(0, available)} bytes follow it`, {
      file, hint: CUT_HINT, details: { shape: h.shape, descr: h.descr, dataBytes: h.dataBytes, available: Math.max(0, available) },
    });
  }
}

/**
 * The header NumPy >= 1.24 writes for a C-order little-endian array of `dtype` and
 * `shape`, byte for byte (keys sorted, growth room for the first axis, data at a
 * multiple of 64). Version 1.0, or 2.0 when the header outgrows a 16-bit length.
 */
export function encodeNpyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeRepr = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let dict = `{'descr': '${descrFor(dtype)}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = dict.length + 1;
  let version = 1;
  let lenField = 2;
  let pad = ARRAY_ALIGN - ((8 + lenField + hlen) % ARRAY_ALIGN);
  if (hlen + pad >= 65536) {
    version = 2;
    lenField = 4;
    pad = ARRAY_ALIGN - ((8 + lenField + hlen) % ARRAY_ALIGN);
  }
  const total = 8 + lenField + hlen + pad;
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC);
  out[6] = version;
  out[7] = 0;
  const len = hlen + pad;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, len, true);
  else dv.setUint32(8, len, true);
  const start = 8 + lenField;
  for (let i = 0; i < dict.length; i++) out[start + i] = dict.charCodeAt(i);
  out.fill(0x20, start + dict.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}
