// PyTorch → Keras weight layouts for the recurrent cells, so one kernel runs both.
// torch.nn.GRU (torch/nn/modules/rnn.py docs): r = σ(W_ir x + b_ir + W_hr h + b_hr),
// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
// h' = (1 − z) ⊙ n + z ⊙ h: Keras's GRU with reset_after=True, gates stored r,z,n as rows of
// weight_ih (3U, F). torch.nn.LSTM: gates i,f,g,o (Keras's i,f,c,o), weight_ih (4U, F), and two
// biases that are simply added.
import { fail } from '@attnlens/core';
import type { RnnWeights } from './rnn.js';

/** (G·U, F) rows in gate order `order` → (F, G·U) columns in Keras gate order. */
function toKerasKernel(w: Float32Array, units: number, inDim: number, order: number[]): Float32Array {
  const g = order.length;
  const out = new Float32Array(inDim * g * units);
  for (let kg = 0; kg < g; kg++) {
    const tg = order[kg]!;
    for (let j = 0; j < units; j++) {
      const src = (tg * units + j) * inDim;
      for (let f = 0; f < inDim; f++) out[f * g * units + kg * units + j] = w[src + f]!;
    }
  }
  return out;
}

function reorderBias(b: Float32Array, units: number, order: number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((tg, kg) => out.set(b.subarray(tg * units, (tg + 1) * units), kg * units));
  return out;
}

function unitsOf(kind: string, weightHh: Float32Array, gates: number): number {
  const u = Math.sqrt(weightHh.length / gates);
  if (!Number.isInteger(u) || u === 0) fail('SHAPE_MISMATCH', `${kind}: weight_hh has ${weightHh.length} values, not (${gates}·U, U)`);
  return u;
}

function checkTorch(kind: string, wih: Float32Array, bih: Float32Array | undefined, bhh: Float32Array | undefined, gu: number): number {
  const f = wih.length / gu;
  if (!Number.isInteger(f) || f === 0) fail('SHAPE_MISMATCH', `${kind}: weight_ih has ${wih.length} values, not (${gu}, F)`);
  for (const [name, b] of [['bias_ih', bih], ['bias_hh', bhh]] as const) {
    if (b && b.length !== gu) fail('SHAPE_MISMATCH', `${kind}: ${name} has ${b.length} values, not ${gu}`);
  }
  return f;
}

/** torch.nn.GRU weights (one layer, one direction) → Keras GRU weights for `resetAfter: true`. */
export function torchGruToKeras(weightIh: Float32Array, weightHh: Float32Array, biasIh?: Float32Array, biasHh?: Float32Array): RnnWeights & { units: number } {
  const u = unitsOf('torchGruToKeras', weightHh, 3);
  const f = checkTorch('torchGruToKeras', weightIh, biasIh, biasHh, 3 * u);
  const order = [1, 0, 2]; // Keras z,r,h ← torch r,z,n
  const w: RnnWeights & { units: number } = {
    units: u,
    kernel: toKerasKernel(weightIh, u, f, order),
    recurrentKernel: toKerasKernel(weightHh, u, u, order),
  };
  if (biasIh || biasHh) {
    const bias = new Float32Array(6 * u);
    if (biasIh) bias.set(reorderBias(biasIh, u, order), 0);
    if (biasHh) bias.set(reorderBias(biasHh, u, order), 3 * u);
    w.bias = bias;
  }
  return w;
}

/** torch.nn.LSTM weights (one layer, one direction) → Keras LSTM weights (bias = bias_ih + bias_hh). */
export function torchLstmToKeras(weightIh: Float32Array, weightHh: Float32Array, biasIh?: Float32Array, biasHh?: Float32Array): RnnWeights & { units: number } {
  const u = unitsOf('torchLstmToKeras', weightHh, 4);
  const f = checkTorch('torchLstmToKeras', weightIh, biasIh, biasHh, 4 * u);
  const order = [0, 1, 2, 3];
  const w: RnnWeights & { units: number } = {
    units: u,
    kernel: toKerasKernel(weightIh, u, f, order),
    recurrentKernel: toKerasKernel(weightHh, u, u, order),
  };
  if (biasIh || biasHh) {
    const bias = new Float32Array(4 * u);
    for (let i = 0; i < 4 * u; i++) bias[i] = (biasIh ? biasIh[i]! : 0) + (biasHh ? biasHh[i]! : 0);
    w.bias = bias;
  }
  return w;
}
