// Splitting a run into N shards that separate processes (or machines) run independently.
// Policy: a document belongs to shard 1 + (FNV-1a-32 of its id's UTF-8 bytes) mod N. The hash
// is a function of the id alone, so every shard agrees without talking to the others, a rerun
// gives the same split, and the input's order does not matter. FNV-1a (not a crypto hash) so
// the page and Node compute it the same way without node:crypto.
import { fail, type AttentionDocument } from '@attnlens/core';

/** Shard `index` (1-based) of `count`, and where that came from (for the command to say). */
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

/** The shard (1-based) a sample id belongs to among `count`. */
export function shardOf(id: string, count: number): number {
  return 1 + (idHash(id) % count);
}

const countOf = (v: string, what: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) fail('BAD_ARGUMENT', `${what} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return n;
};

/** "K/N": shard K (1..N) of N. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) fail('BAD_ARGUMENT', `a shard is written K/N (shard K of N, K from 1 to N), got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) fail('BAD_ARGUMENT', `shard ${index}/${count} does not exist: K runs from 1 to N`);
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
    if (count === undefined) fail('BAD_ARGUMENT', `${engine} sets ${name}=${v} but not how many shards there are`, { hint: 'give the number of shards (the Job\'s completions or the array size)' });
    if (!/^\d+$/.test(v.trim())) fail('BAD_ARGUMENT', `${name} must be a shard number counted from 0, got ${JSON.stringify(v)}`);
    const i = Number(v) + 1;
    if (i > count) fail('BAD_ARGUMENT', `${name}=${v} is past the last of ${count} shards`, { hint: 'give the same number of shards as the engine runs' });
    return { index: i, count, source: `${name}=${v} (${engine}), shard ${i}/${count}` };
  };
  const k8s = zeroBased('JOB_COMPLETION_INDEX', 'a Kubernetes Indexed Job');
  if (k8s) return k8s;
  const aws = zeroBased('AWS_BATCH_JOB_ARRAY_INDEX', 'an AWS Batch array job');
  if (aws) return aws;
  const id = env.SLURM_ARRAY_TASK_ID;
  if (id === undefined) return undefined;
  const n = count ?? (env.SLURM_ARRAY_TASK_COUNT !== undefined ? countOf(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT') : undefined);
  if (n === undefined) fail('BAD_ARGUMENT', `SLURM_ARRAY_TASK_ID=${id} is set but SLURM_ARRAY_TASK_COUNT is not`, { hint: 'give the number of shards' });
  const i = Number(id) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0) + 1;
  if (!Number.isSafeInteger(i) || i < 1 || i > n) fail('BAD_ARGUMENT', `SLURM_ARRAY_TASK_ID=${id} is not one of ${n} tasks from ${env.SLURM_ARRAY_TASK_MIN ?? 0}`, { hint: 'number the array from 0 or 1 with as many tasks as shards (--array=0-(N-1))' });
  return { index: i, count: n, source: `SLURM_ARRAY_TASK_ID=${id} (a SLURM job array), shard ${i}/${n}` };
}

/** The documents of `docs` that belong to `shard` (all of them without one). */
export async function* shardDocuments(docs: AsyncIterable<AttentionDocument>, shard: Shard | undefined): AsyncGenerator<AttentionDocument> {
  for await (const d of docs) if (!shard || shard.count === 1 || shardOf(d.id, shard.count) === shard.index) yield d;
}
