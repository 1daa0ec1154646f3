// The generated WebAssembly kernel against the plain JavaScript one: tanh over its whole
// range, every block shape, both input dtypes, and the fused (relaxed SIMD) variant.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '@attnlens/core';
import { prepareKernel, wasmSimdAvailable } from '../src/index.js';
import { JsScorer } from '../src/scores-js.js';
import { WasmScorer } from '../src/scores-wasm.js';
import { randomF32, rng } from './reference.js';

describe('WebAssembly SIMD kernel', () => {
  it('is available in this Node', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('computes tanh to 1e-15 from -60 to 60 (and saturates beyond)', () => {
    // One input, one unit, W = 1, u = 1: the score is tanh(x) itself.
    const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [1, 1], Float32Array.from([1])), u: tensor('float32', [1], Float32Array.from([1])) });
    const xs = Float64Array.from({ length: 24001 }, (_, i) => (i - 12000) / 200);
    const extra = Float64Array.from([1e-300, -1e-300, 5e-324, 1e-8, 0.3466, 0.3467, 19.99, 20.01, 1e10, -1e10, 1e300]);
    for (const x of [xs, extra]) {
      const out = new Float64Array(x.length);
      new WasmScorer(k).score(x, x.length, out);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(out[i]! - Math.tanh(x[i]!)));
      expect(worst).toBeLessThan(1e-15);
    }
  });

  it('every block shape gives the JavaScript scores (1e-12), float32 and float64 X, any row count', () => {
    const r = rng(7);
    for (const [F, A] of [[1, 1], [5, 3], [16, 9], [33, 40]] as const) {
      const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });
      for (const rows of [1, 2, 5, 13]) {
        const x32 = randomF32(rows * F, r, 2);
        const x64 = Float64Array.from(x32, (v, i) => v + (i % 3) * 1e-9);
        for (const x of [x32, x64]) {
          const want = new Float64Array(rows);
          new JsScorer(k).score(x, rows, want);
          for (const block of [{ rows: 1, cols: 1, unroll: 1 }, { rows: 2, cols: 4, unroll: 2 }, { rows: 3, cols: 4, unroll: 2 }, { rows: 4, cols: 3, unroll: 4 }]) {
            const got = new Float64Array(rows);
            new WasmScorer(k, block, false).score(x, rows, got);
            for (let i = 0; i < rows; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-12);
          }
        }
      }
    }
  });

  it('processes inputs larger than its memory window in slices', () => {
    const r = rng(8);
    const F = 64;
    const A = 8;
    const rows = 20000; // 5 MB of float32: more than one 4 MB slice
    const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), u: tensor('float32', [A], randomF32(A, r)) });
    const x = randomF32(rows * F, r);
    const want = new Float64Array(rows);
    const got = new Float64Array(rows);
    new JsScorer(k).score(x, rows, want);
    new WasmScorer(k).score(x, rows, got);
    let worst = 0;
    for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-12);
  });

  it('the fused (relaxed SIMD) kernel agrees too, where the engine has it (Node 20: behind a flag)', () => {
    const dist = join(import.meta.dirname, '..', 'dist');
    const code = `
      const { prepareKernel, wasmRelaxedSimdAvailable } = await import(${JSON.stringify(join(dist, 'index.js'))});
      const { WasmScorer } = await import(${JSON.stringify(join(dist, 'scores-wasm.js'))});
      const { JsScorer } = await import(${JSON.stringify(join(dist, 'scores-js.js'))});
      let s = 1; const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
      const F = 37, A = 21, rows = 301;
      const t = (shape, n) => ({ dtype: 'float32', shape, data: Float32Array.from({ length: n }, rnd) });
      const k = prepareKernel({ variant: 'attlayer', W: t([F, A], F * A), b: t([A], A), u: t([A], A) });
      const x = Float32Array.from({ length: rows * F }, () => rnd() * 2);
      const a = new Float64Array(rows), b = new Float64Array(rows);
      const w = new WasmScorer(k);
      w.score(x, rows, a); new JsScorer(k).score(x, rows, b);
      let worst = 0; for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      console.log(JSON.stringify({ relaxed: wasmRelaxedSimdAvailable(), fused: w.fused, worst }));`;
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ relaxed: true, fused: true });
    expect(j.worst).toBeLessThan(1e-12);
  });
});
