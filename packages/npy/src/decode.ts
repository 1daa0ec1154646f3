// Whole .npy files held in memory -> Tensors.
import { AttnlensError, fail, itemSize, tensor, type Tensor, type TypedArray } from '@attnlens/core';
import { parse as npyjsParse } from 'npyjs';
import { checkDataFits, hasNpyMagic, NPY_MAGIC, parseNpyHeader, type NpyHeader } from './header.js';
import { arrayFromBytes } from './order.js';

/**
 * One array, strictly: the result is C-order and native (little-endian) whatever the
 * file's order and byte order. Bytes after the array are an error (AMBIGUOUS when
 * they are another array: use decodeNpyAll; CORRUPT otherwise).
 */
export function decodeNpy(bytes: Uint8Array, file?: string): Tensor {
  const h = parseNpyHeader(bytes, file);
  checkDataFits(h, bytes.length - h.headerBytes, file);
  const end = h.headerBytes + h.dataBytes;
  if (end < bytes.length) {
    if (hasNpyMagic(bytes, end)) {
      fail('AMBIGUOUS', `holds several arrays saved one after another (the next starts at byte ${end})`, {
        // details.option: the CLI adds its flag
        file, hint: 'read them all with decodeNpyAll, or pick one by its position (loadArray(path, "0"|"1"|...))', details: { option: 'array' },
      });
    }
    fail('CORRUPT', `has ${bytes.length - end} bytes after the array's data that are not another array`, {
      file, hint: 'the file was damaged or appended to; decodeNpyAll reads the array with a warning', details: { dataEnd: end, size: bytes.length },
    });
  }
  return tensorFromData(h, bytes, file);
}

/**
 * Every array in a file that np.save wrote to one open handle several times, in
 * order (entries "0", "1", ...). Bytes after the last array that are not another
 * array are reported through `warn`, not silently dropped.
 */
export function decodeNpyAll(bytes: Uint8Array, file?: string, warn: (msg: string) => void = (m) => console.warn(m)): Tensor[] {
  const out: Tensor[] = [];
  let off = 0;
  while (off < bytes.length || out.length === 0) {
    const rest = bytes.subarray(off);
    if (out.length > 0 && !hasNpyMagic(rest)) {
      if (rest.length < NPY_MAGIC.length && NPY_MAGIC.subarray(0, rest.length).every((b, i) => rest[i] === b)) {
        fail('TRUNCATED', `ends ${rest.length} bytes into array ${out.length} (at byte ${off})`, { file, hint: 'the file was cut short; save it again' });
      }
      warn(`${file ?? 'input'}: ${rest.length} bytes after the last array (from byte ${off}) are not another .npy array; ignored them`);
      break;
    }
    const h = inArray(out.length, off, file, () => parseNpyHeader(rest, file));
    inArray(out.length, off, file, () => checkDataFits(h, rest.length - h.headerBytes, file));
    out.push(tensorFromData(h, rest.subarray(0, h.headerBytes + h.dataBytes), file));
    off += h.headerBytes + h.dataBytes;
  }
  return out;
}

/** Errors about the second and later arrays say which one. */
export function inArray<T>(k: number, off: number, file: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw arrayError(e, k, off, file);
  }
}
export function arrayError(e: unknown, k: number, off: number, file: string | undefined): unknown {
  if (k === 0 || !(e instanceof AttnlensError)) return e;
  return new AttnlensError({ code: e.code, message: `array ${k} (at byte ${off}): ${e.reason}`, file, hint: e.hint, details: e.details });
}

/** `bytes` holds exactly one array: header, then h.dataBytes of data. */
export function tensorFromData(h: NpyHeader, bytes: Uint8Array, file?: string): Tensor {
  const size = itemSize(h.dtype);
  const data = viaNpyjs(h, size, bytes) ?? arrayFromBytes(h, size, bytes.subarray(h.headerBytes, h.headerBytes + h.dataBytes), true);
  try {
    return tensor(h.dtype, h.shape, data);
  } catch (e) {
    throw e instanceof AttnlensError ? e.withFile(file ?? '') : e;
  }
}

const CTORS: Record<string, unknown> = {
  float16: Uint16Array, float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
};

/**
 * npyjs is right for the common case, a little-endian C-order array whose bytes are
 * a whole ArrayBuffer: it returns a view of the data with no copy. It is silently
 * wrong elsewhere, so it is only called when all of these hold (each guard is one of
 * its failures): no bytes after the array (it views to the end of the buffer, so
 * truncated or trailing data changes the element count), C order (it ignores
 * fortran_order), '<' or '|' order (it refuses '>'), not bool (it returns JS
 * booleans), aligned data (it throws a RangeError). Its answer is then checked.
 */
function viaNpyjs(h: NpyHeader, size: number, bytes: Uint8Array): TypedArray | undefined {
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer)) return undefined;
  if (bytes.length !== h.headerBytes + h.dataBytes || (h.fortranOrder && h.shape.length > 1)) return undefined;
  if ((h.byteOrder !== '<' && h.byteOrder !== '|') || h.dtype === 'bool' || h.headerBytes % size !== 0) return undefined;
  let r;
  try {
    r = npyjsParse(bytes.buffer, { convertFloat16: false });
  } catch {
    return undefined;
  }
  const n = h.dataBytes / size;
  const ok = r.data instanceof (CTORS[h.dtype] as typeof Uint8Array) && (r.data as TypedArray).length === n &&
    r.shape.length === h.shape.length && r.shape.every((d, i) => d === h.shape[i]);
  return ok ? (r.data as TypedArray) : undefined;
}
