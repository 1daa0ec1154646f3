// The .attn.pb stream: Header, then Documents, each length-delimited.
import type protobuf from 'protobufjs';
import { MAX_MAP_DEPTH, tooDeep, type AttentionDocument, type AttentionMap } from '../attention.js';
import { AttnlensError, fail } from '../errors.js';
import { documentFromObject, documentToObject, mapToObject } from './convert.js';
import { FORMAT_VERSION, MAGIC, schema } from './schema.js';

export interface StreamHeader {
  version: number;
  generator?: string;
  meta?: Record<string, string>;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: false, arrays: false, objects: false };

export function encodeHeader(h: Partial<StreamHeader> = {}): Uint8Array {
  const { Header } = schema();
  return Header.encodeDelimited({ magic: MAGIC, version: FORMAT_VERSION, generator: h.generator ?? '', meta: h.meta ?? {} }).finish();
}

// Field numbers of the parts assembled by hand (attnlens.proto): Document.maps,
// AttentionMap.weights (packed float), AttentionMap.children.
const DOC_MAPS = 2;
const MAP_WEIGHTS = 3;
const MAP_CHILDREN = 12;
const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

function varint(n: number): Uint8Array {
  const b: number[] = [];
  while (n > 127) {
    b.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  b.push(n);
  return Uint8Array.from(b);
}

/** A length-delimited field: its tag, its byte length, then the parts. */
function lengthDelimited(field: number, parts: Uint8Array[]): Uint8Array[] {
  const len = parts.reduce((a, p) => a + p.length, 0);
  return [varint((field << 3) | 2), varint(len), ...parts];
}

function float32Bytes(w: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(w.buffer, w.byteOffset, w.byteLength);
  const out = new Uint8Array(w.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < w.length; i++) dv.setFloat32(i * 4, w[i]!, true);
  return out;
}

/**
 * An AttentionMap message as parts: protobufjs encodes the small fields, and the
 * weights go in as their own float32 bytes (no copy). protobufjs' Writer keeps one
 * operation object per packed float, ~100 bytes per weight, which made a 10^7-weight
 * map take gigabytes; protobuf readers accept fields in any order, and packed fields
 * are the raw little-endian values (protobuf encoding guide, "Packed Repeated Fields").
 */
function mapParts(m: AttentionMap, depth: number): Uint8Array[] {
  if (depth > MAX_MAP_DEPTH) tooDeep('map');
  const { children, weights, ...rest } = m;
  const parts = [schema().AttentionMap.encode(mapToObject({ ...rest, weights: new Float32Array(0) })).finish()];
  if (weights.length) parts.push(...lengthDelimited(MAP_WEIGHTS, [float32Bytes(weights)]));
  for (const c of children ?? []) parts.push(...lengthDelimited(MAP_CHILDREN, mapParts(c, depth + 1)));
  return parts;
}

/** One document, length-delimited, as parts to write one after another (weights are views, not copies). */
export function encodeDocumentChunks(d: AttentionDocument): Uint8Array[] {
  const parts = [schema().Document.encode(documentToObject({ ...d, maps: [] })).finish()];
  for (const m of d.maps) parts.push(...lengthDelimited(DOC_MAPS, mapParts(m, 0)));
  return [varint(parts.reduce((a, p) => a + p.length, 0)), ...parts];
}

/** One document, length-delimited, ready to append to an .attn.pb stream. */
export function encodeDocumentDelimited(d: AttentionDocument): Uint8Array {
  return concat(encodeDocumentChunks(d));
}

/** A whole .attn.pb file in memory. For large batches use encodeHeader + encodeDocumentDelimited. */
export function encodeStream(docs: Iterable<AttentionDocument>, h: Partial<StreamHeader> = {}): Uint8Array {
  const parts = [encodeHeader(h)];
  for (const d of docs) parts.push(encodeDocumentDelimited(d));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Does this look like the start of an .attn.pb stream? (varint length, field 1 = "attnlens") */
export function looksLikeAttnPb(head: Uint8Array): boolean {
  let i = 0;
  while (i < head.length && i < 5 && head[i]! & 0x80) i++;
  i++;
  return head[i] === 0x0a && head[i + 1] === MAGIC.length && new TextDecoder().decode(head.subarray(i + 2, i + 2 + MAGIC.length)) === MAGIC;
}

/**
 * Incremental reader: push bytes as they arrive, get whole documents back. Memory
 * holds at most one document plus one chunk. A document longer than the chunks is
 * copied together once, when its last chunk arrives (not once per chunk).
 */
export class DocumentStreamDecoder {
  header: StreamHeader | undefined;
  private buf: Uint8Array = new Uint8Array(0);
  private offset = 0; // absolute byte offset of buf[0]
  private count = 0;
  /** Chunks kept, not yet copied onto buf, while the message at buf[0] is incomplete. */
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  /** Bytes that message needs from buf[0] (0: not known yet). */
  private need = 0;

  constructor(private readonly file?: string) {}

  push(chunk: Uint8Array): AttentionDocument[] {
    return this.split(chunk, (body, at) => this.decodeDocument(body, at));
  }

  /**
   * The documents of `chunk` as their length-delimited frames, prefix included, not decoded:
   * for copying a stream's documents unchanged (a shard merge, byte-equal to one run). The
   * header is still decoded and checked, and the framing (lengths, a cut end) as for push().
   */
  pushFrames(chunk: Uint8Array): Uint8Array[] {
    return this.split(chunk, (_body, _at, frame) => {
      this.count++;
      return frame.slice();
    });
  }

  private split<T>(chunk: Uint8Array, take: (body: Uint8Array, at: number, frame: Uint8Array) => T): T[] {
    if (this.buf.length + this.waitingBytes + chunk.length < this.need) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      return [];
    }
    this.buf = this.buf.length || this.waiting.length ? concat([this.buf, ...this.waiting, chunk]) : chunk;
    this.waiting = [];
    this.waitingBytes = 0;
    const out: T[] = [];
    let pos = 0;
    let need = 0;
    for (;;) {
      const v = readVarint(this.buf, pos);
      if (!v) break;
      const [len, after] = v;
      if (len > 0x7fffffff) this.corrupt(`message at byte ${this.offset + pos} claims ${len} bytes`);
      if (after + len > this.buf.length) {
        need = after + len - pos;
        break;
      }
      const body = this.buf.subarray(after, after + len);
      if (!this.header) this.header = this.decodeHeader(body, this.offset + pos);
      else out.push(take(body, this.offset + pos, this.buf.subarray(pos, after + len)));
      pos = after + len;
    }
    this.offset += pos;
    this.buf = pos ? this.buf.slice(pos) : this.buf;
    this.need = need;
    return out;
  }

  /** Call at end of input: throws if bytes are left over (a truncated stream). */
  end(): void {
    if (!this.header) fail('CORRUPT', 'no attnlens header: this is not an .attn.pb stream', { file: this.file, hint: 'an .attn.pb stream starts with the header attnlens writes first (writeDocuments, or converting the source file again)' });
    if (this.buf.length || this.waitingBytes) {
      fail('TRUNCATED', `stream ends inside document ${this.count} (byte ${this.offset}, ${this.buf.length + this.waitingBytes} bytes left over)`, {
        file: this.file,
        hint: 'the file was cut short; the documents before it were read',
      });
    }
  }

  private decodeHeader(body: Uint8Array, at: number): StreamHeader {
    let h: { magic?: string; version?: number; generator?: string; meta?: Record<string, string> };
    try {
      h = schema().Header.toObject(schema().Header.decode(body), TO_OBJECT) as typeof h;
    } catch (e) {
      return this.corrupt(`header at byte ${at} does not decode (${(e as Error).message})`);
    }
    if (h.magic !== MAGIC) this.corrupt('no attnlens header: this is not an .attn.pb stream');
    const version = h.version ?? 0;
    if (version > FORMAT_VERSION) {
      fail('VERSION', `written in attnlens format version ${version}; this attnlens reads up to ${FORMAT_VERSION}`, { file: this.file, hint: 'upgrade attnlens' });
    }
    return { version, ...(h.generator ? { generator: h.generator } : {}), ...(h.meta && Object.keys(h.meta).length ? { meta: h.meta } : {}) };
  }

  private decodeDocument(body: Uint8Array, at: number): AttentionDocument {
    const where = `document ${this.count}`;
    this.count++;
    const { Document } = schema();
    let o: unknown;
    try {
      o = Document.toObject(Document.decode(body), TO_OBJECT);
    } catch (e) {
      // protobufjs stops at 100 nested messages (Reader.recursionLimit, src/decoder.js) with this message.
      if (/max depth exceeded/.test((e as Error).message)) return withFile(() => tooDeep(`${where} at byte ${at}`), this.file);
      return this.corrupt(`${where} at byte ${at} does not decode (${(e as Error).message})`);
    }
    try {
      return documentFromObject(o, where);
    } catch (e) {
      throw e instanceof AttnlensError && this.file ? e.withFile(this.file) : e;
    }
  }

  private corrupt(msg: string): never {
    return fail('CORRUPT', msg, { file: this.file, hint: 'the file is damaged or not an .attn.pb stream' });
  }
}

function withFile<T>(f: () => T, file?: string): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof AttnlensError && file ? e.withFile(file) : e;
  }
}

function readVarint(b: Uint8Array, pos: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) return undefined;
    const byte = b[pos + i]!;
    v += (byte & 0x7f) * mul;
    mul *= 128;
    if (!(byte & 0x80)) return [v, pos + i + 1];
  }
  return [Number.MAX_SAFE_INTEGER, pos + 10];
}

/** Decode a whole .attn.pb held in memory. */
export function decodeStream(bytes: Uint8Array, file?: string): { header: StreamHeader; documents: AttentionDocument[] } {
  const dec = new DocumentStreamDecoder(file);
  const documents = dec.push(bytes);
  dec.end();
  return { header: dec.header!, documents };
}
