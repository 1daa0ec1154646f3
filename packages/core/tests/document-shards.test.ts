import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttnlensError, type AttentionDocument } from '../src/index.js';
import { mergeShards, writeShard } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-document-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const docs: AttentionDocument[] = Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, maps: [{ shape: [2], weights: Float32Array.from([0.5, 0.5]) }] }));
async function* of(xs: AttentionDocument[]) { yield* xs; }
const refused = async (p: Promise<unknown>, text: string) => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AttnlensError);
  expect(String((e as Error).message)).toContain(text);
};

describe('document shard index checks', () => {
  it('refuses an index that is not JSON, lists positions out of order, or disagrees with its stream', async () => {
    const a = join(dir, 'a.attn.pb');
    const b = join(dir, 'b.attn.pb');
    expect(await writeShard(a, of(docs), { index: 0, count: 2, source: '' })).toBeGreaterThan(0);
    await writeShard(b, of(docs), { index: 1, count: 2, source: '' });
    const good = readFileSync(`${b}.shard.json`, 'utf8');
    writeFileSync(`${b}.shard.json`, '{not json');
    await refused(mergeShards(join(dir, 'm.attn.pb'), [a, b]), 'is not JSON');
    const idx = JSON.parse(good) as { positions: number[] };
    writeFileSync(`${b}.shard.json`, JSON.stringify({ ...idx, positions: [...idx.positions].reverse() }));
    await refused(mergeShards(join(dir, 'm.attn.pb'), [a, b]), 'not a valid shard index');
    writeFileSync(`${b}.shard.json`, JSON.stringify({ ...idx, positions: [...idx.positions, 999] }));
    await refused(mergeShards(join(dir, 'm.attn.pb'), [a, b]), 'but its index lists');
    writeFileSync(`${b}.shard.json`, JSON.stringify({ ...idx, positions: idx.positions.slice(1) }));
    await refused(mergeShards(join(dir, 'm.attn.pb'), [a, b]), 'more documents than its index lists');
    writeFileSync(`${b}.shard.json`, JSON.stringify({ ...idx, count: 3 }));
    await refused(mergeShards(join(dir, 'm.attn.pb'), [a, b]), 'is shard 1 of 3');
  });
});
