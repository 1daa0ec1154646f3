// NumPy `descr` strings <-> @attnlens/core dtypes (FORMATS.md §3 "descr strings").
import { AttnlensError, type DType } from '@attnlens/core';
import { PyTuple, pyRepr, type PyValue } from './literal.js';

export type ByteOrder = '<' | '>' | '|' | '=';

export interface ResolvedDescr {
  dtype: DType;
  byteOrder: ByteOrder;
  itemSize: number;
}

const KINDS: Record<string, Partial<Record<number, DType>>> = {
  b: { 1: 'bool' },
  i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
  u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
  f: { 2: 'float16', 4: 'float32', 8: 'float64' },
};

const DESCR: Record<DType, string> = {
  bool: '|b1', int8: '|i1', uint8: '|u1',
  int16: '<i2', int32: '<i4', int64: '<i8', uint16: '<u2', uint32: '<u4', uint64: '<u8',
  float16: '<f2', float32: '<f4', float64: '<f8',
};

/** The descr NumPy writes for a dtype stored little-endian (what encodeNpy writes). */
export function descrFor(dtype: DType): string {
  return DESCR[dtype];
}

const unsupported = (message: string, hint: string, descr: string, file?: string) =>
  new AttnlensError({ code: 'UNSUPPORTED', message, hint, file, details: { descr } });

/**
 * The dtype a header's descr names, or an AttnlensError saying what the array holds
 * and why attnlens does not read it (returned, not thrown, so `inspect` can show it).
 */
export function resolveDescr(descr: PyValue, file?: string): ResolvedDescr | AttnlensError {
  if (Array.isArray(descr)) return structured(descr, file);
  if (typeof descr !== 'string') {
    return new AttnlensError({ code: 'CORRUPT', message: `header descr ${pyRepr(descr)} is neither a dtype string nor a list of fields`, file, hint: 'the header was not written by NumPy or is damaged' });
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(.*)$/.exec(descr);
  if (!m) return new AttnlensError({ code: 'CORRUPT', message: `header descr '${descr}' is not a NumPy dtype`, file, hint: 'the header was not written by NumPy or is damaged' });
  const order = (m[1] || '=') as ByteOrder;
  const kind = m[2] === '?' ? 'b' : m[2]!;
  const size = m[3] ? Number(m[3]) : kind === 'b' ? 1 : NaN;
  const rest = m[4]!;
  if (kind === 'O') {
    return unsupported(
      `holds Python objects (dtype ${descr}), stored as a pickle`,
      'reading it needs pickle (np.load(allow_pickle=True)), which can run arbitrary code, so attnlens will not read it; in Python, save the arrays themselves, e.g. np.savez("out.npz", *arrays)',
      descr, file,
    );
  }
  if (kind === 'U') return unsupported(`holds unicode strings (dtype ${descr}: ${size} characters each), not numbers`, 'attnlens reads numeric and bool arrays; keep tokens in a text file and the numbers in the .npy', descr, file);
  if (kind === 'S' || kind === 'a') return unsupported(`holds byte strings (dtype ${descr}: ${size} bytes each), not numbers`, 'attnlens reads numeric and bool arrays; keep tokens in a text file and the numbers in the .npy', descr, file);
  if (kind === 'c') return unsupported(`holds complex numbers (dtype ${descr})`, 'save the part you want to see, e.g. np.save("out.npy", np.abs(a)) or a.real', descr, file);
  if (kind === 'M' || kind === 'm') return unsupported(`holds ${kind === 'M' ? 'datetimes' : 'timedeltas'} (dtype ${descr})`, 'save them as numbers, e.g. a.astype("int64")', descr, file);
  if (kind === 'V') return unsupported(`holds raw opaque bytes (dtype ${descr})`, 'save a numeric array instead', descr, file);
  const dtype = rest === '' ? KINDS[kind]?.[size] : undefined;
  if (!dtype) {
    if (kind === 'f' && (size === 12 || size === 16)) return unsupported(`holds extended-precision floats (dtype ${descr}, np.longdouble)`, 'save them as float64: a.astype("float64")', descr, file);
    if (KINDS[kind] && rest === '') return unsupported(`dtype ${descr} has an item size NumPy does not use for its kind`, 'save the array as a standard numeric dtype', descr, file);
    return new AttnlensError({ code: 'CORRUPT', message: `header descr '${descr}' is not a NumPy dtype attnlens knows`, file, hint: 'the header was not written by NumPy or is damaged' });
  }
  return { dtype, byteOrder: order, itemSize: size };
}

function structured(fields: PyValue[], file?: string): AttnlensError {
  const names: string[] = [];
  let objects = false;
  const walk = (v: PyValue) => {
    if (typeof v === 'string' && /^[<>|=]?O/.test(v)) objects = true;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof PyTuple) v.items.forEach(walk);
  };
  for (const f of fields) {
    const items = f instanceof PyTuple ? f.items : Array.isArray(f) ? f : [];
    const name = items[0];
    if (typeof name === 'string' && name !== '') names.push(name);
    else if (name instanceof PyTuple && typeof name.items[1] === 'string') names.push(name.items[1] as string);
    items.slice(1).forEach(walk);
  }
  const descr = pyRepr(fields);
  return unsupported(
    `has a structured dtype with fields ${names.map((n) => `'${n}'`).join(', ') || '(none)'}${objects ? ', some holding Python objects (pickle)' : ''}`,
    objects
      ? 'reading it needs pickle, which can run arbitrary code, so attnlens will not read it; save each numeric field as its own array with np.savez'
      : 'save each field as its own array: np.savez("out.npz", **{n: a[n] for n in a.dtype.names})',
    descr, file,
  );
}
