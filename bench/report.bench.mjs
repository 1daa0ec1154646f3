// attnlens report on 10 000 samples of 50 tokens with 1 000 heatmaps: wall time,
// files per second, peak RSS and the size of index.html, on 1 worker and on every core.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, loadLine, writeBenchDocuments } from './util.mjs';

const N = Number(process.env.REPORT_N ?? 10_000);
const T = 50;
const HEATMAPS = Number(process.env.REPORT_HEATMAPS ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-report-'));
const WORDS = 'the movie was great but the ending felt slow and the cast wonderful boring plot music 电影 好看 שלום'.split(' ');

const input = join(dir, 'in.attn.pb');
await writeBenchDocuments(input, N, { T, seed: 42, predicted: true, name: 'word attention', token: (i, t) => WORDS[(i + t * 7) % WORDS.length] });
console.log(`input: ${N} documents of ${T} tokens, ${fmt(statSync(input).size / 1e6)} MB`);

const cores = availableParallelism();
const rows = [];
for (const workers of [...new Set([1, cores])]) {
  const out = join(dir, `report-${workers}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'apps/cli/dist/bin.js', 'report', input, '--out', out, '--heatmaps', String(HEATMAPS), '--workers', String(workers), '--quiet'], { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(r.stderr);
  const rss = Number(r.stderr.trim().split('\n').pop()) / 1024;
  const files = readdirSync(join(out, 'heatmaps')).length + readdirSync(join(out, 'data')).length + 1;
  const index = statSync(join(out, 'index.html')).size;
  rows.push({ workers, s, files, rss, index });
  console.log(`workers=${workers}: ${fmt(s, 2)} s wall, ${files} files, ${fmt(HEATMAPS / s)} heatmaps/s, ${fmt(files / s)} files/s, peak RSS ${fmt(rss)} MB (main thread + workers), index.html ${fmt(index / 1024)} KB`);
}
if (rows.length > 1) console.log(`speed-up on ${cores} cores: ${fmt(rows[0].s / rows[1].s, 2)}x (must 1.6x, goal 1.9x) | ${loadLine()}`);
rmSync(dir, { recursive: true, force: true });
