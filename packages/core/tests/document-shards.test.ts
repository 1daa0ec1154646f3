import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttnlensError, DocumentStreamDecoder, encodeDocumentDelimited, encodeStream, type AttentionDocument } from '../src/index.js';
import { mergeShards, readDocuments, writeDocuments, writeShard } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-document-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const docs: AttentionDocument[] = Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, maps: [{ shape: [2], weights: Float32Array.from([0.5, 0.5]) }] }));
async function* of(xs: AttentionDocument[]) { yield* xs; }
// Not test/helpers/errors.ts: it imports @attnlens/core's built types, and core's own typecheck runs before core is built.
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

describe('merging document shards', () => {
  it('copies .attn.pb frames as written (byte-equal to one run) and decodes for an .attn.json output', async () => {
    const whole = join(dir, 'whole.attn.pb');
    await writeDocuments(whole, of(docs));
    const shards = [0, 1, 2].map((k) => join(dir, `s${k}.attn.pb`));
    for (const [k, f] of shards.entries()) await writeShard(f, of(docs), { index: k, count: 3, source: '' });
    const merged = join(dir, 'merged.attn.pb');
    expect((await mergeShards(merged, [shards[2]!, shards[0]!, shards[1]!])).documents).toBe(20);
    expect(readFileSync(merged).equals(readFileSync(whole))).toBe(true);
    const json = join(dir, 'merged.attn.json');
    await mergeShards(json, shards);
    const back: string[] = [];
    for await (const d of readDocuments(json)) back.push(d.id);
    expect(back).toEqual(docs.map((d) => d.id));
  });

  it('pushFrames gives each document frame, prefix included, and checks the header and a cut end', () => {
    const stream = encodeStream(docs.slice(0, 3));
    const dec = new DocumentStreamDecoder('x.attn.pb');
    const frames = [...dec.pushFrames(stream.subarray(0, 7)), ...dec.pushFrames(stream.subarray(7))];
    dec.end();
    expect(frames.map((f) => Buffer.from(f).toString('hex'))).toEqual(docs.slice(0, 3).map((d) => Buffer.from(encodeDocumentDelimited(d)).toString('hex')));
    const cut = new DocumentStreamDecoder('x.attn.pb');
    cut.pushFrames(stream.subarray(0, stream.length - 2));
    expect(() => cut.end()).toThrow(/ends inside document/);
  });
});
