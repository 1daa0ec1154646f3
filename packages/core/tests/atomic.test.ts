// openAtomic, the one atomic-write path (src/fs.ts): positioned writes land where asked, nothing is
// at the path until commit, a failure or abort leaves no temporary file, and a closed file refuses writes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteChunks, openAtomic } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-core-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openAtomic', () => {
  it('writes at positions, shows nothing before commit, and renames on commit', async () => {
    const path = join(dir, 'a.bin');
    const f = await openAtomic(path);
    await f.write(Uint8Array.of(9, 9, 9, 9), 0);
    await f.write(Uint8Array.of(5, 6), 4);
    await f.write(Uint8Array.of(1, 2), 0); // a header fixed up at the end, as the streamed .npy writer does
    expect(existsSync(path)).toBe(false);
    await f.commit();
    expect([...readFileSync(path)]).toEqual([1, 2, 9, 9, 5, 6]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expect(f.write(Uint8Array.of(1), 0)).rejects.toThrow(/write after the file was committed or aborted/);
  });

  it('abort leaves neither the file nor a temporary one', async () => {
    const path = join(dir, 'b.bin');
    const f = await openAtomic(path);
    await f.write(Uint8Array.of(1), 0);
    await f.abort();
    await f.abort();
    expect(readdirSync(dir).filter((n) => n.startsWith('b.bin'))).toEqual([]);
  });

  it('a chunk source that fails mid-way leaves nothing, and its own error comes through', async () => {
    const path = join(dir, 'c.bin');
    async function* chunks() {
      yield new Uint8Array(2 << 20); // written straight away (over the 1 MB batch)
      throw new Error('the encoder gave up');
    }
    await expect(atomicWriteChunks(path, chunks())).rejects.toThrow('the encoder gave up');
    expect(readdirSync(dir).filter((n) => n.startsWith('c.bin'))).toEqual([]);
  });
});
