// The generated WebAssembly kernel against the plain JavaScript one: tanh over its whole
// range, every block shape, both input dtypes, and the fused (relaxed SIMD) variant.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '@attnlens/core';
import { computeScores, prepareKernel, wasmRelaxedSimdAvailable, wasmSimdAvailable } from '../src/index.js';
import { JsScorer } from '../src/scores-js.js';
import { WasmScorer } from '../src/scores-wasm.js';
import { float32ScoreBound, randomF32, rng } from './reference.js';

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

  it('float32 tanh (Eigen\'s rational, fused or not): within 8·2⁻²⁴ of Math.tanh from -60 to 60, saturating beyond; NaN and ±Inf inputs score NaN', () => {
    const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [1, 1], Float32Array.from([1])), u: tensor('float32', [1], Float32Array.from([1])) });
    const xs = Float32Array.from({ length: 24001 }, (_, i) => (i - 12000) / 200);
    // Around Eigen's |x| < 0.0004 (x itself) and its clamps at 7.905 and 7.999.
    const near = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) * 1e-6);
    const extra = Float32Array.from([1e-30, -1e-30, 1e-8, 0.0004, -0.0004, 0.00039999, 7.9053, 7.99881, 8.0001, -7.9053, 9.99, 10.01, 1e10, -1e10, 3e38]);
    for (const fused of wasmRelaxedSimdAvailable() ? [false, true] : [false]) {
      for (const x of [xs, near, extra]) {
        const out = new Float64Array(x.length);
        new WasmScorer(k, undefined, fused, 'float32').score(x, x.length, out);
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(out[i]! - Math.tanh(x[i]!)));
        expect(worst, `fused ${fused}`).toBeLessThan(8 * 2 ** -24);
      }
      const bad = Float32Array.from([NaN, Infinity, -Infinity, 0.5]);
      const out = new Float64Array(4);
      new WasmScorer(k, undefined, fused, 'float32').score(bad, 4, out);
      expect([...out.subarray(0, 3)].every(Number.isNaN)).toBe(true);
      expect(out[3]).toBeCloseTo(Math.tanh(0.5), 6);
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

  it('the float32 kernel: every block shape within the float32 rounding bound of the JavaScript scores, any row count', () => {
    const r = rng(17);
    for (const [F, A] of [[1, 1], [5, 3], [16, 9], [33, 40], [128, 128]] as const) {
      const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r, 0.3)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });
      for (const rows of [1, 2, 5, 13]) {
        const x = randomF32(rows * F, r, 2);
        const want = new Float64Array(rows);
        new JsScorer(k).score(x, rows, want);
        for (const block of [{ rows: 1, cols: 1, unroll: 1 }, { rows: 2, cols: 4, unroll: 2 }, { rows: 3, cols: 4, unroll: 2 }, { rows: 4, cols: 3, unroll: 4 }]) {
          const got = new Float64Array(rows);
          new WasmScorer(k, block, false, 'float32').score(x, rows, got);
          for (let i = 0; i < rows; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(float32ScoreBound(k, x, i));
        }
      }
    }
  });

  it('runs float32 only where the layer did: float32 X and weights; float64 X, float64 weights or precision float64 stay float64', () => {
    const r = rng(18);
    const [N, T, F, A] = [4, 10, 64, 32];
    const W = randomF32(F * A, r, 0.3);
    const b = randomF32(A, r);
    const u = randomF32(A, r);
    const x32 = randomF32(N * T * F, r, 2);
    const k32 = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], W), b: tensor('float32', [A], b), u: tensor('float32', [A], u) });
    const k64 = prepareKernel({ variant: 'attlayer', W: tensor('float64', [F, A], Float64Array.from(W)), b: tensor('float32', [A], b), u: tensor('float32', [A], u) });
    const X32 = tensor('float32', [N, T, F], x32);
    const X64 = tensor('float64', [N, T, F], Float64Array.from(x32));
    const js = computeScores(k32, X32, { backend: 'js' });
    const worst = (a: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - js[i]!)), 0);
    expect(worst(computeScores(k32, X32))).toBeGreaterThan(1e-12); // float32 rounding shows
    expect(worst(computeScores(k32, X32))).toBeLessThan(1e-5);
    expect(worst(computeScores(k32, X64))).toBeLessThan(1e-12);
    expect(worst(computeScores(k64, X32))).toBeLessThan(1e-12);
    expect(worst(computeScores(k32, X32, { precision: 'float64' }))).toBeLessThan(1e-12);
  });

  it('processes inputs larger than its memory window in slices', () => {
    const r = rng(8);
    const F = 64;
    const A = 8;
    const rows = 20000; // 5 MB of float32: 79 of the kernel's 64 KiB slices, the last one short
    const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), u: tensor('float32', [A], randomF32(A, r)) });
    const x = randomF32(rows * F, r);
    const want = new Float64Array(rows);
    const got = new Float64Array(rows);
    new JsScorer(k).score(x, rows, want);
    new WasmScorer(k).score(x, rows, got);
    let worst = 0;
    for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-12);
    new WasmScorer(k, undefined, undefined, 'float32').score(x, rows, got);
    for (let i = 0; i < rows; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(float32ScoreBound(k, x, i));
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
      const a = new Float64Array(rows), b = new Float64Array(rows), c = new Float64Array(rows);
      const w = new WasmScorer(k);
      const w32 = new WasmScorer(k, undefined, undefined, 'float32');
      w.score(x, rows, a); new JsScorer(k).score(x, rows, b); w32.score(x, rows, c);
      let worst = 0, worst32 = 0; for (let i = 0; i < rows; i++) { worst = Math.max(worst, Math.abs(a[i] - b[i])); worst32 = Math.max(worst32, Math.abs(c[i] - b[i])); }
      // Eigen's float32 tanh with fused multiply-adds (its FMA clamp), against Math.tanh.
      const one = prepareKernel({ variant: 'attlayer', W: { dtype: 'float32', shape: [1, 1], data: Float32Array.from([1]) }, u: { dtype: 'float32', shape: [1], data: Float32Array.from([1]) } });
      const xs = Float32Array.from({ length: 28001 }, (_, i) => i < 24001 ? (i - 12000) / 200 : (i - 26000) * 1e-6);
      const th = new Float64Array(xs.length); new WasmScorer(one, undefined, true, 'float32').score(xs, xs.length, th);
      let worstTanh = 0; for (let i = 0; i < xs.length; i++) worstTanh = Math.max(worstTanh, Math.abs(th[i] - Math.tanh(xs[i])));
      console.log(JSON.stringify({ relaxed: wasmRelaxedSimdAvailable(), fused: w.fused && w32.fused, worst, worst32, worstTanh }));`;
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ relaxed: true, fused: true });
    expect(j.worst).toBeLessThan(1e-12);
    // F = 37 products of |x| < 2, |w| < 1 in float32, times Σ|u| < 21: the rounding bound is ~1e-4.
    expect(j.worst32).toBeGreaterThan(0);
    expect(j.worst32).toBeLessThan(1e-4);
    expect(j.worstTanh).toBeLessThan(8 * 2 ** -24);
  });
});
