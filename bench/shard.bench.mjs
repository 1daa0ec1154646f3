// Sharding (issue 16): convert → report of N samples × 50 tokens, as one process and as 2 shards
// running at once, then the merges: wall time, peak RSS of each process (GNU time's %M), merge
// time. No heatmaps (drawing is render.bench's subject; here the split). The report runs at each
// size of SHARD_N (default 100 000 and 1 000 000) and prints how its peak RSS and its merge time
// grow against the samples (the issue: the merge no faster than the samples; memory bounded).
// convert runs at the first size only. The compute part of the pipeline is shard-compute.bench.
// No anchor in another tool: the comparison is one process vs shards, and size vs size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, loadLine, spawnTimed, writeBenchDocuments } from './util.mjs';

const SIZES = (process.env.SHARD_N ?? '100000,1000000').split(',').map(Number);
const T = 50;
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-shard-'));
const BIN = 'apps/cli/dist/bin.js';

/** N documents of T tokens (bench/util.mjs's generator, written as they are made). */
async function makeInput(n) {
  const path = join(dir, `in-${n}.attn.pb`);
  const size = await writeBenchDocuments(path, n, { T, seed: 7 });
  console.log(`input: ${n} documents of ${T} tokens, ${fmt(size / 1e6)} MB`);
  return path;
}

/** Runs attnlens under GNU time (bench/util.mjs's spawnTimed). */
const run = (args) => spawnTimed(process.execPath, [BIN, ...args]);
const wallOf = async (runs) => {
  const t0 = process.hrtime.bigint();
  const r = await Promise.all(runs);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, runs: r };
};

const steps = {
  convert: [(i, o) => ['convert', i, '--to', o + '.attn.pb'], (i, o, k) => ['convert', i, '--to', `${o}-${k}.attn.pb`, '--shard', `${k}/2`], (o) => ['merge', `${o}-0.attn.pb`, `${o}-1.attn.pb`, '--out', o + '-merged.attn.pb']],
  report: [(i, o) => ['report', i, '--out', o, '--heatmaps', 'none', '--quiet'], (i, o, k) => ['report', i, '--out', `${o}-${k}`, '--heatmaps', 'none', '--quiet', '--shard', `${k}/2`], (o) => ['report', '--merge', `${o}-0`, `${o}-1`, '--out', o + '-merged']],
};

const reports = [];
for (const [s, n] of SIZES.entries()) {
  const input = await makeInput(n);
  for (const what of s === 0 ? ['convert', 'report'] : ['report']) {
    const [one, shard, merge] = steps[what];
    const base = join(dir, `${what}-${n}`);
    const single = await run(one(input, base));
    const sharded = await wallOf([0, 1].map((k) => run(shard(input, base, k))));
    const merged = await run(merge(base));
    console.log(`${what} ${n}: 1 process ${fmt(single.seconds, 2)} s, ${fmt(single.rssMB, 0)} MB peak | 2 shards at once ${fmt(sharded.seconds, 2)} s wall (${fmt(single.seconds / sharded.seconds, 2)}x), peak ${sharded.runs.map((r) => fmt(r.rssMB, 0)).join(' / ')} MB | merge ${fmt(merged.seconds, 2)} s, ${fmt(merged.rssMB, 0)} MB; shards + merge ${fmt(sharded.seconds + merged.seconds, 2)} s | ${loadLine()}`);
    if (what === 'report') reports.push({ n, single, merged });
    for (const suffix of ['', '-0', '-1', '-merged', '.attn.pb', '-0.attn.pb', '-1.attn.pb', '-merged.attn.pb']) rmSync(base + suffix, { recursive: true, force: true });
  }
  rmSync(input, { force: true });
}
for (let i = 1; i < reports.length; i++) {
  const a = reports[0];
  const b = reports[i];
  const x = b.n / a.n;
  console.log(`report ${a.n} -> ${b.n} samples (${fmt(x, 0)}x): peak RSS of 1 process ${fmt(b.single.rssMB / a.single.rssMB, 2)}x, merge time ${fmt(b.merged.seconds / a.merged.seconds, 2)}x, merge peak RSS ${fmt(b.merged.rssMB / a.merged.rssMB, 2)}x (growing no faster than the samples: each ratio at most ${fmt(x, 0)})`);
}
rmSync(dir, { recursive: true, force: true });
