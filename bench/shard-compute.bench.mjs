// Sharded compute → report (issue 16): X of SHARD_COMPUTE_N samples × 50 steps × 16 features
// (float32, written here by @attnlens/npy's streaming writer, deleted after), through
// `compute --weights` and `report --heatmaps none`, as 1 process against 2 shards at once:
//   1 process:  compute X → all.attn.pb;           report all.attn.pb
//   2 shards:   compute --shard K/2 (both at once) → merge → report --shard K/2 (both at once) → report --merge
// Wall time of each stage, peak RSS of each process (GNU time's %M), compute's CPU time per process
// (%U + %S: a document shard computes only its own samples, so each of 2 takes about half), and the merges' times at two
// sizes (SHARD_COMPUTE_SMALL and SHARD_COMPUTE_N) per sample: the issue asks that a merge not grow
// faster than the number of samples. Also compute's .npy output by row ranges and its merge.
// The case is SHARD_COMPUTE_N=1000000 (3.2 GB of X on disk); the default, 100 000, keeps a
// run on this shared 2-core machine to a few minutes. The anchor is the one-process run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '../packages/core/dist/index.js';
import { createNpyWriter, writeNpyFile } from '../packages/npy/dist/node.js';
import { fmt, loadLine, spawnTimed } from './util.mjs';

const N = Number(process.env.SHARD_COMPUTE_N ?? 100_000);
const SMALL = Number(process.env.SHARD_COMPUTE_SMALL ?? Math.max(1, Math.round(N / 10)));
const T = 50;
const F = 16;
const A = 8;
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-shard-compute-'));
const BIN = 'apps/cli/dist/bin.js';
const at = (name) => join(dir, name);

/** X of `rows` × T × F, LCG values in [-0.5, 0.5), written 4096 rows at a time (constant memory). */
async function writeX(path, rows) {
  const w = await createNpyWriter(path, 'float32', [T, F]);
  let s = 7;
  for (let r = 0; r < rows; r += 4096) {
    const n = Math.min(4096, rows - r);
    const d = new Float32Array(n * T * F);
    for (let i = 0; i < d.length; i++) d[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
    await w.write(tensor('float32', [n, T, F], d));
  }
  await w.close();
}

const lcg = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i));
await writeNpyFile(at('W.npy'), tensor('float32', [F, A], lcg(F * A, 1)));
await writeNpyFile(at('b.npy'), tensor('float32', [A], lcg(A, 2)));
await writeNpyFile(at('u.npy'), tensor('float32', [A], lcg(A, 3)));
const weights = ['--weights', `${at('W.npy')},${at('b.npy')},${at('u.npy')}`];

/** Runs attnlens under GNU time (bench/util.mjs's spawnTimed). */
const run = (args) => spawnTimed(process.execPath, [BIN, ...args]);
const both = async (make) => {
  const t0 = process.hrtime.bigint();
  const runs = await Promise.all([0, 1].map((k) => run(make(k))));
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, runs };
};
const peaks = (r) => r.runs.map((x) => fmt(x.rssMB, 0)).join(' / ');

/** The sharded pipeline over X of `rows`: each stage's time, and the two merges'. */
async function sharded(x, tag) {
  const compute = await both((k) => ['compute', '--inputs', x, ...weights, '--out', at(`${tag}-c${k}.attn.pb`), '--shard', `${k}/2`]);
  const merge = await run(['merge', at(`${tag}-c0.attn.pb`), at(`${tag}-c1.attn.pb`), '--out', at(`${tag}-all.attn.pb`)]);
  const report = await both((k) => ['report', at(`${tag}-all.attn.pb`), '--out', at(`${tag}-r${k}`), '--heatmaps', 'none', '--quiet', '--shard', `${k}/2`]);
  const reportMerge = await run(['report', '--merge', at(`${tag}-r0`), at(`${tag}-r1`), '--out', at(`${tag}-report`)]);
  const npy = await both((k) => ['compute', '--inputs', x, ...weights, '--out', at(`${tag}-c${k}.npy`), '--shard', `${k}/2`]);
  const npyMerge = await run(['merge', at(`${tag}-c0.npy`), at(`${tag}-c1.npy`), '--out', at(`${tag}-all.npy`)]);
  return { compute, merge, report, reportMerge, npy, npyMerge };
}

console.log(loadLine());
const xSmall = at('x-small.npy');
const x = at('x.npy');
await writeX(xSmall, SMALL);
await writeX(x, N);
console.log(`X: ${N} × ${T} × ${F} float32, ${fmt(statSync(x).size / 1e9, 2)} GB (and ${SMALL} rows for the merge's scaling)`);

const one = { compute: await run(['compute', '--inputs', x, ...weights, '--out', at('one.attn.pb')]) };
one.report = await run(['report', at('one.attn.pb'), '--out', at('one-report'), '--heatmaps', 'none', '--quiet']);
one.npy = await run(['compute', '--inputs', x, ...weights, '--out', at('one.npy')]);
const small = await sharded(xSmall, 'small');
const big = await sharded(x, 'big');
const total1 = one.compute.seconds + one.report.seconds;
const total2 = big.compute.seconds + big.merge.seconds + big.report.seconds + big.reportMerge.seconds;
console.log(`1 process: compute ${fmt(one.compute.seconds, 2)} s (${fmt(one.compute.rssMB, 0)} MB peak) → report ${fmt(one.report.seconds, 2)} s (${fmt(one.report.rssMB, 0)} MB peak) = ${fmt(total1, 2)} s`);
console.log(`2 shards at once: compute ${fmt(big.compute.seconds, 2)} s wall (peak ${peaks(big.compute)} MB) → merge ${fmt(big.merge.seconds, 2)} s (${fmt(big.merge.rssMB, 0)} MB) → report ${fmt(big.report.seconds, 2)} s wall (peak ${peaks(big.report)} MB) → report --merge ${fmt(big.reportMerge.seconds, 2)} s (${fmt(big.reportMerge.rssMB, 0)} MB) = ${fmt(total2, 2)} s; ${fmt(total1 / total2, 2)}x the 1 process`);
// A document shard scores only its own samples (issue 16): each of 2 shards should take about half
// the CPU time of the whole run (start-up, ~0.3 s, is paid by each).
const shardCpu = big.compute.runs.map((r) => r.cpu);
console.log(`compute to documents, CPU: 1 process ${fmt(one.compute.cpu, 2)} s | shards 0/2 and 1/2 ${shardCpu.map((c) => fmt(c, 2)).join(' s and ')} s (${shardCpu.map((c) => fmt(c / one.compute.cpu, 2)).join(' and ')} of the whole run; together ${fmt((shardCpu[0] + shardCpu[1]) / one.compute.cpu, 2)}x); wall ${fmt(one.compute.seconds, 2)} s against ${fmt(big.compute.seconds, 2)} s for both at once (${fmt(one.compute.seconds / big.compute.seconds, 2)}x)`);
console.log(`.npy: 1 process ${fmt(one.npy.seconds, 2)} s (${fmt(one.npy.rssMB, 0)} MB) | 2 shards at once ${fmt(big.npy.seconds, 2)} s wall (${fmt(one.npy.seconds / big.npy.seconds, 2)}x; peak ${peaks(big.npy)} MB) + merge ${fmt(big.npyMerge.seconds, 2)} s (${fmt(big.npyMerge.rssMB, 0)} MB)`);
for (const [what, key] of [['merge .attn.pb', 'merge'], ['report --merge', 'reportMerge'], ['merge .npy', 'npyMerge']]) {
  const perS = small[key].seconds / SMALL;
  const perB = big[key].seconds / N;
  console.log(`${what}: ${SMALL} samples ${fmt(small[key].seconds, 2)} s, ${N} samples ${fmt(big[key].seconds, 2)} s: ${fmt(N / SMALL, 1)}x the samples, ${fmt(big[key].seconds / small[key].seconds, 2)}x the time (per sample ${fmt((perB / perS), 2)}x; at most 1 means it grows no faster than the samples)`);
}
console.log(loadLine());
rmSync(dir, { recursive: true, force: true });
