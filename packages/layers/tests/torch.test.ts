// PyTorch's own GRU and LSTM (tests/fixtures/torch.json, scripts/make-torch-fixtures.py), run
// through torchGruToKeras / torchLstmToKeras and runRnn: Keras's reset_after=True GRU and LSTM
// are PyTorch's up to the weight layout. PyTorch computes in float32, hence the 1e-5.
import { describe, expect, it } from 'vitest';
import { runRnn, torchGruToKeras, torchLstmToKeras } from '../src/index.js';
import { type Arr, expectClose, f32, fixture } from './helpers.js';

interface TorchCase {
  kind: 'gru' | 'lstm'; direction?: 'reverse'; units: number; x: Arr; lengths: number[];
  weight_ih: Arr; weight_hh: Arr; bias_ih: Arr; bias_hh: Arr; output: Arr; states: Arr[]; packedStates: Arr[];
}

describe('against PyTorch', () => {
  const { cases } = fixture<{ torch: string; cases: TorchCase[] }>('torch');
  for (const c of cases.filter((k) => !k.direction)) {
    const [n, t, f] = c.x.shape as [number, number, number];
    const convert = c.kind === 'gru' ? torchGruToKeras : torchLstmToKeras;
    const w = convert(f32(c.weight_ih), f32(c.weight_hh), f32(c.bias_ih), f32(c.bias_hh));
    const opts = {
      cell: c.kind, units: w.units, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true,
      returnSequences: true, goBackwards: false, maskedOutput: 'zero',
    } as const;
    it(`torch.nn.${c.kind.toUpperCase()} output and final states`, () => {
      expect(w.units).toBe(c.units);
      const r = runRnn(f32(c.x), n, t, f, undefined, w, opts);
      expectClose(r.output, c.output);
      r.states.forEach((s, i) => expectClose(s, c.states[i]!));
    });
    it(`torch.nn.${c.kind.toUpperCase()} over packed sequences = a Keras mask over post-padding`, () => {
      const mask = new Uint8Array(n * t);
      c.lengths.forEach((len, b) => mask.fill(1, b * t, b * t + len));
      const r = runRnn(f32(c.x), n, t, f, mask, w, opts);
      r.states.forEach((s, i) => expectClose(s, c.packedStates[i]!));
    });
  }
  for (const c of cases.filter((k) => k.direction === 'reverse')) {
    it('the reverse direction of a bidirectional torch.nn.GRU is go_backwards, flipped back in time', () => {
      const [n, t, f] = c.x.shape as [number, number, number];
      const w = torchGruToKeras(f32(c.weight_ih), f32(c.weight_hh), f32(c.bias_ih), f32(c.bias_hh));
      const r = runRnn(f32(c.x), n, t, f, undefined, w, {
        cell: 'gru', units: w.units, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true,
        returnSequences: true, goBackwards: true, maskedOutput: 'zero',
      });
      const flipped = new Float32Array(r.output.length);
      for (let b = 0; b < n; b++) for (let s = 0; s < t; s++) flipped.set(r.output.subarray((b * t + s) * w.units, (b * t + s + 1) * w.units), (b * t + t - 1 - s) * w.units);
      expectClose(flipped, c.output);
      expectClose(r.states[0]!, c.states[0]!);
    });
  }
});
