// step-bias and per-feature beyond the han_ref-style fixtures (fixtures.test.ts): their
// weight shapes and refusals, NaN reporting, backends, streaming through workers, and the
// documents of a per-feature map.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor, validateDocument } from '@attnlens/core';
import { writeNpyFile } from '@attnlens/npy/node';
import { attentionDocuments, computeAttention, hierarchicalAttention, maskFromLengths, prepareKernel } from '../src/index.js';
import { computeFileAll, computeFileToNpy } from '../src/node.js';
import fc from 'fast-check';
import { error, randomF32, refNewVariant, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-variants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = rng(21);
const F = 5;
const T = 4;
const stepBias = prepareKernel({ variant: 'step-bias', W: tensor('float32', [F, 1], randomF32(F, r)), b: tensor('float32', [T, 1], randomF32(T, r)) });
const perFeature = prepareKernel({ variant: 'per-feature', W: tensor('float32', [F, F], randomF32(F * F, r)), b: tensor('float32', [F], randomF32(F, r)) });

describe('step-bias', () => {
  it('defaults to softmax (the layer calls K.softmax) and needs X with exactly the T steps of its bias', () => {
    expect(stepBias.normalise).toBe('softmax');
    const x = tensor('float32', [2, T + 1, F], randomF32(2 * (T + 1) * F, r));
    const e = error(() => computeAttention(stepBias, x));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe("X is (2, 5, 5) with T = 5 steps, but the layer's per-step bias b is (4, 1): it was built for T = 4");
  });

  it('refuses weights that are not w (F,1) with b (T,1)', () => {
    const w = tensor('float32', [F, 1], randomF32(F, r));
    expect(error(() => prepareKernel({ variant: 'step-bias', W: w })).message).toMatch(/needs its per-step bias b of shape \(T, 1\), but none was given/);
    expect(error(() => prepareKernel({ variant: 'step-bias', W: w, b: tensor('float32', [T, 2], randomF32(2 * T, r)) })).message).toMatch(/one bias per time step, \(T, 1\) or \(T,\), but b is \(4, 2\)/);
    expect(error(() => prepareKernel({ variant: 'step-bias', W: tensor('float32', [F, 2], randomF32(2 * F, r)), b: tensor('float32', [T, 1], randomF32(T, r)) })).code).toBe('SHAPE_MISMATCH');
    expect(error(() => prepareKernel({ variant: 'step-bias', W: w, b: tensor('float32', [T, 1], randomF32(T, r)), u: tensor('float32', [1], randomF32(1, r)) })).message).toMatch(/has no context vector u/);
  });

  it('reports an Inf in X instead of hiding it behind tanh(Inf) = 1', () => {
    const d = randomF32(T * F, r);
    d[2 * F + 3] = Infinity;
    const e = error(() => computeAttention(stepBias, tensor('float32', [1, T, F], d)));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toBe('X (1, 4, 5) holds +Inf at [0, 2, 3]');
  });
});

describe('per-feature', () => {
  it('gives one weight per step and feature, each feature summing to 1 − ε over its valid steps', () => {
    const N = 3;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const a = computeAttention(perFeature, x, maskFromLengths([4, 2, 0]));
    expect(a.length).toBe(N * T * F);
    for (const [n, len] of [[0, 4], [1, 2]] as const) {
      for (let f = 0; f < F; f++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += a[(n * T + t) * F + f]!;
        expect(Math.abs(s - 1)).toBeLessThan(1e-6);
        for (let t = len; t < T; t++) expect(a[(n * T + t) * F + f]).toBe(0);
      }
    }
    expect(a.subarray(2 * T * F).every((v) => v === 0)).toBe(true);
  });

  it('runs on the JavaScript scorer: backend wasm says why it cannot, auto and js agree', () => {
    const x = tensor('float32', [2, T, F], randomF32(2 * T * F, r));
    expect(error(() => computeAttention(perFeature, x, undefined, { backend: 'wasm' })).message).toMatch(/per-feature variant has no WebAssembly kernel \(it keeps one score per feature\)/);
    expect(computeAttention(perFeature, x, undefined, { backend: 'auto' })).toEqual(computeAttention(perFeature, x, undefined, { backend: 'js' }));
  });

  it('refuses a non-square W, a u, a b of the wrong length, and hierarchical use', () => {
    expect(error(() => prepareKernel({ variant: 'per-feature', W: tensor('float32', [F, 3], randomF32(3 * F, r)) })).message).toMatch(/per-feature needs a square W \(F, F\).*W is \(5, 3\)/);
    const W = tensor('float32', [F, F], randomF32(F * F, r));
    expect(error(() => prepareKernel({ variant: 'per-feature', W, u: tensor('float32', [F], randomF32(F, r)) })).message).toMatch(/has no context vector u/);
    expect(error(() => prepareKernel({ variant: 'per-feature', W, b: tensor('float32', [F + 1], randomF32(F + 1, r)) })).message).toMatch(/b is \(6,\) but W \(5, 5\) gives F = 5/);
    const e = error(() =>
      hierarchicalAttention({ kernel: perFeature, x: tensor('float32', [2, T, F], randomF32(2 * T * F, r)) }, { kernel: perFeature, x: tensor('float32', [1, 2, F], randomF32(2 * F, r)) }),
    );
    expect(e.code).toBe('BAD_ARGUMENT');
  });

  it('streams through worker threads into an (N, T, F) .npy, equal to the in-memory result', async () => {
    const N = 9;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const path = join(dir, 'x.npy');
    await writeNpyFile(path, x);
    const want = computeAttention(perFeature, x);
    const all = await computeFileAll({ kernel: perFeature, inputs: path, workers: 2, chunkBytes: 2 * T * F * 4 });
    expect(all.shape).toEqual([N, T, F]);
    expect(all.weights).toEqual(want);
    const res = await computeFileToNpy({ kernel: perFeature, inputs: path, out: join(dir, 'a.npy'), workers: 0 });
    expect(res.shape).toEqual([N, T, F]);
    const sb = await computeFileAll({ kernel: stepBias, inputs: path, workers: 2, chunkBytes: 3 * T * F * 4 });
    expect(sb.shape).toEqual([N, T]);
    expect(sb.weights).toEqual(computeAttention(stepBias, x));
  });

  it('makes documents with the per-step mean (for token highlighting) beside the (T, F) map', () => {
    const x = tensor('float32', [2, T, F], randomF32(2 * T * F, r));
    const a = computeAttention(perFeature, x, maskFromLengths([4, 3]));
    const docs = attentionDocuments(a, 2, T, { kernel: perFeature, layer: 'attention_layer_7', mask: maskFromLengths([4, 3]), tokens: [['K', 'L', 'W', 'K'], ['G', 'I', 'L']] });
    expect(docs).toHaveLength(2);
    const [mean, grid] = docs[1]!.maps;
    expect(mean!.name).toBe('attention_layer_7 (mean over features)');
    expect(mean!.shape).toEqual([T]);
    expect(mean!.colLabels).toEqual(['G', 'I', 'L', '']);
    expect(mean!.validCols).toBe(3);
    expect(grid!.name).toBe('attention_layer_7 (per feature)');
    expect(grid!.shape).toEqual([T, F]);
    expect(grid!.rowLabels).toEqual(['G', 'I', 'L', '']);
    expect(grid!.validRows).toBe(3);
    expect(grid!.variant).toBe('per-feature');
    expect(grid!.weights).toEqual(a.subarray(T * F, 2 * T * F));
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += a[(T + t) * F + f]!;
      expect(mean!.weights[t]).toBeCloseTo(s / F, 7);
    }
    for (const d of docs) expect(() => validateDocument(d)).not.toThrow();
    expect(error(() => attentionDocuments(a.subarray(0, T * F), 2, T, { kernel: perFeature })).message).toBe('20 weights for 2 sequences of 4 steps of 5 features');
  });
});

describe('both, against a plain port of variants_ref.py (property)', () => {
  it('any N, T, F (F = 1 included) and lengths: the engine equals the reference to 1e-6', () => {
    fc.assert(
      fc.property(fc.constantFrom('step-bias', 'per-feature' as const), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (variant, N, T, F, seed) => {
        const g = rng(seed);
        const x = randomF32(N * T * F, g, 2);
        const W = randomF32(variant === 'per-feature' ? F * F : F, g);
        const b = randomF32(variant === 'per-feature' ? F : T, g);
        const lengths = Array.from({ length: N }, () => Math.floor(g() * (T + 1)));
        const k = prepareKernel({ variant, W: tensor('float32', variant === 'per-feature' ? [F, F] : [F, 1], W), b: tensor('float32', variant === 'per-feature' ? [F] : [T, 1], b) });
        const want = refNewVariant(variant, x, N, T, F, W, b, lengths);
        const got = computeAttention(k, tensor('float32', [N, T, F], x), maskFromLengths(lengths));
        expect(got.length).toBe(want.length);
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
      }),
      { numRuns: 150 },
    );
  });
});
