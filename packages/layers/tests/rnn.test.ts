// runRnn against keras_ref.py's rnn() (tests/fixtures/rnn.json): every cell, both GRU variants,
// masks with gaps and fully masked rows, go_backwards, both masked-output rules, initial states.
import { describe, expect, it } from 'vitest';
import { embedding, rnnInputProjection, runRnn, runRnnProjected, type ActivationName, type CellKind } from '../src/index.js';
import { type Arr, expectClose, f32, fixture, opt, u8 } from './helpers.js';

interface RnnCase {
  name: string; cell: CellKind; units: number; activation: ActivationName; recurrentActivation: ActivationName;
  resetAfter: boolean; goBackwards: boolean; maskedOutput: 'previous' | 'zero'; returnSequences: boolean;
  x: Arr; mask: Arr | null; kernel: Arr; recurrentKernel: Arr; bias: Arr | null; initialState?: Arr[];
  expected: Arr; states: Arr[];
}

describe('runRnn matches the Keras reference', () => {
  const cases = fixture<RnnCase[]>('rnn');
  it('has the cases it should', () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) {
    it(c.name, () => {
      const [n, t, f] = c.x.shape as [number, number, number];
      const w = { kernel: f32(c.kernel), recurrentKernel: f32(c.recurrentKernel), ...(c.bias ? { bias: opt(c.bias)! } : {}) };
      const r = runRnn(f32(c.x), n, t, f, c.mask ? u8(c.mask) : undefined, w, {
        cell: c.cell, units: c.units, activation: c.activation, recurrentActivation: c.recurrentActivation,
        resetAfter: c.resetAfter, returnSequences: c.returnSequences, goBackwards: c.goBackwards, maskedOutput: c.maskedOutput,
        ...(c.initialState ? { initialState: c.initialState.map(f32) } : {}),
      });
      expectClose(r.output, c.expected);
      expect(r.states.length).toBe(c.states.length);
      r.states.forEach((s, i) => expectClose(s, c.states[i]!));
    });
  }
});

describe('an Embedding in front: the table projected once', () => {
  // x's N·T rows become an embedding table and ids 0..N·T-1 pick them back: projecting the
  // table through the input kernel first must give runRnn's result exactly as the reference does.
  const cases = fixture<RnnCase[]>('rnn').filter((c) => c.returnSequences && c.mask);
  for (const c of cases.slice(0, 12)) {
    it(c.name, () => {
      const [n, t, f] = c.x.shape as [number, number, number];
      const o = {
        cell: c.cell, units: c.units, activation: c.activation, recurrentActivation: c.recurrentActivation,
        resetAfter: c.resetAfter, returnSequences: true, goBackwards: c.goBackwards, maskedOutput: c.maskedOutput,
      };
      const w = { kernel: f32(c.kernel), recurrentKernel: f32(c.recurrentKernel), ...(c.bias ? { bias: opt(c.bias)! } : {}) };
      const gu = w.recurrentKernel.length / c.units;
      const table = rnnInputProjection(f32(c.x), n * t, f, w, o);
      const ids = Int32Array.from({ length: n * t }, (_, i) => i);
      const r = runRnnProjected(embedding(ids, table, n * t, gu), n, t, u8(c.mask!), w, o);
      expectClose(r.output, c.expected);
    });
  }
});

describe('output buffers a streaming caller reuses', () => {
  it('a dirty output buffer gives the same result, masked zero steps included', () => {
    const c = fixture<RnnCase[]>('rnn').find((k) => k.maskedOutput === 'zero' && k.returnSequences && k.mask)!;
    const [n, t, f] = c.x.shape as [number, number, number];
    const output = new Float32Array(c.expected.data.length).fill(NaN);
    const w = { kernel: f32(c.kernel), recurrentKernel: f32(c.recurrentKernel), ...(c.bias ? { bias: opt(c.bias)! } : {}) };
    const r = runRnn(f32(c.x), n, t, f, u8(c.mask!), w, {
      cell: c.cell, units: c.units, activation: c.activation, recurrentActivation: c.recurrentActivation,
      resetAfter: c.resetAfter, returnSequences: true, goBackwards: c.goBackwards, maskedOutput: 'zero', output,
    });
    expect(r.output).toBe(output);
    expectClose(output, c.expected);
  });
  it('embedding writes into the buffer it is given', () => {
    const out = new Float32Array(4).fill(NaN);
    expect([...embedding([1, 0], new Float32Array([1, 2, 3, 4]), 2, 2, out)]).toEqual([3, 4, 1, 2]);
    expect([...out]).toEqual([3, 4, 1, 2]);
  });
});
