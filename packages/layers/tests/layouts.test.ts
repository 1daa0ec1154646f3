// CuDNN and Keras 1 RNN weight layouts, Bidirectional's merge and Masking, against keras_ref.py
// (which follows Keras 2's keras/engine/saving.py converters and Keras 3's layers).
import { describe, expect, it } from 'vitest';
import { bidirectionalMerge, cudnnToKeras, keras1RnnWeights, masking, type MergeMode } from '../src/index.js';
import { type Arr, expectClose, f32, fixture } from './helpers.js';

const fx = fixture<{
  cudnn: { cell: 'gru' | 'lstm'; kernel: Arr; recurrentKernel: Arr; bias: Arr; expected: Arr[] }[];
  keras1: { cell: 'gru' | 'lstm'; weights: Arr[]; expected: Arr[] }[];
  bidirectional: { mode: MergeMode; returnSequences: boolean; forward: Arr; backward: Arr; expected: Arr }[];
  masking: { x: Arr; maskValue: number; expected: Arr; mask: Arr }[];
}>('layouts');

describe('weight layouts', () => {
  for (const c of fx.cudnn) {
    it(`CuDNN${c.cell.toUpperCase()} → ${c.cell === 'gru' ? 'GRU(reset_after=True)' : 'LSTM'}`, () => {
      const units = c.recurrentKernel.shape[0]!;
      const w = cudnnToKeras(c.cell, f32(c.kernel), f32(c.recurrentKernel), f32(c.bias), units);
      expectClose(w.kernel, c.expected[0]!, 0);
      expectClose(w.recurrentKernel, c.expected[1]!, 0);
      expectClose(w.bias!, c.expected[2]!); // the LSTM's summed biases are rounded to float32
    });
  }
  for (const c of fx.keras1) {
    it(`Keras 1 ${c.cell.toUpperCase()} per-gate arrays`, () => {
      const [inDim, units] = c.weights[0]!.shape as [number, number];
      const w = keras1RnnWeights(c.cell, c.weights.map(f32), inDim, units);
      [w.kernel, w.recurrentKernel, w.bias!].forEach((a, i) => expectClose(a, c.expected[i]!, 0));
    });
  }
});

describe('Bidirectional merge and Masking', () => {
  for (const c of fx.bidirectional) {
    it(`${c.mode}, return_sequences=${c.returnSequences}`, () => {
      const [n, t, u] = c.returnSequences ? (c.forward.shape as [number, number, number]) : [c.forward.shape[0]!, 1, c.forward.shape[1]!];
      expectClose(bidirectionalMerge(f32(c.forward), f32(c.backward), n, t, u, c.mode, c.returnSequences), c.expected);
    });
  }
  for (const c of fx.masking) {
    it('Masking zeroes the steps whose every value is the mask value', () => {
      const [n, t, d] = c.x.shape as [number, number, number];
      const r = masking(f32(c.x), n * t, d, c.maskValue);
      expectClose(r.data, c.expected, 0);
      expect([...r.mask]).toEqual(c.mask.data);
    });
  }
});
