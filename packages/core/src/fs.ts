// Node-only file helpers that need no document format: workers import them through
// @attnlens/core/fs so that writing a file does not load protobufjs (issue 15: worker start-up).
import { accessSync, closeSync, constants as FS, createReadStream, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AttnlensError, fail } from './errors.js';

/** Turn an fs error into an AttnlensError that names the file. */
export function fsError(e: unknown, file: string, op: 'read' | 'write' = 'read'): AttnlensError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof AttnlensError) return e.withFile(file);
  if (op === 'write' && code === 'ENOENT') return new AttnlensError({ code: 'IO', file, message: 'cannot write: its folder does not exist', hint: 'create the folder first, or write somewhere else' });
  if (op === 'write' && code === 'ENOSPC') return new AttnlensError({ code: 'IO', file, message: 'cannot write: the disk is full', hint: 'free some space and run again' });
  if (code === 'ENOENT') return new AttnlensError({ code: 'FILE_NOT_FOUND', file, message: 'no such file', hint: 'check the path' });
  if (code === 'EISDIR') return new AttnlensError({ code: 'FILE_NOT_FOUND', file, message: 'is a directory, not a file', hint: 'name a file inside it' });
  if (op === 'write' && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) return new AttnlensError({ code: 'IO', file, message: `cannot write: ${code === 'EROFS' ? 'the file system is read-only' : 'permission denied'}`, hint: 'write somewhere you may write, or change the folder\'s permissions' });
  if (op === 'write' && code === 'ENOTDIR') return new AttnlensError({ code: 'IO', file, message: 'cannot write: a part of the path is a file, not a folder', hint: 'name a folder, or remove the file in the way' });
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

/**
 * The URL of `specifier` (a package's own entry, e.g. '@attnlens/render/node') as `resolve` finds it:
 * pass the caller's `import.meta.resolve`, so resolution starts where the caller's code is. For
 * a package whose module may be bundled into another package's file (the CLI's,
 * apps/cli/scripts/bundle.mjs): its import.meta.url then points into the bundle, but resolving its
 * own name (from a bundle, its package's dependency on this one; unbundled, a self-reference) still
 * finds the files it ships or depends on. `fallback` (the caller's import.meta.url) where that
 * cannot be done, as under a test runner's loader.
 */
export function ownPackageUrl(resolve: ((specifier: string) => string) | undefined, specifier: string, fallback: string): string {
  try {
    return resolve?.(specifier) ?? fallback;
  } catch {
    return fallback;
  }
}

export async function sha256File(path: string): Promise<string> {
  // node:crypto on first use: loading it costs ~6 ms at start-up, and most commands never hash.
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    throw fsError(e, path);
  }
  return h.digest('hex');
}

export interface WriteOptions {
  /**
   * The output folder the user named. Everything below it is checked with lstat and no
   * symbolic link is followed for writing (issue 12: `out/heatmaps` linked elsewhere must
   * not receive the files); the root itself may be a link, since the user named it.
   */
  root?: string;
}

/** Refuse a write to `path` that leaves `root` or passes through a symbolic link below it. */
export function checkWritePath(root: string, path: string): void {
  const base = resolve(root);
  const rel = relative(base, resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    fail('IO', `is outside the output folder ${root}`, { file: path, hint: 'attnlens writes only inside the folder it was given' });
  }
  let cur = base;
  let shown = root; // the path as the user wrote it, for messages
  for (const part of rel.split(sep)) {
    cur = join(cur, part);
    shown = join(shown, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing further down exists yet
      throw fsError(e, shown, 'write');
    }
    if (st.isSymbolicLink()) {
      fail('IO', 'is a symbolic link inside the output folder; attnlens does not write through links', {
        file: shown,
        hint: `remove the link (or choose another output folder): files written there would land outside ${root}`,
      });
    }
  }
}

/**
 * Create the output folder `root` and its subfolders `subs`, refusing a root that is a
 * file, subfolders that are links, and folders that cannot be written, each with one
 * clear error before any work starts.
 */
export async function prepareOutputFolder(root: string, subs: string[] = []): Promise<void> {
  let st;
  try {
    st = statSync(root);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) fail('IO', 'is a file, not a folder', { file: root, hint: 'name a folder for the output (it is created), or move the file away' });
  for (const dir of [root, ...subs.map((s) => join(root, s))]) {
    if (dir !== root) checkWritePath(root, dir);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw fsError(e, dir, 'write');
    }
    if (dir !== root && !lstatSync(dir).isDirectory()) fail('IO', 'is a file, not a folder', { file: dir, hint: 'remove it: attnlens keeps its files there' });
    try {
      accessSync(dir, FS.W_OK);
    } catch (e) {
      throw fsError(e, dir, 'write');
    }
  }
}

/**
 * A new temporary file beside `path`, opened exclusively and without following a link
 * (O_EXCL | O_NOFOLLOW), so nothing planted at that name is written through. Its name
 * is what removeTempFiles removes. Rename it onto `path` when done; remove it on failure.
 */
export async function openTemp(path: string): Promise<{ tmp: string; fh: FileHandle }> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await open(tmp, FS.O_WRONLY | FS.O_CREAT | FS.O_EXCL | FS.O_NOFOLLOW, 0o666);
  return { tmp, fh };
}

/**
 * Node's FileHandle read/write take at most 2 GiB - 1 bytes a call (ERR_OUT_OF_RANGE beyond): every
 * big read or write in attnlens goes in pieces of this size instead (here and in @attnlens/npy).
 */
export const IO_PIECE_BYTES = 64 << 20;

/** A file being written atomically: see openAtomic. */
export interface AtomicFile {
  /** Write all of `bytes` at `position`, in pieces (any size, partial writes retried). */
  write(bytes: Uint8Array, position: number): Promise<void>;
  /** Close the temporary file and rename it onto the path. */
  commit(): Promise<void>;
  /** Close and remove the temporary file; never throws. */
  abort(): Promise<void>;
}

/**
 * The one atomic-write path of attnlens: a temporary file beside `path` (openTemp), written at
 * any position, renamed into place on commit (which replaces a link at `path` rather than writing
 * through it). A failed write or commit removes the temporary file and throws fsError's 'write'
 * error, so every writer reports the same failure the same way.
 */
export async function openAtomic(path: string, opts: WriteOptions = {}): Promise<AtomicFile> {
  if (opts.root !== undefined) checkWritePath(opts.root, path);
  const { tmp, fh } = await openTemp(path).catch((e: unknown) => {
    throw fsError(e, path, 'write');
  });
  let live = true;
  const abort = async () => {
    if (!live) return;
    live = false;
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
  };
  const failed = async (e: unknown): Promise<never> => {
    await abort();
    throw fsError(e, path, 'write');
  };
  return {
    async write(bytes, position) {
      if (!live) fail('BAD_ARGUMENT', 'write after the file was committed or aborted', { file: path });
      try {
        for (let p = 0; p < bytes.length;) {
          const { bytesWritten } = await fh.write(bytes, p, Math.min(IO_PIECE_BYTES, bytes.length - p), position + p);
          p += bytesWritten;
        }
      } catch (e) {
        await failed(e);
      }
    },
    async commit() {
      if (!live) fail('BAD_ARGUMENT', 'commit after the file was committed or aborted', { file: path });
      try {
        await fh.close();
        live = false;
        await rename(tmp, path);
      } catch (e) {
        live = true; // so that abort closes (again, harmlessly) and removes the temporary file
        await failed(e);
      }
    },
    abort,
  };
}

/**
 * Write chunks to `path` atomically (openAtomic). Chunks are batched into ~1 MB writes;
 * bigger ones are written as they are, without a copy.
 */
export async function atomicWriteChunks(path: string, chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>, opts: WriteOptions = {}): Promise<void> {
  const file = await openAtomic(path, opts);
  let pending: Uint8Array[] = [];
  let size = 0;
  let position = 0;
  const put = async (buf: Uint8Array) => {
    await file.write(buf, position);
    position += buf.length;
  };
  const flush = async () => {
    if (!pending.length) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    size = 0;
    await put(buf);
  };
  try {
    for await (const c of chunks) {
      const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      if (b.length >= 1 << 20) {
        await flush();
        await put(b);
        continue;
      }
      pending.push(b);
      size += b.length;
      if (size >= 1 << 20) await flush();
    }
    await flush();
    await file.commit();
  } catch (e) {
    await file.abort();
    throw e instanceof AttnlensError ? e : fsError(e, path, 'write');
  }
}

/**
 * Remove the temporary files this process left beside `path` (a writer stopped mid-way,
 * e.g. a worker thread terminated on Ctrl-C). Worker threads share the process id.
 */
export async function removeTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.${process.pid}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(prefix) && n.endsWith('.tmp')) await rm(join(dirname(path), n), { force: true });
}

/** Write a file atomically (see atomicWriteChunks). */
export async function atomicWriteFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): Promise<void> {
  await atomicWriteChunks(path, [data], opts);
}
