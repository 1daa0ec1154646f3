// Splitting a run into N shards that separate processes (or machines) run independently.
// Shards are numbered K = 0..N-1, as the batch engines number their tasks (Kubernetes'
// JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM's --array=0-(N-1)), so
// `--shard $JOB_COMPLETION_INDEX/8` works as written.
// Two policies:
// - documents: a document belongs to shard (FNV-1a-32 of its id's UTF-8 bytes) mod N. The hash
//   is a function of the id alone, so every shard agrees without talking to the others, a rerun
//   gives the same split, and the input's order does not matter. FNV-1a (not a crypto hash) so
//   the page and Node compute it the same way without node:crypto.
// - rows of an array (compute's .npy outputs): shard K of N takes the contiguous rows
//   [floor(K·R/N), floor((K+1)·R/N)) of R, so the shards, in order, are the whole array.
import { fail } from './errors.js';
import type { AttentionDocument } from './attention.js';

/** Shard `index` (0-based, 0..count-1) of `count`, and where that came from (for the command to say). */
export interface Shard {
  index: number;
  count: number;
  source: string;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over the UTF-8 bytes of `id`. */
export function idHash(id: string): number {
  let h = FNV_OFFSET;
  for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h >>> 0;
}

/** The shard (0..count-1) a sample id belongs to among `count`. */
export function shardOf(id: string, count: number): number {
  return idHash(id) % count;
}

/** True when the document id `id` is `shard`'s (always without a shard, or with one shard). */
export function inShard(id: string, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || shardOf(id, shard.count) === shard.index;
}

/** The rows [start, end) of `total` that shard `index` of `count` takes: contiguous, in order, none shared. */
export function shardRows(index: number, count: number, total: number): [number, number] {
  // BigInt-free and exact: index·total stays below 2^53 for any array a file can hold.
  return [Math.floor((index * total) / count), Math.floor(((index + 1) * total) / count)];
}

const countOf = (v: string, what: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) fail('BAD_ARGUMENT', `${what} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return n;
};

/** "K/N": shard K (0..N-1) of N. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) fail('BAD_ARGUMENT', `a shard is written K/N (shard K of N, K from 0 to N-1), got ${JSON.stringify(text)}`, { details: { option: 'shard' } });
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(index) || count < 1 || index >= count) {
    fail('BAD_ARGUMENT', `shard ${index}/${count} does not exist: K runs from 0 to N-1, as batch engines number their tasks`, { details: { option: 'shard' } });
  }
  return { index, count, source: `shard ${index}/${count}` };
}

/**
 * The shard a batch engine gave this process, from its environment: a Kubernetes Indexed
 * Job (JOB_COMPLETION_INDEX, 0-based) or an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX,
 * 0-based), both with `count` given by the caller since neither says how many there are; or
 * a SLURM job array (SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN, default 0, and
 * SLURM_ARRAY_TASK_COUNT). Undefined when none is set.
 */
export function shardFromEnvironment(env: Record<string, string | undefined>, count?: number): Shard | undefined {
  const zeroBased = (name: string, engine: string): Shard | undefined => {
    const v = env[name];
    if (v === undefined) return undefined;
    if (count === undefined) fail('BAD_ARGUMENT', `${engine} sets ${name}=${v} but not how many shards there are`, { hint: 'give the number of shards (the Job\'s completions or the array size)', details: { option: 'shards' } });
    if (!/^\d+$/.test(v.trim())) fail('BAD_ARGUMENT', `${name} must be a shard number counted from 0, got ${JSON.stringify(v)}`);
    const i = Number(v);
    if (i >= count) fail('BAD_ARGUMENT', `${name}=${v} is past the last of ${count} shards (${count - 1})`, { hint: 'give the same number of shards as the engine runs', details: { option: 'shards' } });
    return { index: i, count, source: `${name}=${v} (${engine}), shard ${i}/${count}` };
  };
  const k8s = zeroBased('JOB_COMPLETION_INDEX', 'a Kubernetes Indexed Job');
  if (k8s) return k8s;
  const aws = zeroBased('AWS_BATCH_JOB_ARRAY_INDEX', 'an AWS Batch array job');
  if (aws) return aws;
  const id = env.SLURM_ARRAY_TASK_ID;
  if (id === undefined) return undefined;
  const n = count ?? (env.SLURM_ARRAY_TASK_COUNT !== undefined ? countOf(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT') : undefined);
  if (n === undefined) fail('BAD_ARGUMENT', `SLURM_ARRAY_TASK_ID=${id} is set but SLURM_ARRAY_TASK_COUNT is not`, { hint: 'give the number of shards', details: { option: 'shards' } });
  // SLURM numbers tasks from --array's first value (0 or 1 in practice): shard = id − min.
  const i = Number(id) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
  if (!Number.isSafeInteger(i) || i < 0 || i >= n) fail('BAD_ARGUMENT', `SLURM_ARRAY_TASK_ID=${id} is not one of ${n} tasks from ${env.SLURM_ARRAY_TASK_MIN ?? 0}`, { hint: 'number the array from 0 (or 1) with as many tasks as shards (--array=0-(N-1))' });
  return { index: i, count: n, source: `SLURM_ARRAY_TASK_ID=${id} (a SLURM job array), shard ${i}/${n}` };
}

/** The documents of `docs` that belong to `shard` (all of them without one). */
export async function* shardDocuments(docs: AsyncIterable<AttentionDocument>, shard: Shard | undefined): AsyncGenerator<AttentionDocument> {
  for await (const d of docs) if (inShard(d.id, shard)) yield d;
}
