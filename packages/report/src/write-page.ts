import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '@attnlens/core/node';
import type { ReportFiles } from './pages.js';

/** Writes data/chunk-*.js, first removing chunk files of an earlier, larger run, so the folder holds one report. */
export async function writeChunks(out: string, chunks: ReportFiles['chunks']): Promise<void> {
  const data = join(out, 'data');
  for (const f of await readdir(data)) if (/^chunk-\d+\.js$/.test(f)) await rm(join(data, f), { force: true });
  for (const c of chunks) await atomicWriteFile(join(data, c.name), c.text, { root: out });
}

/** Writes index.html (last, so a finished page never points at missing chunks). Returns its path. */
export async function writeIndex(out: string, html: string): Promise<string> {
  const index = join(out, 'index.html');
  await atomicWriteFile(index, html, { root: out });
  return index;
}

/** Writes index.html and data/chunk-*.js. Returns index.html's path. */
export async function writePage(out: string, files: ReportFiles): Promise<string> {
  await writeChunks(out, files.chunks);
  return writeIndex(out, files.html);
}
