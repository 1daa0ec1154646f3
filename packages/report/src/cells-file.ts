// The collector's cell texts in a temporary file (Node), so that a report of a million samples
// holds a few numbers per cell in memory rather than its text. Appends are buffered and
// written with positioned sync writes (the collector's add is synchronous); reads of the cells
// of consecutive rows, which were appended one after another, are one read of their span.
import { closeSync, constants as FS, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsError, openTemp } from '@attnlens/core/node';
import { NumberColumn, type CellStore } from './collect.js';

const FLUSH_BYTES = 1 << 20;

/** Whether process `pid` still runs (signal 0 only checks; EPERM means it runs as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cell files of runs that were killed (SIGKILL, a lost machine) and so could not remove them:
 * openTemp names them cells.PID.RANDOM.tmp, and one whose process is gone is removed.
 */
async function removeDeadCells(folder: string): Promise<void> {
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const m = /^cells\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await rm(join(folder, name), { force: true });
  }
}
const WINDOW_BYTES = 1 << 20;

export class FileCells implements CellStore {
  private readonly offsets = new NumberColumn('f64');
  private readonly lengths = new NumberColumn();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0; // bytes in the file
  private end = 0; // bytes in the file and pending
  private window: Buffer | undefined;
  private windowAt = 0;

  private constructor(private readonly path: string, private fd: number) {}

  /** A new store in `folder` (the report's data/ folder), as a temp file removeTempFiles(join(folder, 'cells')) removes. */
  static async create(folder: string): Promise<FileCells> {
    await removeDeadCells(folder);
    const { tmp, fh } = await openTemp(join(folder, 'cells')).catch((e: unknown) => {
      throw fsError(e, folder, 'write');
    });
    await fh.close();
    return new FileCells(tmp, openSync(tmp, FS.O_RDWR | FS.O_NOFOLLOW));
  }

  put(text: string): number {
    const b = Buffer.from(text, 'utf8');
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.lengths.push(b.length);
    const h = this.offsets.push(this.end);
    this.end += b.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return h;
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    try {
      for (let at = 0; at < all.length; ) at += writeSync(this.fd, all, at, all.length - at, this.written + at);
    } catch (e) {
      throw fsError(e, this.path, 'write');
    }
    this.written += all.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private read(position: number, length: number): Buffer {
    const b = Buffer.allocUnsafe(length);
    try {
      for (let at = 0; at < length; ) {
        const n = readSync(this.fd, b, at, length - at, position + at);
        if (n === 0) throw new Error(`unexpected end of ${this.path}`);
        at += n;
      }
    } catch (e) {
      throw fsError(e, this.path);
    }
    return b;
  }

  get(handles: readonly number[]): string[] {
    if (!handles.length) return [];
    this.flush();
    return handles.map((h) => {
      const o = this.offsets.get(h);
      const l = this.lengths.get(h);
      // Rows are read in the order their cells were appended (one input): a window of the file
      // serves the next many cells with one read.
      if (!this.window || o < this.windowAt || o + l > this.windowAt + this.window.length) {
        if (l > WINDOW_BYTES) return this.read(o, l).toString('utf8');
        this.windowAt = o;
        this.window = this.read(o, Math.min(WINDOW_BYTES, this.written - o));
      }
      return this.window.toString('utf8', o - this.windowAt, o - this.windowAt + l);
    });
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
  }
}
