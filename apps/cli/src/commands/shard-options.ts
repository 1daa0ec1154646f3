import type { Command } from 'commander';
import { fail, parseShard, shardFromEnvironment, type AttentionDocument, type Shard } from '@attnlens/core';
import { writeDocuments, writeShard } from '@attnlens/core/node';

/** --shard K/N and --shards N (the count for a batch engine's 0-based index variable). */
export function addShardOptions(cmd: Command): Command {
  return cmd
    .option('--shard <K/N>', 'only shard K of N, K from 0 to N-1 (samples split by a hash of their id, .npy rows in contiguous ranges; see docs/scale.md)')
    .option('--shards <n>', 'the number of shards when a batch engine gives the index (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID)');
}

/** The shard this run is, from --shard or the engine's environment (said on stderr), or undefined. */
export function readShard(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (raw.shard !== undefined && raw.shards !== undefined) fail('BAD_ARGUMENT', 'give --shard K/N, or --shards N with the engine\'s index variable, not both');
  let count: number | undefined;
  if (raw.shards !== undefined) {
    count = Number(raw.shards);
    if (!Number.isSafeInteger(count) || count < 1) fail('BAD_ARGUMENT', `--shards must be a whole number of at least 1, got ${JSON.stringify(raw.shards)}`);
  }
  const shard = raw.shard !== undefined ? parseShard(String(raw.shard)) : shardFromEnvironment(env, count);
  if (count !== undefined && !shard) fail('BAD_ARGUMENT', '--shards is given but no engine index variable is set', { hint: 'set JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID, or give --shard K/N' });
  if (shard) process.stderr.write(`attnlens: ${shard.source}\n`);
  return shard;
}

/**
 * Writes documents to `out`, or for a shard only its documents (by id hash) and, once they
 * are in place, their index of input positions beside them, for `attnlens merge`. Returns how many.
 * `only: 'shard'`: `docs` are already the shard's own, computed alone, each named by its sample
 * number in the whole input, which is then its position.
 */
export async function writeDocumentsOf(out: string, docs: Iterable<AttentionDocument> | AsyncIterable<AttentionDocument>, shard: Shard | undefined, only?: 'shard'): Promise<number> {
  if (!shard) return writeDocuments(out, docs);
  return writeShard(out, docs, shard, only === 'shard' ? (d) => Number(d.id) : undefined);
}
