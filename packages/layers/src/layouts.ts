// Saved RNN weight layouts other than Keras 2's, turned into runRnn's. Both follow Keras 2's own
// converters in keras/engine/saving.py: _convert_rnn_weights (CuDNN) and
// preprocess_weights_for_loading with original_keras_version == '1' (Keras 1's per-gate arrays).
import { fail } from '@attnlens/core';
import { checkLength, checkSize } from './checks.js';
import type { RnnWeights } from './rnn.js';

const GATE_COUNT = { gru: 3, lstm: 4 } as const;

/**
 * CuDNNGRU / CuDNNLSTM weights (kernel (F, G·U), recurrent (U, G·U), bias (2·G·U)) → the weights
 * of GRU(reset_after=true) / LSTM. Per gate, the input kernel's (F, U) block holds a (U, F)
 * matrix in C order (`k.T.reshape(k.shape, order='F')`), the recurrent block is transposed; an
 * LSTM's two biases are summed, a GRU's become (2, 3U) (the same memory).
 */
export function cudnnToKeras(cell: 'gru' | 'lstm', kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array, units: number): RnnWeights {
  const g = GATE_COUNT[cell];
  if (!g) fail('BAD_ARGUMENT', `cudnnToKeras: cell must be gru or lstm, got '${String(cell)}'`);
  checkSize('cudnnToKeras', 'units', units, false);
  const gu = g * units;
  const f = kernel.length / gu;
  if (!Number.isInteger(f) || f === 0) fail('SHAPE_MISMATCH', `cudnnToKeras: kernel has ${kernel.length} values, not (F, ${gu})`);
  checkLength('cudnnToKeras', 'recurrent kernel', recurrentKernel, units * gu, `(${units}, ${gu})`);
  checkLength('cudnnToKeras', 'bias', bias, 2 * gu, `(${2 * gu})`);
  const k = new Float32Array(kernel.length);
  const r = new Float32Array(recurrentKernel.length);
  for (let gi = 0; gi < g; gi++) {
    const col = gi * units;
    for (let i = 0; i < f * units; i++) {
      // element i of the block read in C order is out[f][u] with u*F + f = i
      const src = Math.floor(i / units) * gu + col + (i % units);
      k[(i % f) * gu + col + Math.floor(i / f)] = kernel[src]!;
    }
    for (let i = 0; i < units; i++) for (let j = 0; j < units; j++) r[i * gu + col + j] = recurrentKernel[j * gu + col + i]!;
  }
  const b = cell === 'gru' ? Float32Array.from(bias) : Float32Array.from({ length: gu }, (_, i) => bias[i]! + bias[gu + i]!);
  return { kernel: k, recurrentKernel: r, bias: b };
}

/**
 * Keras 1's per-gate arrays → Keras 2's: GRU [W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h];
 * LSTM 12 arrays whose gates are stored i, c, f, o (concatenated back as i, f, c, o).
 */
export function keras1RnnWeights(cell: 'gru' | 'lstm', weights: Float32Array[], inDim: number, units: number): RnnWeights {
  const g = GATE_COUNT[cell];
  if (!g) fail('BAD_ARGUMENT', `keras1RnnWeights: cell must be gru or lstm, got '${String(cell)}'`);
  if (weights.length !== 3 * g) fail('SHAPE_MISMATCH', `keras1RnnWeights: a Keras 1 ${cell.toUpperCase()} has ${3 * g} weight arrays, got ${weights.length}`);
  const order = cell === 'gru' ? [0, 3, 6] : [0, 6, 3, 9];
  const gu = g * units;
  const concat = (offset: number, rows: number): Float32Array => {
    const out = new Float32Array(rows * gu);
    order.forEach((base, gi) => {
      const w = weights[base + offset]!;
      checkLength('keras1RnnWeights', `weight ${base + offset}`, w, rows * units, `(${rows === 1 ? '' : `${rows}, `}${units})`);
      for (let row = 0; row < rows; row++) out.set(w.subarray(row * units, (row + 1) * units), row * gu + gi * units);
    });
    return out;
  };
  return { kernel: concat(0, inDim), recurrentKernel: concat(1, units), bias: concat(2, 1) };
}
