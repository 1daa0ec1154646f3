// .npy shards: the merge refuses what would not give the one run's array, each with a clear error.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttnlensError, tensor } from '@attnlens/core';
import { inputFingerprint, mergeNpyShards, npyShardIndexPath, writeNpyFile, writeNpyShardIndex, readNpyFile } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-npy-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const R = 10;
const x = join(dir, 'x.npy');
const part = (k: number) => join(dir, `p${k}.npy`);
const rows = (a: number, b: number) => tensor('float32', [b - a, 2], Float32Array.from({ length: (b - a) * 2 }, (_, i) => a * 2 + i));
const ranges: [number, number][] = [[0, 3], [3, 6], [6, 10]];

beforeAll(async () => {
  await writeNpyFile(x, tensor('float32', [R, 2, 3], new Float32Array(R * 6)));
  const input = await inputFingerprint(x);
  for (const [k, [a, b]] of ranges.entries()) {
    await writeNpyFile(part(k), rows(a, b));
    await writeNpyShardIndex(part(k), { index: k, count: 3, source: '' }, { total: R, inputShape: [R, 2, 3], input, run: 'w' });
  }
});

const refused = async (files: string[], text: string) => {
  const out = join(dir, 'out.npy');
  const e = await mergeNpyShards(out, files).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AttnlensError);
  expect((e as AttnlensError).message).toContain(text);
  expect(existsSync(out)).toBe(false);
};

describe('mergeNpyShards', () => {
  it('joins shards given in any order into rows 0..R in place', async () => {
    const out = join(dir, 'ok.npy');
    expect(await mergeNpyShards(out, [part(2), part(0), part(1)])).toEqual({ rows: R, count: 3, shape: [R, 2] });
    expect([...((await readNpyFile(out)).data as Float32Array)]).toEqual(Array.from({ length: R * 2 }, (_, i) => i));
  });
  it('names a missing shard and its rows, and refuses a shard given twice', async () => {
    await refused([part(0), part(2)], 'shard 1/3 (rows 3..6) missing');
    await refused([part(0), part(1), part(1), part(2)], 'is shard 1/3, as is');
    const e = await mergeNpyShards(part(0), [part(0), part(1), part(2)]).catch((err: unknown) => err);
    expect((e as AttnlensError).message).toContain('is one of the shards being merged');
    expect(readFileSync(part(0)).length).toBeGreaterThan(0);
  });
  it('refuses shards of another run: another input, another layer, another number of shards', async () => {
    const idx = readFileSync(npyShardIndexPath(part(1)), 'utf8');
    const o = JSON.parse(idx) as Record<string, unknown>;
    try {
      for (const change of [{ input: { size: 1, sha256: 'x' } }, { run: 'other' }, { total: 11 }, { count: 4 }]) {
        writeFileSync(npyShardIndexPath(part(1)), JSON.stringify({ ...o, ...change }));
        await refused([part(0), part(1), part(2)], 'of another run');
      }
      writeFileSync(npyShardIndexPath(part(1)), JSON.stringify({ ...o, rows: [2, 6] }));
      await refused([part(0), part(1), part(2)], 'a gap or an overlap');
      writeFileSync(npyShardIndexPath(part(1)), '{');
      await refused([part(0), part(1), part(2)], 'is not JSON');
      writeFileSync(npyShardIndexPath(part(1)), JSON.stringify({ ...o, shard: 3 }));
      await refused([part(0), part(1), part(2)], 'not an .npy shard index');
      rmSync(npyShardIndexPath(part(1)));
      await refused([part(0), part(1), part(2)], 'has no shard index');
    } finally {
      writeFileSync(npyShardIndexPath(part(1)), idx);
    }
  });
  it('refuses a shard whose file disagrees with its index', async () => {
    const saved = readFileSync(part(1));
    try {
      await writeNpyFile(part(1), rows(3, 5));
      await refused([part(0), part(1), part(2)], 'holds 2 rows, but its index says 3');
      await writeNpyFile(part(1), tensor('float32', [3, 3], new Float32Array(9)));
      await refused([part(0), part(1), part(2)], 'float32 rows of (3,), but');
    } finally {
      writeFileSync(part(1), saved);
    }
  });
  it('tells inputs apart by their first and last 64 KiB and size', async () => {
    const big = join(dir, 'big.npy');
    const data = new Float32Array(100_000);
    await writeNpyFile(big, tensor('float32', [100_000], data));
    const a = await inputFingerprint(big);
    data[99_999] = 1;
    await writeNpyFile(big, tensor('float32', [100_000], data));
    expect((await inputFingerprint(big)).sha256).not.toBe(a.sha256);
    expect((await inputFingerprint(big)).size).toBe(a.size);
  });
});
