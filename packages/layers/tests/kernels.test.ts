// Every kernel against keras_ref.py's float64 answers (tests/fixtures, scripts/make-fixtures.py).
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES, activate, batchDot, batchNorm, concatenate, conv1d, dense, elementwise, embedding,
  globalPool1d, layerNorm, permute, pool1d, repeatVector, type ActivationName, type MergeOp,
} from '../src/index.js';
import { type Arr, expectClose, f32, fixture, opt, u8 } from './helpers.js';

describe('activations', () => {
  const cases = fixture<{ name: ActivationName; alpha?: number; x: Arr; lastDim: number; expected: Arr }[]>('activations');
  it('covers every activation name', () => expect([...new Set(cases.map((c) => c.name))].sort()).toEqual([...ACTIVATION_NAMES].sort()));
  for (const c of cases) {
    it(`${c.name}${c.alpha !== undefined ? ` alpha=${c.alpha}` : ''} matches the reference`, () => {
      expectClose(activate(c.name, f32(c.x), c.lastDim, c.alpha !== undefined ? { alpha: c.alpha } : {}), c.expected);
    });
  }
});

describe('dense and embedding', () => {
  const fx = fixture<{ dense: { name: string; x: Arr; W: Arr; b: Arr | null; activation: ActivationName; expected: Arr }[];
    embedding: { ids: Arr; table: Arr; expected: Arr } }>('dense');
  for (const c of fx.dense) {
    it(c.name, () => {
      const [rows, inDim] = c.x.shape as [number, number];
      const out = c.W.shape[1]!;
      expectClose(activate(c.activation, dense(f32(c.x), rows, inDim, f32(c.W), out, opt(c.b)), out), c.expected);
    });
  }
  it('embedding takes rows of the table for int32 and int64 ids', () => {
    const [vocab, dim] = fx.embedding.table.shape as [number, number];
    const ids = fx.embedding.ids.data as number[];
    expectClose(embedding(Int32Array.from(ids), f32(fx.embedding.table), vocab, dim), fx.embedding.expected, 1e-12);
    expectClose(embedding(BigInt64Array.from(ids, BigInt), f32(fx.embedding.table), vocab, dim), fx.embedding.expected, 1e-12);
  });
});

describe('conv1d and pooling', () => {
  const fx = fixture<{
    conv1d: { name: string; x: Arr; kernel: Arr; bias: Arr; strides: number; padding: 'valid' | 'same' | 'causal'; dilation: number; expected: Arr }[];
    pool1d: { name: string; x: Arr; kind: 'max' | 'avg'; poolSize: number; strides: number; padding: 'valid' | 'same'; expected: Arr }[];
    global: { name: string; x: Arr; kind: 'max' | 'avg'; mask: Arr | null; expected: Arr }[];
  }>('conv');
  for (const c of fx.conv1d) {
    it(`conv1d ${c.name}`, () => {
      const [n, t, ch] = c.x.shape as [number, number, number];
      const [k, , o] = c.kernel.shape as [number, number, number];
      const r = conv1d(f32(c.x), n, t, ch, f32(c.kernel), k, o, f32(c.bias), c);
      expect(r.t).toBe(c.expected.shape[1]);
      expectClose(r.data, c.expected);
    });
  }
  for (const c of fx.pool1d) {
    it(`pool1d ${c.name}`, () => {
      const [n, t, ch] = c.x.shape as [number, number, number];
      const r = pool1d(f32(c.x), n, t, ch, c);
      expect(r.t).toBe(c.expected.shape[1]);
      expectClose(r.data, c.expected);
    });
  }
  for (const c of fx.global) {
    it(`globalPool1d ${c.name} (a fully masked average is NaN, as in Keras)`, () => {
      const [n, t, ch] = c.x.shape as [number, number, number];
      expectClose(globalPool1d(f32(c.x), n, t, ch, c.kind, c.mask ? u8(c.mask) : undefined), c.expected);
    });
  }
});

describe('normalisation', () => {
  const fx = fixture<{
    batchNorm: { name: string; x: Arr; rows: number; dim: number; inner: number; gamma: Arr | null; beta: Arr | null; movingMean: Arr; movingVariance: Arr; epsilon: number; expected: Arr }[];
    layerNorm: { name: string; x: Arr; rows: number; dim: number; gamma: Arr | null; beta: Arr | null; epsilon: number; rmsScaling?: boolean; expected: Arr }[];
  }>('norm');
  for (const c of fx.batchNorm) {
    it(`batchNorm ${c.name}`, () => {
      const p = { gamma: opt(c.gamma), beta: opt(c.beta), movingMean: f32(c.movingMean), movingVariance: f32(c.movingVariance), epsilon: c.epsilon };
      expectClose(batchNorm(f32(c.x), c.rows, c.dim, p, c.inner), c.expected);
    });
  }
  for (const c of fx.layerNorm) {
    it(`layerNorm ${c.name}`, () => {
      expectClose(layerNorm(f32(c.x), c.rows, c.dim, { gamma: opt(c.gamma), beta: opt(c.beta), epsilon: c.epsilon, rmsScaling: c.rmsScaling ?? false }), c.expected);
    });
  }
});

describe('shape ops and merges', () => {
  const fx = fixture<{
    permute: { x: Arr; perm: number[]; expected: Arr }[];
    concatenate: { parts: Arr[]; axis: number; expected: Arr }[];
    elementwise: { op: MergeOp; parts: Arr[]; expected: Arr }[];
    batchDot: { a: Arr; b: Arr; axes: [number, number]; normalize: boolean; expected: Arr }[];
    repeatVector: { x: Arr; times: number; expected: Arr }[];
  }>('shape-ops');
  const shaped = (a: Arr) => ({ data: f32(a), shape: a.shape });
  for (const c of fx.permute) it(`permute [${c.perm}]`, () => expectClose(permute(f32(c.x), c.x.shape, c.perm), c.expected, 0));
  for (const c of fx.concatenate) {
    it(`concatenate axis ${c.axis}`, () => {
      const r = concatenate(c.parts.map(shaped), c.axis);
      expect(r.shape).toEqual(c.expected.shape);
      expectClose(r.data, c.expected, 0);
    });
  }
  for (const c of fx.elementwise) {
    it(`${c.op} of ${c.parts.map((p) => `(${p.shape})`).join(' ')} broadcasts as Keras`, () => {
      const r = elementwise(c.op, c.parts.map(shaped));
      expect(r.shape).toEqual(c.expected.shape);
      expectClose(r.data, c.expected);
    });
  }
  for (const c of fx.batchDot) {
    it(`batchDot (${c.a.shape})·(${c.b.shape}) axes [${c.axes}]${c.normalize ? ' normalised' : ''}`, () => {
      const r = batchDot(f32(c.a), c.a.shape, f32(c.b), c.b.shape, c.axes, c.normalize);
      expect(r.shape).toEqual(c.expected.shape);
      expectClose(r.data, c.expected);
    });
  }
  for (const c of fx.repeatVector) {
    it('repeatVector', () => expectClose(repeatVector(f32(c.x), c.x.shape[0]!, c.x.shape[1]!, c.times), c.expected, 0));
  }
});
