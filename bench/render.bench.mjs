// Renders N (default 1000) labelled 40 x 40 heatmaps to PNG bytes: single-threaded,
// then on all cores with worker_threads, then, when Debian's python3-matplotlib is
// present, the same figures with matplotlib (imshow, colorbar, tick labels, Agg,
// savefig to memory) in the same run, and prints the ratio.
//   node bench/render.bench.mjs            (after pnpm --filter @attnlens/render build)
//   BENCH_N=200 node bench/render.bench.mjs
// Then the whole `attnlens render` command on one .attn.pb of CMD_N (default 200) such
// figures (process start, reading, workers, writing files), against the same matplotlib rate.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { fmt, havePython, peakRssMB, runPython, time } from './util.mjs';

const RENDER = new URL('../packages/render/dist/node.js', import.meta.url).href;
const CORE = isMainThread ? await import(new URL('../packages/core/dist/index.js', import.meta.url).href) : undefined;
const N = Number(process.env.BENCH_N ?? 1000);
const CMD_N = Number(process.env.CMD_N ?? 200);
const SIZE = 40;

/** Figure i: rows softly aligned to columns, deterministic (python below uses the same formula). */
function figure(i) {
  const w = new Float32Array(SIZE * SIZE);
  for (let r = 0; r < SIZE; r++) {
    let s = 0;
    for (let c = 0; c < SIZE; c++) s += w[r * SIZE + c] = Math.exp(-Math.abs(r - c) / 3 + 0.5 * Math.sin(i * r + c));
    for (let c = 0; c < SIZE; c++) w[r * SIZE + c] /= s;
  }
  const rowLabels = Array.from({ length: SIZE }, (_, r) => `out${r}`);
  const colLabels = Array.from({ length: SIZE }, (_, c) => `tok${c}`);
  return { name: `figure ${i}`, shape: [SIZE, SIZE], weights: w, rowLabels, colLabels };
}

async function renderRange(start, end) {
  const { renderHeatmapPng, registerFonts } = await import(RENDER);
  registerFonts();
  let bytes = 0;
  for (let i = start; i < end; i++) bytes += renderHeatmapPng(figure(i)).length;
  return bytes;
}

if (!isMainThread) {
  const { start, end } = workerData;
  parentPort.postMessage(await renderRange(start, end));
} else {
  console.log(`machine load (1/5/15 min): ${loadavg().map((x) => fmt(x, 2)).join(' ')} on ${availableParallelism()} cores`);
  const { registerFonts, fontRegistration, renderHeatmap } = await import(RENDER);
  registerFonts();
  const reg = fontRegistration();
  console.log(`fonts: ${reg.files} woff2 files of ${reg.families.length} families registered in ${fmt(reg.ms, 0)} ms (once per process/worker)`);
  const probe = renderHeatmap(figure(0));
  console.log(`figure: ${SIZE} x ${SIZE}, labels on both axes, colour bar; ${probe.layout.width} x ${probe.layout.height} px, cell ${probe.layout.cell} px`);

  await renderRange(0, 5); // warm up
  const single = await time(() => renderRange(0, N));
  const singleRate = N / single.seconds;
  console.log(`attnlens, 1 thread : ${N} PNGs in ${fmt(single.seconds, 2)} s = ${fmt(singleRate)} PNG/s (avg ${fmt(single.result / N / 1024)} KB, peak RSS so far ${fmt(peakRssMB(), 0)} MB)`);

  const cores = availableParallelism();
  const workers = Math.max(2, cores);
  const multi = await time(() => Promise.all(Array.from({ length: workers }, (_, k) => {
    const start = Math.floor((k * N) / workers);
    const end = Math.floor(((k + 1) * N) / workers);
    return new Promise((resolve, reject) => {
      const wk = new Worker(fileURLToPath(import.meta.url), { workerData: { start, end } });
      wk.once('message', resolve);
      wk.once('error', reject);
    });
  })));
  const multiRate = N / multi.seconds;
  console.log(`attnlens, ${workers} workers: ${N} PNGs in ${fmt(multi.seconds, 2)} s = ${fmt(multiRate)} PNG/s (${fmt(multiRate / singleRate, 2)}x one thread, ${cores} cores, including worker start-up and font registration)`);
  console.log(`attnlens peak RSS with the workers: ${fmt(peakRssMB(), 0)} MB`);

  const cmd = renderCommand();
  console.log(`attnlens render, whole command: ${CMD_N} figures of one .attn.pb to PNG files in ${fmt(cmd.seconds, 2)} s = ${fmt(CMD_N / cmd.seconds)} PNG/s (process start, ${cores} workers, files written), ${fmt(cmd.cpu, 2)} CPU s`);

  if (havePython('numpy', 'matplotlib')) {
    const py = `
import io, json, sys, time, math
import numpy as np
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
N, S = int(sys.argv[1]), ${SIZE}
r = np.arange(S)[:, None]; c = np.arange(S)[None, :]
rows = [f'out{i}' for i in range(S)]; cols = [f'tok{i}' for i in range(S)]
t0 = time.perf_counter(); c0 = time.process_time(); total = 0
for i in range(N):
    w = np.exp(-np.abs(r - c) / 3 + 0.5 * np.sin(i * r + c)); w = (w / w.sum(axis=1, keepdims=True)).astype(np.float32)
    fig, ax = plt.subplots(figsize=(7.55, 6.78), dpi=100)
    im = ax.imshow(w, cmap='viridis', vmin=0, aspect='equal', interpolation='none')
    ax.set_xticks(range(S)); ax.set_xticklabels(cols, rotation=90, fontsize=8)
    ax.set_yticks(range(S)); ax.set_yticklabels(rows, fontsize=8)
    ax.set_xlabel('Input sequence'); ax.set_ylabel('Output sequence'); ax.set_title(f'figure {i}')
    fig.colorbar(im, ax=ax, label='attention weight')
    buf = io.BytesIO(); fig.savefig(buf, format='png'); total += buf.tell()
    plt.close(fig)
dt = time.perf_counter() - t0
print(json.dumps({'seconds': dt, 'cpu': time.process_time() - c0, 'bytes': total, 'version': matplotlib.__version__}))
`;
    const m = runPython(py, [String(N)]);
    const mRate = N / m.seconds;
    console.log(`matplotlib ${m.version} (Agg), 1 process: ${N} PNGs in ${fmt(m.seconds, 2)} s = ${fmt(mRate)} PNG/s (avg ${fmt(m.bytes / N / 1024)} KB, peak RSS ${fmt(m.peakRssMB, 0)} MB)`);
    console.log(`ratio: attnlens 1 thread is ${fmt(singleRate / mRate, 1)}x matplotlib; on ${workers} workers ${fmt(multiRate / mRate, 1)}x`);
    console.log(`ratio: the whole attnlens render command (${CMD_N} figures) is ${fmt(CMD_N / cmd.seconds / mRate, 1)}x matplotlib's figure rate (goal 20x, must reach 12x); in CPU time per figure ${fmt(m.cpu / N / (cmd.cpu / CMD_N), 1)}x`);
  } else {
    console.log('matplotlib comparison skipped: /usr/bin/python3 with numpy and matplotlib not found (Debian python3-matplotlib)');
  }
}

/** `attnlens render` of one .attn.pb holding CMD_N benchmark figures (labels, title `figure i` as matplotlib's). */
function renderCommand() {
  const { encodeDocumentDelimited, encodeHeader, concat } = CORE;
  const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-render-'));
  try {
    const input = join(dir, 'in.attn.pb');
    writeFileSync(input, concat([encodeHeader({ generator: 'bench' }), ...Array.from({ length: CMD_N }, (_, i) => {
      const { name, ...map } = figure(i);
      return encodeDocumentDelimited({ id: name, maps: [map] });
    })]));
    const cli = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
    const t0 = process.hrtime.bigint();
    // /usr/bin/time for the CPU seconds of every thread: on a loaded machine they move less than wall time
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, cli, 'render', input, '--out', join(dir, 'out'), '--quiet'], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`attnlens render failed: ${r.stderr}`);
    const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    const files = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.png')).length;
    if (files !== CMD_N) throw new Error(`attnlens render wrote ${files} PNGs, not ${CMD_N}`);
    return { seconds, cpu: user + sys };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
