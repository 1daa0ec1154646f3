// @attnlens/attention: recompute AttLayer attention over X of N=10000 sequences of T=100
// steps, F=A=128, float32 (512 MB), streamed from an .npy by computeFileToNpy, with 1 and
// 2 worker threads (and on the calling thread); rows/s, GFLOP/s (2·N·T·F·A per second)
// and peak RSS. NumPy runs the han_ref.py maths on the same files in the same run: in
// float32 (x @ W as users would run it) and in float64 (exactly as han_ref.py does), both
// on the whole array as np.load gives it, with NumPy's own BLAS threads. Every case runs
// in its own process, so its peak RSS is its own; the output of each is checked against
// NumPy's float64 result. Files live in a temp dir, deleted at the end.
// Then whole commands, as a user runs them, start-up included: `attnlens compute` on X of
// N=2000 (100 MB) and on the whole X (streamed), each beside a whole python3 process doing
// the same float32 NumPy maths (import, np.load, tanh(x @ W + b) @ u, normalise, np.save),
// with peak RSS; best of 3, interleaved.
// `ATTN_BENCH_N=2000 pnpm bench attention` for a quicker run; ATTN_BENCH_ONLY=whole runs only
// the whole-command rows (start-up: issue 15), best and median of 9 each, interleaved.
// The in-process cases run with --experimental-wasm-relaxed-simd, as the CLI's bin turns on
// (fused multiply-adds; Node ≥ 22 has them by default); ATTN_BENCH_NODE_FLAGS= runs them without.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, havePython, loadLine, peakRssMB, runPython, timeProcess, PY } from './util.mjs';

const N = Number(process.env.ATTN_BENCH_N ?? 10000);
const ONLY_WHOLE = process.env.ATTN_BENCH_ONLY === 'whole';
const T = 100;
const F = 128;
const A = 128;
const FLOP = 2 * N * T * F * A;

// --- one case, in a child process --------------------------------------------------------
if (process.argv[2] === '--case') {
  const [, , , dir, workersArg] = process.argv;
  const { readNpyFile } = await import('../packages/npy/dist/node.js');
  const { prepareKernel, wasmRelaxedSimdAvailable } = await import('../packages/attention/dist/index.js');
  const { computeFileToNpy } = await import('../packages/attention/dist/node.js');
  const [W, b, u] = await Promise.all(['W', 'b', 'u'].map((k) => readNpyFile(join(dir, `${k}.npy`))));
  const kernel = prepareKernel({ variant: 'attlayer', W, b, u });
  const workers = Number(workersArg);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await computeFileToNpy({ kernel, inputs: join(dir, 'X.npy'), out: join(dir, `a-${workers}.npy`), workers });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, workers: r.workers, fused: wasmRelaxedSimdAvailable(), shape: r.shape, peakRssMB: peakRssMB() }));
  process.exit(0);
}

// --- whole commands ----------------------------------------------------------------------------
const NUMPY_COMMAND = `
import sys
import numpy as np
d, x, out = sys.argv[1], sys.argv[2], sys.argv[3]
W, b, u = (np.load(f"{d}/{k}.npy") for k in ("W", "b", "u"))
s = np.tanh(np.load(x) @ W + b.reshape(-1)) @ u.reshape(-1)
a = np.exp(s)
np.save(out, a / (a.sum(axis=-1, keepdims=True) + 1e-7))
`;

/** attnlens compute and a NumPy float32 python3 process on the same X, whole processes, interleaved. */
function wholeCommands() {
  const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
  const weights = ['W', 'b', 'u'].map((k) => join(dir, `${k}.npy`)).join(',');
  for (const [x, n, how] of [['X2000.npy', Math.min(N, 2000), 'issue 15: 2000×100×128'], ['X.npy', N, 'streamed']]) {
    const a = [], p = [];
    const runs = ONLY_WHOLE ? 9 : 3;
    for (let i = 0; i < runs; i++) {
      a.push(timeProcess(process.execPath, [bin, 'compute', '--weights', weights, '--variant', 'attlayer', '--inputs', join(dir, x), '--out', join(dir, `cmd-${n}.npy`)]));
      p.push(timeProcess(PY, ['-c', NUMPY_COMMAND, dir, join(dir, x), join(dir, `cmd-np-${n}.npy`)]));
    }
    const best = (rs) => rs.reduce((m, r) => (r.seconds < m.seconds ? r : m));
    const median = (rs) => [...rs].sort((x, y) => x.seconds - y.seconds)[rs.length >> 1].seconds;
    const [ba, bp] = [best(a), best(p)];
    const check = runPython(`
import json, sys
import numpy as np
print(json.dumps({"d": float(np.abs(np.load(sys.argv[1]).astype(np.float64) - np.load(sys.argv[2])).max())}))`, [join(dir, `cmd-${n}.npy`), join(dir, `cmd-np-${n}.npy`)]);
    console.log(`whole command, N=${n} (${how}; best and median of ${runs}; ${loadLine()}):`);
    console.log(`  attnlens compute --weights ... --out a.npy   ${fmt(ba.seconds, 2).padStart(6)} s  median ${fmt(median(a), 2)} s  peak RSS ${fmt(ba.peakRssMB, 0).padStart(5)} MB`);
    console.log(`  python3 NumPy float32, the same maths        ${fmt(bp.seconds, 2).padStart(6)} s  median ${fmt(median(p), 2)} s  peak RSS ${fmt(bp.peakRssMB, 0).padStart(5)} MB`);
    console.log(`  attnlens / NumPy: ${fmt(ba.seconds / bp.seconds, 2)}x time (best), ${fmt(median(a) / median(p), 2)}x (median), ${fmt(ba.peakRssMB / bp.peakRssMB, 2)}x peak RSS; max |difference| ${check.d.toExponential(2)}`);
  }
}

// --- the driver ------------------------------------------------------------------------------
const here = fileURLToPath(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-attention-'));
try {
  const { createNpyWriter, writeNpyFile } = await import('../packages/npy/dist/node.js');
  // Deterministic data shaped like RNN outputs: values in (-1, 1).
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  await writeNpyFile(join(dir, 'W.npy'), { dtype: 'float32', shape: [F, A], data: Float32Array.from({ length: F * A }, () => rnd() * 0.15) });
  await writeNpyFile(join(dir, 'b.npy'), { dtype: 'float32', shape: [A], data: Float32Array.from({ length: A }, () => rnd() * 0.1) });
  await writeNpyFile(join(dir, 'u.npy'), { dtype: 'float32', shape: [A, 1], data: Float32Array.from({ length: A }, () => rnd() * 0.3) });
  const w = await createNpyWriter(join(dir, 'X.npy'), 'float32', [T, F]);
  const per = 100;
  const block = new Float32Array(per * T * F);
  for (let n = 0; n < N; n += per) {
    const k = Math.min(per, N - n);
    for (let i = 0; i < k * T * F; i++) block[i] = Math.tanh(rnd() * 1.5);
    await w.write({ dtype: 'float32', shape: [k, T, F], data: block.subarray(0, k * T * F) });
  }
  await w.close();
  // The first 2000 sequences again, for the whole-command row at N=2000.
  const w2 = await createNpyWriter(join(dir, 'X2000.npy'), 'float32', [T, F]);
  seed = 12345;
  for (let n = 0; n < Math.min(N, 2000); n += per) {
    for (let i = 0; i < per * T * F; i++) block[i] = Math.tanh(rnd() * 1.5);
    await w2.write({ dtype: 'float32', shape: [per, T, F], data: block });
  }
  await w2.close();
  const xMB = statSync(join(dir, 'X.npy')).size / 2 ** 20;
  console.log(`X: (${N}, ${T}, ${F}) float32, ${fmt(xMB, 0)} MB; AttLayer W (${F}, ${A}); ${fmt(FLOP / 1e9, 1)} GFLOP; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);

  const numpy = havePython('numpy'); // a python3 start each time it is asked
  const rows = [];
  // CPU seconds / wall seconds = the cores the case actually had: on a shared machine
  // this says whether a second worker could run at all.
  const line = (name, seconds, cpuSeconds, rss) => {
    rows.push({ name, seconds });
    console.log(`${name.padEnd(36)} ${fmt(seconds, 2).padStart(6)} s  ${fmt((N * T) / seconds / 1e3, 0).padStart(5)}k rows/s  ${fmt(FLOP / seconds / 1e9, 2).padStart(6)} GFLOP/s  ${fmt(cpuSeconds / seconds, 2)} cores  peak RSS ${fmt(rss, 0).padStart(5)} MB`);
  };

  for (const workers of ONLY_WHOLE ? [] : [0, 1, 2]) {
    const flags = (process.env.ATTN_BENCH_NODE_FLAGS ?? '--experimental-wasm-relaxed-simd').split(' ').filter(Boolean);
    const r = spawnSync(process.execPath, [...flags, here, '--case', dir, String(workers)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`case workers=${workers} failed: ${r.stderr}`);
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    line(`attnlens${j.fused ? ' (FMA)' : ''}, ${workers ? `${workers} worker thread${workers > 1 ? 's' : ''} + calling thread` : 'calling thread'}`, j.seconds, j.cpuSeconds, j.peakRssMB);
  }

  if (!ONLY_WHOLE && numpy) {
    const code = `
import json, os, resource, sys, time
import numpy as np
d, dt = sys.argv[1], sys.argv[2]
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
W, b, u = (np.load(f"{d}/{k}.npy") for k in ("W", "b", "u"))
t0, c0 = time.perf_counter(), cpu()
x = np.load(f"{d}/X.npy")
if dt == "float64":
    # han_ref.py: recompute() casts everything to float64, then attlayer() and _masked_normalise().
    x, W, b, u = x.astype(np.float64), W.astype(np.float64), b.astype(np.float64), u.astype(np.float64)
s = np.tanh(x @ W + b.reshape(-1)) @ u.reshape(-1)
a = np.exp(s)
a = a / (a.sum(axis=-1, keepdims=True) + 1e-7)
sec, cs = time.perf_counter() - t0, cpu() - c0
np.save(f"{d}/numpy-{dt}.npy", a)
print(json.dumps({"seconds": sec, "cpuSeconds": cs}))
`;
    const np32 = runPython(code, [dir, 'float32']);
    line('NumPy float32 (x @ W, as users run)', np32.seconds, np32.cpuSeconds, np32.peakRssMB);
    const np64 = runPython(code, [dir, 'float64']);
    line('NumPy float64 (han_ref.py)', np64.seconds, np64.cpuSeconds, np64.peakRssMB);
    const check = runPython(`
import json, sys
import numpy as np
d = sys.argv[1]
ref = np.load(f"{d}/numpy-float64.npy")
out = {k: float(np.abs(np.load(f"{d}/{f}.npy").astype(np.float64) - ref).max()) for k, f in (("attnlens", "a-2"), ("numpy-float32", "numpy-float32"))}
print(json.dumps(out))
`, [dir]);
    console.log(`max |difference| from NumPy float64 (han_ref): attnlens ${check.attnlens.toExponential(2)}, NumPy float32 ${check['numpy-float32'].toExponential(2)}`);
    const best = Math.min(...rows.filter((r) => r.name.startsWith('attnlens')).map((r) => r.seconds));
    console.log(`time ratio attnlens (best) / NumPy: ${fmt(best / np32.seconds, 2)} vs float32, ${fmt(best / np64.seconds, 2)} vs float64 (below 1 = attnlens faster)`);
  } else if (!numpy) {
    console.log('(no /usr/bin/python3 with NumPy: no NumPy comparison)');
  }
  if (numpy) wholeCommands();
  console.log(`load average after: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
