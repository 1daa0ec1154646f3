// .npy shards: shard K of N of an array of R rows holds rows [floor(K·R/N), floor((K+1)·R/N))
// (core's shardRows) as an .npy of its own, and OUT.npy.shard.json says which rows those are,
// how many the whole array has, and which input the run read (its size and a SHA-256 of its
// first and last 64 KiB, which covers the .npy header), so shards of different runs are never
// joined. The index is written after the .npy is in place, so a shard killed halfway has no
// index and is missing until rerun. The merge streams the shards, in row order, through the
// one .npy writer (createNpyWriter) an unsharded run uses: the result is byte-equal to it.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fail, formatShape, shardRows, type Shard } from '@attnlens/core';
import { atomicWriteFile, fileSize, fsError, readRange, readShardRecord, unfinishedShard } from '@attnlens/core/node';
import { createNpyWriter, openNpy, type NpyReader } from './node.js';

export interface NpyShardIndex {
  format: 'attnlens-npy-shard';
  /** 0-based: 0..count-1. */
  shard: number;
  count: number;
  /** The whole array's rows [start, end) this shard holds. */
  rows: [number, number];
  /** Rows of the whole array (of the input the run read). */
  total: number;
  /** The input's shape (X), for messages and to tell runs apart. */
  inputShape: number[];
  /** The input the run read: its size and the SHA-256 of its first and last 64 KiB. */
  input: { size: number; sha256: string };
  /** What else makes the run (the layer's weights): shards merge only with equal `run`. */
  run?: string;
}

export const npyShardIndexPath = (out: string): string => `${out}.shard.json`;

const SAMPLE = 64 << 10;

/** Size and SHA-256 of the first and last 64 KiB of `path`: cheap, and tells a different X (header or data) apart. */
export async function inputFingerprint(path: string): Promise<{ size: number; sha256: string }> {
  const size = await fileSize(path);
  // node:crypto on first use (~6 ms to load, issue 15), as core's sha256File.
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  h.update(await readRange(path, 0, Math.min(size, SAMPLE)));
  if (size > SAMPLE) h.update(await readRange(path, Math.max(SAMPLE, size - SAMPLE), Math.min(SAMPLE, size - SAMPLE)));
  return { size, sha256: h.digest('hex') };
}

/** Remove a shard's old index before it is rewritten, so a rerun killed halfway leaves the shard missing, not stale. */
export async function removeNpyShardIndex(out: string): Promise<void> {
  await rm(npyShardIndexPath(out), { force: true }).catch((e) => { throw fsError(e, npyShardIndexPath(out)); });
}

/** Write the index of a finished shard `out` (after the .npy is in place). */
export async function writeNpyShardIndex(out: string, shard: Shard, o: { total: number; inputShape: number[]; input: { size: number; sha256: string }; run?: string }): Promise<NpyShardIndex> {
  const index: NpyShardIndex = { format: 'attnlens-npy-shard', shard: shard.index, count: shard.count, rows: shardRows(shard.index, shard.count, o.total), total: o.total, inputShape: o.inputShape, input: o.input, ...(o.run ? { run: o.run } : {}) };
  await atomicWriteFile(npyShardIndexPath(out), JSON.stringify(index) + '\n');
  return index;
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

const validNpyIndex = (r: unknown): boolean => {
  const o = r as NpyShardIndex | null;
  return o?.format === 'attnlens-npy-shard' && isCount(o.count) && o.count >= 1 && isCount(o.shard) && o.shard < o.count && isCount(o.total)
    && Array.isArray(o.rows) && o.rows.length === 2 && o.rows.every(isCount) && Array.isArray(o.inputShape) && o.inputShape.every(isCount)
    && typeof o.input?.sha256 === 'string' && isCount(o.input.size) && (o.run === undefined || typeof o.run === 'string');
};

function readNpyShardIndex(file: string): Promise<NpyShardIndex> {
  const path = npyShardIndexPath(file);
  return readShardRecord<NpyShardIndex>(path, { valid: validNpyIndex, what: 'an .npy shard index (format, shard K of N with K from 0, rows, total, input)', rerun: 'rerun the shard that wrote it', missing: unfinishedShard(file, path) });
}

const sameRun = (a: NpyShardIndex, b: NpyShardIndex) =>
  a.count === b.count && a.total === b.total && a.input.size === b.input.size && a.input.sha256 === b.input.sha256 && a.run === b.run && JSON.stringify(a.inputShape) === JSON.stringify(b.inputShape);

export interface NpyMergeResult {
  rows: number;
  count: number;
  shape: number[];
}

/** Bytes of rows copied per read while merging. */
const MERGE_CHUNK = 4 << 20;

/**
 * Joins .npy shards (any order) into `out`, rows in their places: all N shards of one run,
 * each once, with no gap or overlap; refuses otherwise, naming the missing shard.
 */
export async function mergeNpyShards(out: string, files: string[]): Promise<NpyMergeResult> {
  if (!files.length) fail('BAD_ARGUMENT', 'no shard files to merge');
  // Writing over a shard would leave its index beside the merged array, claiming it is that shard.
  if (files.some((f) => resolve(f) === resolve(out))) fail('BAD_ARGUMENT', 'is one of the shards being merged', { file: out, hint: 'write the merged array to a new file' });
  const parts = await Promise.all(files.map(async (file) => ({ file, index: await readNpyShardIndex(file) })));
  const first = parts[0]!;
  const count = first.index.count;
  const byShard = new Map<number, (typeof parts)[number]>();
  for (const p of parts) {
    if (!sameRun(p.index, first.index)) {
      fail('BAD_ARGUMENT', `is shard ${p.index.shard}/${p.index.count} of another run than ${first.file} (its input, total rows or layer differ)`, { file: p.file, hint: 'merge the shards of one run: the same X and weights, the same number of shards' });
    }
    const twin = byShard.get(p.index.shard);
    if (twin) fail('BAD_ARGUMENT', `is shard ${p.index.shard}/${count}, as is ${twin.file}`, { file: p.file, hint: 'give each shard once' });
    const want = shardRows(p.index.shard, count, p.index.total);
    if (p.index.rows[0] !== want[0] || p.index.rows[1] !== want[1]) {
      fail('CORRUPT', `says shard ${p.index.shard}/${count} holds rows ${p.index.rows[0]}..${p.index.rows[1]}, but that shard's rows are ${want[0]}..${want[1]} (a gap or an overlap)`, { file: npyShardIndexPath(p.file), hint: 'rerun that shard' });
    }
    byShard.set(p.index.shard, p);
  }
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !byShard.has(k));
  if (missing.length) {
    const list = missing.map((k) => { const [a, b] = shardRows(k, count, first.index.total); return `${k}/${count} (rows ${a}..${b})`; });
    fail('NOT_FOUND', `shard${missing.length > 1 ? 's' : ''} ${list.join(', ')} missing from the merge`, { hint: 'run the missing shards first: an array with rows missing cannot be merged' });
  }
  const readers: { file: string; r: NpyReader; rows: number }[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const p = byShard.get(k)!;
      const r = await openNpy(p.file);
      readers.push({ file: p.file, r, rows: p.index.rows[1] - p.index.rows[0] });
      const r0 = readers[0]!.r;
      if (r.header.dtype !== r0.header.dtype || JSON.stringify(r.rowShape) !== JSON.stringify(r0.rowShape)) {
        fail('SHAPE_MISMATCH', `holds ${r.header.dtype} rows of ${formatShape(r.rowShape)}, but ${readers[0]!.file} holds ${r0.header.dtype} rows of ${formatShape(r0.rowShape)}`, { file: p.file, hint: 'merge the shards of one run' });
      }
      if (r.rows !== readers[k]!.rows) fail('CORRUPT', `holds ${r.rows} rows, but its index says ${readers[k]!.rows}`, { file: p.file, hint: 'rerun that shard' });
    }
    return await copyRows(out, readers, count);
  } finally {
    await Promise.all(readers.map((x) => x.r.close()));
  }
}

async function copyRows(out: string, readers: { r: NpyReader; rows: number }[], count: number): Promise<NpyMergeResult> {
  const { dtype } = readers[0]!.r.header;
  const rowShape = readers[0]!.r.rowShape;
  const rowBytes = Math.max(1, readers[0]!.r.header.dataBytes / Math.max(1, readers[0]!.r.rows));
  const perChunk = Math.max(1, Math.floor(MERGE_CHUNK / rowBytes));
  const writer = await createNpyWriter(out, dtype, rowShape);
  let rows = 0;
  try {
    for (const { r } of readers) {
      for await (const c of r.chunks(perChunk)) await writer.write(c.tensor);
      rows += r.rows;
    }
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return { rows, count, shape: [rows, ...rowShape] };
}
