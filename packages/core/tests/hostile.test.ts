// Crafted documents and output folders (issue 12): hierarchies nested thousands deep,
// maps of millions of weights, output folders holding symbolic links.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeJson, decodeStream, encodeDocumentDelimited, encodeJson, encodeStream, MAX_MAP_DEPTH, validateDocument,
  type AttentionDocument, type AttentionMap,
} from '../src/index.js';
import { atomicWriteFile, checkWritePath, prepareOutputFolder, readDocuments, writeDocuments } from '../src/node.js';
import { deepJson, deepPb } from './deep-documents.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-core-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nested(depth: number): AttentionMap {
  let m: AttentionMap = { shape: [1], weights: Float32Array.of(1) };
  for (let i = 0; i < depth; i++) m = { shape: [1], weights: Float32Array.of(1), children: [m] };
  return m;
}

describe('nesting depth', () => {
  const tooDeep = new RegExp(`children are nested more than ${MAX_MAP_DEPTH} levels deep`);
  it('refuses 20000-deep children in .attn.pb and .attn.json with one clear error, not a stack overflow', () => {
    expect(() => decodeStream(deepPb(20000), 'deep.attn.pb')).toThrow(/^deep\.attn\.pb: document 0 at byte \d+: children are nested more than 16 levels deep$/);
    expect(() => decodeJson(deepJson(20000), 'deep.attn.json')).toThrow(/^deep\.attn\.json: document 0\.maps\[0\]: children are nested more than 16 levels deep$/);
  });

  it('draws the line at MAX_MAP_DEPTH, below protobufjs own limit of 100', () => {
    expect(decodeStream(deepPb(MAX_MAP_DEPTH)).documents[0]!.maps[0]!.children).toHaveLength(1);
    expect(() => decodeStream(deepPb(MAX_MAP_DEPTH + 1))).toThrow(tooDeep);
    expect(() => decodeJson(deepJson(MAX_MAP_DEPTH + 1))).toThrow(tooDeep);
    expect(() => validateDocument({ id: 'x', maps: [nested(MAX_MAP_DEPTH + 1)] })).toThrow(tooDeep);
    expect(() => encodeStream([{ id: 'x', maps: [nested(MAX_MAP_DEPTH + 1)] }])).toThrow(tooDeep);
    expect(() => validateDocument({ id: 'x', maps: [nested(MAX_MAP_DEPTH)] })).not.toThrow();
  });
});

describe('big maps are written in bounded memory', () => {
  const n = 300_000;
  const same = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = ((i * 7919) % 1000) / 997;
  const doc: AttentionDocument = { id: 'big', maps: [{ name: 'm', shape: [n], weights: w, layer: 'att' }], trueLabel: 'pos' };

  it('encodes the weights as their own 4 bytes each, and reads them back exactly', () => {
    const bytes = encodeDocumentDelimited(doc);
    expect(bytes.length).toBeLessThan(4 * n + 64);
    expect(bytes.length).toBeGreaterThan(4 * n);
    const back = decodeStream(encodeStream([doc])).documents[0]!;
    expect(same(back.maps[0]!.weights, w)).toBe(true);
    expect(back.maps[0]!.layer).toBe('att');
    expect(back.trueLabel).toBe('pos');
  });

  it('streams .attn.json to disk in pieces, byte for byte what encodeJson gives', async () => {
    const small: AttentionDocument[] = [doc, { id: 'h', maps: [{ shape: [2], weights: Float32Array.of(0.25, NaN), children: [nested(1), nested(0)] }] }];
    const p = join(dir, 'big.attn.json');
    expect(await writeDocuments(p, small, { generator: 'test' })).toBe(2);
    expect(readFileSync(p, 'utf8')).toBe(encodeJson(small, { generator: 'test' }));
    const back = [];
    for await (const d of readDocuments(p)) back.push(d);
    expect(same(back[0]!.maps[0]!.weights, w)).toBe(true);
    expect(Number.isNaN(back[1]!.maps[0]!.weights[1])).toBe(true);
    const empty = join(dir, 'empty.attn.json');
    await writeDocuments(empty, [], { generator: 'test' });
    expect(readFileSync(empty, 'utf8')).toBe(encodeJson([], { generator: 'test' }));
  });
});

describe('writing inside the output folder only', () => {
  it('refuses a symbolic link anywhere below the output root, and paths outside it', async () => {
    const root = join(dir, 'out');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(root);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'heatmaps'));
    await expect(atomicWriteFile(join(root, 'heatmaps', 'a.png'), 'x', { root })).rejects.toThrow(/out\/heatmaps: is a symbolic link inside the output folder; attnlens does not write through links/);
    await expect(prepareOutputFolder(root, ['heatmaps'])).rejects.toThrow(/heatmaps: is a symbolic link/);
    symlinkSync(join(elsewhere, 'target.txt'), join(root, 'index.html'));
    await expect(atomicWriteFile(join(root, 'index.html'), 'x', { root })).rejects.toThrow(/index\.html: is a symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(() => checkWritePath(root, join(root, '..', 'escape.txt'))).toThrow(/is outside the output folder/);
    expect(() => checkWritePath(root, join(root, 'sub', 'new.png'))).not.toThrow();
    // the root itself was named by the user: a link there is followed
    symlinkSync(elsewhere, join(dir, 'linked-root'));
    await atomicWriteFile(join(dir, 'linked-root', 'ok.txt'), 'fine', { root: join(dir, 'linked-root') });
    expect(readFileSync(join(elsewhere, 'ok.txt'), 'utf8')).toBe('fine');
  });

  it('says clearly when the output folder is a file', async () => {
    const f = join(dir, 'a-file');
    writeFileSync(f, 'x');
    await expect(prepareOutputFolder(f)).rejects.toThrow(/a-file: is a file, not a folder/);
    await expect(prepareOutputFolder(join(f, 'sub'))).rejects.toThrow(/a-file\/sub: cannot write: a part of the path is a file, not a folder/);
  });
});
