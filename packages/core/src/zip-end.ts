// The one parser of a ZIP's end records (APPNOTE 4.3.14-4.3.16) and central directory records
// (4.3.12): where the central directory is, from the classic end-of-central-directory record or, when that says 0xffff/0xffffffff,
// from the ZIP64 end record its locator points at (Info-ZIP `zip -fz`, NumPy's large .npz).
// It never throws: sniffing shrugs a damaged zip off, while @attnlens/npy's reader turns each
// problem into its error, naming the file.

/** Where a zip's central directory is. */
export interface ZipCentralDirectoryRange {
  offset: number;
  size: number;
  /** Entries it claims to hold: bound any loop by the directory's bytes too. */
  count: number;
}

export type ZipEndProblem =
  /** No end-of-central-directory record in the tail: cut short, or not a zip. */
  | 'no-end-record'
  /** The locator points past the end of the file. */
  | 'zip64-outside-file'
  /** The ZIP64 end record lacks its signature (or is short). */
  | 'zip64-damaged'
  /** A 64-bit size or offset beyond 2^53. */
  | 'beyond-2^53'
  /** The central directory runs past the end of the file. */
  | 'directory-past-end';

/** What went wrong; for 'directory-past-end', the range the record claims. */
export interface ZipEndFailure {
  problem: ZipEndProblem;
  directory?: { offset: number; size: number };
}

export type ZipEnd =
  | ZipCentralDirectoryRange
  /** The ZIP64 end record lies before the tail: read these bytes, then call zip64EndRecord. */
  | { needZip64: { at: number; length: number } }
  | ZipEndFailure;

/** Bytes from the end of a zip that always hold its end records (a comment is up to 65535 bytes). */
export const ZIP_TAIL_BYTES = 22 + 65535 + 20;
export const ZIP64_END_RECORD_BYTES = 56;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
/** A little-endian uint64, or undefined beyond 2^53. */
const u64 = (dv: DataView, at: number): number | undefined => {
  const v = dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
  return Number.isSafeInteger(v) ? v : undefined;
};

function checked(d: ZipCentralDirectoryRange, fileSize: number): ZipCentralDirectoryRange | ZipEndFailure {
  return d.offset + d.size > fileSize ? { problem: 'directory-past-end', directory: { offset: d.offset, size: d.size } } : d;
}

/**
 * The central directory of a zip from its last bytes: `tail` starts at byte `tailStart` of a
 * file of `fileSize` bytes (ZIP_TAIL_BYTES of tail always hold the end records).
 */
export function zipEndRecord(tail: Uint8Array, tailStart: number, fileSize: number): ZipEnd {
  const dv = dvOf(tail);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (dv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) return { problem: 'no-end-record' };
  const classic = { count: dv.getUint16(at + 10, true), size: dv.getUint32(at + 12, true), offset: dv.getUint32(at + 16, true) };
  const overflowed = classic.count === 0xffff || classic.size === 0xffffffff || classic.offset === 0xffffffff;
  const loc = at - 20;
  if (!overflowed || loc < 0 || dv.getUint32(loc, true) !== ZIP64_LOCATOR) return checked(classic, fileSize);
  const recAt = u64(dv, loc + 8);
  if (recAt === undefined) return { problem: 'beyond-2^53' };
  const rel = recAt - tailStart;
  if (rel >= 0 && rel + ZIP64_END_RECORD_BYTES <= tail.length) return zip64EndRecord(tail.subarray(rel, rel + ZIP64_END_RECORD_BYTES), fileSize);
  if (recAt + ZIP64_END_RECORD_BYTES > fileSize) return { problem: 'zip64-outside-file' };
  return { needZip64: { at: recAt, length: ZIP64_END_RECORD_BYTES } };
}

/** The central directory from the ZIP64 end record's bytes (APPNOTE 4.3.14). */
export function zip64EndRecord(rec: Uint8Array, fileSize: number): ZipCentralDirectoryRange | ZipEndFailure {
  const dv = dvOf(rec);
  if (rec.length < ZIP64_END_RECORD_BYTES || dv.getUint32(0, true) !== ZIP64_EOCD) return { problem: 'zip64-damaged' };
  const count = u64(dv, 32);
  const size = u64(dv, 40);
  const offset = u64(dv, 48);
  if (count === undefined || size === undefined || offset === undefined) return { problem: 'beyond-2^53' };
  return checked({ count, size, offset }, fileSize);
}

/** One central directory record (APPNOTE 4.3.12) as stored: sizes of 0xffffffff are in `extra` (ZIP64). */
export interface ZipCentralRecord {
  name: string;
  flags: number;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** The record's extra fields. */
  extra: Uint8Array;
}

const CENTRAL = 0x02014b50;
const CENTRAL_BYTES = 46;

/**
 * The records of a central directory, in order, up to `count`. Stops at the first record that
 * lacks its signature or runs past `cd`; `damagedAt` is then its index. The loop is bounded by
 * the directory's bytes, whatever `count` claims.
 */
export function zipCentralRecords(cd: Uint8Array, count: number): { records: ZipCentralRecord[]; damagedAt?: number } {
  const dv = dvOf(cd);
  const dec = new TextDecoder();
  const records: ZipCentralRecord[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + CENTRAL_BYTES > cd.length || dv.getUint32(p, true) !== CENTRAL) return { records, damagedAt: k };
    const n = dv.getUint16(p + 28, true);
    const m = dv.getUint16(p + 30, true);
    const c = dv.getUint16(p + 32, true);
    if (p + CENTRAL_BYTES + n + m + c > cd.length) return { records, damagedAt: k };
    records.push({
      name: dec.decode(cd.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + n)),
      flags: dv.getUint16(p + 8, true),
      method: dv.getUint16(p + 10, true),
      crc32: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      uncompressedSize: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
      extra: cd.subarray(p + CENTRAL_BYTES + n, p + CENTRAL_BYTES + n + m),
    });
    p += CENTRAL_BYTES + n + m + c;
  }
  return { records };
}
