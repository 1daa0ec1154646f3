// SimpleRNN, GRU (reset_after false and true) and LSTM over a batch, with Keras's masking.
// Cell formulas: Keras 2 keras/layers/recurrent.py (SimpleRNNCell.call, GRUCell.call,
// LSTMCell.call; the same in Keras 3 keras/src/layers/rnn/{simple_rnn,gru,lstm}.py). The mask
// rule is K.rnn's: a masked step keeps every state, and outputs either the previous output or
// zeros (README "Masking"). Speed: the input projection for all N·T steps is one GEMM; each step
// is one (N × U)·(U × G·U) GEMM over the whole batch (two for GRU reset_after=false).
import { fail } from '@attnlens/core';
import { scalarActivation, type ActivationName } from './activations.js';
import { checkLength, checkSize } from './checks.js';
import { matmulUnchecked } from './matmul.js';

export type CellKind = 'simple' | 'gru' | 'lstm';

export interface RnnWeights {
  /** (F, G·U), Keras 2 layout and gate order: LSTM i,f,c,o; GRU z,r,h; simple: G=1. */
  kernel: Float32Array;
  /** (U, G·U). */
  recurrentKernel: Float32Array;
  /** (G·U); GRU resetAfter: (2·3U) = input bias then recurrent bias. */
  bias?: Float32Array;
}

export interface RnnOptions {
  cell: CellKind;
  units: number;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  /** GRU only: Keras's reset_after (the CuDNN / PyTorch formula). */
  resetAfter?: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
  /** What a masked step outputs with returnSequences: 'previous' (carry the last output) or 'zero'. */
  maskedOutput: 'previous' | 'zero';
  /** (N, U) each; LSTM [h, c]. */
  initialState?: Float32Array[];
}

export interface RnnResult {
  /** (N, T, U) in processing order (reversed time when goBackwards, as Keras returns it), or (N, U). */
  output: Float32Array;
  /** The final states, (N, U) each: [h], LSTM [h, c]. */
  states: Float32Array[];
}

export const GATES: Record<CellKind, number> = { simple: 1, gru: 3, lstm: 4 };

type Scalar = (v: number) => number;

interface Prepared {
  n: number; t: number; u: number; gu: number;
  act: Scalar; rec: Scalar;
  /** (N·T, G·U): x·kernel + input bias. */
  xp: Float32Array;
  w: RnnWeights;
  recurrentBias?: Float32Array;
  /** GRU reset_after=false: the recurrent kernel split into its z,r columns (U, 2U) and h columns (U, U). */
  zr?: Float32Array;
  hh?: Float32Array;
}

function cellActivation(name: ActivationName, role: string): Scalar {
  const f = name === 'softmax' || name === 'log_softmax' ? null : scalarActivation(name);
  if (!f) fail('UNSUPPORTED', `runRnn: ${name} cannot be a recurrent cell's ${role}`, { hint: 'use an element-wise activation such as tanh or sigmoid' });
  return f;
}

function splitColumns(m: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const w = to - from;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + from, r * cols + to), r * w);
  return out;
}

function prepare(x: Float32Array, n: number, t: number, f: number, w: RnnWeights, o: RnnOptions): Prepared {
  for (const [k, v] of [['n', n], ['t', t], ['f', f]] as const) checkSize('runRnn', k, v);
  checkSize('runRnn', 'units', o.units, false);
  const g = GATES[o.cell];
  if (!g) fail('BAD_ARGUMENT', `runRnn: unknown cell '${String(o.cell)}'`, { hint: 'use simple, gru or lstm' });
  const u = o.units;
  const gu = g * u;
  checkLength('runRnn', 'x', x, n * t * f, `(${n}, ${t}, ${f})`);
  checkLength('runRnn', 'kernel', w.kernel, f * gu, `(${f}, ${gu})`);
  checkLength('runRnn', 'recurrent kernel', w.recurrentKernel, u * gu, `(${u}, ${gu})`);
  const resetAfter = o.cell === 'gru' && o.resetAfter === true;
  let inputBias: Float32Array | undefined;
  let recurrentBias: Float32Array | undefined;
  if (w.bias) {
    checkLength('runRnn', 'bias', w.bias, resetAfter ? 2 * gu : gu, resetAfter ? `(2, ${gu})` : `(${gu})`);
    inputBias = resetAfter ? w.bias.subarray(0, gu) : w.bias;
    if (resetAfter) recurrentBias = w.bias.subarray(gu);
  }
  const xp = new Float32Array(n * t * gu);
  matmulUnchecked(x, n * t, f, w.kernel, gu, inputBias, xp);
  const p: Prepared = {
    n, t, u, gu, xp, w, act: cellActivation(o.activation, 'activation'), rec: cellActivation(o.recurrentActivation, 'recurrent activation'),
  };
  if (recurrentBias) p.recurrentBias = recurrentBias;
  if (o.cell === 'gru' && !resetAfter) {
    p.zr = splitColumns(w.recurrentKernel, u, gu, 0, 2 * u);
    p.hh = splitColumns(w.recurrentKernel, u, gu, 2 * u, gu);
  }
  return p;
}

function initialStates(o: RnnOptions, n: number, u: number): Float32Array[] {
  const count = o.cell === 'lstm' ? 2 : 1;
  const given = o.initialState;
  if (given && given.length !== count) {
    fail('SHAPE_MISMATCH', `runRnn: a ${o.cell} cell has ${count} state${count > 1 ? 's' : ''} but ${given.length} initial states were given`);
  }
  const states: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    if (given) checkLength('runRnn', `initial state ${i}`, given[i]!, n * u, `(${n}, ${u})`);
    states.push(given ? Float32Array.from(given[i]!) : new Float32Array(n * u));
  }
  return states;
}

/** Scratch buffers for one step, allocated once per call. */
interface Scratch { hp: Float32Array; rh: Float32Array; hhp: Float32Array }

/** One step of every sample: writes the candidate new h (and c) into `nh`/`nc` for the samples, from states `h`/`c`. */
function step(p: Prepared, o: RnnOptions, ti: number, h: Float32Array, c: Float32Array | undefined, nh: Float32Array, nc: Float32Array | undefined, s: Scratch): void {
  const { n, t, u, gu, xp, act, rec } = p;
  if (o.cell === 'gru' && p.zr) {
    // reset_after=false (Keras 2 GRUCell.call, "reset gate applied to the previous state before the matmul").
    matmulUnchecked(h, n, u, p.zr, 2 * u, undefined, s.hp);
    for (let b = 0; b < n; b++) {
      const xo = (b * t + ti) * gu;
      for (let j = 0; j < u; j++) s.rh[b * u + j] = rec(xp[xo + u + j]! + s.hp[b * 2 * u + u + j]!) * h[b * u + j]!;
    }
    matmulUnchecked(s.rh, n, u, p.hh!, u, undefined, s.hhp);
    for (let b = 0; b < n; b++) {
      const xo = (b * t + ti) * gu;
      for (let j = 0; j < u; j++) {
        const z = rec(xp[xo + j]! + s.hp[b * 2 * u + j]!);
        const cand = act(xp[xo + 2 * u + j]! + s.hhp[b * u + j]!);
        nh[b * u + j] = z * h[b * u + j]! + (1 - z) * cand;
      }
    }
    return;
  }
  matmulUnchecked(h, n, u, p.w.recurrentKernel, gu, p.recurrentBias, s.hp);
  for (let b = 0; b < n; b++) {
    const xo = (b * t + ti) * gu;
    const ho = b * gu;
    for (let j = 0; j < u; j++) {
      const k = b * u + j;
      if (o.cell === 'simple') {
        nh[k] = act(xp[xo + j]! + s.hp[ho + j]!);
      } else if (o.cell === 'gru') {
        // reset_after=true: r multiplies the recurrent projection, recurrent bias included (CuDNN/PyTorch form).
        const z = rec(xp[xo + j]! + s.hp[ho + j]!);
        const r = rec(xp[xo + u + j]! + s.hp[ho + u + j]!);
        const cand = act(xp[xo + 2 * u + j]! + r * s.hp[ho + 2 * u + j]!);
        nh[k] = z * h[k]! + (1 - z) * cand;
      } else {
        const i = rec(xp[xo + j]! + s.hp[ho + j]!);
        const f = rec(xp[xo + u + j]! + s.hp[ho + u + j]!);
        const cc = act(xp[xo + 2 * u + j]! + s.hp[ho + 2 * u + j]!);
        const og = rec(xp[xo + 3 * u + j]! + s.hp[ho + 3 * u + j]!);
        const cn = f * c![k]! + i * cc;
        nc![k] = cn;
        nh[k] = og * act(cn);
      }
    }
  }
}

/**
 * x (N, T, F); mask (N·T) 1 = valid, masked steps keep the state. Output (N, T, U) or (N, U),
 * and the final states. Without returnSequences the output is the last step's output, which
 * (masked steps carrying it over) is the final h.
 */
export function runRnn(x: Float32Array, n: number, t: number, f: number, mask: Uint8Array | undefined, w: RnnWeights, o: RnnOptions): RnnResult {
  const p = prepare(x, n, t, f, w, o);
  if (mask) checkLength('runRnn', 'mask', mask, n * t, `(${n}, ${t})`);
  const u = p.u;
  const states = initialStates(o, n, u);
  let h: Float32Array = states[0]!;
  let c: Float32Array | undefined = states[1];
  let nh: Float32Array = new Float32Array(n * u);
  let nc: Float32Array | undefined = c ? new Float32Array(n * u) : undefined;
  const scratch: Scratch = { hp: new Float32Array(n * p.gu), rh: new Float32Array(n * u), hhp: new Float32Array(n * u) };
  const output = new Float32Array(o.returnSequences ? n * t * u : n * u);
  for (let s = 0; s < t; s++) {
    const ti = o.goBackwards ? t - 1 - s : s;
    step(p, o, ti, h, c, nh, nc, scratch);
    for (let b = 0; b < n; b++) {
      const valid = !mask || mask[b * t + ti] !== 0;
      if (!valid) {
        // K.rnn: tf.where(mask, new_state, state) for every state.
        nh.set(h.subarray(b * u, b * u + u), b * u);
        if (c) nc!.set(c.subarray(b * u, b * u + u), b * u);
      }
      if (o.returnSequences) {
        const dst = (b * t + s) * u;
        if (valid || o.maskedOutput === 'previous') output.set(nh.subarray(b * u, b * u + u), dst);
        // 'zero': the output stays 0 for a masked step.
      }
    }
    [h, nh] = [nh, h];
    if (c) [c, nc] = [nc!, c];
  }
  if (!o.returnSequences) output.set(h);
  return { output, states: c ? [h, c] : [h] };
}
