// Sharding (issue 16): shards run as separate processes, merged back byte-equal to one run.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStream, type AttentionDocument } from '@attnlens/core';
import { cli, cliAsync, isCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ids = [...Array.from({ length: 57 }, (_, i) => `review-${i}`), 'Ünïcode', '日本語', 'שלום', '../../x', ''];
const docs: AttentionDocument[] = ids.map((id, i) => ({ id, maps: [{ name: 'word', shape: [3], weights: Float32Array.from([0.2, 0.3 + i / 1000, 0.5 - i / 1000]), colLabels: ['a', 'b', 'c'] }] }));
const input = join(dir, 'in.attn.pb');
writeFileSync(input, encodeStream(docs));
const whole = join(dir, 'whole.attn.pb');

// A fixed shuffle (no randomness: the test must not depend on luck).
const shuffled = (n: number) => Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13));
const shardPath = (n: number, k: number) => join(dir, `s${n}-${k}.attn.pb`);

beforeAll(() => {
  const r = cli(['convert', input, '--to', whole]);
  expect(r.code, r.stderr).toBe(0);
});

describe('convert --shard K/N, then merge', () => {
  for (const n of [1, 2, 3, 7]) {
    it(`${n} shard${n > 1 ? 's' : ''} as separate processes in shuffled order merge byte-equal to one run`, async () => {
      const order = shuffled(n);
      const runs = await Promise.all(order.map((k) => cliAsync(['convert', input, '--to', shardPath(n, k), '--shard', `${k}/${n}`])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      expect(runs[0]!.stderr).toContain(`shard ${order[0]}/${n}`);
      const counts = order.map((k) => (JSON.parse(readFileSync(`${shardPath(n, k)}.shard.json`, 'utf8')) as { positions: number[] }).positions.length);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(ids.length);
      if (n > 1) expect(Math.max(...counts)).toBeLessThan(ids.length);
      const out = join(dir, `merged-${n}.attn.pb`);
      const m = cli(['merge', ...order.map((k) => shardPath(n, k)), '--out', out]);
      expect(m.code, m.stderr).toBe(0);
      expect(m.stderr).toContain(`merge: ${ids.length} documents from ${n} of ${n} shards`);
      expect(readFileSync(out).equals(readFileSync(whole))).toBe(true);
    });
  }

  // A simulated kill (the files a killed shard could leave); shard-compute.test.ts kills a real process.
  it('a shard run twice, or killed before it finished and rerun, leaves the merge unchanged', () => {
    const n = 3;
    for (let k = 0; k < n; k++) expect(cli(['convert', input, '--to', shardPath(n, k), '--shard', `${k}/${n}`]).code).toBe(0);
    // Killed halfway: the stream was never renamed into place and no index was written.
    rmSync(`${shardPath(n, 1)}.shard.json`);
    writeFileSync(shardPath(n, 1), readFileSync(shardPath(n, 1)).subarray(0, 40));
    const out = join(dir, 'rerun.attn.pb');
    const broken = cli(['merge', shardPath(n, 0), shardPath(n, 1), shardPath(n, 2), '--out', out]);
    expect(isCleanError(broken), broken.stderr).toBe(true);
    expect(broken.stderr).toContain('has no shard index');
    expect(existsSync(out)).toBe(false);
    expect(cli(['convert', input, '--to', shardPath(n, 1), '--shard', `1/${n}`]).code).toBe(0);
    expect(cli(['convert', input, '--to', shardPath(n, 1), '--shard', `1/${n}`]).code).toBe(0);
    const m = cli(['merge', shardPath(n, 2), shardPath(n, 0), shardPath(n, 1), '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(whole))).toBe(true);
  });

  it('names a missing shard and refuses, unless --allow-missing; refuses a shard given twice', () => {
    const n = 3;
    for (const k of [0, 2]) expect(cli(['convert', input, '--to', shardPath(n, k), '--shard', `${k}/${n}`]).code).toBe(0);
    const out = join(dir, 'partial.attn.pb');
    const r = cli(['merge', shardPath(n, 0), shardPath(n, 2), '--out', out]);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toContain('shard 1/3 missing');
    const ok = cli(['merge', shardPath(n, 0), shardPath(n, 2), '--out', out, '--allow-missing']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('shards 1/3 missing');
    const twice = cli(['merge', shardPath(n, 0), shardPath(n, 0), '--out', out]);
    expect(isCleanError(twice), twice.stderr).toBe(true);
    expect(twice.stderr).toContain('is shard 0/3, as is');
  });
});

describe('the shard from a batch engine', () => {
  it('takes JOB_COMPLETION_INDEX with --shards and says so; the same split as --shard', () => {
    const out = join(dir, 'k8s.attn.pb');
    const r = cli(['convert', input, '--to', out, '--shards', '3'], { env: { JOB_COMPLETION_INDEX: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('JOB_COMPLETION_INDEX=1 (a Kubernetes Indexed Job), shard 1/3');
    expect(readFileSync(out).equals(readFileSync(shardPath(3, 1)))).toBe(true);
  });
  it('takes SLURM array variables with no flag at all', () => {
    const out = join(dir, 'slurm.attn.pb');
    const r = cli(['convert', input, '--to', out], { env: { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('SLURM_ARRAY_TASK_ID=2 (a SLURM job array), shard 1/3');
    expect(readFileSync(out).equals(readFileSync(shardPath(3, 1)))).toBe(true);
  });
  it('refuses --shards without an index variable, and a bad K/N, clearly', () => {
    const a = cli(['convert', input, '--to', join(dir, 'x.attn.pb'), '--shards', '3'], { env: { JOB_COMPLETION_INDEX: undefined as unknown as string } });
    expect(isCleanError(a), a.stderr).toBe(true);
    const b = cli(['convert', input, '--to', join(dir, 'x.attn.pb'), '--shard', '3/3']);
    expect(isCleanError(b), b.stderr).toBe(true);
    expect(b.stderr).toContain('K runs from 0 to N-1');
  });
});

describe('render and report --shard', () => {
  it('report --shard K/N shows only that shard\'s samples', () => {
    const counts = [0, 1].map((k) => (JSON.parse(readFileSync(`${shardPath(2, k)}.shard.json`, 'utf8')) as { positions: number[] }).positions.length);
    for (const k of [0, 1]) {
      const out = join(dir, `report-${k}`);
      const r = cli(['report', input, '--out', out, '--heatmaps', 'none', '--shard', `${k}/2`, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(`${counts[k]} samples from`);
    }
  });
});

describe('report --shard, then report --merge', () => {
  const build = (out: string, extra: string[]) => cliAsync(['report', input, '--out', out, '--quiet', '--workers', '1', ...extra]);
  for (const n of [1, 2, 3, 7]) {
    it(`${n} shard reports built in shuffled order merge into the unsharded page, byte for byte`, async () => {
      const whole = join(dir, `rw-${n}`);
      const heat = n === 2 ? ['--heatmaps', 'all'] : ['--heatmaps', 'none'];
      const order = shuffled(n);
      const runs = await Promise.all([build(whole, heat), ...order.map((k) => build(join(dir, `rs-${n}-${k}`), [...heat, '--shard', `${k}/${n}`]))]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const merged = join(dir, `rm-${n}`);
      const m = cli(['report', '--merge', ...order.map((k) => join(dir, `rs-${n}-${k}`)), '--out', merged]);
      expect(m.code, m.stderr).toBe(0);
      expect(m.stdout.trim()).toBe(join(merged, 'index.html'));
      const page = readFileSync(join(merged, 'index.html'), 'utf8');
      expect(page).toContain(`${ids.length} samples from`);
      expect(page === readFileSync(join(whole, 'index.html'), 'utf8')).toBe(true);
      if (n === 2) for (const id of ['review-0', 'review-33']) expect(readFileSync(join(merged, 'heatmaps', `${id}.png`)).equals(readFileSync(join(whole, 'heatmaps', `${id}.png`)))).toBe(true);
    });
  }
  it('names a missing shard report and refuses, unless --allow-missing, which lists it on the page', () => {
    const parts = [0, 2].map((k) => join(dir, `rs-3-${k}`));
    const out = join(dir, 'rm-partial');
    const r = cli(['report', '--merge', ...parts, '--out', out]);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toContain('shard 1/3 missing');
    const ok = cli(['report', '--merge', ...parts, '--out', out, '--allow-missing']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('shards 1/3 missing');
    const none = cli(['report', '--out', out]);
    expect(isCleanError(none), none.stderr).toBe(true);
    const notShard = cli(['report', '--merge', join(dir, 'rw-1'), '--out', out]);
    expect(isCleanError(notShard), notShard.stderr).toBe(true);
    expect(notShard.stderr).toContain('not a finished report shard');
  });
});

describe('report --scale shared across shards', () => {
  // One sample holds the largest weight by far, so a shard without it would colour over a
  // smaller range if it took the range from its own samples only; 1300 samples make chunk files.
  const many = [...ids, ...Array.from({ length: 1240 }, (_, i) => `extra-${i}`)];
  const peak = (i: number) => (i === 40 ? [0.05, 0.05, 0.9] : [0.2, 0.3 + (i % 97) / 1000, 0.5 - (i % 97) / 1000]);
  const sharedInput = join(dir, 'shared.attn.pb');
  const smallInput = join(dir, 'shared-small.attn.pb');
  const asDocs = (list: string[]): AttentionDocument[] => list.map((id, i) => ({ id, trueLabel: i % 3 ? 'pos' : 'neg', maps: [{ name: 'word', shape: [3], weights: Float32Array.from(peak(i)), colLabels: ['a', 'b', i % 5 ? 'c' : 'ünï'] }] }));
  writeFileSync(sharedInput, encodeStream(asDocs(many)));
  writeFileSync(smallInput, encodeStream(asDocs(ids)));
  const build = (inp: string, out: string, extra: string[]) => cliAsync(['report', inp, '--out', out, '--quiet', '--workers', '1', '--scale', 'shared', ...extra]);
  const files = (d: string, sub: string) => readdirSync(join(d, sub)).filter((f) => !f.startsWith('shard')).sort();
  const same = (a: string, b: string, sub: string) => {
    expect(files(b, sub)).toEqual(files(a, sub));
    for (const f of files(a, sub)) expect(readFileSync(join(b, sub, f)).equals(readFileSync(join(a, sub, f))), `${sub}/${f}`).toBe(true);
  };
  for (const n of [1, 2, 3, 7]) {
    it(`${n} shard${n > 1 ? 's' : ''} in shuffled order merge into the unsharded report: index.html, data chunks and heatmap PNGs byte for byte`, async () => {
      const order = shuffled(n);
      const at = (what: string, k?: number) => join(dir, `sh-${what}-${n}${k === undefined ? '' : `-${k}`}`);
      const runs = await Promise.all([
        build(sharedInput, at('big'), ['--heatmaps', 'none']),
        build(smallInput, at('small'), ['--heatmaps', 'all']),
        ...order.map((k) => build(sharedInput, at('big', k), ['--heatmaps', 'none', '--shard', `${k}/${n}`])),
        ...order.map((k) => build(smallInput, at('small', k), ['--heatmaps', 'all', '--shard', `${k}/${n}`])),
      ]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      for (const what of ['big', 'small']) {
        const m = cli(['report', '--merge', ...order.map((k) => at(what, k)), '--out', at(`${what}-merged`)]);
        expect(m.code, m.stderr).toBe(0);
        expect(readFileSync(join(at(`${what}-merged`), 'index.html'), 'utf8') === readFileSync(join(at(what), 'index.html'), 'utf8')).toBe(true);
        same(at(what), at(`${what}-merged`), 'data');
      }
      expect(files(at('big'), 'data').length).toBe(3); // 1302 rows in chunks of 500
      expect(files(at('small'), 'heatmaps').length).toBe(ids.length); // one per sample, the empty id's included
      same(at('small'), at('small-merged'), 'heatmaps');
    });
  }
});
