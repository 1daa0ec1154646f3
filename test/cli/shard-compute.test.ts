// compute --shard K/N (issue 16): .npy outputs split into contiguous row ranges of X with an
// index beside each, documents by id hash; N separate processes in shuffled order merge
// byte-equal to one run. A real kill: a shard SIGKILLed while its temporary output exists
// leaves no final file or index, and its rerun (and another shard run twice) changes nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf, tensor } from '@attnlens/core';
import { writeNpyFile } from '@attnlens/npy/node';
import { BIN, cli, cliAsync, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-shard-compute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const HAN = join(REPO, 'apps', 'cli', 'samples', 'han');
const NMT = join(REPO, 'apps', 'cli', 'samples', 'nmt');

/** Deterministic values in [-0.5, 0.5) (a 32-bit LCG): no randomness in a test. */
function values(n: number, seed: number): Float32Array {
  const d = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = s / 2 ** 32 - 0.5;
  }
  return d;
}

const N = 41;
const T = 6;
const F = 4;
const weights = `${p('W.npy')},${p('b.npy')},${p('u.npy')}`;
// A fixed shuffle of 0..n-1.
const shuffled = (n: number) => Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13));

beforeAll(async () => {
  await writeNpyFile(p('x.npy'), tensor('float32', [N, T, F], values(N * T * F, 1)));
  await writeNpyFile(p('lengths.npy'), tensor('int32', [N], Int32Array.from({ length: N }, (_, i) => 1 + (i % T))));
  await writeNpyFile(p('W.npy'), tensor('float32', [F, 3], values(F * 3, 2)));
  await writeNpyFile(p('b.npy'), tensor('float32', [3], values(3, 3)));
  await writeNpyFile(p('u.npy'), tensor('float32', [3], values(3, 4)));
  await writeNpyFile(p('W2.npy'), tensor('float32', [F, 3], values(F * 3, 5)));
  for (const out of ['whole.npy', 'whole.attn.pb']) {
    const r = cli(['compute', '--inputs', p('x.npy'), '--weights', weights, '--lengths', p('lengths.npy'), '--out', p(out)]);
    expect(r.code, r.stderr).toBe(0);
  }
});

const computeShard = (out: string, k: number, n: number) =>
  cliAsync(['compute', '--inputs', p('x.npy'), '--weights', weights, '--lengths', p('lengths.npy'), '--out', out, '--shard', `${k}/${n}`]);

describe('compute --shard K/N from X, then merge', () => {
  for (const n of [1, 2, 3, 7]) {
    it(`${n} shard${n > 1 ? 's' : ''} as separate processes in shuffled order merge byte-equal to one run (.npy by rows, .attn.pb by id)`, async () => {
      const order = shuffled(n);
      for (const ext of ['npy', 'attn.pb']) {
        const part = (k: number) => p(`c${n}-${k}.${ext}`);
        const runs = await Promise.all(order.map((k) => computeShard(part(k), k, n)));
        for (const r of runs) expect(r.code, r.stderr).toBe(0);
        expect(runs[0]!.stderr).toContain(`shard ${order[0]}/${n}`);
        if (ext === 'npy') {
          for (const k of order) {
            const index = JSON.parse(readFileSync(`${part(k)}.shard.json`, 'utf8')) as { rows: number[]; total: number };
            expect(index.rows).toEqual([Math.floor((k * N) / n), Math.floor(((k + 1) * N) / n)]);
            expect(index.total).toBe(N);
          }
          expect(runs[0]!.stdout).toContain(`rows ${Math.floor((order[0]! * N) / n)}..${Math.floor(((order[0]! + 1) * N) / n)} of ${N}`);
        }
        const merged = p(`m${n}.${ext}`);
        const m = cli(['merge', ...order.map(part), '--out', merged]);
        expect(m.code, m.stderr).toBe(0);
        expect(readFileSync(merged).equals(readFileSync(p(`whole.${ext}`))), `${n} shards of .${ext}`).toBe(true);
      }
    });
  }

  it('takes the shard from JOB_COMPLETION_INDEX with --shards, as the same split as --shard', () => {
    const r = cli(['compute', '--inputs', p('x.npy'), '--weights', weights, '--lengths', p('lengths.npy'), '--out', p('k8s.npy'), '--shards', '3'], { env: { JOB_COMPLETION_INDEX: '2' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('JOB_COMPLETION_INDEX=2 (a Kubernetes Indexed Job), shard 2/3');
    expect(readFileSync(p('k8s.npy')).equals(readFileSync(p('c3-2.npy')))).toBe(true);
  });

  it('names a missing .npy shard and its rows, refuses --allow-missing for an array, and refuses shards of another run', async () => {
    const parts = [0, 2].map((k) => p(`c3-${k}.npy`));
    const missing = cli(['merge', ...parts, '--out', p('bad.npy')]);
    expect(isCleanError(missing), missing.stderr).toBe(true);
    expect(missing.stderr).toContain('shard 1/3 (rows 13..27) missing');
    const allow = cli(['merge', ...parts, '--out', p('bad.npy'), '--allow-missing']);
    expect(isCleanError(allow), allow.stderr).toBe(true);
    const other = cli(['compute', '--inputs', p('x.npy'), '--weights', `${p('W2.npy')},${p('b.npy')},${p('u.npy')}`, '--lengths', p('lengths.npy'), '--out', p('other-1.npy'), '--shard', '1/3']);
    expect(other.code, other.stderr).toBe(0);
    const mixed = cli(['merge', parts[0]!, p('other-1.npy'), parts[1]!, '--out', p('bad.npy')]);
    expect(isCleanError(mixed), mixed.stderr).toBe(true);
    expect(mixed.stderr).toContain('of another run');
    expect(existsSync(p('bad.npy'))).toBe(false);
  });
});

describe('a document shard computes only its own samples of X', () => {
  const mine = (k: number, n: number) => Array.from({ length: N }, (_, i) => i).filter((i) => shardOf(String(i), n) === k);

  it('scores only the samples whose id hashes into it (said on stdout), with their tokens, and merges byte-equal', async () => {
    writeFileSync(p('tokens.txt'), Array.from({ length: N }, (_, i) => Array.from({ length: 1 + (i % T) }, (_, t) => `w${i}_${t}`).join(' ')).join('\n') + '\n');
    const tok = ['--inputs', p('x.npy'), '--weights', weights, '--lengths', p('lengths.npy'), '--tokens', p('tokens.txt')];
    const whole = cli(['compute', ...tok, '--out', p('tok-whole.attn.pb')]);
    expect(whole.code, whole.stderr).toBe(0);
    const runs = await Promise.all([1, 0].map((k) => cliAsync(['compute', ...tok, '--out', p(`tok-${k}.attn.pb`), '--shard', `${k}/2`])));
    for (const [i, k] of [1, 0].entries()) {
      expect(runs[i]!.code, runs[i]!.stderr).toBe(0);
      expect(runs[i]!.stdout).toContain(`${mine(k, 2).length} of X's ${N} samples (shard ${k}/2)`);
    }
    const m = cli(['merge', p('tok-0.attn.pb'), p('tok-1.attn.pb'), '--out', p('tok-merged.attn.pb')]);
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(p('tok-merged.attn.pb')).equals(readFileSync(p('tok-whole.attn.pb')))).toBe(true);
  });

  it('never reads another shard\'s sample into the maths: a NaN there fails only the shard it belongs to, naming its place in X', async () => {
    const data = values(N * T * F, 1);
    const bad = mine(1, 2)[3]!;
    data[(bad * T + 0) * F + 2] = NaN;
    await writeNpyFile(p('x-nan.npy'), tensor('float32', [N, T, F], data));
    const run = (k: number) => cli(['compute', '--inputs', p('x-nan.npy'), '--weights', weights, '--out', p(`nan-${k}.attn.pb`), '--shard', `${k}/2`]);
    expect(run(0).code, run(0).stderr).toBe(0);
    const r = run(1);
    // Its stderr is the shard line, then the error: one line each, no stack.
    expect(isCleanError({ ...r, stderr: r.stderr.replace('attnlens: shard 1/2\n', '') }), r.stderr).toBe(true);
    expect(r.stderr).toContain(`NaN at [${bad}, 0, 2]`);
  });
});

describe('compute --shard with the bundled sample\'s model, and convert --shard of the bundled NMT dump', () => {
  it('merges 3 shards of the HAN sentence attention (.npy, .attn.pb, and the forward pass over ids) and of the NMT alignments byte-equal to one run', async () => {
    const base = ['compute', '--model', join(HAN, 'model.h5'), '--layer', 'att_layer_2', '--inputs', join(HAN, 'sentence_inputs.npy'), '--lengths', join(HAN, 'sentence_counts.npy')];
    const nmt = [join(NMT, 'alignment_history.npy'), '--layout', 'tbe', '--src-tokens', join(NMT, 'src.txt'), '--tgt-tokens', join(NMT, 'tgt.txt'), '--src-lengths', join(NMT, 'src_lengths.npy'), '--tgt-lengths', join(NMT, 'tgt_lengths.npy')];
    const jobs: { one: string[]; shard: (out: string, k: number) => string[]; ext: string }[] = [
      { one: [...base, '--out', p('han.npy')], shard: (out, k) => [...base, '--out', out, '--shard', `${k}/3`], ext: 'npy' },
      { one: [...base, '--out', p('han.attn.pb')], shard: (out, k) => [...base, '--out', out, '--shard', `${k}/3`], ext: 'attn.pb' },
      // The forward pass over token ids: documents by id hash (each shard runs the model on its own samples).
      { one: ['compute', '--model', join(HAN, 'model.h5'), '--ids', join(HAN, 'ids.npy'), '--out', p('han-fw.attn.pb')], shard: (out, k) => ['compute', '--model', join(HAN, 'model.h5'), '--ids', join(HAN, 'ids.npy'), '--out', out, '--shard', `${k}/3`], ext: 'fw.attn.pb' },
      { one: ['convert', ...nmt, '--to', p('nmt.attn.pb')], shard: (out, k) => ['convert', ...nmt, '--to', out, '--shard', `${k}/3`], ext: 'nmt.attn.pb' },
    ];
    for (const j of jobs) {
      const whole = j.ext === 'nmt.attn.pb' ? p('nmt.attn.pb') : j.ext === 'fw.attn.pb' ? p('han-fw.attn.pb') : p(`han.${j.ext}`);
      const part = (k: number) => p(`sample-${k}.${j.ext}`);
      const runs = await Promise.all([cliAsync(j.one), ...[2, 0, 1].map((k) => cliAsync(j.shard(part(k), k)))]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const m = cli(['merge', part(1), part(2), part(0), '--out', p(`sample-merged.${j.ext}`)]);
      expect(m.code, m.stderr).toBe(0);
      expect(readFileSync(p(`sample-merged.${j.ext}`)).equals(readFileSync(whole)), j.ext).toBe(true);
    }
  });
});

describe('a hierarchical shard from X computes only its own samples', () => {
  it('the bundled HAN sample\'s word and sentence inputs, with tokens: 1, 2 and 3 shards merge byte-equal to one run', async () => {
    const args = ['compute', '--model', join(HAN, 'model.h5'), '--inputs', join(HAN, 'word_inputs.npy'), '--sentence-inputs', join(HAN, 'sentence_inputs.npy'), '--lengths', join(HAN, 'word_lengths.npy'), '--sentence-lengths', join(HAN, 'sentence_counts.npy'), '--tokens', join(HAN, 'tokens.json')];
    const whole = cli([...args, '--out', p('hx.attn.pb')]);
    expect(whole.code, whole.stderr).toBe(0);
    for (const n of [1, 2, 3]) {
      const out = (k: number) => p(`hx-${n}-${k}.attn.pb`);
      const runs = await Promise.all(Array.from({ length: n }, (_, k) => cliAsync([...args, '--out', out(k), '--shard', `${k}/${n}`])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      for (let k = 0; k < n; k++) {
        const positions = (JSON.parse(readFileSync(`${out(k)}.shard.json`, 'utf8')) as { positions: number[] }).positions;
        expect(positions).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => shardOf(String(i), n) === k));
      }
      const m = cli(['merge', ...Array.from({ length: n }, (_, k) => out(k)).reverse(), '--out', p(`hx-${n}.attn.pb`)]);
      expect(m.code, m.stderr).toBe(0);
      expect(readFileSync(p(`hx-${n}.attn.pb`)).equals(readFileSync(p('hx.attn.pb'))), `${n} shards`).toBe(true);
    }
  }, 60_000);
});

describe('a forward-pass shard runs the model on its own samples only', () => {
  const TORCH = (name: string) => join(REPO, 'packages', 'torch', 'tests', 'fixtures', name);
  const runs: { name: string; args: string[]; samples: number }[] = [
    { name: 'keras-ids', args: ['--model', join(HAN, 'model.h5'), '--ids', join(HAN, 'ids.npy'), '--batch-size', '4'], samples: 20 },
    { name: 'keras-text', args: ['--model', join(HAN, 'model.h5'), '--text', join(HAN, 'reviews.txt'), '--tokenizer', join(HAN, 'tokenizer.json'), '--padding', 'post', '--truncating', 'post'], samples: 20 },
    { name: 'torch-han', args: ['--model', TORCH('fwd-han.pt'), '--ids', TORCH('fwd-han-ids-packed.npy')], samples: 4 },
  ];
  for (const run of runs) {
    it(`${run.name}: 1, 2 and 3 shards merge byte-equal to one run, each shard's model run over its samples alone`, async () => {
      const out = (n: number, k: number) => p(`fw-${run.name}-${n}-${k}.attn.pb`);
      const whole = cli(['compute', ...run.args, '--out', p(`fw-${run.name}.attn.pb`)]);
      expect(whole.code, whole.stderr).toBe(0);
      for (const n of [1, 2, 3]) {
        const shards = await Promise.all(Array.from({ length: n }, (_, k) => cliAsync(['compute', ...run.args, '--out', out(n, k), '--shard', `${k}/${n}`])));
        for (const r of shards) expect(r.code, r.stderr).toBe(0);
        if (n > 1) {
          for (let k = 0; k < n; k++) {
            const positions = (JSON.parse(readFileSync(`${out(n, k)}.shard.json`, 'utf8')) as { positions: number[] }).positions;
            // The index's positions are the shard's sample numbers, exactly those whose id hashes into it.
            expect(positions).toEqual(Array.from({ length: run.samples }, (_, i) => i).filter((i) => shardOf(String(i), n) === k));
            expect(shards[k]!.stdout).toContain(`model run on ${positions.length} of ${run.samples} samples`);
          }
        }
        const merged = p(`fw-${run.name}-${n}.attn.pb`);
        const m = cli(['merge', ...Array.from({ length: n }, (_, k) => out(n, n - 1 - k)), '--out', merged]);
        expect(m.code, m.stderr).toBe(0);
        expect(readFileSync(merged).equals(readFileSync(p(`fw-${run.name}.attn.pb`))), `${run.name}, ${n} shards`).toBe(true);
      }
    }, 60_000);
  }
});

describe('a shard killed halfway', () => {
  // Large enough that a shard works for a second or more: X of 80 000 × 50 × 16 float32 (256 MB) for .npy
  // shards (each computes half); 12 000 samples for documents (each shard writes ~6 000).
  const ROWS = { npy: 80_000, 'attn.pb': 12_000 } as const;
  type Ext = keyof typeof ROWS;
  const big = (ext: Ext) => p(`big-${ext}.npy`);
  const layerOf = (ext: Ext) => ['--inputs', big(ext), '--weights', `${p('Wb.npy')},${p('bb.npy')},${p('ub.npy')}`];
  const args = (out: string, k: number) => ['compute', ...layerOf(out.endsWith('.npy') ? 'npy' : 'attn.pb'), '--out', out, '--shard', `${k}/2`];

  /** Start shard k and SIGKILL it as soon as its temporary output appears in the folder (no sleeps). */
  function killWhenTempExists(out: string, k: number): Promise<{ signal: NodeJS.Signals | null; sawTemp: boolean }> {
    const folder = join(out, '..');
    const name = out.slice(folder.length + 1);
    return new Promise((resolveP, reject) => {
      const child = spawn(process.execPath, [BIN, ...args(out, k)], { stdio: 'ignore' });
      let sawTemp = false;
      const check = () => {
        if (sawTemp || !readdirSync(folder).some((f) => f.startsWith(`${name}.`) && f.endsWith('.tmp'))) return;
        sawTemp = true;
        child.kill('SIGKILL');
      };
      const w = watch(folder, check);
      check();
      child.on('error', reject);
      child.on('exit', (_code, signal) => {
        w.close();
        resolveP({ signal, sawTemp });
      });
    });
  }

  beforeAll(async () => {
    const [t, f] = [50, 16];
    for (const ext of Object.keys(ROWS) as Ext[]) await writeNpyFile(big(ext), tensor('float32', [ROWS[ext], t, f], values(ROWS[ext] * t * f, 9)));
    await writeNpyFile(p('Wb.npy'), tensor('float32', [f, 8], values(f * 8, 10)));
    await writeNpyFile(p('bb.npy'), tensor('float32', [8], values(8, 11)));
    await writeNpyFile(p('ub.npy'), tensor('float32', [8], values(8, 12)));
  });
  afterAll(() => { for (const ext of Object.keys(ROWS) as Ext[]) rmSync(big(ext), { force: true }); });

  for (const ext of Object.keys(ROWS) as Ext[]) {
    it(`.${ext}: leaves no final file or index; rerun, and another shard run twice, merge to the unsharded output`, async () => {
      const out = (k: number) => p(`kill-${k}.${ext}`);
      const killed = await killWhenTempExists(out(0), 0);
      expect(killed.sawTemp).toBe(true);
      expect(killed.signal).toBe('SIGKILL');
      expect(existsSync(out(0))).toBe(false);
      expect(existsSync(`${out(0)}.shard.json`)).toBe(false);
      const whole = cliAsync(['compute', ...layerOf(ext), '--out', p(`kill-whole.${ext}`)]);
      const runs = [await cliAsync(args(out(1), 1)), await cliAsync(args(out(1), 1))];
      const refused = cli(['merge', out(0), out(1), '--out', p(`kill-merged.${ext}`)]);
      expect(isCleanError(refused), refused.stderr).toBe(true);
      expect(refused.stderr).toContain('has no shard index');
      runs.push(await cliAsync(args(out(0), 0)));
      for (const r of [...runs, await whole]) expect(r.code, r.stderr).toBe(0);
      // A rerun of a finished shard killed halfway: its old index is gone first, so the shard is missing, not stale.
      const again = await killWhenTempExists(out(1), 1);
      expect(again.sawTemp && again.signal === 'SIGKILL').toBe(true);
      expect(existsSync(`${out(1)}.shard.json`)).toBe(false);
      expect(cli(['merge', out(0), out(1), '--out', p(`kill-merged.${ext}`)]).stderr).toContain('has no shard index');
      expect((await cliAsync(args(out(1), 1))).code).toBe(0);
      const m = cli(['merge', out(1), out(0), '--out', p(`kill-merged.${ext}`)]);
      expect(m.code, m.stderr).toBe(0);
      expect(readFileSync(p(`kill-merged.${ext}`)).equals(readFileSync(p(`kill-whole.${ext}`)))).toBe(true);
    }, 120_000);
  }
});
