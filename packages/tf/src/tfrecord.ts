// TFRecord framing (shared docs FORMATS.md §4.4; tensorflow/core/lib/io/record_writer.cc):
//   uint64 LE length L | uint32 LE masked CRC-32C of those 8 bytes | L payload bytes | uint32 LE masked CRC-32C of the payload
// optionally inside one GZIP or ZLIB stream. The decoder is push-based so a file of any
// size is read in chunks: memory holds one record plus one chunk.
import { AttnlensError, checkSize, concat, crc32c, fail, maskedCrc32c, type Limits } from '@attnlens/core';
import { Gunzip, Unzlib, gzipSync, zlibSync } from 'fflate';

export type TFRecordCompression = 'none' | 'gzip' | 'zlib';

export interface TFRecord {
  /** 0-based position of the record in the file (corrupt records count too). */
  index: number;
  /** Byte offset of the record's length field, in the decompressed stream. */
  offset: number;
  /** The payload, or with `keepBytes` its first keepBytes when the record is longer (see `length`). */
  payload: Uint8Array;
  /** The payload's full length (payload.length unless the record was skimmed). */
  length?: number;
  /** True when `payload` is only the first keepBytes of a longer record (its CRC was still checked). */
  partial?: boolean;
}

export interface TFRecordOptions {
  /** Named in errors. */
  file?: string;
  /** 'auto' (default) looks at the first bytes: 1F 8B is GZIP, a ZLIB header that is not a valid record header is ZLIB. */
  compression?: 'auto' | TFRecordCompression;
  /** Carry on past a corrupt record (bad CRC), reporting each through `warn`, instead of failing. */
  skipCorrupt?: boolean;
  warn?: (message: string) => void;
  /** Largest record accepted (default: the maxArrayBytes limit): a larger length is refused before anything is allocated. */
  maxRecordBytes?: number;
  /** Size limits over the process-wide ones (core's setLimits). */
  limits?: Partial<Limits>;
  /**
   * For looking, not reading (inspect): records longer than this are CRC-checked as they
   * stream past but only their first keepBytes are kept, so memory stays bounded by one
   * chunk however long a record the file holds.
   */
  keepBytes?: number;
  /** Size of the (uncompressed) input when known: a length running past it is reported as truncation at once. */
  totalBytes?: number;
  /**
   * The caller decompresses (Node's native zlib is several times faster than fflate): push()
   * takes decompressed bytes, and `compression` only names the original in messages.
   */
  externalInflate?: boolean;
}

const HEADER = 12;
const INFLATE_PIECE = 16 * 1024;

/** A record longer than keepBytes, streaming past: CRC so far, the kept prefix, the stored CRC. */
interface Skim {
  length: number;
  got: number;
  crc: number;
  prefix: Uint8Array;
  stored: Uint8Array;
  storedGot: number;
}

const u64le = (b: Uint8Array, at: number) => {
  const dv = new DataView(b.buffer, b.byteOffset + at, 8);
  return dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
};
const u32le = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true);

/** Is `b[at..at+12)` a record header whose length CRC matches? */
export function isRecordHeader(b: Uint8Array, at = 0): boolean {
  return b.length - at >= HEADER && u32le(b, at + 8) === maskedCrc32c(b.subarray(at, at + 8));
}

/** The compression of a TFRecord stream from its first 12 bytes (fewer at the end of a short file). */
export function detectCompression(head: Uint8Array): TFRecordCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return head.length >= HEADER && looksLikeZlib(head) && !isRecordHeader(head) ? 'zlib' : 'none';
}

function looksLikeZlib(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0]! & 0x0f) === 8 && (b[0]! >> 4) <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0;
}

/**
 * Incremental TFRecord reader: `push` bytes as they arrive, get whole, CRC-checked
 * records back; call `end` once at the end of the input.
 */
export class TFRecordDecoder {
  /** Resolved once the first bytes are seen. */
  compression: TFRecordCompression | undefined;
  /** Records (or damaged stretches) skipped with skipCorrupt. */
  corrupt = 0;
  /** Records read so far (corrupt ones included). */
  get records(): number {
    return this.index;
  }
  /** Bytes of the (decompressed) stream consumed up to the start of the record being read. */
  get position(): number {
    return this.base;
  }

  private readonly opts: TFRecordOptions;
  private readonly max: number;
  private inflater: Gunzip | Unzlib | undefined;
  private sniffBuf: Uint8Array | undefined;
  private pending: Uint8Array = new Uint8Array(0); // a partial header, or the bytes being scanned to resync
  private rec: Uint8Array | undefined; // payload + CRC being filled
  private skim: Skim | undefined; // with keepBytes: a long record streaming past
  private recFill = 0;
  private base = 0; // absolute offset of the next header (of pending[0])
  private index = 0;
  private resyncFrom: number | undefined; // set while scanning for a header after a damaged length
  private discarding = false; // after a truncated record was skipped: nothing more to read
  private out: TFRecord[] = [];
  private ended = false;

  constructor(opts: TFRecordOptions = {}) {
    this.opts = opts;
    this.max = opts.maxRecordBytes ?? Infinity;
    if (opts.compression && opts.compression !== 'auto') this.setCompression(opts.compression);
  }

  push(chunk: Uint8Array): TFRecord[] {
    if (this.ended) throw new Error('TFRecordDecoder: push after end');
    if (!this.compression) {
      // Decide the compression from the first 12 bytes (ZLIB needs the record-header check).
      this.sniffBuf = this.sniffBuf ? concat([this.sniffBuf, chunk]) : chunk;
      if (this.sniffBuf.length < HEADER) return [];
      chunk = this.sniffBuf;
      this.sniffBuf = undefined;
      this.setCompression(detectCompression(chunk));
    }
    this.input(chunk, false);
    return this.take();
  }

  end(): TFRecord[] {
    if (this.ended) return [];
    if (!this.compression) {
      const head = this.sniffBuf ?? new Uint8Array(0);
      this.sniffBuf = undefined;
      this.setCompression(head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'none');
      if (head.length) this.input(head, false);
    }
    this.input(new Uint8Array(0), true);
    this.ended = true;
    this.finish();
    return this.take();
  }

  private input(chunk: Uint8Array, final: boolean): void {
    if (!this.inflater) {
      this.feed(chunk);
      return;
    }
    try {
      // Small pieces: a highly compressed piece would inflate to one huge output chunk.
      for (let at = 0; at < chunk.length; at += INFLATE_PIECE) this.inflater.push(chunk.subarray(at, at + INFLATE_PIECE), false);
      if (final) this.inflater.push(new Uint8Array(0), true);
    } catch (e) {
      throw this.streamError(e);
    }
  }

  private setCompression(c: TFRecordCompression): void {
    this.compression = c;
    if (this.opts.externalInflate) return;
    if (c === 'gzip') this.inflater = new Gunzip((d) => this.feed(d));
    else if (c === 'zlib') this.inflater = new Unzlib((d) => this.feed(d));
  }

  private streamError(e: unknown): AttnlensError {
    if (e instanceof AttnlensError) return e;
    const msg = (e as Error)?.message ?? String(e);
    const truncated = /unexpected EOF/i.test(msg);
    return new AttnlensError({
      code: truncated ? 'TRUNCATED' : 'CORRUPT',
      file: this.opts.file,
      message: `the ${this.compression?.toUpperCase()} stream around the records is ${truncated ? 'cut short' : 'damaged'} (${msg}) after ${this.base} decompressed bytes`,
      hint: truncated ? 'the file was not written completely; copy or write it again' : 'the file was damaged; copy or write it again',
      cause: e,
    });
  }

  private take(): TFRecord[] {
    const r = this.out;
    this.out = [];
    return r;
  }

  private where(index: number, offset: number): string {
    return `record ${index} (at byte ${offset}${this.compression && this.compression !== 'none' ? ' of the decompressed stream' : ''})`;
  }

  /** Fail, or with skipCorrupt warn and count. */
  private damaged(code: 'CORRUPT' | 'TRUNCATED', message: string, details: Record<string, unknown>): void {
    if (this.opts.skipCorrupt) {
      this.corrupt++;
      this.opts.warn?.(`${this.opts.file ? `${this.opts.file}: ` : ''}${message}; skipped`);
      return;
    }
    fail(code, message, {
      file: this.opts.file,
      // the fix in words; details.option names the choice (the CLI adds its flag)
      hint: code === 'TRUNCATED'
        ? 'the file was not written completely (still being written, or cut by a copy); read it again once the writer has closed it, or skip the damaged records and keep the ones before it'
        : 'the file was damaged; skip the damaged records and keep the rest',
      details: { ...details, option: 'skipCorrupt' },
    });
  }

  /** Decompressed bytes in. */
  private feed(d: Uint8Array): void {
    let at = 0;
    while (at < d.length && !this.discarding) {
      if (this.skim) {
        at = this.skimFeed(d, at);
      } else if (this.rec) {
        const n = Math.min(this.rec.length - this.recFill, d.length - at);
        this.rec.set(d.subarray(at, at + n), this.recFill);
        this.recFill += n;
        at += n;
        if (this.recFill === this.rec.length) this.complete(this.rec);
      } else if (this.resyncFrom !== undefined) {
        this.pending = concat([this.pending, d.subarray(at)]);
        at = d.length;
        this.scan();
      } else if (this.pending.length === 0 && d.length - at >= HEADER) {
        // Fast path: the whole header here, and the whole record too when it fits (no copy).
        const L = this.header(d.subarray(at, at + HEADER));
        at += HEADER;
        if (L === undefined) continue;
        if (d.length - at >= L + 4 && !this.skims(L)) {
          this.complete(d.subarray(at, at + L + 4));
          at += L + 4;
        } else this.start(L);
      } else {
        const n = Math.min(HEADER - this.pending.length, d.length - at);
        this.pending = concat([this.pending, d.subarray(at, at + n)]);
        at += n;
        if (this.pending.length === HEADER) {
          const h = this.pending;
          this.pending = new Uint8Array(0);
          const L = this.header(h);
          if (L !== undefined) this.start(L);
        }
      }
    }
  }

  /** Check a 12-byte header at `base`: the payload length, or undefined when the record is skipped. */
  private header(h: Uint8Array): number | undefined {
    const offset = this.base;
    const index = this.index;
    if (!isRecordHeader(h)) {
      this.damaged('CORRUPT', `${this.where(index, offset)} has a bad length checksum: its length field is damaged`, { record: index, offset, field: 'length' });
      // Skipping: the records after it can no longer be found by position; scan for the next valid header.
      this.index++;
      this.resyncFrom = offset;
      this.base = offset + 1;
      this.pending = h.slice(1);
      return undefined;
    }
    const L = u64le(h, 0);
    const total = this.compression === 'none' ? this.opts.totalBytes : undefined;
    if (total !== undefined && offset + HEADER + L + 4 > total) {
      this.damaged('TRUNCATED', `${this.where(index, offset)} is cut short: it needs ${HEADER + L + 4} bytes but the file ends ${total - offset} bytes after its start`, { record: index, offset, length: L, fileSize: total });
      this.index++;
      this.discarding = true;
      return undefined;
    }
    if (L > this.max) {
      fail('UNSUPPORTED', `${this.where(index, offset)} holds ${L} bytes, more than attnlens reads as one record (${this.max})`, {
        file: this.opts.file,
        hint: 'split the data into smaller records',
        details: { record: index, offset, length: L },
      });
    }
    if (!this.skims(L)) checkSize(L, this.where(index, offset), 'maxArrayBytes', { file: this.opts.file, limits: this.opts.limits });
    return L;
  }

  private skims(L: number): boolean {
    return this.opts.keepBytes !== undefined && L > this.opts.keepBytes;
  }

  private start(L: number): void {
    if (this.skims(L)) {
      this.skim = { length: L, got: 0, crc: 0, prefix: new Uint8Array(this.opts.keepBytes!), stored: new Uint8Array(4), storedGot: 0 };
      return;
    }
    this.rec = new Uint8Array(L + 4);
    this.recFill = 0;
  }

  /** Stream `d[at..]` past a long record: CRC every payload byte, keep the first keepBytes. */
  private skimFeed(d: Uint8Array, at: number): number {
    const s = this.skim!;
    if (s.got < s.length) {
      const part = d.subarray(at, at + Math.min(s.length - s.got, d.length - at));
      s.crc = crc32c(part, s.crc);
      if (s.got < s.prefix.length) s.prefix.set(part.subarray(0, s.prefix.length - s.got), s.got);
      s.got += part.length;
      at += part.length;
    }
    const n = Math.min(4 - s.storedGot, d.length - at);
    s.stored.set(d.subarray(at, at + n), s.storedGot);
    s.storedGot += n;
    at += n;
    if (s.storedGot === 4) this.skimmed(s);
    return at;
  }

  private skimmed(s: Skim): void {
    const offset = this.base;
    const index = this.index++;
    this.skim = undefined;
    this.base = offset + HEADER + s.length + 4;
    const masked = (((s.crc >>> 15) | (s.crc << 17)) + 0xa282ead8) >>> 0;
    if (u32le(s.stored, 0) !== masked) {
      this.damaged('CORRUPT', `${this.where(index, offset)} has a bad data checksum: its ${s.length} payload bytes are damaged`, { record: index, offset, field: 'data' });
      return;
    }
    this.out.push({ index, offset, payload: s.prefix, length: s.length, partial: true });
  }

  private complete(body: Uint8Array): void {
    const L = body.length - 4;
    const payload = body.subarray(0, L);
    const offset = this.base;
    const index = this.index++;
    this.rec = undefined;
    this.base = offset + HEADER + L + 4;
    if (u32le(body, L) !== maskedCrc32c(payload)) {
      this.damaged('CORRUPT', `${this.where(index, offset)} has a bad data checksum: its ${L} payload bytes are damaged`, { record: index, offset, field: 'data' });
      return;
    }
    this.out.push({ index, offset, payload });
  }

  /** After a damaged length: slide over `pending` until 12 bytes form a valid header. */
  private scan(): void {
    const p = this.pending;
    for (let i = 0; i + HEADER <= p.length; i++) {
      if (!isRecordHeader(p, i)) continue;
      this.base += i;
      this.opts.warn?.(`${this.opts.file ? `${this.opts.file}: ` : ''}found the next valid record header at byte ${this.base}, ${this.base - this.resyncFrom!} bytes after the damaged one`);
      this.resyncFrom = undefined;
      this.pending = new Uint8Array(0);
      this.feed(p.subarray(i));
      return;
    }
    // Keep the last 11 bytes: a header may start among them.
    const keep = Math.min(p.length, HEADER - 1);
    this.base += p.length - keep;
    this.pending = p.slice(p.length - keep);
  }

  private finish(): void {
    if (this.discarding) return;
    if (this.resyncFrom !== undefined) {
      this.opts.warn?.(`${this.opts.file ? `${this.opts.file}: ` : ''}no valid record header after the damaged one at byte ${this.resyncFrom}; the rest of the file was skipped`);
    } else if (this.rec || this.skim) {
      const index = this.index++;
      const need = this.rec ? this.rec.length : this.skim!.length + 4;
      const have = this.rec ? this.recFill : this.skim!.got + this.skim!.storedGot;
      this.damaged('TRUNCATED', `${this.where(index, this.base)} is cut short: it needs ${need + HEADER} bytes but the file ends ${have + HEADER} bytes after its start`, { record: index, offset: this.base, length: need - 4 });
      this.rec = undefined;
      this.skim = undefined;
    } else if (this.pending.length) {
      const index = this.index++;
      this.damaged('TRUNCATED', `${this.where(index, this.base)} is cut short: the file ends ${this.pending.length} bytes into its 12-byte header`, { record: index, offset: this.base });
    }
  }
}

/** Every record of an in-memory TFRecord file (GZIP/ZLIB detected unless `compression` says). */
export function* readTFRecords(bytes: Uint8Array, opts: TFRecordOptions = {}): Generator<TFRecord, void, undefined> {
  const dec = new TFRecordDecoder({ ...opts, totalBytes: opts.totalBytes ?? (bytes[0] === 0x1f && bytes[1] === 0x8b ? undefined : bytes.length) });
  yield* dec.push(bytes);
  yield* dec.end();
}

/** One framed record. */
export function encodeTFRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length + 4);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length >>> 0, true);
  dv.setUint32(4, Math.floor(payload.length / 2 ** 32), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, HEADER);
  dv.setUint32(HEADER + payload.length, maskedCrc32c(payload), true);
  return out;
}

/** A whole TFRecord file, as tf.io.TFRecordWriter writes it (optionally compressed). */
export function encodeTFRecords(payloads: Iterable<Uint8Array>, opts: { compression?: TFRecordCompression } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const p of payloads) parts.push(encodeTFRecord(p));
  const raw = concat(parts);
  if (opts.compression === 'gzip') return gzipSync(raw);
  if (opts.compression === 'zlib') return zlibSync(raw);
  return raw;
}

