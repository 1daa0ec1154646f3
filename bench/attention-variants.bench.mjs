// @attnlens/attention's two layers with no han_ref variant, on the shapes of the real ones:
// per-feature (mayuefine's Attention_layer: W (F,F), a (T,F) map, scored by plain
// JavaScript since the SIMD kernel sums units with u) and step-bias (mschongchulshin's
// Attention: w (F,1), b (T,1)), X of N sequences of T=50 steps, F=64, float32, in memory on
// the calling thread. NumPy runs packages/attention/scripts/variants_ref.py (float64, the
// specification) and the same maths in float32 on the same arrays in the same run; the
// ratio and the largest difference from variants_ref are printed.
// `ATTN_BENCH_N=500 pnpm bench attention-variants` for a quicker run.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, havePython, runPython } from './util.mjs';

const N = Number(process.env.ATTN_BENCH_N ?? 2000);
const T = 50;
const F = 64;
const { writeNpyFile, readNpyFile } = await import('../packages/npy/dist/node.js');
const { prepareKernel, computeAttention } = await import('../packages/attention/dist/index.js');

const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-variants-'));
try {
  let seed = 777;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const arr = (shape, scale) => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * scale) });
  const X = arr([N, T, F], 1);
  X.data.forEach((v, i) => (X.data[i] = Math.tanh(v * 1.5)));
  const layers = {
    'per-feature': { W: arr([F, F], 0.15), b: arr([F], 0.1) },
    'step-bias': { W: arr([F, 1], 0.3), b: arr([T, 1], 0.1) },
  };
  await writeNpyFile(join(dir, 'X.npy'), X);
  for (const [v, { W, b }] of Object.entries(layers)) {
    await writeNpyFile(join(dir, `${v}-W.npy`), W);
    await writeNpyFile(join(dir, `${v}-b.npy`), b);
  }
  console.log(`X: (${N}, ${T}, ${F}) float32; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  const py = havePython('numpy');
  if (!py) console.log('(no /usr/bin/python3 with NumPy: no NumPy comparison)');
  for (const [variant, { W, b }] of Object.entries(layers)) {
    const k = prepareKernel({ variant, W, b });
    computeAttention(k, { ...X, shape: [1, T, F], data: X.data.subarray(0, T * F) }); // warm up
    const t0 = process.hrtime.bigint();
    const a = computeAttention(k, X);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await writeNpyFile(join(dir, `${variant}-attnlens.npy`), { dtype: 'float32', shape: variant === 'per-feature' ? [N, T, F] : [N, T], data: a });
    console.log(`${variant.padEnd(12)} attnlens (JS scorer, 1 thread)  ${fmt(seconds, 3).padStart(7)} s  ${fmt((N * T) / seconds / 1e3, 0).padStart(6)}k steps/s`);
    if (!py) continue;
    const r = runPython(`
import json, os, sys, time
import numpy as np
sys.path.insert(0, os.path.join(sys.argv[1], "packages", "attention", "scripts"))
import variants_ref
d, v = sys.argv[2], sys.argv[3]
x, W, b = (np.load(f"{d}/{n}.npy") for n in ("X", f"{v}-W", f"{v}-b"))
t0 = time.perf_counter()
ref = variants_ref.recompute(v, x, W, b)
t64 = time.perf_counter() - t0
t0 = time.perf_counter()
if v == "per-feature":
    e = np.exp(np.tanh(x @ W + b))
    a32 = e / (e.sum(axis=1, keepdims=True) + np.float32(1e-7))
else:
    e = np.tanh(x @ W.reshape(-1) + b.reshape(-1))
    e = np.exp(e - e.max(axis=1, keepdims=True))
    a32 = e / e.sum(axis=1, keepdims=True)
t32 = time.perf_counter() - t0
ours = np.load(f"{d}/{v}-attnlens.npy").astype(np.float64)
print(json.dumps({"t64": t64, "t32": t32, "ours": float(np.abs(ours - ref).max()), "np32": float(np.abs(a32.astype(np.float64) - ref).max())}))
`, [join(import.meta.dirname, '..'), dir, variant]);
    console.log(`${''.padEnd(12)} NumPy float64 (variants_ref.py)  ${fmt(r.t64, 3).padStart(7)} s   NumPy float32 ${fmt(r.t32, 3)} s`);
    console.log(`${''.padEnd(12)} time ratio attnlens / NumPy: ${fmt(seconds / r.t64, 2)} vs float64, ${fmt(seconds / r.t32, 2)} vs float32; max |Δ| from variants_ref: attnlens ${r.ours.toExponential(2)}, NumPy float32 ${r.np32.toExponential(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
