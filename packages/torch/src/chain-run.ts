// Running an inferred chain (chain.ts) forward from token ids with @attnlens/layers' kernels,
// up to the input of each attention module, as a model @attnlens/forward streams batches
// through (the shape of @attnlens/keras-graph's KerasModel, so one batch loop serves both).
//
// Packing. A state_dict does not say whether forward() called pack_padded_sequence.
// - packed (default): padded steps are skipped, the state carried over them (runRnn's mask).
//   For post-padded ids that is what packing does (torch/nn/utils/rnn.py: each sequence runs
//   its own first `length` steps): the forward direction stops at the last real step, and the
//   reverse direction starts there from a zero state, since it skips the padding after it.
//   Outputs at padded steps are zeros, as pad_packed_sequence writes them.
// - unpacked: padding runs through the RNN like any step (its embedding row, usually zeros
//   with padding_idx, still moves the state through the biases).
// Either way the attention is masked where the ids hold the padding id (masked_fill(-inf)
// before the softmax), and a HAN's sentence vector is Σ_t α_t·h_t, zeros for a sentence of
// padding only (whose softmax over nothing would be NaN in torch).
import { fail, formatShape, tensor, toFloat32, type Tensor } from '@attnlens/core';
import { computeAttention, masksFromIds, prepareKernel, type Kernel } from '@attnlens/attention';
import { embedding, rnnInputProjection, runRnnProjected, torchGruToKeras, torchLstmToKeras, type RnnOptions, type RnnWeights } from '@attnlens/layers';
import type { TorchAttention } from './classify.js';
import type { ChainRnn, RnnDirectionWeights, TorchChain } from './chain.js';
import type { TorchFile } from './torch-file.js';

export interface ChainRunOptions {
  /** false: padding runs through the RNNs (the model did not pack its sequences). Default true. */
  packed?: boolean;
  /** The padding id (default 0, as torch's padding_idx usually is). */
  padId?: number;
}

type Weights = RnnWeights & { units: number };
interface LoadedRnn {
  rnn: ChainRnn;
  /** [layer][direction]. */
  weights: Weights[][];
}

export interface LoadedChain {
  chain: TorchChain;
  /** (V, E). */
  table: Float32Array;
  /** The word RNN's first layer input projections of every token, per direction: (V, G·H). */
  projectedTable: Float32Array[];
  word: LoadedRnn;
  sentence?: LoadedRnn;
  kernels: { word: Kernel; sentence?: Kernel };
}

async function floats(f: TorchFile, name: string): Promise<Float32Array> {
  return toFloat32(await f.readTensor(name));
}

async function loadRnn(f: TorchFile, rnn: ChainRnn): Promise<LoadedRnn> {
  const convert = rnn.cell === 'gru' ? torchGruToKeras : torchLstmToKeras;
  const one = async (d: RnnDirectionWeights): Promise<Weights> =>
    convert(await floats(f, d.weightIh), await floats(f, d.weightHh), d.biasIh ? await floats(f, d.biasIh) : undefined, d.biasHh ? await floats(f, d.biasHh) : undefined);
  const weights: Weights[][] = [];
  for (const layer of rnn.weights) {
    const per: Weights[] = [];
    for (const d of layer) per.push(await one(d));
    weights.push(per);
  }
  return { rnn, weights };
}

/** torch's cells in runRnn's terms: GRU is Keras's reset_after GRU (layers/src/torch.ts); masked steps output zeros. */
function rnnOptions(rnn: ChainRnn, goBackwards: boolean): RnnOptions {
  return { cell: rnn.cell, units: rnn.hidden, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true, returnSequences: true, goBackwards, maskedOutput: 'zero' };
}

async function kernelOf(f: TorchFile, a: TorchAttention): Promise<Kernel> {
  return prepareKernel({ variant: a.variant, normalise: a.normalise, ...(await f.attentionWeights(a)) }, f.name);
}

/** Reads the chain's weights once: the embedding table, the RNNs in Keras's layout, the attention kernels. */
export async function loadChain(f: TorchFile, chain: TorchChain): Promise<LoadedChain> {
  const table = await floats(f, chain.embedding.weight);
  const word = await loadRnn(f, chain.word.rnn);
  const { vocab, dim } = chain.embedding;
  // The Embedding feeds the first GRU/LSTM layer: project its table once instead of every token.
  const projectedTable = word.weights[0]!.map((w) => rnnInputProjection(table, vocab, dim, w, rnnOptions(chain.word.rnn, false)));
  const sentence = chain.sentence ? await loadRnn(f, chain.sentence.rnn) : undefined;
  const kernels = { word: await kernelOf(f, chain.word.attention), ...(chain.sentence ? { sentence: await kernelOf(f, chain.sentence.attention) } : {}) };
  return { chain, table, projectedTable, word, ...(sentence ? { sentence } : {}), kernels };
}

/** Both directions of one layer over (n, t) steps, concatenated per step as torch does (forward, then reverse). */
function runLayer(inputs: Float32Array[], n: number, t: number, mask: Uint8Array | undefined, ws: Weights[], rnn: ChainRnn): Float32Array {
  const H = rnn.hidden;
  const outs = ws.map((w, d) => runRnnProjected(inputs[d]!, n, t, mask, w, rnnOptions(rnn, d === 1)).output);
  if (outs.length === 1) return outs[0]!;
  const D = 2 * H;
  const y = new Float32Array(n * t * D);
  const [fw, bw] = outs as [Float32Array, Float32Array];
  for (let b = 0; b < n; b++) {
    for (let s = 0; s < t; s++) {
      y.set(fw.subarray((b * t + s) * H, (b * t + s + 1) * H), (b * t + s) * D);
      // go_backwards returns steps in processing order: step s of time is row t-1-s
      y.set(bw.subarray((b * t + (t - 1 - s)) * H, (b * t + (t - s)) * H), (b * t + s) * D + H);
    }
  }
  return y;
}

/** An RNN (every layer) over (n, t) steps: from its input x (n, t, F), or from the first layer's input projections. */
function runStack(l: LoadedRnn, n: number, t: number, mask: Uint8Array | undefined, input: { x: Float32Array } | { projected: Float32Array[] }): Float32Array {
  let x = 'x' in input ? input.x : undefined;
  l.weights.forEach((ws, k) => {
    const F = k === 0 ? l.rnn.inputDim : l.rnn.outputDim;
    const inputs = k === 0 && 'projected' in input ? input.projected : ws.map((w) => rnnInputProjection(x!, n * t, F, w, rnnOptions(l.rnn, false)));
    x = runLayer(inputs, n, t, mask, ws, l.rnn);
  });
  return x!;
}

export interface ChainTaps {
  /** The word attention's input: (N, T, D) or a HAN's (N, S, T, D), and its mask (1 = a real token). */
  word: { value: Tensor; mask: Uint8Array };
  /** A HAN's sentence attention input (N, S, D'), and its mask (1 = a sentence holding a token). */
  sentence?: { value: Tensor; mask: Uint8Array };
}

/** Runs the chain on ids (N, T), or (N, S, T) for a HAN, to the input of each attention module. */
export function runChain(c: LoadedChain, ids: Tensor, o: ChainRunOptions = {}, file?: string): ChainTaps {
  const hier = !!c.sentence;
  const rank = hier ? 3 : 2;
  if (ids.shape.length !== rank) {
    fail('SHAPE_MISMATCH', `the ids are ${formatShape(ids.shape)}, but ${hier ? 'this HAN takes (samples, sentences, words)' : 'this model takes (samples, steps)'}`, { file, hint: hier ? 'give one (S, T) block of ids per sample' : 'give one row of ids per sample' });
  }
  const padId = o.padId ?? 0;
  const packed = o.packed ?? true;
  const T = ids.shape[rank - 1]!;
  const rows = ids.data.length / Math.max(1, T); // sequences of words: N, or N·S
  const mask = (masksFromIds(ids, padId, file) as { mask: Uint8Array }).mask;
  const { vocab } = c.chain.embedding;
  const first = c.projectedTable.map((p) => embedding(ids.data as ArrayLike<number>, p, vocab, p.length / vocab));
  const D = c.chain.word.rnn.outputDim;
  const h = runStack(c.word, rows, T, packed ? mask : undefined, { projected: first });
  const wordShape = [...ids.shape, D];
  if (!c.sentence) return { word: { value: tensor('float32', wordShape, h), mask } };
  const [N, S] = ids.shape as [number, number];
  const alpha = computeAttention(c.kernels.word, tensor('float32', [rows, T, D], h), { mask, shape: [rows, T] }, { file });
  const sv = new Float32Array(rows * D);
  const smask = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    smask[r] = mask.subarray(r * T, (r + 1) * T).some((v) => v !== 0) ? 1 : 0;
    for (let j = 0; j < D; j++) {
      let acc = 0;
      for (let s = 0; s < T; s++) acc += alpha[r * T + s]! * h[(r * T + s) * D + j]!;
      sv[r * D + j] = acc;
    }
  }
  const l = c.sentence;
  const hs = runStack(l, N, S, packed ? smask : undefined, { x: sv });
  return { word: { value: tensor('float32', wordShape, h), mask }, sentence: { value: tensor('float32', [N, S, l.rnn.outputDim], hs), mask: smask } };
}

interface TapLike {
  layer: string;
  what: string;
}

/** What @attnlens/forward runs and taps (structurally its KerasModel and AttentionPlan). */
export interface ChainModel {
  inputs: { name: string; shape: (number | null)[]; dtype: string }[];
  outputs: string[];
  layers: { name: string; className: string; runnable: boolean }[];
  builtinAttention: never[];
  run<T extends TapLike>(inputs: Tensor[], taps: T[]): { tap: T; value: Tensor; mask?: Uint8Array }[];
}

export interface ChainForward {
  model: ChainModel;
  plan: { kind: 'recompute'; word: TorchAttention; sentence?: TorchAttention; taps: { layer: string; what: 'input' }[] };
  kernels: { word: Kernel; sentence?: Kernel };
}

/** The loaded chain as a model whose taps are its attention modules' inputs, with the plan and kernels to compute them. */
export function chainForward(c: LoadedChain, o: ChainRunOptions = {}, file?: string): ChainForward {
  const { chain } = c;
  const levels = chain.sentence ? [chain.word, chain.sentence] : [chain.word];
  const model: ChainModel = {
    inputs: [{ name: 'ids', shape: chain.sentence ? [null, null] : [null], dtype: 'int64' }],
    outputs: [],
    layers: [chain.embedding.module, ...levels.flatMap((l) => [l.rnn.module, l.attention.layer])].map((name) => ({ name, className: 'torch module', runnable: true })),
    builtinAttention: [],
    run(inputs, taps) {
      if (inputs.length !== 1) fail('BAD_ARGUMENT', `the chain takes one input (the token ids), not ${inputs.length}`);
      const r = runChain(c, inputs[0]!, o, file);
      return taps.map((tap) => {
        const v = tap.layer === chain.word.attention.layer ? r.word : tap.layer === chain.sentence?.attention.layer ? r.sentence : undefined;
        if (!v || tap.what !== 'input') return fail('NOT_FOUND', `the chain gives the inputs of ${levels.map((l) => l.attention.layer).join(' and ')}, not the ${tap.what} of ${tap.layer}`, { file });
        return { tap, value: v.value, mask: v.mask };
      });
    },
  };
  const taps = levels.map((l) => ({ layer: l.attention.layer, what: 'input' as const }));
  return { model, plan: { kind: 'recompute', word: chain.word.attention, ...(chain.sentence ? { sentence: chain.sentence.attention } : {}), taps }, kernels: c.kernels };
}
