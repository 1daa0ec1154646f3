// Node-only file helpers: the browser build of @attnlens/core never imports this.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { AttentionDocument } from './attention.js';
import { fail } from './errors.js';
import { atomicWriteChunks, fileSize, fsError, readRange, type WriteOptions } from './fs.js';
import { encodeDocumentChunks, encodeDocumentDelimited, encodeHeader, DocumentStreamDecoder, type StreamHeader } from './format/pb.js';
import { decodeJson, jsonDocument, jsonHead, jsonTail } from './format/json.js';
import { SNIFF_BYTES, sniff, zipCentralDirectory, readCentralNames, type SniffedFormat } from './sniff.js';
import { ZIP_TAIL_BYTES } from './zip-end.js';
import { GENERATOR } from './version.js';

export { fsError, fileSize, readRange, ownPackageUrl, sha256File, checkWritePath, prepareOutputFolder, openTemp, openAtomic, IO_PIECE_BYTES, atomicWriteChunks, removeTempFiles, atomicWriteFile } from './fs.js';
export type { WriteOptions, AtomicFile } from './fs.js';
export { WorkerPool, runPool, defaultWorkers } from './worker-pool.js';
export type { WorkerPoolOptions, RunPoolOptions } from './worker-pool.js';
export { writeShard, mergeShards, shardIndexPath, readShardRecord, unfinishedShard } from './document-shards.js';
export type { ShardIndex, MergeResult } from './document-shards.js';

export interface SniffResult {
  format: SniffedFormat;
  size: number;
  zipEntries?: string[];
}

/** Sniff a file by content: its first bytes, and for zips the central directory. */
export async function sniffFile(path: string): Promise<SniffResult> {
  const size = await fileSize(path);
  const head = await readRange(path, 0, Math.min(size, SNIFF_BYTES));
  let zipEntries: string[] | undefined;
  if (head[0] === 0x50 && head[1] === 0x4b) {
    const tailLen = Math.min(size, ZIP_TAIL_BYTES);
    const tail = await readRange(path, size - tailLen, tailLen);
    const cd = zipCentralDirectory(tail, size);
    if (cd && 'names' in cd) zipEntries = cd.names;
    else if (cd && 'need' in cd) {
      const [a, b] = cd.need;
      const bytes = await readRange(path, a, b - a);
      zipEntries = readCentralNames(bytes, 65535);
    }
  }
  const format = sniff(head, zipEntries);
  return zipEntries ? { format, size, zipEntries } : { format, size };
}

export type DocumentFileKind = 'pb' | 'json';

/** Which document format a path names, by its extension (for writing). */
export function documentKindFor(path: string): DocumentFileKind {
  if (/\.attn\.pb$/i.test(path) || /\.pb$/i.test(path)) return 'pb';
  if (/\.json$/i.test(path)) return 'json';
  return fail('BAD_ARGUMENT', `cannot tell the output format from the name ${basename(path)}`, {
    file: path,
    hint: 'name the output *.attn.pb (protobuf stream) or *.attn.json (JSON)',
  });
}

/**
 * Read documents from an .attn.pb or .attn.json file, sniffed by content. A .pb
 * stream is read in chunks, so memory holds one document at a time.
 */
export async function* readDocuments(path: string): AsyncGenerator<AttentionDocument, void, undefined> {
  if ((await documentFileKind(path)) === 'json') {
    yield* decodeJson(await readText(path), path).documents;
    return;
  }
  yield* decodedChunks(path, (dec, chunk) => dec.push(chunk));
}

/**
 * The documents of an .attn.pb or .attn.json file as .attn.pb frames (each a length-delimited
 * Document message): a .pb stream's frames are copied as written, not decoded (its header and
 * framing are checked); JSON documents are encoded. What a shard merge copies.
 */
export async function* readDocumentFrames(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  if ((await documentFileKind(path)) === 'json') {
    for (const d of decodeJson(await readText(path), path).documents) yield encodeDocumentDelimited(d);
    return;
  }
  yield* decodedChunks(path, (dec, chunk) => dec.pushFrames(chunk));
}

/** An attnlens document file's kind, sniffed by content; anything else is refused. */
async function documentFileKind(path: string): Promise<'json' | 'pb'> {
  const { format, size } = await sniffFile(path);
  if (format !== 'attnlens') {
    fail('UNKNOWN_FORMAT', size === 0 ? 'file is empty' : `is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}, not an attnlens document file`, {
      file: path,
      hint: 'convert it to an attnlens document file (.attn.pb or .attn.json) first',
    });
  }
  const head = await readRange(path, 0, 1);
  return head[0] === 0x7b || head[0] === 0x20 || head[0] === 0x0a || head[0] === 0x09 || head[0] === 0x0d ? 'json' : 'pb';
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
}

/** A .pb stream read in chunks through one DocumentStreamDecoder, `take` turning each chunk into items. */
async function* decodedChunks<T>(path: string, take: (dec: DocumentStreamDecoder, chunk: Uint8Array) => T[]): AsyncGenerator<T, void, undefined> {
  const dec = new DocumentStreamDecoder(path);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      for (const d of take(dec, chunk as Buffer)) yield d;
    }
  } catch (e) {
    throw fsError(e, path);
  }
  dec.end();
}

/**
 * Write documents to OUT (.attn.pb or .attn.json), atomically and streamed: memory
 * holds one document (and, for JSON, one slice of its weights as text) at a time.
 * Returns the number written.
 */
export async function writeDocuments(
  path: string,
  docs: Iterable<AttentionDocument> | AsyncIterable<AttentionDocument>,
  header: Partial<StreamHeader> = {},
  opts: WriteOptions = {},
): Promise<number> {
  const kind = documentKindFor(path);
  const h = { generator: GENERATOR, ...header };
  let n = 0;
  async function* pb(): AsyncGenerator<Uint8Array> {
    yield encodeHeader(h);
    for await (const d of docs) {
      yield* encodeDocumentChunks(d);
      n++;
    }
  }
  async function* json(): AsyncGenerator<string> {
    yield jsonHead(h);
    for await (const d of docs) yield* jsonDocument(d, n++ === 0);
    yield jsonTail(n);
  }
  await atomicWriteChunks(path, kind === 'pb' ? pb() : json(), opts);
  return n;
}
