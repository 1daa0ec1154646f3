import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AttnlensError, type AttentionDocument } from '../src/index.js';
import { idHash, inShard, parseShard, shardDocuments, shardFromEnvironment, shardOf, shardRows } from '../src/lite.js';

// From scripts/make-shard-fixture.py (FNV-1a and the row ranges in Python, not the code under test).
const expected = JSON.parse(readFileSync(new URL('./fixtures/shards.json', import.meta.url), 'utf8')) as {
  ids: { id: string; hash: number; shard: Record<string, number> }[];
  rows: { count: number; total: number; ranges: [number, number][] }[];
};

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
  it('hashes ids and assigns shards 0..N-1 as the Python reference does', () => {
    expect(expected.ids.length).toBe(50);
    for (const e of expected.ids) {
      expect(idHash(e.id), e.id).toBe(e.hash);
      for (const n of [1, 2, 3, 7]) expect(shardOf(e.id, n), `${e.id} of ${n}`).toBe(e.shard[String(n)]);
    }
    expect(new Set(expected.ids.map((e) => e.shard['7'])).size).toBe(7);
  });
  it('puts every document in exactly one shard, whatever the order', async () => {
    const docs = expected.ids.map((e): AttentionDocument => ({ id: e.id, maps: [] }));
    async function* of(xs: AttentionDocument[]) { yield* xs; }
    for (const n of [1, 2, 3, 7]) {
      const seen: string[] = [];
      for (let k = 0; k < n; k++) for await (const d of shardDocuments(of([...docs].reverse()), { index: k, count: n, source: '' })) seen.push(d.id);
      expect(seen.sort()).toEqual(docs.map((d) => d.id).sort());
    }
    expect(inShard('a', undefined)).toBe(true);
    expect(inShard('a', { index: 5, count: 7, source: '' })).toBe(true);
    expect(inShard('a', { index: 4, count: 7, source: '' })).toBe(false);
  });
  it('splits rows into contiguous ranges as the Python reference does', () => {
    expect(expected.rows.length).toBe(24);
    for (const r of expected.rows) {
      const got = Array.from({ length: r.count }, (_, k) => shardRows(k, r.count, r.total));
      expect(got, `${r.total} rows in ${r.count}`).toEqual(r.ranges);
    }
  });
});

describe('which shard this process is', () => {
  it('reads K/N with K from 0 and refuses shards that do not exist', () => {
    expect(parseShard('2/7')).toEqual({ index: 2, count: 7, source: 'shard 2/7' });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1, source: 'shard 0/1' });
    expect(reason(() => parseShard('3/3'))).toContain('K runs from 0 to N-1');
    expect(reason(() => parseShard('0/0'))).toContain('K runs from 0 to N-1');
    expect(reason(() => parseShard('1of3'))).toContain('written K/N');
  });
  it('takes Kubernetes, AWS Batch and SLURM array indices as they are (0-based) and says which it used', () => {
    expect(shardFromEnvironment({}, 3)).toBeUndefined();
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 3)).toMatchObject({ index: 0, count: 3, source: expect.stringContaining('Kubernetes') });
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '2' }, 3)).toMatchObject({ index: 2, count: 3, source: expect.stringContaining('AWS Batch') });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '7' })).toMatchObject({ index: 4, count: 7, source: expect.stringContaining('shard 4/7') });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toMatchObject({ index: 0, count: 2 });
  });
  it('refuses an index without a count, past the count, or not a number', () => {
    expect(reason(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }))).toContain('not how many shards');
    expect(reason(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 3))).toContain('past the last of 3');
    expect(reason(() => shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: 'x' }, 3))).toContain('counted from 0');
    expect(reason(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '2' }))).toContain('not one of 2 tasks');
    expect(reason(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' }))).toContain('SLURM_ARRAY_TASK_COUNT is not');
  });
});
