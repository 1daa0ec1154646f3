// Shard outputs on disk and their merge. A shard of OUT.attn.pb is that stream holding only
// its documents, plus OUT.attn.pb.shard.json: which shard it is and the position each of its
// documents had in the whole input. The index is written after the stream, both atomically,
// so a shard killed halfway leaves no index and is "missing" until rerun; a rerun removes the
// old index first, then rewrites both. The merge interleaves shards by those positions, so it gives the unsharded run's
// documents in the unsharded order: the merged file is byte-equal to an unsharded convert.
import { readFile, rm } from 'node:fs/promises';
// In core (not the report package) because compute and convert write these shards too, and a
// compute shard must not load the report's canvas code to do so (issue 16: ~0.3 s per shard).
import type { AttentionDocument } from './attention.js';
import { fail } from './errors.js';
import { atomicWriteChunks, atomicWriteFile, fsError } from './fs.js';
import { inShard, type Shard } from './shard.js';
import { documentKindFor, readDocumentFrames, readDocuments, writeDocuments } from './node.js';
import { encodeHeader } from './format/pb.js';
import { GENERATOR } from './version.js';

export interface ShardIndex {
  format: 'attnlens-shard';
  /** 0-based: 0..count-1. */
  shard: number;
  count: number;
  /** Position of each document of the shard in the whole input, increasing. */
  positions: number[];
}

export const shardIndexPath = (out: string): string => `${out}.shard.json`;

/**
 * Writes the documents of `shard` to `out` (.attn.pb/.attn.json), then its index. Returns how many.
 * `docs` is the whole input, of which the shard's are kept; or, with `position`, only the shard's
 * own documents, each at the input position `position` gives (increasing), for callers that
 * picked the shard's samples before computing them (compute: position = sample number).
 */
export async function writeShard(out: string, docs: Iterable<AttentionDocument> | AsyncIterable<AttentionDocument>, shard: Shard, position?: (d: AttentionDocument) => number): Promise<number> {
  // A rerun killed halfway must leave the shard missing, not an old index beside a newer stream.
  await rm(shardIndexPath(out), { force: true }).catch((e) => { throw fsError(e, shardIndexPath(out)); });
  const positions: number[] = [];
  async function* mine(): AsyncGenerator<AttentionDocument> {
    let i = 0;
    for await (const d of docs) {
      const at = position ? position(d) : i++;
      if (!inShard(d.id, shard)) {
        if (position) fail('BAD_ARGUMENT', `document ${JSON.stringify(d.id)} is not shard ${shard.index}/${shard.count}'s`, { file: out });
        continue;
      }
      if (!(Number.isSafeInteger(at) && at > (positions[positions.length - 1] ?? -1))) fail('BAD_ARGUMENT', `document ${JSON.stringify(d.id)} is at input position ${at}, not after the shard's previous one`, { file: out });
      positions.push(at);
      yield d;
    }
  }
  const n = await writeDocuments(out, mine());
  const index: ShardIndex = { format: 'attnlens-shard', shard: shard.index, count: shard.count, positions };
  await atomicWriteFile(shardIndexPath(out), JSON.stringify(index) + '\n');
  return n;
}

/**
 * The JSON record a finished shard writes last (a document shard's index, an .npy shard's
 * index, a report shard's record): `missing` when there is none (the shard did not finish),
 * CORRUPT when it is not JSON or `valid` refuses it. One reader for every kind of shard.
 */
export async function readShardRecord<T>(
  path: string,
  o: { valid: (record: unknown) => boolean; what: string; rerun: string; missing: { file: string; message: string; hint: string } },
): Promise<T> {
  const text = await readFile(path, 'utf8').catch((e) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail('NOT_FOUND', o.missing.message, { file: o.missing.file, hint: o.missing.hint });
    throw fsError(e, path);
  });
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return fail('CORRUPT', 'is not JSON', { file: path, hint: o.rerun });
  }
  if (!o.valid(record)) fail('CORRUPT', `is not ${o.what}`, { file: path, hint: o.rerun });
  return record as T;
}

/** What a shard without its index is: unfinished, or not a shard. */
export const unfinishedShard = (file: string, path: string) => ({ file, message: 'has no shard index beside it (its shard did not finish, or it is not a shard)', hint: `rerun that shard; it writes ${path} when done` });

const validIndex = (r: unknown): boolean => {
  const o = r as ShardIndex | null;
  return !!o && o.format === 'attnlens-shard' && Number.isSafeInteger(o.shard) && Number.isSafeInteger(o.count) && o.shard >= 0 && o.shard < o.count && Array.isArray(o.positions) && o.positions.every((p, i) => Number.isSafeInteger(p) && p >= 0 && (i === 0 || p > o.positions[i - 1]!));
};

function readIndex(file: string): Promise<ShardIndex> {
  const path = shardIndexPath(file);
  return readShardRecord<ShardIndex>(path, { valid: validIndex, what: 'a valid shard index (format, shard K of N with K from 0, increasing positions)', rerun: 'rerun the shard that wrote it', missing: unfinishedShard(file, path) });
}

export interface MergeResult {
  documents: number;
  count: number;
  /** Shard numbers not given (only with allowMissing). */
  missing: number[];
}

/**
 * Merges shard files (any order) into `out`, documents back in their input order. All N
 * shards must be there, each once, unless `allowMissing` (then the missing ones are listed).
 */
export async function mergeShards(out: string, files: string[], opts: { allowMissing?: boolean } = {}): Promise<MergeResult> {
  if (!files.length) fail('BAD_ARGUMENT', 'no shard files to merge');
  const parts = await Promise.all(files.map(async (file) => ({ file, index: await readIndex(file) })));
  const count = parts[0]!.index.count;
  const byShard = new Map<number, (typeof parts)[number]>();
  for (const p of parts) {
    if (p.index.count !== count) fail('BAD_ARGUMENT', `is shard ${p.index.shard} of ${p.index.count}, but ${parts[0]!.file} is of ${count}`, { file: p.file, hint: 'merge the shards of one run' });
    const twin = byShard.get(p.index.shard);
    if (twin) fail('BAD_ARGUMENT', `is shard ${p.index.shard}/${count}, as is ${twin.file}`, { file: p.file, hint: 'give each shard once' });
    byShard.set(p.index.shard, p);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((k) => !byShard.has(k));
  if (missing.length && !opts.allowMissing) fail('NOT_FOUND', `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing from the merge`, { hint: 'run the missing shards first, or allow a partial merge' });
  // To an .attn.pb, the shards' document frames are copied as written (no decode and re-encode:
  // a tenth of the time at a million documents); to .attn.json, documents are decoded.
  const documents = documentKindFor(out) === 'pb'
    ? await writeFrames(out, interleave([...byShard.values()], readDocumentFrames))
    : await writeDocuments(out, interleave([...byShard.values()], readDocuments));
  return { documents, count, missing };
}

/** The items of the shards' streams in input order (by their indexes' positions), checked against the indexes. */
async function* interleave<T>(parts: { file: string; index: ShardIndex }[], read: (file: string) => AsyncIterable<T>): AsyncGenerator<T> {
  const streams = parts.map((p) => ({ ...p, it: read(p.file)[Symbol.asyncIterator](), next: 0 }));
  for (;;) {
    let best: (typeof streams)[number] | undefined;
    for (const s of streams) if (s.next < s.index.positions.length && (!best || s.index.positions[s.next]! < best.index.positions[best.next]!)) best = s;
    if (!best) break;
    const r = await best.it.next();
    if (r.done) fail('CORRUPT', `holds ${best.next} documents, but its index lists ${best.index.positions.length}`, { file: best.file, hint: 'rerun that shard' });
    best.next++;
    yield r.value;
  }
  for (const s of streams) if (!(await s.it.next()).done) fail('CORRUPT', `holds more documents than its index lists (${s.index.positions.length})`, { file: s.file, hint: 'rerun that shard' });
}

/** An .attn.pb of these document frames after the header writeDocuments writes, atomically; the number written. */
async function writeFrames(out: string, frames: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield encodeHeader({ generator: GENERATOR });
    for await (const f of frames) {
      n++;
      yield f;
    }
  }
  await atomicWriteChunks(out, stream());
  return n;
}
