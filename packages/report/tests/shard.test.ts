import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AttnlensError, type AttentionDocument } from '@attnlens/core';
import { idHash, parseShard, shardDocuments, shardFromEnvironment, shardOf } from '../src/index.js';

// From scripts/make-shard-fixture.py (FNV-1a in Python, not the code under test).
const expected = JSON.parse(readFileSync(new URL('./fixtures/shards.json', import.meta.url), 'utf8')) as { id: string; hash: number; shard: Record<string, number> }[];

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AttnlensError);
    return (e as AttnlensError).message;
  }
  throw new Error('did not fail');
};

describe('split policy', () => {
  it('hashes ids and assigns shards as the Python reference does', () => {
    expect(expected.length).toBe(50);
    for (const e of expected) {
      expect(idHash(e.id), e.id).toBe(e.hash);
      for (const n of [1, 2, 3, 7]) expect(shardOf(e.id, n), `${e.id} of ${n}`).toBe(e.shard[String(n)]);
    }
  });
  it('puts every document in exactly one shard, whatever the order', async () => {
    const docs = expected.map((e): AttentionDocument => ({ id: e.id, maps: [] }));
    async function* of(xs: AttentionDocument[]) { yield* xs; }
    for (const n of [1, 2, 3, 7]) {
      const seen: string[] = [];
      for (let k = 1; k <= n; k++) for await (const d of shardDocuments(of([...docs].reverse()), { index: k, count: n, source: '' })) seen.push(d.id);
      expect(seen.sort()).toEqual(docs.map((d) => d.id).sort());
    }
  });
});

describe('which shard this process is', () => {
  it('reads K/N and refuses shards that do not exist', () => {
    expect(parseShard('2/7')).toEqual({ index: 2, count: 7, source: 'shard 2/7' });
    expect(reason(() => parseShard('0/3'))).toContain('K runs from 1 to N');
    expect(reason(() => parseShard('4/3'))).toContain('K runs from 1 to N');
    expect(reason(() => parseShard('1of3'))).toContain('written K/N');
  });
  it('takes Kubernetes, AWS Batch and SLURM array indices and says which it used', () => {
    expect(shardFromEnvironment({}, 3)).toBeUndefined();
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 3)).toMatchObject({ index: 1, count: 3, source: expect.stringContaining('Kubernetes') });
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '2' }, 3)).toMatchObject({ index: 3, count: 3, source: expect.stringContaining('AWS Batch') });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '7' })).toMatchObject({ index: 5, count: 7, source: expect.stringContaining('SLURM') });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toMatchObject({ index: 1, count: 2 });
  });
  it('refuses an index without a count, past the count, or not a number', () => {
    expect(reason(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }))).toContain('not how many shards');
    expect(reason(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 3))).toContain('past the last of 3');
    expect(reason(() => shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: 'x' }, 3))).toContain('counted from 0');
    expect(reason(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '2' }))).toContain('not one of 2 tasks');
    expect(reason(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }))).toContain('SLURM_ARRAY_TASK_COUNT is not');
  });
});
