// A read-only HDF5 file over the h5wasm module (the HDF5 C library in wasm). This file
// imports no module of its own: node.ts hands it `h5wasm/node`, a browser would hand it
// the ESM build after writing the bytes into h5wasm's FS.
//
// It talks to the module's low-level functions instead of h5wasm's File/Dataset classes
// because those are wrong for Keras files in three ways: they throw on float16
// datasets, they decode ASCII-charset strings as Latin-1/Windows-1252 (h5py stores
// UTF-8 bytes under the ASCII charset), and they copy a whole dataset through the wasm
// heap at once (which never shrinks). Here strings are decoded as UTF-8 from raw bytes,
// float16 comes back as raw bits, and datasets are read in row blocks.
import type { Module as H5ModuleValue } from 'h5wasm';
import { AttnlensError, allocate, checkSize, fail, formatShape, itemSize, shapeSize, tensor, valueAt, type DType, type Limits, type Tensor } from '@attnlens/core';

export type H5Module = typeof H5ModuleValue;

// HDF5 datatype classes (H5Tpublic.h).
const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, BITFIELD: 4, OPAQUE: 5, COMPOUND: 6, REFERENCE: 7, ENUM: 8, VLEN: 9, ARRAY: 10 } as const;
const CLASS_NAME: Record<number, string> = { 2: 'time', 3: 'string', 4: 'bitfield', 5: 'opaque', 6: 'compound', 7: 'reference', 9: 'variable-length', 10: 'array' };
/** Bytes a dataset read may hold in the wasm heap at once (tests lower it to exercise the row blocks). */
export const readBlock = { bytes: 8 << 20 };

export type AttrValue = string | number | string[] | number[] | null;

export interface DatasetInfo {
  dtype: DType;
  shape: number[];
  /** Keras 3 bfloat16 variables are stored as 2-byte values and read as float32. */
  bfloat16?: boolean;
}

interface Meta {
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  cset?: number;
  strpad?: number;
  shape: number[] | null;
  total_size: number;
  enum_type?: { members: Record<string, number>; type: number };
}

const activated = new WeakSet<object>();

export interface Hdf5FileOptions {
  /**
   * May the HDF5 library open `path`, a file other than this one (external raw storage,
   * an external link, a virtual dataset's source)? Default: never. node.ts builds this
   * from `allowExternal` (a folder); a browser has no other files to give.
   */
  externalAccess?: (path: string) => boolean;
  /** Size limits over the process-wide ones (core's setLimits). */
  limits?: Partial<Limits>;
}

/**
 * Guarding other files. HDF5 opens the files an external-file-list message (H5O_EFL, h5py's
 * `external=`), an external link or a virtual dataset names, by itself, deep inside a read:
 * h5wasm exposes no H5Pget_external_count, and get_dataset_metadata does not say a dataset is
 * stored outside. But every open goes through the Emscripten FS object the module exports
 * (NODERAWFS in Node), so a wrapper around FS.open sees each one. While a call of this file
 * runs (they are synchronous), an open for reading of any path but this file's is refused
 * with EACCES unless `externalAccess` allows it, and remembered so the call fails with
 * NOT_ALLOWED naming it. Opens that create a fresh file (O_CREAT|O_EXCL: the tmpfile the
 * throwing error handler writes its stack to) or list a folder cannot read data and pass.
 */
interface Guard {
  main: string;
  allow: (path: string) => boolean;
  blocked?: string;
}
interface GuardSlot {
  current?: Guard | undefined;
}
const guards = new WeakMap<object, GuardSlot>();
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_DIRECTORY = 0o200000;
const EACCES = 2; // Emscripten's (WASI) errno numbering

function guardSlot(module: H5Module): GuardSlot {
  let slot = guards.get(module);
  if (slot) return slot;
  const here: GuardSlot = {};
  slot = here;
  const fs = module.FS as unknown as { open: (path: unknown, flags: unknown, ...rest: unknown[]) => unknown; ErrnoError: new (errno: number) => Error };
  const open = fs.open;
  fs.open = function guardedOpen(this: unknown, path: unknown, flags: unknown, ...rest: unknown[]) {
    const g = here.current;
    // Creating a fresh file, or listing a folder (HDF5 looks for filter plugins), reads no data.
    const harmless = typeof flags === 'number' && (((flags & O_CREAT) !== 0 && (flags & O_EXCL) !== 0) || (flags & O_DIRECTORY) !== 0);
    if (g && typeof path === 'string' && !harmless && normalise(path) !== g.main && !g.allow(path)) {
      g.blocked ??= path;
      throw new fs.ErrnoError(EACCES);
    }
    return open.call(this, path, flags, ...rest);
  };
  guards.set(module, slot);
  return slot;
}

/** An absolute POSIX path with . and .. resolved (no file system: the browser build has none). */
function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part && part !== '.') out.push(part);
  }
  return '/' + out.join('/');
}
const utf8 = new TextDecoder('utf-8');

/** The useful line of an HDF5 error stack: the innermost "in f(): what" message. */
export function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const msgs = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return msgs.length ? msgs[msgs.length - 1]! : text.split('\n')[0]!.slice(0, 300);
}

export class Hdf5File {
  private readonly M: H5Module;
  private readonly id: bigint;
  private closed = false;
  private readonly metaCache = new Map<string, Meta>();
  private readonly guard: Guard;
  private readonly slot: GuardSlot;
  private readonly limits: Partial<Limits> | undefined;

  /**
   * @param fsPath the path h5wasm opens (a real, absolute path with h5wasm/node)
   * @param file the name errors show (the user's path; differs for a .keras temp copy)
   */
  constructor(module: H5Module, fsPath: string, readonly file: string, opts: Hdf5FileOptions = {}) {
    this.M = module;
    this.guard = { main: normalise(fsPath), allow: opts.externalAccess ?? (() => false) };
    this.slot = guardSlot(module);
    this.limits = opts.limits;
    if (!activated.has(module)) {
      // HDF5's default handler prints its error stack to stderr and returns -1, and
      // h5wasm then goes on as if nothing happened (a damaged group lists as empty).
      // The throwing handler turns every HDF5 error into a JS exception instead.
      module.activate_throwing_error_handler();
      activated.add(module);
    }
    let id: bigint;
    try {
      id = BigInt(this.guarded(() => module.open(fsPath, module.H5F_ACC_RDONLY, false, -1, -1), 'open it'));
    } catch (e) {
      throw e instanceof AttnlensError ? e : openError(e, file);
    }
    if (id < 0n) fail('CORRUPT', 'the HDF5 library could not open it', { file, hint: 'the file is damaged; copy or save it again' });
    this.id = id;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.M.close_file(this.id);
    } catch {
      // closing a damaged file can report errors; there is nothing left to do
    }
  }

  /** 'group', 'dataset', 'other' (datatype, link), or undefined when the path does not exist. */
  kind(path: string): 'group' | 'dataset' | 'other' | undefined {
    let t: number;
    try {
      t = this.call(() => this.M.get_type(this.id, abs(path)), `look up ${abs(path)}`);
    } catch (e) {
      // get_type follows links; when the guard stopped it, say which external link it was.
      if (e instanceof AttnlensError && e.code === 'NOT_ALLOWED') this.checkExternalLink(abs(path));
      throw e;
    }
    if (t === this.M.H5G_GROUP) return 'group';
    if (t === this.M.H5G_DATASET) return 'dataset';
    return t < 0 ? undefined : 'other';
  }

  children(path: string): string[] {
    return this.call(() => this.M.get_names(this.id, abs(path), false), `list the group ${abs(path)}`) ?? [];
  }

  attrNames(path: string): string[] {
    return this.call(() => this.M.get_attribute_names(this.id, abs(path)), `list the attributes of ${abs(path)}`) ?? [];
  }

  /** An attribute, decoded: strings as UTF-8 (trailing NUL padding removed), numbers as numbers; 0-d gives a scalar. */
  attr(path: string, name: string): AttrValue {
    const p = abs(path);
    const where = `read the attribute ${name} of ${p}`;
    const meta = this.call(() => this.M.get_attribute_metadata(this.id, p, name) as unknown as Meta, where);
    if (!meta.shape) return null;
    const n = meta.total_size;
    const nbytes = meta.size * n;
    if (meta.type === H5T.VLEN || meta.type === H5T.COMPOUND || meta.type === H5T.ARRAY || meta.type === H5T.REFERENCE) return null;
    const ptr = this.malloc(nbytes, where);
    let out: string[] | number[];
    try {
      this.call(() => this.M.get_attribute_data(this.id, p, name, BigInt(ptr)), where);
      const raw = this.M.HEAPU8.slice(ptr, ptr + nbytes);
      if (meta.type === H5T.STRING && meta.vlen) {
        try {
          out = [...new Uint32Array(raw.buffer, 0, n)].map((sp) => (sp ? this.cString(sp) : ''));
        } finally {
          this.call(() => this.M.reclaim_vlen_memory(this.id, p, name, BigInt(ptr)), where);
        }
      } else if (meta.type === H5T.STRING) {
        const strs: string[] = [];
        for (let i = 0; i < n; i++) strs.push(fixedString(raw.subarray(i * meta.size, (i + 1) * meta.size), meta.strpad ?? 0));
        out = strs;
      } else if (meta.type === H5T.INTEGER || meta.type === H5T.FLOAT || meta.type === H5T.ENUM) {
        const dtype = numericDType(meta);
        if (!dtype) return null;
        const t = tensor(dtype, [n], bytesAs(dtype, raw, n));
        out = Array.from({ length: n }, (_, i) => valueAt(t, i));
      } else {
        return null;
      }
    } finally {
      this.M._free(ptr);
    }
    return meta.shape.length === 0 ? out[0]! : out;
  }

  /** dtype and shape from the dataset's metadata, without reading it. */
  datasetInfo(path: string): DatasetInfo {
    const meta = this.meta(path);
    const shape = meta.shape ?? [];
    if ((meta.type === H5T.OPAQUE || meta.type === H5T.INTEGER) && meta.size === 2 && this.isBfloat16(path)) return { dtype: 'float32', shape, bfloat16: true };
    const dtype = numericDType(meta);
    if (!dtype) {
      const what = meta.type === H5T.FLOAT || meta.type === H5T.INTEGER ? `${meta.size * 8}-bit ${meta.type === H5T.FLOAT ? 'float' : 'integer'}` : (CLASS_NAME[meta.type] ?? `class ${meta.type}`);
      fail('UNSUPPORTED', `the dataset ${abs(path)} holds ${what} values, which attnlens does not read`, { file: this.file, hint: 'only numeric (integer, float, bool) datasets hold weights' });
    }
    return { dtype, shape };
  }

  /** A whole dataset as a C-order little-endian tensor, read in row blocks. */
  readDataset(path: string): Tensor {
    const p = abs(path);
    const info = this.datasetInfo(path);
    const meta = this.meta(path);
    const n = shapeSize(info.shape);
    const esize = meta.size;
    const total = n * esize;
    // A chunked dataset never written, or gzip of zeros, is a few KB on disk for any shape.
    checkSize(n * itemSize(info.dtype), `the dataset ${p} ${formatShape(info.shape)} ${info.dtype}`, 'maxArrayBytes', { file: this.file, limits: this.limits });
    // Read straight into the tensor's own buffer: one copy out of the wasm heap, no more.
    const storage: DType = info.bfloat16 ? 'uint16' : info.dtype;
    let data;
    try {
      data = allocate(storage, n);
    } catch {
      return fail('UNSUPPORTED', `the dataset ${p} ${formatShape(info.shape)} needs ${(total / 2 ** 30).toFixed(1)} GiB in memory, more than this process can allocate`, { file: this.file });
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, total);
    if (n > 0) {
      const shape = info.shape;
      const rows = shape.length ? shape[0]! : 1;
      const rowBytes = total / rows;
      const blockRows = Math.max(1, Math.floor(readBlock.bytes / rowBytes));
      const ptr = this.malloc(Math.min(total, blockRows * rowBytes), `read ${p}`);
      try {
        for (let r = 0; r < rows; r += blockRows) {
          const cnt = Math.min(blockRows, rows - r);
          if (shape.length === 0 || cnt === rows) {
            this.call(() => this.M.get_dataset_data(this.id, p, null, null, null, BigInt(ptr)), `read ${p}`);
          } else {
            const count = [cnt, ...shape.slice(1)].map(BigInt);
            const offset = [r, ...shape.slice(1).map(() => 0)].map(BigInt);
            const stride = shape.map(() => 1n);
            this.call(() => this.M.get_dataset_data(this.id, p, count, offset, stride, BigInt(ptr)), `read rows ${r}..${r + cnt} of ${p}`);
          }
          bytes.set(this.M.HEAPU8.subarray(ptr, ptr + cnt * rowBytes), r * rowBytes);
        }
      } finally {
        this.M._free(ptr);
      }
    }
    if (info.bfloat16) {
      // bfloat16 is the upper half of a float32 (FORMATS.md §1.4).
      const bits = data as Uint16Array;
      const wide = new Uint32Array(n);
      for (let i = 0; i < n; i++) wide[i] = bits[i]! << 16;
      return tensor('float32', info.shape, new Float32Array(wide.buffer));
    }
    return tensor(info.dtype, info.shape, data);
  }

  private isBfloat16(path: string): boolean {
    if (!this.attrNames(path).includes('dtype')) return false;
    const v = this.attr(path, 'dtype');
    return v === 'bfloat16' || (Array.isArray(v) && v[0] === 'bfloat16');
  }

  private meta(path: string): Meta {
    const p = abs(path);
    let m = this.metaCache.get(p);
    if (!m) {
      if (this.kind(p) !== 'dataset') fail('NOT_FOUND', `no dataset ${p}`, { file: this.file });
      m = this.call(() => this.M.get_dataset_metadata(this.id, p) as unknown as Meta, `read the metadata of ${p}`);
      this.metaCache.set(p, m);
    }
    return m;
  }

  private cString(ptr: number): string {
    const heap = this.M.HEAPU8;
    let end = ptr;
    while (heap[end] !== 0 && end < heap.length) end++;
    return utf8.decode(heap.subarray(ptr, end));
  }

  private malloc(nbytes: number, where: string): number {
    const ptr = nbytes > this.M.MAXIMUM_MEMORY / 2 ? 0 : this.M._malloc(Math.max(1, nbytes));
    if (!ptr) fail('UNSUPPORTED', `cannot ${where}: it needs a ${(nbytes / 2 ** 20).toFixed(0)} MiB buffer in the HDF5 library's memory`, { file: this.file });
    return ptr;
  }

  /** An external link to a file not allowed: NOT_ALLOWED naming the link and its target (only called once the guard refused an open: a look-up per path would cost a third of opening a file). */
  private checkExternalLink(p: string): void {
    if (p === '/') return;
    let link: { filename?: string; obj_path?: string } | undefined;
    try {
      link = this.guarded(() => this.M.get_external_link(this.id, p), `look up ${p}`);
    } catch (e) {
      if (e instanceof AttnlensError) throw e;
      return; // not a link, or not there: kind() says so
    }
    if (link?.filename && !this.guard.allow(link.filename)) {
      fail('NOT_ALLOWED', `${p} is an HDF5 external link to ${link.obj_path ?? '/'} in another file, ${link.filename}, which attnlens does not follow unless allowed`, {
        file: this.file, hint: ALLOW_HINT, details: { object: p, externalFile: link.filename, externalObject: link.obj_path, option: 'allowExternal' },
      });
    }
  }

  /** Run fn with other files guarded; a refused open becomes NOT_ALLOWED naming the file. */
  private guarded<T>(fn: () => T, what: string): T {
    this.guard.blocked = undefined;
    this.slot.current = this.guard;
    let out: T;
    try {
      out = fn();
    } catch (e) {
      this.refuseBlocked(what);
      throw e;
    } finally {
      this.slot.current = undefined;
    }
    this.refuseBlocked(what);
    return out;
  }

  private refuseBlocked(what: string): void {
    const other = this.guard.blocked;
    if (other === undefined) return;
    this.guard.blocked = undefined;
    fail('NOT_ALLOWED', `to ${what} the HDF5 library would read another file, ${other}: the file keeps data outside itself (external raw storage, an external link or a virtual dataset), which attnlens does not read unless allowed`, {
      file: this.file, hint: ALLOW_HINT, details: { externalFile: other, option: 'allowExternal' },
    });
  }

  /** Run a module call; an HDF5 error becomes CORRUPT naming what was being done. */
  private call<T>(fn: () => T, what: string): T {
    if (this.closed) fail('BAD_ARGUMENT', 'the file is closed', { file: this.file, hint: 'open it again; close() ends all reading' });
    try {
      return this.guarded(fn, what);
    } catch (e) {
      if (e instanceof AttnlensError) throw e;
      throw new AttnlensError({
        code: 'CORRUPT',
        file: this.file,
        message: `the HDF5 library cannot ${what}: ${hdf5Reason(e)}`,
        hint: 'the file is damaged (a partial copy or download?); copy or save it again',
        cause: e,
      });
    }
  }
}

// the fix in words; details.option 'allowExternal' names the choice (the CLI adds its flag)
const ALLOW_HINT = 'only if you trust the file: allow the folder that holds that file';

function openError(e: unknown, file: string): AttnlensError {
  const reason = hdf5Reason(e);
  const text = e instanceof Error ? e.message : String(e);
  const trunc = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(text);
  if (trunc) {
    return new AttnlensError({
      code: 'TRUNCATED', file, cause: e,
      message: `is cut short: ${trunc[1]} bytes, but its HDF5 superblock says ${trunc[2]}`,
      hint: 'the copy or download did not finish; copy the file again',
      details: { size: Number(trunc[1]), expected: Number(trunc[2]) },
    });
  }
  if (/No such file/i.test(text)) return new AttnlensError({ code: 'FILE_NOT_FOUND', file, message: 'no such file', hint: 'check the path', cause: e });
  if (/signature not found|not an hdf5 file/i.test(text)) {
    return new AttnlensError({ code: 'UNKNOWN_FORMAT', file, message: 'is not an HDF5 file', hint: 'Keras .h5/.hdf5/.weights.h5 files start with the HDF5 signature', cause: e });
  }
  return new AttnlensError({ code: 'CORRUPT', file, cause: e, message: `has an HDF5 signature but the HDF5 library cannot open it: ${reason}`, hint: 'the file is damaged; copy or save it again' });
}

const abs = (path: string) => '/' + path.replace(/^\/+/, '').replace(/\/+$/, '');

function fixedString(b: Uint8Array, strpad: number): string {
  let end = b.length;
  if (strpad === 2) {
    while (end > 0 && b[end - 1] === 0x20) end--; // SPACEPAD
  } else {
    const z = b.indexOf(0); // NULLTERM / NULLPAD
    if (z >= 0) end = z;
  }
  return utf8.decode(b.subarray(0, end));
}

function numericDType(m: Meta): DType | undefined {
  if (m.type === H5T.FLOAT) return m.size === 2 ? 'float16' : m.size === 4 ? 'float32' : m.size === 8 ? 'float64' : undefined;
  if (m.type === H5T.ENUM) {
    const names = Object.keys(m.enum_type?.members ?? {});
    if (m.size === 1 && names.length === 2 && m.enum_type!.members.FALSE === 0 && m.enum_type!.members.TRUE === 1) return 'bool'; // h5py's bool
  }
  if (m.type === H5T.INTEGER || m.type === H5T.ENUM) {
    const bits = m.size * 8;
    if (![8, 16, 32, 64].includes(bits)) return undefined;
    return `${m.signed ? 'int' : 'uint'}${bits}` as DType;
  }
  return undefined;
}

function bytesAs<D extends DType>(dtype: D, raw: Uint8Array, n: number) {
  // Copy into a fresh, aligned buffer owned by the tensor.
  const out = allocate(dtype, n);
  new Uint8Array(out.buffer, out.byteOffset, n * itemSize(dtype)).set(raw.subarray(0, n * itemSize(dtype)));
  return out;
}
