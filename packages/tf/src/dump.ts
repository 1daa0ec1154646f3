// One TensorFlow dump (a TensorProto, TFRecord or event file) -> alignment documents, for any
// way of reading it: ./node streams the file from disk (tfDocuments), the web viewer passes
// the File's bytes (bytesDump). Browser-safe; PNG decoding is the caller's (PngDecoder).
import { fail, type AttentionDocument, type SniffedFormat, type Tensor } from '@attnlens/core';
import { iterateAlignmentDocuments } from './alignment.js';
import { eventDocuments, recordDocuments, type DumpOptions } from './documents.js';
import { EventIndex, decodeEvent, type TFEvent } from './events.js';
import type { PngDecoder } from './image-alignment.js';
import { decodeTensorProto } from './tensor-proto.js';
import { readTFRecords, type TFRecord, type TFRecordCompression } from './tfrecord.js';

export type TFFileKind = 'tensorproto' | 'tfrecord' | 'tfevents';

/** The sniffed formats that are TensorFlow dumps (a GZIP file is one when it holds TFRecords). */
export const TF_FORMATS: readonly SniffedFormat[] = Object.freeze(['tensorproto', 'tfrecord', 'tfevents', 'gzip']);

/**
 * The kind of a dump from its sniffed format; for GZIP, from its first record (`first`, read
 * only when asked): an event file's first record is an Event naming "brain.Event:N". The one
 * place that tells the kinds apart, for files on disk (./node) and bytes in a page (bytesDump).
 */
export function dumpKind(format: SniffedFormat, first: () => TFRecord | undefined, file?: string): TFFileKind {
  if (format === 'tensorproto' || format === 'tfrecord' || format === 'tfevents') return format;
  if (format !== 'gzip') return fail('UNKNOWN_FORMAT', `a ${format} file, not a TensorFlow dump`, { file });
  const r = first();
  if (!r) fail('UNKNOWN_FORMAT', 'a GZIP file holding nothing', { file, hint: 'the file is empty once decompressed' });
  return new TextDecoder().decode(r.payload.subarray(0, 64)).includes('brain.Event:') ? 'tfevents' : 'tfrecord';
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** A dump as its reader sees it: which kind it is, and how to read its tensor or its records. */
export interface DumpSource {
  kind: TFFileKind;
  file?: string;
  tensorProto(): Tensor | Promise<Tensor>;
  records(o: { skipCorrupt?: boolean; warn?: (m: string) => void }): Source<TFRecord>;
}

export interface DumpDocumentOptions extends DumpOptions {
  skipCorrupt?: boolean;
  decodePng: PngDecoder;
}

/** The events of a dump's records, in order, with the record each came from. */
export async function* dumpEvents(records: Source<TFRecord>, file?: string): AsyncGenerator<TFEvent & { record: number }, void, undefined> {
  for await (const r of records) yield { ...decodeEvent(r.payload, file, `record ${r.index} (at byte ${r.offset})`), record: r.index };
}

/**
 * Alignment documents of a dump, streamed: one per batch item of each tensor, one per event
 * image. An event file is read twice, first for its index (tags, steps), as eventDocuments needs.
 */
export async function* dumpDocuments(src: DumpSource, opts: DumpDocumentOptions): AsyncGenerator<AttentionDocument, void, undefined> {
  const { kind, file } = src;
  // named as options, not as CLI flags (the package speaks to the API and the CLI alike)
  const ignored = [
    ...(kind !== 'tfevents' && opts.tag !== undefined ? ['tag'] : []),
    ...(kind !== 'tfevents' && opts.step !== undefined ? ['step'] : []),
    ...(kind === 'tensorproto' && opts.array !== undefined ? ['array'] : []),
  ];
  if (ignored.length) opts.warn?.(`${file}: the ${ignored.join(' and ')} option${ignored.length === 1 ? ' applies' : 's apply'} to ${kind === 'tensorproto' ? 'other files' : 'event files'} only; ignored`);
  const dump: DumpOptions = { ...opts, ...(file ? { file } : {}) };
  const rec = { skipCorrupt: opts.skipCorrupt, warn: opts.warn };
  if (kind === 'tensorproto') {
    yield* iterateAlignmentDocuments(await src.tensorProto(), dump);
    return;
  }
  if (kind === 'tfrecord') {
    yield* recordDocuments(src.records(rec), dump);
    return;
  }
  const index = new EventIndex();
  for await (const e of dumpEvents(src.records({ skipCorrupt: opts.skipCorrupt, warn: () => {} }), file)) index.add(e);
  yield* eventDocuments(dumpEvents(src.records(rec), file), index, { ...dump, decodePng: opts.decodePng });
}

/** A whole dump in memory (a browser File's bytes): its kind told from the sniffed format and, for GZIP, its first record. */
export function bytesDump(bytes: Uint8Array, format: SniffedFormat, file?: string): DumpSource {
  const records = (o: { skipCorrupt?: boolean; warn?: (m: string) => void }, compression?: TFRecordCompression) =>
    readTFRecords(bytes, { ...(file ? { file } : {}), ...(compression ? { compression } : {}), ...(o.skipCorrupt ? { skipCorrupt: true } : {}), ...(o.warn ? { warn: o.warn } : {}) });
  const kind = dumpKind(format, () => {
    const first = records({}, 'gzip').next();
    return first.done ? undefined : first.value;
  }, file);
  return { kind, ...(file ? { file } : {}), tensorProto: () => decodeTensorProto(bytes, file), records: (o) => records(o) };
}
