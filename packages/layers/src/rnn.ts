// SimpleRNN, GRU (reset_after false and true) and LSTM over a batch, with Keras's masking.
// Cell formulas: Keras 2 keras/layers/recurrent.py (SimpleRNNCell.call, GRUCell.call,
// LSTMCell.call; the same in Keras 3 keras/src/layers/rnn/{simple_rnn,gru,lstm}.py). The mask
// rule is K.rnn's: a masked step keeps every state, and outputs either the previous output or
// zeros (README "Masking"). Speed: the input projection for all N·T steps is one GEMM
// (`rnnInputProjection`, which an Embedding in front can apply to its table once instead); each
// step is one (N × U)·(U × G·U) GEMM over the whole batch (two for GRU reset_after=false), with
// the state kept in float64.
import { fail } from '@attnlens/core';
import { scalarActivation, type ActivationName } from './activations.js';
import { checkLength, checkSize } from './checks.js';
import { gemmF32, gemmPacked, packB, type PackedB } from './matmul.js';

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
  /** Where to write the output ((N, T, U) or (N, U)); a new array when absent. */
  output?: Float32Array;
}

export interface RnnResult {
  /** (N, T, U) in processing order (reversed time when goBackwards, as Keras returns it), or (N, U). */
  output: Float32Array;
  /** The final states, (N, U) each: [h], LSTM [h, c]. */
  states: Float32Array[];
}

export const GATES: Record<CellKind, number> = { simple: 1, gru: 3, lstm: 4 };

type Scalar = (v: number) => number;

function gatesOf(o: Pick<RnnOptions, 'cell' | 'units'>): number {
  const g = GATES[o.cell];
  if (!g) fail('BAD_ARGUMENT', `runRnn: unknown cell '${String(o.cell)}'`, { hint: 'use simple, gru or lstm' });
  checkSize('runRnn', 'units', o.units, false);
  return g * o.units;
}

/** The bias split into the part added to x·kernel and (GRU reset_after) the part added to h·U. */
function splitBias(w: Pick<RnnWeights, 'bias'>, o: Pick<RnnOptions, 'cell' | 'resetAfter'>, gu: number): { input?: Float32Array; recurrent?: Float32Array } {
  if (!w.bias) return {};
  const resetAfter = o.cell === 'gru' && o.resetAfter === true;
  checkLength('runRnn', 'bias', w.bias, resetAfter ? 2 * gu : gu, resetAfter ? `(2, ${gu})` : `(${gu})`);
  return resetAfter ? { input: w.bias.subarray(0, gu), recurrent: w.bias.subarray(gu) } : { input: w.bias };
}

/**
 * x (rows, F) · kernel + input bias → (rows, G·U): the part of every step that does not depend
 * on the state. Applied to an Embedding's table (rows = vocab) it gives a table whose rows are
 * the projections of each token, so `embedding(ids, projected, vocab, G·U)` feeds `runRnnProjected`.
 */
export function rnnInputProjection(x: Float32Array, rows: number, f: number, w: Pick<RnnWeights, 'kernel' | 'bias'>, o: Pick<RnnOptions, 'cell' | 'units' | 'resetAfter'>): Float32Array {
  checkSize('runRnn', 'rows', rows);
  checkSize('runRnn', 'f', f);
  const gu = gatesOf(o);
  checkLength('runRnn', 'x', x, rows * f, `(${rows}, ${f})`);
  checkLength('runRnn', 'kernel', w.kernel, f * gu, `(${f}, ${gu})`);
  const xp = new Float32Array(rows * gu);
  gemmF32(x, rows, packB(w.kernel, f, gu, splitBias(w, o, gu).input), xp);
  return xp;
}

function cellActivation(name: ActivationName, role: string): Scalar {
  const f = name === 'softmax' || name === 'log_softmax' ? null : scalarActivation(name);
  if (!f) fail('UNSUPPORTED', `runRnn: ${name} cannot be a recurrent cell's ${role}`, { hint: 'use an element-wise activation such as tanh or sigmoid' });
  return f;
}

function columns(m: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const w = to - from;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + from, r * cols + to), r * w);
  return out;
}

/** Everything a step needs, prepared once per call. */
interface Plan {
  cell: CellKind; n: number; t: number; u: number; gu: number;
  act: Scalar; rec: Scalar;
  xp: Float32Array;
  /** h·U (+ recurrent bias); GRU reset_after=false: the z,r columns only, and `hh` the h columns. */
  rk: PackedB;
  hh?: PackedB;
  // Scratch, float64.
  hp: Float64Array; rh: Float64Array; hhp: Float64Array;
}

function plan(xp: Float32Array, n: number, t: number, w: Omit<RnnWeights, 'kernel'>, o: RnnOptions): Plan {
  checkSize('runRnn', 'n', n);
  checkSize('runRnn', 't', t);
  const gu = gatesOf(o);
  const u = o.units;
  checkLength('runRnn', 'input projection', xp, n * t * gu, `(${n}, ${t}, ${gu})`);
  checkLength('runRnn', 'recurrent kernel', w.recurrentKernel, u * gu, `(${u}, ${gu})`);
  const recurrentBias = splitBias(w, o, gu).recurrent;
  const split = o.cell === 'gru' && o.resetAfter !== true;
  const p: Plan = {
    cell: o.cell, n, t, u, gu, xp,
    act: cellActivation(o.activation, 'activation'), rec: cellActivation(o.recurrentActivation, 'recurrent activation'),
    rk: split ? packB(columns(w.recurrentKernel, u, gu, 0, 2 * u), u, 2 * u) : packB(w.recurrentKernel, u, gu, recurrentBias),
    hp: new Float64Array(n * gu), rh: new Float64Array(n * u), hhp: new Float64Array(n * u),
  };
  if (split) p.hh = packB(columns(w.recurrentKernel, u, gu, 2 * u, gu), u, u);
  return p;
}

/** One step of every sample: the candidate new h (and c) into `nh`/`nc`, from states `h`/`c`, input time `ti`. */
function step(p: Plan, ti: number, h: Float64Array, c: Float64Array, nh: Float64Array, nc: Float64Array): void {
  const { n, t, u, gu, xp, act, rec, hp } = p;
  if (p.hh) {
    // GRU reset_after=false (Keras 2 GRUCell.call): the reset gate multiplies h before U_h.
    gemmPacked(h, n, p.rk, hp);
    const { rh, hhp } = p;
    for (let b = 0; b < n; b++) {
      const xo = (b * t + ti) * gu;
      const ho = b * 2 * u;
      for (let j = 0; j < u; j++) rh[b * u + j] = rec(xp[xo + u + j]! + hp[ho + u + j]!) * h[b * u + j]!;
    }
    gemmPacked(rh, n, p.hh, hhp);
    for (let b = 0; b < n; b++) {
      const xo = (b * t + ti) * gu;
      const ho = b * 2 * u;
      for (let j = 0; j < u; j++) {
        const k = b * u + j;
        const z = rec(xp[xo + j]! + hp[ho + j]!);
        nh[k] = z * h[k]! + (1 - z) * act(xp[xo + 2 * u + j]! + hhp[k]!);
      }
    }
    return;
  }
  gemmPacked(h, n, p.rk, hp);
  for (let b = 0; b < n; b++) {
    const xo = (b * t + ti) * gu;
    const ho = b * gu;
    for (let j = 0; j < u; j++) {
      const k = b * u + j;
      if (p.cell === 'simple') {
        nh[k] = act(xp[xo + j]! + hp[ho + j]!);
      } else if (p.cell === 'gru') {
        // reset_after=true: r multiplies the recurrent projection, recurrent bias included (CuDNN/PyTorch form).
        const z = rec(xp[xo + j]! + hp[ho + j]!);
        const r = rec(xp[xo + u + j]! + hp[ho + u + j]!);
        nh[k] = z * h[k]! + (1 - z) * act(xp[xo + 2 * u + j]! + r * hp[ho + 2 * u + j]!);
      } else {
        const i = rec(xp[xo + j]! + hp[ho + j]!);
        const f = rec(xp[xo + u + j]! + hp[ho + u + j]!);
        const cc = act(xp[xo + 2 * u + j]! + hp[ho + 2 * u + j]!);
        const og = rec(xp[xo + 3 * u + j]! + hp[ho + 3 * u + j]!);
        const cn = f * c[k]! + i * cc;
        nc[k] = cn;
        nh[k] = og * act(cn);
      }
    }
  }
}

function initialStates(o: RnnOptions, n: number, u: number): Float64Array[] {
  const count = o.cell === 'lstm' ? 2 : 1;
  const given = o.initialState;
  if (given && given.length !== count) {
    fail('SHAPE_MISMATCH', `runRnn: a ${o.cell} cell has ${count} state${count > 1 ? 's' : ''} but ${given.length} initial states were given`);
  }
  const states: Float64Array[] = [];
  for (let i = 0; i < count; i++) {
    if (given) checkLength('runRnn', `initial state ${i}`, given[i]!, n * u, `(${n}, ${u})`);
    states.push(given ? Float64Array.from(given[i]!) : new Float64Array(n * u));
  }
  return states;
}

/**
 * runRnn from the input projection xp (N, T, G·U) = x·kernel + input bias (`rnnInputProjection`);
 * the kernel itself is not needed. Same result as runRnn.
 */
export function runRnnProjected(xp: Float32Array, n: number, t: number, mask: Uint8Array | undefined, w: Omit<RnnWeights, 'kernel'>, o: RnnOptions): RnnResult {
  const p = plan(xp, n, t, w, o);
  if (mask) checkLength('runRnn', 'mask', mask, n * t, `(${n}, ${t})`);
  const u = p.u;
  const states = initialStates(o, n, u);
  let h: Float64Array = states[0]!;
  let c: Float64Array = states[1] ?? new Float64Array(0);
  let nh: Float64Array = new Float64Array(n * u);
  let nc: Float64Array = new Float64Array(c.length);
  const size = o.returnSequences ? n * t * u : n * u;
  if (o.output) checkLength('runRnn', 'output', o.output, size, o.returnSequences ? `(${n}, ${t}, ${u})` : `(${n}, ${u})`);
  const output = o.output ?? new Float32Array(size);
  // A reused buffer holds the last batch: the masked steps that 'zero' skips must read 0.
  if (o.output && o.maskedOutput === 'zero' && mask) output.fill(0);
  for (let s = 0; s < t; s++) {
    const ti = o.goBackwards ? t - 1 - s : s;
    step(p, ti, h, c, nh, nc);
    for (let b = 0; b < n; b++) {
      const valid = !mask || mask[b * t + ti] !== 0;
      if (!valid) {
        // K.rnn: tf.where(mask, new_state, state) for every state.
        nh.set(h.subarray(b * u, b * u + u), b * u);
        if (c.length) nc.set(c.subarray(b * u, b * u + u), b * u);
      }
      // 'zero' leaves a masked step's output at 0; 'previous' writes the carried state.
      if (o.returnSequences && (valid || o.maskedOutput === 'previous')) output.set(nh.subarray(b * u, b * u + u), (b * t + s) * u);
    }
    [h, nh] = [nh, h];
    [c, nc] = [nc, c];
  }
  if (!o.returnSequences) {
    output.set(h);
    // Keras's last_output is outputs[-1]: under 'zero' a sample whose last processed step is masked outputs zeros.
    if (mask && o.maskedOutput === 'zero') {
      const last = o.goBackwards ? 0 : t - 1;
      for (let b = 0; b < n; b++) if (t > 0 && mask[b * t + last] === 0) output.fill(0, b * u, (b + 1) * u);
    }
  }
  return { output, states: (c.length ? [h, c] : [h]).map((s) => Float32Array.from(s)) };
}

/**
 * x (N, T, F); mask (N·T) 1 = valid, masked steps keep the state. Output (N, T, U) or (N, U),
 * and the final states. Without returnSequences the output is the last step's output: the final
 * h under 'previous', and zeros under 'zero' when that step is masked (Keras's outputs[-1]).
 */
export function runRnn(x: Float32Array, n: number, t: number, f: number, mask: Uint8Array | undefined, w: RnnWeights, o: RnnOptions): RnnResult {
  checkSize('runRnn', 'n', n);
  checkSize('runRnn', 't', t);
  checkLength('runRnn', 'x', x, n * t * f, `(${n}, ${t}, ${f})`);
  return runRnnProjected(rnnInputProjection(x, n * t, f, w, o), n, t, mask, w, o);
}
