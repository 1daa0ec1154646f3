// Node-only side of @attnlens/tf: read TensorFlow dumps from files, in chunks (a TFRecord
// or event file of any size is read with one record plus one chunk in memory), decode
// event-file PNGs with pngjs, load token and length files.
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { basename } from 'node:path';
import { PNG } from 'pngjs';
import {
  AttnlensError, checkSize, fail, formatShape, shapeSize, tensor,
  type AttentionDocument, type Provenance, type SniffedFormat, type Tensor,
} from '@attnlens/core';
import { fileSize, fsError, readRange, sha256File, sniffFile } from '@attnlens/core/node';
import { fileHandleReadAt, loadArray } from '@attnlens/npy/node';
import { tfDtypeName } from './dtypes.js';
import { EventIndex, attentionTags, summaryKind, type EventTagInfo, type TFEvent } from './events.js';
import { decodeExample, looksLikeTensorProto, type ExampleFeature } from './example.js';
import { grayFromRgba, pngSize, tf2ImagePngs, type GrayImage } from './image-alignment.js';
import { parseLengths, parseTokenLines, type ExampleLabels } from './labels.js';
import { decodeTensorProto, parseTensorProtoMessage, tensorProtoHead, tensorProtoShape, tensorValueOf } from './tensor-proto.js';
import { TFRecordDecoder, detectCompression, type TFRecord, type TFRecordCompression, type TFRecordOptions } from './tfrecord.js';
import { recordTensor, type DumpOptions } from './documents.js';
import { readTFRecordsAt } from './record-ranges.js';
import { dumpDocuments, dumpEvents, dumpKind, type DumpSource, type TFFileKind } from './dump.js';

/** Bytes read from disk at a time. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The records of a TFRecord (or event) file, CRC-checked, read in chunks: memory holds one
 * record plus one chunk whatever the file size. An uncompressed file is read by ranges over
 * a file handle with readTFRecordsAt, the code the web viewer runs over a File; GZIP and ZLIB
 * files are streamed through Node's zlib (about 4x faster than fflate, which that reader uses).
 */
export async function* readTFRecordFile(path: string, opts: Omit<TFRecordOptions, 'file' | 'totalBytes' | 'externalInflate'> & { chunkBytes?: number } = {}): AsyncGenerator<TFRecord, void, undefined> {
  const size = await fileSize(path);
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  const compression = opts.compression && opts.compression !== 'auto' ? opts.compression : detectCompression(await readRange(path, 0, Math.min(size, 12)));
  if (compression === 'none') {
    const { chunkBytes: _, ...rest } = opts;
    const fh = await open(path, 'r').catch((e) => {
      throw fsError(e, path);
    });
    try {
      yield* readTFRecordsAt(fileHandleReadAt(fh, path), size, { ...rest, compression, file: path, rangeBytes: chunkBytes });
    } finally {
      await fh.close();
    }
    return;
  }
  const dec = new TFRecordDecoder({ ...opts, compression, file: path, totalBytes: size, externalInflate: true });
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  const stream = raw.pipe(compression === 'gzip' ? createGunzip({ chunkSize: Math.max(1024, Math.min(chunkBytes, 1 << 16)) }) : createInflate({ chunkSize: Math.max(1024, Math.min(chunkBytes, 1 << 16)) }));
  raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream) yield* dec.push(chunk as Buffer);
  } catch (e) {
    throw streamError(e, path, compression, dec.position);
  } finally {
    raw.destroy();
    stream.destroy();
  }
  yield* dec.end();
}

function streamError(e: unknown, file: string, compression: TFRecordCompression, at: number): AttnlensError {
  if (e instanceof AttnlensError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
    const truncated = code === 'Z_BUF_ERROR';
    return new AttnlensError({
      code: truncated ? 'TRUNCATED' : 'CORRUPT',
      file,
      message: `the ${compression.toUpperCase()} stream around the records is ${truncated ? 'cut short' : 'damaged'} (${(e as Error).message}) after ${at} decompressed bytes`,
      hint: truncated ? 'the file was not written completely; copy or write it again' : 'the file was damaged; copy or write it again',
      cause: e,
    });
  }
  return fsError(e, file);
}

/** A file holding one serialized TensorProto. */
export async function readTensorProtoFile(path: string): Promise<Tensor> {
  const size = await fileSize(path);
  checkSize(size, 'the TensorProto', 'maxArrayBytes', { file: path });
  const bytes = await readFile(path).catch((e) => {
    throw fsError(e, path);
  });
  return decodeTensorProto(bytes, path);
}

/**
 * A grayscale PNG (as TensorFlow image summaries hold) to gray levels, with pngjs. Its size
 * is checked from the IHDR before decoding: a 389 KB PNG can hold 20000 x 20000 pixels,
 * which pngjs would expand to 1.6 GB of RGBA and the map to as much again in float32.
 */
export function decodePngGray(png: Uint8Array, where: string): GrayImage {
  const dims = pngSize(png);
  if (dims) checkSize(dims.width * dims.height * 4, `${where}, a ${dims.width}x${dims.height} PNG decoded to weights,`, 'maxOutputBytes');
  let img;
  try {
    img = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (e) {
    return fail('CORRUPT', `${where} is not a readable PNG (${(e as Error).message})`, { hint: 'the image bytes in the summary are damaged', cause: e });
  }
  return grayFromRgba(img.width, img.height, img.data, where);
}

/** The events of an event file, in order, with the record each came from. */
export function readEventFile(path: string, opts: { skipCorrupt?: boolean; warn?: (m: string) => void } = {}): AsyncGenerator<TFEvent & { record: number }, void, undefined> {
  return dumpEvents(readTFRecordFile(path, opts), path);
}

/** A first pass over an event file: tags, kinds, steps (no image is decoded). */
export async function indexEventFile(path: string, opts: { skipCorrupt?: boolean; warn?: (m: string) => void } = {}): Promise<EventIndex> {
  const index = new EventIndex();
  for await (const e of readEventFile(path, opts)) index.add(e);
  return index;
}

export type { TFFileKind } from './dump.js';

/**
 * What kind of TensorFlow file this is, by content: a TensorProto, a TFRecord, or an
 * event file (a TFRecord whose first record is an Event "brain.Event:N"), GZIP or not.
 */
export async function detectTFFile(path: string, sniffed?: SniffedFormat): Promise<{ kind: TFFileKind; compression: TFRecordCompression; size: number }> {
  const s = sniffed ? { format: sniffed, size: await fileSize(path) } : await sniffFile(path);
  if (s.format !== 'gzip') return { kind: dumpKind(s.format, () => undefined, path), compression: 'none', size: s.size };
  let first: TFRecord | undefined;
  try {
    // Only the first bytes of the first record tell an event file; a long record streams past.
    for await (const r of readTFRecordFile(path, { compression: 'gzip', keepBytes: 4096 })) {
      first = r;
      break;
    }
  } catch (e) {
    if (!(e instanceof AttnlensError)) throw e;
    if (e.code !== 'CORRUPT' && e.code !== 'TRUNCATED') throw e;
    fail('UNKNOWN_FORMAT', `a GZIP file that does not hold TFRecords (${e.reason})`, {
      file: path,
      hint: 'attnlens reads GZIP-compressed TFRecord and event files; decompress other files first (gunzip)',
    });
  }
  return { kind: dumpKind('gzip', () => first, path), compression: 'gzip', size: s.size };
}

export interface TFRecordContent {
  record: number;
  offset: number;
  bytes: number;
  kind: 'tensor' | 'example' | 'unknown';
  dtype?: string;
  shape?: number[];
  features?: { name: string; kind: ExampleFeature['kind']; length: number }[];
}

export type TFFileInfo =
  | { format: 'tensorproto'; size: number; dtype: string; shape: number[]; elements: number }
  | {
    format: 'tfrecord'; size: number; compression: TFRecordCompression; records: number;
    counts: { tensor: number; example: number; unknown: number };
    /** The first records, described (at most 20). */
    first: TFRecordContent[];
    /** Distinct tensor shapes with counts ("float32 (8, 4, 7)": 12). */
    tensorShapes: Record<string, number>;
    corrupt: { message: string }[];
  }
  | {
    format: 'tfevents'; size: number; compression: TFRecordCompression; records: number; fileVersion?: string;
    tags: EventTagInfo[];
    /** Tags `convert` would read. */
    attentionTags: string[];
    other: Record<string, number>;
    corrupt: { message: string }[];
  };

/** Describe a TensorFlow file without decoding its data; corrupt records are listed, not fatal. */
export async function inspectTFFile(path: string, sniffed?: SniffedFormat): Promise<TFFileInfo> {
  const { kind, compression, size } = await detectTFFile(path, sniffed);
  if (kind === 'tensorproto') {
    // Inspection never reads the data: a large file is described from its first bytes.
    const head = size > INSPECT_KEEP_BYTES ? tensorProtoHead(await readRange(path, 0, INSPECT_KEEP_BYTES)) : undefined;
    if (head) return { format: 'tensorproto', size, dtype: tfDtypeName(head.dtype), shape: head.shape, elements: shapeSize(head.shape) };
    checkSize(size, 'the TensorProto', 'maxArrayBytes', { file: path });
    const bytes = await readFile(path).catch((e) => {
      throw fsError(e, path);
    });
    const m = parseTensorProtoMessage(bytes, path);
    const shape = tensorProtoShape(m, path);
    return { format: 'tensorproto', size, dtype: tfDtypeName(m.dtype ?? 0), shape, elements: shapeSize(shape) };
  }
  const corrupt: { message: string }[] = [];
  const opts = { skipCorrupt: true, warn: (message: string) => corrupt.push({ message }) };
  if (kind === 'tfevents') {
    const index = new EventIndex();
    for await (const e of readEventFile(path, opts)) index.add(e);
    let att: string[] = [];
    try {
      att = attentionTags(index, undefined, path);
    } catch (e) {
      if (!(e instanceof AttnlensError) || e.code !== 'NOT_FOUND') throw e;
    }
    const info: TFFileInfo = { format: 'tfevents', size, compression, records: index.events, tags: index.tagList(), attentionTags: att, other: index.other, corrupt };
    if (index.fileVersion) info.fileVersion = index.fileVersion;
    return info;
  }
  const counts = { tensor: 0, example: 0, unknown: 0 };
  const first: TFRecordContent[] = [];
  const tensorShapes: Record<string, number> = {};
  let records = 0;
  for await (const r of readTFRecordFile(path, { ...opts, keepBytes: INSPECT_KEEP_BYTES })) {
    records++;
    const c = describeRecord(r, path);
    counts[c.kind]++;
    if (c.kind === 'tensor') {
      let k = `${c.dtype} ${formatShape(c.shape!)}`;
      // Batches of varying lengths give a shape per record: list 100, count the rest.
      if (!(k in tensorShapes) && Object.keys(tensorShapes).length >= MAX_SHAPES_LISTED) k = 'other shapes';
      tensorShapes[k] = (tensorShapes[k] ?? 0) + 1;
    }
    if (first.length < 20) first.push(c);
  }
  return { format: 'tfrecord', size, compression, records, counts, first, tensorShapes, corrupt };
}

/** Bytes of a record (or TensorProto file) inspect keeps: enough for any header, bounded whatever the data. */
const INSPECT_KEEP_BYTES = 1 << 20;

function describeRecord(r: TFRecord, file: string): TFRecordContent {
  const base = { record: r.index, offset: r.offset, bytes: r.length ?? r.payload.length };
  if (r.partial) {
    const head = looksLikeTensorProto(r.payload) ? tensorProtoHead(r.payload) : undefined;
    return head ? { ...base, kind: 'tensor', dtype: tfDtypeName(head.dtype), shape: head.shape } : { ...base, kind: 'unknown' };
  }
  if (looksLikeTensorProto(r.payload)) {
    try {
      const m = parseTensorProtoMessage(r.payload, file);
      return { ...base, kind: 'tensor', dtype: tfDtypeName(m.dtype ?? 0), shape: tensorProtoShape(m, file) };
    } catch (e) {
      if (!(e instanceof AttnlensError)) throw e;
    }
  }
  try {
    const f = decodeExample(r.payload, file);
    return { ...base, kind: 'example', features: [...f].map(([name, v]) => ({ name, kind: v.kind, length: v.values.length })) };
  } catch (e) {
    if (!(e instanceof AttnlensError)) throw e;
  }
  return { ...base, kind: 'unknown' };
}

const MAX_SHAPES_LISTED = 100;

// How a value is named (extractTFTensor's name; the CLI's --array takes it): said without CLI flags, details.option 'array'.
export const EXTRACT_SYNTAX = 'name a TFRecord record by its index, INDEX (an Example\'s feature: INDEX:FEATURE), and an event-file value by TAG@STEP (TAG@STEP#K for the K-th value at that step, TAG alone when it has one value)';

/**
 * One tensor: a TensorProto file's tensor; a TFRecord record by index ("3", or "3:feature"
 * for an Example); an event value by "TAG@STEP[#K]" (images come back as uint8 [height, width]
 * gray levels, TF2 image summaries as [k, height, width], scalars as float32 []).
 */
export async function extractTFTensor(path: string, name: string | undefined, sniffed?: SniffedFormat): Promise<Tensor> {
  const { kind } = await detectTFFile(path, sniffed);
  if (kind === 'tensorproto') {
    if (name !== undefined) fail('BAD_ARGUMENT', `a TensorProto file holds one tensor; the name ${JSON.stringify(name)} does not apply`, { file: path, hint: 'name no array: the file is one tensor' });
    return readTensorProtoFile(path);
  }
  if (kind === 'tfrecord') {
    let want: number | undefined;
    let feature: string | undefined;
    if (name !== undefined) {
      const m = /^(\d+)(?::(.+))?$/.exec(name);
      if (!m) fail('BAD_ARGUMENT', `${JSON.stringify(name)} does not name a record`, { file: path, hint: EXTRACT_SYNTAX, details: { option: 'array' } });
      want = Number(m[1]);
      feature = m[2];
    }
    let count = 0;
    let only: TFRecord | undefined;
    for await (const r of readTFRecordFile(path)) {
      if (want !== undefined && r.index === want) return recordTensor(r.payload, r.index, feature, path).tensor;
      if (want === undefined) {
        if (count === 0) only = r;
        else fail('AMBIGUOUS', 'the TFRecord file holds several records', { file: path, hint: EXTRACT_SYNTAX, details: { option: 'array' } });
      }
      count++;
    }
    if (want !== undefined) fail('NOT_FOUND', `no record ${want}: the file holds ${count} record${count === 1 ? '' : 's'} (0 to ${count - 1})`, { file: path });
    if (!only) fail('NOT_FOUND', 'the TFRecord file holds no records', { file: path });
    return recordTensor(only.payload, only.index, feature, path).tensor;
  }
  return extractEventValue(path, name);
}

async function extractEventValue(path: string, name: string | undefined): Promise<Tensor> {
  const index = await indexEventFile(path);
  const tags = index.tagList();
  const listing = tags.map((t) => `${t.tag} (${t.kind}, steps ${t.firstStep}..${t.lastStep})`).join(', ');
  if (name === undefined) fail('BAD_ARGUMENT', 'an event file holds many values; name the one to read', { file: path, hint: `${EXTRACT_SYNTAX}; tags: ${listing}`, details: { option: 'array' } });
  const m = /^(.*?)(?:@(\d+)(?:#(\d+))?)?$/.exec(name)!;
  const tag = m[1]!;
  const info = index.tagInfo(tag);
  if (!info) fail('NOT_FOUND', `no tag ${JSON.stringify(tag)} in the event file`, { file: path, hint: `its tags are: ${listing || 'none'}`, details: { tags: tags.map((t) => t.tag) } });
  let step = m[2] === undefined ? undefined : Number(m[2]);
  const k = m[3] === undefined ? 0 : Number(m[3]);
  if (step === undefined) {
    if (info.count !== 1) fail('AMBIGUOUS', `tag ${tag} has ${info.count} values`, { file: path, hint: `name one as ${tag}@STEP (steps: ${info.steps.slice(0, 20).join(', ')}${info.steps.length > 20 ? ', ...' : ''})` });
    step = info.firstStep;
  }
  const n = index.countAt(tag, step); // undefined for scalars: found (or not) by the scan below
  if (n !== undefined && k >= n) {
    fail('NOT_FOUND', n ? `tag ${tag} has ${n} value${n === 1 ? '' : 's'} at step ${step}, so there is no #${k}` : `tag ${tag} has no value at step ${step}`, {
      file: path,
      hint: n ? `use #0 to #${n - 1}` : `its steps: ${info.steps.slice(0, 20).join(', ')}${info.steps.length > 20 ? ', ...' : ''}`,
    });
  }
  let seen = 0;
  for await (const e of readEventFile(path)) {
    if (e.step !== step) continue;
    for (const v of e.values) {
      if (v.tag !== tag || seen++ !== k) continue;
      const where = `${tag}@${step}${(n ?? 1) > 1 || k > 0 ? `#${k}` : ''}`;
      if (v.simpleValue !== undefined) return tensor('float32', [], Float32Array.of(v.simpleValue));
      if (v.image) {
        const g = decodePngGray(v.image.encoded, `image ${where}`);
        return tensor('uint8', [g.height, g.width], g.gray);
      }
      if (v.tensor) {
        const tv = tensorValueOf(v.tensor, path);
        if (tv.kind === 'numeric') return tv.tensor;
        if (summaryKind(v, index.pluginOf(tag)) === 'image') {
          const { pngs } = tf2ImagePngs(tv.values, `image summary ${where}`);
          const imgs = pngs.map((p, i) => decodePngGray(p, `image ${where}/${i}`));
          const h = imgs[0]?.height ?? 0;
          const w = imgs[0]?.width ?? 0;
          const out = new Uint8Array(imgs.length * h * w);
          imgs.forEach((g, i) => {
            if (g.height !== h || g.width !== w) fail('CORRUPT', `image ${where}/${i} is ${g.height}x${g.width}, unlike the first (${h}x${w})`, { file: path });
            out.set(g.gray, i * h * w);
          });
          return tensor('uint8', [imgs.length, h, w], out);
        }
        fail('UNSUPPORTED', `${where} is a string tensor (${summaryKind(v, index.pluginOf(tag))}), not numbers`, { file: path });
      }
      fail('UNSUPPORTED', `${where} is a ${info.kind} summary, which attnlens does not extract`, { file: path });
    }
  }
  return fail('NOT_FOUND', seen ? `tag ${tag} has ${seen} value${seen === 1 ? '' : 's'} at step ${step}, so there is no #${k}` : `tag ${tag} has no value at step ${step}`, {
    file: path,
    hint: seen ? `use #0 to #${seen - 1}` : `its steps: ${info.steps.slice(0, 20).join(', ')}${info.steps.length > 20 ? ', ...' : ''}`,
  });
}

/** Provenance of a document read from `path`. */
export async function provenanceOf(path: string, sourceFormat: string): Promise<Provenance> {
  return { sourceFormat, fileName: basename(path), sha256: await sha256File(path), framework: 'tensorflow' };
}

/** Paths of token and length files, as the CLI options give them. */
export interface LabelFiles {
  srcTokens?: string;
  tgtTokens?: string;
  srcLengths?: string;
  tgtLengths?: string;
}

/** One example a line, tokens split on whitespace. */
export async function readTokenFile(path: string): Promise<string[][]> {
  const text = await readFile(path, 'utf8').catch((e) => {
    throw fsError(e, path);
  });
  return parseTokenLines(text);
}

/** Lengths per example: an .npy/.npz of integers (1-D, or [N, 1]), or a text file of integers. */
export async function readLengthsFile(path: string): Promise<number[]> {
  const s = await sniffFile(path);
  if (s.format !== 'npy' && s.format !== 'npz') {
    const text = await readFile(path, 'utf8').catch((e) => {
      throw fsError(e, path);
    });
    return parseLengths(text, path);
  }
  const t = await loadArray(path);
  if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) {
    fail('SHAPE_MISMATCH', `lengths must be a 1-D array (one per example), got shape ${formatShape(t.shape)}`, { file: path, hint: 'save one length per example, e.g. np.save(f, lengths.astype(np.int32))' });
  }
  const out: number[] = [];
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (!Number.isInteger(v) || v < 0) fail('BAD_ARGUMENT', `value ${i} (${v}) is not a length (a non-negative integer)`, { file: path, hint: 'lengths are counts of valid steps' });
    out.push(v);
  }
  return out;
}

/** Read the token and length files that are given. */
export async function readLabelFiles(f: LabelFiles): Promise<ExampleLabels> {
  const out: ExampleLabels = {};
  if (f.srcTokens) out.srcTokens = await readTokenFile(f.srcTokens);
  if (f.tgtTokens) out.tgtTokens = await readTokenFile(f.tgtTokens);
  if (f.srcLengths) out.srcLengths = await readLengthsFile(f.srcLengths);
  if (f.tgtLengths) out.tgtLengths = await readLengthsFile(f.tgtLengths);
  return out;
}

export interface TFDocumentOptions extends Omit<DumpOptions, 'file' | 'provenance'> {
  skipCorrupt?: boolean;
}

/**
 * Alignment documents from a TensorProto, TFRecord or event file (GZIP or not), streamed:
 * one per batch item of each tensor, one per event image.
 */
export async function* tfDocuments(path: string, opts: TFDocumentOptions = {}, sniffed?: SniffedFormat): AsyncGenerator<AttentionDocument, void, undefined> {
  const { kind } = await detectTFFile(path, sniffed);
  const source: DumpSource = { kind, file: path, tensorProto: () => readTensorProtoFile(path), records: (o) => readTFRecordFile(path, o) };
  yield* dumpDocuments(source, { ...opts, provenance: await provenanceOf(path, kind), decodePng: decodePngGray });
}
