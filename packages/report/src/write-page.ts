import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '@attnlens/core/node';
import type { ReportFiles } from './pages.js';

/** Writes index.html and data/chunk-*.js, first removing chunk files of an earlier, larger run. Returns index.html's path. */
export async function writePage(out: string, files: ReportFiles): Promise<string> {
  const data = join(out, 'data');
  for (const f of await readdir(data)) if (/^chunk-\d+\.js$/.test(f)) await rm(join(data, f), { force: true });
  for (const c of files.chunks) await atomicWriteFile(join(data, c.name), c.text, { root: out });
  const index = join(out, 'index.html');
  await atomicWriteFile(index, files.html, { root: out });
  return index;
}
