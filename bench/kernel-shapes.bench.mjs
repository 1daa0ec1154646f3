// @attnlens/attention's SIMD kernel, one thread, over register-block shapes (rows x vectors x
// unroll): the sweep behind scores-wasm.ts's DEFAULT_BLOCK. Each shape scores the same random X
// (float32 and float64 precision, fused multiply-adds where the engine has them) at the sizes
// the comment names: F = A = 128, F = 200 / A = 100 (AttLayer's usual size), F = A = 64; best of
// 4 calls, GFLOP/s counted on A unpadded. Beside it, NumPy float32 `tanh(x @ W + b) @ u` on the
// same sizes in one python3 process (its BLAS on every core). `pnpm bench kernel-shapes`;
// KERNEL_SHAPES=4x2x1,3x4x2 picks shapes; KERNEL_UNFUSED=1 times them without fused multiply-adds.
import { setFlagsFromString } from 'node:v8';
import { fmt, havePython, loadLine, runPython } from './util.mjs';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // as the CLI does on Node 20, before any module is compiled
const { prepareKernel, wasmRelaxedSimdAvailable } = await import('../packages/attention/dist/index.js');
const { WasmScorer } = await import('../packages/attention/dist/scores-wasm.js');

const SHAPES = (process.env.KERNEL_SHAPES ?? '4x2x1,2x4x1,3x3x1,3x4x2,4x3x2,3x4x1,2x4x2').split(',').map((s) => {
  const [rows, cols, unroll] = s.split('x').map(Number);
  return { rows, cols, unroll, name: s };
});
const SIZES = [{ F: 128, A: 128, N: 200_000 }, { F: 200, A: 100, N: 120_000 }, { F: 64, A: 64, N: 400_000 }];

let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const f32 = (n, s) => Float32Array.from({ length: n }, () => rnd() * s);

const fused = wasmRelaxedSimdAvailable() && !process.env.KERNEL_UNFUSED;
console.log(`one thread; fused multiply-adds: ${fused}; ${loadLine()}`);
for (const { F, A, N } of SIZES) {
  const k = prepareKernel({ variant: 'attlayer', W: { dtype: 'float32', shape: [F, A], data: f32(F * A, 0.1) }, b: { dtype: 'float32', shape: [A], data: f32(A, 0.1) }, u: { dtype: 'float32', shape: [A], data: f32(A, 0.1) } });
  const x = f32(N * F, 1);
  const out = new Float64Array(N);
  for (const precision of ['float32', 'float64']) {
    const rows = SHAPES.map((bs) => {
      const sc = new WasmScorer(k, bs, fused, precision);
      const n = precision === 'float64' ? N >> 1 : N;
      sc.score(x, 3000, out);
      let best = Infinity;
      for (let i = 0; i < 4; i++) {
        const t = performance.now();
        sc.score(x, n, out);
        best = Math.min(best, performance.now() - t);
      }
      return { name: bs.name, ms: best, gflops: (2 * n * F * A) / best / 1e6 };
    });
    const top = rows.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    console.log(`F=${F} A=${A} ${precision}: ${rows.map((r) => `${r.name} ${fmt(r.gflops, 1)}`).join('  ')} GFLOP/s; best ${top.name}`);
  }
}

if (havePython('numpy')) {
  const r = runPython(`
import json, sys, time
import numpy as np
out = []
for F, A, N in ((128, 128, 200000), (200, 100, 120000), (64, 64, 400000)):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, F), dtype=np.float32)
    W = (rng.standard_normal((F, A)) * 0.1).astype(np.float32); b = np.zeros(A, np.float32); u = np.ones(A, np.float32)
    best = 1e9
    for _ in range(4):
        t = time.perf_counter(); np.tanh(x @ W + b) @ u; best = min(best, time.perf_counter() - t)
    out.append({"F": F, "A": A, "gflops": 2 * N * F * A / best / 1e9})
print(json.dumps({"rows": out}))`);
  console.log(`NumPy float32 in-process, all cores: ${r.rows.map((o) => `F=${o.F} A=${o.A} ${fmt(o.gflops, 1)}`).join('  ')} GFLOP/s`);
} else {
  console.log('NumPy comparison skipped: /usr/bin/python3 with numpy not found');
}
