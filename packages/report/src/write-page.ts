import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '@attnlens/core/node';

/** Removes data/chunk-*.js of an earlier run before the rows' chunks are written, so the folder holds one report. */
export async function removeOldChunks(out: string): Promise<void> {
  const data = join(out, 'data');
  for (const f of await readdir(data)) if (/^chunk-\d+\.js$/.test(f)) await rm(join(data, f), { force: true });
}

/** Writes index.html (last, so a finished page never points at missing chunks). Returns its path. */
export async function writeIndex(out: string, html: string): Promise<string> {
  const index = join(out, 'index.html');
  await atomicWriteFile(index, html, { root: out });
  return index;
}
