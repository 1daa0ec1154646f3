// PyTorch's own GRU and LSTM (tests/fixtures/torch.json, scripts/make-torch-fixtures.py), run
// through torchGruToKeras / torchLstmToKeras and runRnn: Keras's reset_after=True GRU and LSTM
// are PyTorch's up to the weight layout. PyTorch computes in float32, hence the 1e-5.
import { describe, expect, it } from 'vitest';
import { runRnn, torchGruToKeras, torchLstmToKeras } from '../src/index.js';
import { type Arr, expectClose, f32, fixture } from './helpers.js';

interface TorchCase {
  kind: 'gru' | 'lstm'; units: number; x: Arr; lengths: number[];
  weight_ih: Arr; weight_hh: Arr; bias_ih: Arr; bias_hh: Arr; output: Arr; states: Arr[]; packedStates: Arr[];
}

describe('against PyTorch', () => {
  const { cases } = fixture<{ torch: string; cases: TorchCase[] }>('torch');
  for (const c of cases) {
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
});
