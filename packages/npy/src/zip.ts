// The zip container of .npz files (FORMATS.md §3 ".npz"). fflate inflates the data,
// but its unzip works only on a whole in-memory archive and reads every entry; here
// the directory is parsed by hand so that Node can read one entry of a huge .npz by
// range, list entries without inflating them, honour ZIP64 (which NumPy forces on
// every entry's local header) and check each entry's CRC (fflate does not).
import { checkSize, fail, zip64EndRecord, zipCentralRecords, zipEndRecord, ZIP_TAIL_BYTES, type Limits, type ZipCentralDirectoryRange, type ZipEndFailure } from '@attnlens/core';
import type * as Fflate from 'fflate';

// fflate builds its Huffman tables when it is loaded (~8 ms, issue 15: start-up), which a process
// that only streams .npy files never needs. The main entry (index.ts, whose zip functions are
// synchronous) provides it as it loads; the Node entry's readers, all async, load it on the first
// deflated entry (loadInflate).
let fflate: typeof Fflate | undefined;

/** Hand this module fflate (index.ts does, so its synchronous API can inflate). */
export function provideInflate(m: typeof Fflate): void {
  fflate ??= m;
}

/** Load fflate if it is not yet: before inflating from a path that did not load index.ts. */
export async function loadInflate(): Promise<void> {
  fflate ??= await import('fflate');
}

function inflater(): typeof Fflate {
  if (!fflate) throw new Error('@attnlens/npy: fflate is not loaded; await loadInflate() before inflating');
  return fflate;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const LOCAL = 0x04034b50;
/** Bytes from the end of a zip that always hold its end records (core's, re-exported for the readers). */
export { ZIP_TAIL_BYTES };
export const LOCAL_HEADER_BYTES = 30;

const u64 = (dv: DataView, at: number, file?: string): number => {
  const v = dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(v)) fail('CORRUPT', 'zip has a size or offset beyond 2^53', { file, hint: 'the archive is damaged' });
  return v;
};
const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export type CentralDirectory = ZipCentralDirectoryRange;

/** The end records are parsed by @attnlens/core (zipEndRecord, which sniffing uses too); here each problem becomes an error naming the file. */
function refuse({ problem, directory }: ZipEndFailure, fileSize: number, file?: string): never {
  switch (problem) {
    case 'no-end-record':
      return fail('TRUNCATED', 'is a zip without its end-of-central-directory record (the archive was cut short or is not a zip)', {
        file, hint: 'the file was not written completely; save it again',
      });
    case 'zip64-outside-file':
      return fail('CORRUPT', 'has a ZIP64 end record outside the file', { file, hint: 'the archive is damaged' });
    case 'zip64-damaged':
      return fail('CORRUPT', 'has a damaged ZIP64 end record', { file, hint: 'the archive is damaged' });
    case 'beyond-2^53':
      return fail('CORRUPT', 'zip has a size or offset beyond 2^53', { file, hint: 'the archive is damaged' });
    case 'directory-past-end': {
      const at = directory ? ` at bytes ${directory.offset}..${directory.offset + directory.size}` : '';
      return fail('TRUNCATED', `has a central directory${at} but is only ${fileSize} bytes long`, { file, hint: 'the file was cut short; save it again' });
    }
  }
}

/**
 * Find the central directory from the last bytes of the file (`tail`, which starts
 * at byte `tailStart`). Returns `need` ([offset, length]) when the ZIP64 end record lies before `tail`.
 */
export function locateCentralDirectory(tail: Uint8Array, tailStart: number, fileSize: number, file?: string): CentralDirectory | { need: [number, number] } {
  const end = zipEndRecord(tail, tailStart, fileSize);
  if ('problem' in end) return refuse(end, fileSize, file);
  if ('needZip64' in end) return { need: [end.needZip64.at, end.needZip64.length] };
  return end;
}

export function zip64Record(rec: Uint8Array, fileSize: number, file?: string): CentralDirectory {
  const end = zip64EndRecord(rec, fileSize);
  return 'problem' in end ? refuse(end, fileSize, file) : end;
}

/** The entries of a central directory (core's zipCentralRecords), with their ZIP64 sizes and offsets; a damaged record is an error. */
export function parseCentralDirectory(cd: Uint8Array, count: number, file?: string): ZipEntry[] {
  const { records, damagedAt } = zipCentralRecords(cd, count);
  if (damagedAt !== undefined) fail('CORRUPT', `has a damaged zip central directory (entry ${damagedAt} of ${count})`, { file, hint: 'the archive is damaged; save it again' });
  return records.map(({ extra, ...e }) => withZip64Extra(e, extra, file));
}

/** The ZIP64 extra field: only the fields that overflowed in the record are present, in this order. */
function withZip64Extra(e: ZipEntry, extra: Uint8Array, file?: string): ZipEntry {
  const dv = dvOf(extra);
  for (let x = 0; x + 4 <= extra.length;) {
    const id = dv.getUint16(x, true);
    const len = dv.getUint16(x + 2, true);
    if (id === 0x0001) {
      let q = x + 4;
      const take = () => {
        if (q + 8 > x + 4 + len || q + 8 > extra.length) fail('CORRUPT', `zip entry ${e.name} has a short ZIP64 field`, { file, hint: 'the archive is damaged' });
        const v = u64(dv, q, file);
        q += 8;
        return v;
      };
      if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = take();
      if (e.compressedSize === 0xffffffff) e.compressedSize = take();
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = take();
    }
    x += 4 + len;
  }
  return e;
}

/**
 * Where an entry's data starts, from its local header. NumPy's local headers carry
 * a ZIP64 extra field the central directory lacks, so the local lengths are used.
 */
export function localDataOffset(local: Uint8Array, e: ZipEntry, fileSize: number, file?: string): number {
  const dv = dvOf(local);
  if (local.length < LOCAL_HEADER_BYTES || dv.getUint32(0, true) !== LOCAL) {
    fail('CORRUPT', `zip entry ${e.name} has no local header at byte ${e.localHeaderOffset}`, { file, hint: 'the archive is damaged; save it again' });
  }
  const start = e.localHeaderOffset + LOCAL_HEADER_BYTES + dv.getUint16(26, true) + dv.getUint16(28, true);
  if (start + e.compressedSize > fileSize) {
    fail('TRUNCATED', `zip entry ${e.name} needs bytes up to ${start + e.compressedSize} but the file is ${fileSize} bytes long`, { file, hint: 'the file was cut short; save it again' });
  }
  return start;
}

/** Refuse entries that cannot be read, before any allocation. */
export function checkEntry(e: ZipEntry, file?: string): void {
  if (e.flags & 1) fail('UNSUPPORTED', `zip entry ${e.name} is encrypted`, { file, hint: 'save the arrays again without encryption' });
  if (e.method !== 0 && e.method !== 8) {
    fail('UNSUPPORTED', `zip entry ${e.name} uses compression method ${e.method}; .npz files use stored (0) or deflate (8)`, { file, hint: 'save it with np.savez or np.savez_compressed' });
  }
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) fail('CORRUPT', `stored zip entry ${e.name} has different stored and original sizes`, { file, hint: 'the archive is damaged' });
  // Deflate cannot expand more than ~1032:1; a larger claim is damage (or a zip bomb).
  if (e.method === 8 && e.uncompressedSize > e.compressedSize * 1032 + 1024) {
    fail('CORRUPT', `zip entry ${e.name} claims ${e.uncompressedSize} bytes from ${e.compressedSize} compressed bytes, more than deflate can produce`, { file, hint: 'the archive is damaged' });
  }
}

/**
 * Refuse directories whose entries share bytes: NumPy never writes them, and pointing many
 * entries at one highly compressed member is how overlapping zip bombs multiply their size.
 */
export function checkNoOverlap(entries: readonly ZipEntry[], file?: string): void {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let k = 1; k < byOffset.length; k++) {
    const a = byOffset[k - 1]!;
    const b = byOffset[k]!;
    if (a.localHeaderOffset + LOCAL_HEADER_BYTES + a.compressedSize > b.localHeaderOffset) {
      fail('CORRUPT', `zip entries ${a.name} and ${b.name} share bytes (both from byte ${b.localHeaderOffset}): overlapping entries, which no zip writer makes and zip bombs use`, {
        file, hint: 'do not trust this archive; save the arrays again with np.savez', details: { entries: [a.name, b.name], offset: b.localHeaderOffset },
      });
    }
  }
}

/** An entry's bytes from its stored/compressed bytes: inflated, length- and CRC-checked. */
export function entryData(e: ZipEntry, raw: Uint8Array, file?: string, limits?: Partial<Limits>): Uint8Array {
  checkEntry(e, file);
  checkSize(e.uncompressedSize, `zip entry ${e.name}`, 'maxArrayBytes', { file, limits });
  const data = e.method === 0 ? raw : inflateEntry(e, raw, file);
  const crc = crc32(data);
  if (crc !== e.crc32) {
    fail('CORRUPT', `zip entry ${e.name} fails its CRC check (the data is damaged)`, { file, hint: 'the archive is damaged; save it again', details: { expected: e.crc32, actual: crc } });
  }
  return data;
}

/**
 * Inflate into a buffer of the size the directory claims (already checked against the
 * limit) plus one spare byte: fflate writes straight into it and stops where it ends,
 * silently for compressed blocks and with a RangeError for stored ones, so an entry whose
 * directory lies (a zip bomb) costs the claimed size, not what it would expand to. (A
 * streaming Inflate in small pieces bounds it too but inflates at half the speed.)
 */
function inflateEntry(e: ZipEntry, raw: Uint8Array, file?: string): Uint8Array {
  const out = new Uint8Array(e.uncompressedSize + 1);
  let data: Uint8Array;
  try {
    data = inflater().inflateSync(raw, { out });
  } catch (err) {
    if (err instanceof RangeError) data = out; // ran past the end of `out`
    else fail('CORRUPT', `zip entry ${e.name} does not inflate (${(err as Error).message})`, { file, hint: 'the archive is damaged or was cut short; save it again' });
  }
  if (data.length !== e.uncompressedSize) {
    fail('CORRUPT', `zip entry ${e.name} inflates to ${data.length === out.length ? `more than ${e.uncompressedSize}` : data.length} bytes, not the ${e.uncompressedSize} its directory says`, { file, hint: 'the archive is damaged; save it again' });
  }
  return data;
}

/**
 * Compressed bytes to feed a PrefixInflater at step k: 256, 512, ... up to 64 KiB. Deflate
 * expands at most ~1032:1 and fflate inflates a whole pushed piece, so small first pieces
 * keep the look at an .npy header (a few hundred bytes) to well under a MiB of inflating,
 * however much the entry holds: inspection never expands the data.
 */
export const prefixPiece = (k: number): number => Math.min(65536, 256 << Math.min(k, 8));

/**
 * Inflates just enough of a deflated entry to see its first `want` bytes (an .npy
 * header) without inflating the rest. Feed compressed pieces of prefixPiece(k) bytes until `push` is true.
 */
export class PrefixInflater {
  private parts: Uint8Array[] = [];
  private have = 0;
  private readonly inflate: Fflate.Inflate;
  constructor(private want: number, private readonly name: string, private readonly file?: string) {
    this.inflate = new (inflater().Inflate)((d) => {
      if (this.have < this.want) {
        this.parts.push(d.slice());
        this.have += d.length;
      }
    });
  }
  /** Returns true once at least `want` bytes are out (or the stream ended). */
  push(chunk: Uint8Array, final: boolean): boolean {
    try {
      this.inflate.push(chunk, final);
    } catch (err) {
      fail('CORRUPT', `zip entry ${this.name} does not inflate (${(err as Error).message})`, { file: this.file, hint: 'the archive is damaged or was cut short' });
    }
    return this.have >= this.want || final;
  }
  /** Ask for more (a longer header than first thought). */
  need(want: number): void {
    this.want = want;
  }
  get bytes(): Uint8Array {
    const out = new Uint8Array(this.have);
    let p = 0;
    for (const x of this.parts) {
      out.set(x, p);
      p += x.length;
    }
    return out;
  }
}

// CRC-32 (IEEE, as zip uses), slicing by 4. fflate keeps its CRC internal.
const CRC = /* @__PURE__ */ (() => {
  const t = new Uint32Array(1024);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 4; k++) t[k * 256 + i] = (t[(k - 1) * 256 + i]! >>> 8) ^ t[t[(k - 1) * 256 + i]! & 0xff]!;
  }
  return t;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n4 = data.length - (data.length % 4);
  for (; i < n4; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = CRC[768 + (c & 0xff)]! ^ CRC[512 + ((c >>> 8) & 0xff)]! ^ CRC[256 + ((c >>> 16) & 0xff)]! ^ CRC[c >>> 24]!;
  }
  for (; i < data.length; i++) c = CRC[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
