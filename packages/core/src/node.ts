// Node-only file helpers: the browser build of @attnlens/core never imports this.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AttentionDocument } from './attention.js';
import { AttnlensError, fail } from './errors.js';
import { encodeDocumentDelimited, encodeHeader, DocumentStreamDecoder, type StreamHeader } from './format/pb.js';
import { decodeJson, encodeJson } from './format/json.js';
import { SNIFF_BYTES, sniff, zipCentralDirectory, readCentralNames, type SniffedFormat } from './sniff.js';
import { GENERATOR } from './version.js';

/** Turn an fs error into an AttnlensError that names the file. */
export function fsError(e: unknown, file: string, op: 'read' | 'write' = 'read'): AttnlensError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof AttnlensError) return e.withFile(file);
  if (op === 'write' && code === 'ENOENT') return new AttnlensError({ code: 'IO', file, message: 'cannot write: its folder does not exist', hint: 'create the folder first, or write somewhere else' });
  if (op === 'write' && code === 'ENOSPC') return new AttnlensError({ code: 'IO', file, message: 'cannot write: the disk is full', hint: 'free some space and run again' });
  if (code === 'ENOENT') return new AttnlensError({ code: 'FILE_NOT_FOUND', file, message: 'no such file', hint: 'check the path' });
  if (code === 'EISDIR') return new AttnlensError({ code: 'FILE_NOT_FOUND', file, message: 'is a directory, not a file', hint: 'name a file inside it' });
  if (code === 'EACCES' || code === 'EPERM') return new AttnlensError({ code: 'IO', file, message: 'permission denied', hint: 'check the file permissions' });
  return new AttnlensError({ code: 'IO', file, message: `cannot read or write (${code ?? (e as Error)?.message})`, cause: e });
}

/** Size of a regular file, or a FILE_NOT_FOUND error. */
export async function fileSize(path: string): Promise<number> {
  let s;
  try {
    s = statSync(path);
  } catch (e) {
    throw fsError(e, path);
  }
  if (s.isDirectory()) throw fsError(Object.assign(new Error(), { code: 'EISDIR' }), path);
  return s.size;
}

/**
 * Read `length` bytes at `position` (fewer at end of file). Synchronous inside: these
 * are small reads (headers, zip directories), and a FileHandle close was once seen
 * never to complete under load (Node 20.20), which hung the CLI before it printed.
 */
export async function readRange(path: string, position: number, length: number): Promise<Uint8Array> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, position + got);
      if (!n) break;
      got += n;
    }
    return got === length ? buf : buf.subarray(0, got);
  } catch (e) {
    throw fsError(e, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

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
    const tailLen = Math.min(size, 65536 + 22);
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

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    throw fsError(e, path);
  }
  return h.digest('hex');
}

/** Write a file atomically: to a temporary name beside it, then rename. */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw fsError(e, path, 'write');
  }
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
  const { format, size } = await sniffFile(path);
  if (format !== 'attnlens') {
    fail('UNKNOWN_FORMAT', size === 0 ? 'file is empty' : `is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}, not an attnlens document file`, {
      file: path,
      hint: 'convert it first with `attnlens convert FILE --to OUT.attn.pb`',
    });
  }
  const head = await readRange(path, 0, 1);
  if (head[0] === 0x7b || head[0] === 0x20 || head[0] === 0x0a || head[0] === 0x09 || head[0] === 0x0d) {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
    yield* decodeJson(text, path).documents;
    return;
  }
  const dec = new DocumentStreamDecoder(path);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      for (const d of dec.push(chunk as Buffer)) yield d;
    }
  } catch (e) {
    throw fsError(e, path);
  }
  dec.end();
}

/**
 * Write documents to OUT (.attn.pb streamed, .attn.json in one piece), atomically.
 * Returns the number written.
 */
export async function writeDocuments(
  path: string,
  docs: Iterable<AttentionDocument> | AsyncIterable<AttentionDocument>,
  header: Partial<StreamHeader> = {},
): Promise<number> {
  const kind = documentKindFor(path);
  const h = { generator: GENERATOR, ...header };
  let n = 0;
  if (kind === 'json') {
    const all: AttentionDocument[] = [];
    for await (const d of docs) all.push(d);
    await atomicWriteFile(path, encodeJson(all, h));
    return all.length;
  }
  // Written through a FileHandle (errors are plain rejections, unlike a stream's
  // 'error' event), batched into ~1 MB writes, to a temp name renamed at the end.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  let pending: Uint8Array[] = [];
  let size = 0;
  const flush = async () => {
    if (!pending.length) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    size = 0;
    await fh!.write(buf);
  };
  const write = async (b: Uint8Array) => {
    pending.push(b);
    size += b.length;
    if (size >= 1 << 20) await flush();
  };
  try {
    fh = await open(tmp, 'w');
    await write(encodeHeader(h));
    for await (const d of docs) {
      await write(encodeDocumentDelimited(d));
      n++;
    }
    await flush();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e instanceof AttnlensError ? e : fsError(e, path, 'write');
  }
  return n;
}
