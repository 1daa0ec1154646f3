// Is a state_dict a standard chain, Embedding → (Bi)GRU/LSTM → attention (or a HAN: the
// same per level, the sentence encoder reading each sentence's attention-weighted sum of
// the word encoder's outputs), so that its attention can be computed from token ids? A
// state_dict holds no forward(): the chain is inferred from keys and shapes only, and
// refused, saying why, when they do not settle it (no Embedding, a module whose sizes fit
// between two links, two chains that fit). torch.nn.GRU/LSTM keys (torch/nn/modules/rnn.py
// RNNBase._flat_weights_names): weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse],
// bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse]; weight_hh_l0 is (G·H, H) with G = 3 for a
// GRU, 4 for an LSTM, 1 for nn.RNN; weight_ih_l{k} is (G·H, F) with F = H·directions past
// layer 0. batch_first changes no weight.
import { formatShape, isFloat } from '@attnlens/core';
import { levelOf, split, type TorchAttention } from './classify.js';
import type { TorchTensorInfo } from './tensor-data.js';

export type ChainCell = 'gru' | 'lstm';

export interface RnnDirectionWeights {
  weightIh: string;
  weightHh: string;
  biasIh?: string;
  biasHh?: string;
}

export interface ChainRnn {
  module: string;
  cell: ChainCell;
  layers: number;
  bidirectional: boolean;
  /** H: hidden units per direction. */
  hidden: number;
  /** F: the size of each step's input. */
  inputDim: number;
  /** H · directions: the size of each step's output. */
  outputDim: number;
  /** Tensor names per layer: [forward] or [forward, reverse]. */
  weights: RnnDirectionWeights[][];
}

export interface ChainEmbedding {
  module: string;
  weight: string;
  vocab: number;
  dim: number;
}

export interface ChainLevel {
  rnn: ChainRnn;
  attention: TorchAttention;
}

export interface TorchChain {
  embedding: ChainEmbedding;
  /** The attention over tokens (a HAN's word level). */
  word: ChainLevel;
  /** A HAN's sentence level, over the word level's attention-weighted sums. */
  sentence?: ChainLevel;
  /** The chain in a line, for inspect and provenance. */
  description: string;
}

export type ChainInference = { chain: TorchChain; why?: undefined } | { chain?: undefined; why: string };

export interface ChainOptions {
  /** The attention module (a HAN's word level) to compute; default: the only chain there is. */
  layer?: string;
  /** A HAN's sentence-level attention module. */
  sentenceLayer?: string;
}

type Params = Map<string, TorchTensorInfo>;
interface Module {
  name: string;
  params: Params;
  /** Where its first tensor sits in the state_dict (registration order in __init__). */
  order: number;
}

function modulesOf(tensors: TorchTensorInfo[]): Module[] {
  const mods = new Map<string, Module>();
  tensors.forEach((t, i) => {
    if (t.dtype !== 'bfloat16' && !isFloat(t.dtype)) return;
    if (/optim/i.test(t.name.split('/')[0] ?? '')) return; // optimizer moments, shaped like the weights
    const [m, p] = split(t.name);
    if (!mods.has(m)) mods.set(m, { name: m, params: new Map(), order: i });
    mods.get(m)!.params.set(p, t);
  });
  return [...mods.values()];
}

const RNN_KEY = /^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/;
const shapesOf = (p: Params) => [...p].map(([k, t]) => `${k} ${formatShape(t.shape)}`).join(', ');
const shortName = (m: string) => split(m)[1] || m;
const levelName = (m: string) => levelOf(shortName(m)) ?? levelOf(m);

/** torch.nn.GRU / LSTM parameters of one module, checked; a string says why they cannot be run. */
function asRnn(m: Module): ChainRnn | string | undefined {
  const p = m.params;
  const hh = p.get('weight_hh_l0');
  const ih = p.get('weight_ih_l0');
  if (!hh || !ih) return undefined;
  if (p.has('weight_hr_l0')) return `${m.name} is an LSTM with proj_size (weight_hr_l0), which attnlens does not run`;
  const odd = [...p.keys()].filter((k) => !RNN_KEY.test(k));
  if (odd.length) return `${m.name} holds ${odd.join(', ')} beside an RNN's weights: not a plain nn.GRU or nn.LSTM`;
  if (hh.shape.length !== 2 || ih.shape.length !== 2) return `${m.name}: weight_hh_l0 ${formatShape(hh.shape)} and weight_ih_l0 ${formatShape(ih.shape)} are not (G·H, H) and (G·H, F)`;
  const H = hh.shape[1]!;
  const G = H > 0 ? hh.shape[0]! / H : 0;
  if (G === 1) return `${m.name} is an nn.RNN (weight_hh_l0 ${formatShape(hh.shape)}), whose nonlinearity (tanh or relu) the state_dict does not say`;
  if (G !== 3 && G !== 4) return `${m.name}: weight_hh_l0 ${formatShape(hh.shape)} is not (3·H, H) (GRU) nor (4·H, H) (LSTM)`;
  const bidirectional = p.has('weight_ih_l0_reverse');
  const dirs = bidirectional ? 2 : 1;
  let layers = 0;
  while (p.has(`weight_ih_l${layers}`)) layers++;
  const weights: RnnDirectionWeights[][] = [];
  const F = ih.shape[1]!;
  for (let k = 0; k < layers; k++) {
    const per: RnnDirectionWeights[] = [];
    for (const sfx of bidirectional ? ['', '_reverse'] : ['']) {
      const at = (n: string) => p.get(`${n}_l${k}${sfx}`);
      const [wi, wh, bi, bh] = [at('weight_ih'), at('weight_hh'), at('bias_ih'), at('bias_hh')];
      const inDim = k === 0 ? F : H * dirs;
      const name = (n: string) => `${n}_l${k}${sfx}`;
      if (!wi || !wh) return `${m.name} has no ${name(wi ? 'weight_hh' : 'weight_ih')}: every layer and direction has both`;
      if (wi.shape.join() !== `${G * H},${inDim}`) return `${m.name}.${name('weight_ih')} is ${formatShape(wi.shape)}, not (${G * H}, ${inDim})`;
      if (wh.shape.join() !== `${G * H},${H}`) return `${m.name}.${name('weight_hh')} is ${formatShape(wh.shape)}, not (${G * H}, ${H})`;
      for (const b of [bi, bh]) if (b && b.shape.join() !== `${G * H}`) return `${b.name} is ${formatShape(b.shape)}, not (${G * H})`;
      per.push({ weightIh: wi.name, weightHh: wh.name, ...(bi ? { biasIh: bi.name } : {}), ...(bh ? { biasHh: bh.name } : {}) });
    }
    weights.push(per);
  }
  if ([...p.keys()].some((k) => Number(RNN_KEY.exec(k)![3]) >= layers || (!bidirectional && k.endsWith('_reverse')))) {
    return `${m.name}: its layers are not numbered l0…l${layers - 1} in every direction (${shapesOf(p)})`;
  }
  return { module: m.name, cell: G === 3 ? 'gru' : 'lstm', layers, bidirectional, hidden: H, inputDim: F, outputDim: H * dirs, weights };
}

/** An nn.Embedding: a single 2-D weight (V, E) in a module named like one. */
function asEmbedding(m: Module): ChainEmbedding | undefined {
  const w = m.params.get('weight');
  if (!w || m.params.size !== 1 || w.shape.length !== 2 || !/emb|lookup/i.test(shortName(m.name))) return undefined;
  return { module: m.name, weight: w.name, vocab: w.shape[0]!, dim: w.shape[1]! };
}

const rnnText = (r: ChainRnn) =>
  `${r.bidirectional ? 'bidirectional ' : ''}${r.cell === 'gru' ? 'GRU' : 'LSTM'}(${r.inputDim}→${r.hidden}${r.layers > 1 ? `, ${r.layers} layers` : ''}) ${r.module}`;
const attText = (a: TorchAttention) => `${a.variant === 'linear' ? `score head (${a.inputDim}→1)` : `tanh(x·W + b)·u (${a.inputDim}→${a.attentionDim})`} ${a.layer}`;

interface Candidate {
  embedding: ChainEmbedding;
  word: ChainLevel;
  sentence?: ChainLevel;
}

function describe(c: Candidate): string {
  const e = `Embedding(${c.embedding.vocab}, ${c.embedding.dim}) ${c.embedding.module}`;
  if (!c.sentence) return `${e} → ${rnnText(c.word.rnn)} → ${attText(c.word.attention)}`;
  return `words: ${e} → ${rnnText(c.word.rnn)} → ${attText(c.word.attention)}; sentences (each the attention-weighted sum of its words): ${rnnText(c.sentence.rnn)} → ${attText(c.sentence.attention)}`;
}

/** The modules a candidate uses: the embedding, the RNNs and every module an attention reads a tensor of. */
function members(c: Candidate): string[] {
  const levels = c.sentence ? [c.word, c.sentence] : [c.word];
  const att = levels.flatMap((l) => [l.attention.layer, ...Object.values(l.attention.weights).filter((n): n is string => !!n).map((n) => split(n)[0])]);
  return [c.embedding.module, ...levels.map((l) => l.rnn.module), ...att];
}

const within = (m: string, of: string[]) => of.some((x) => m === x || m.startsWith(`${x}.`) || m.startsWith(`${x}/`));

/**
 * A module that sits, in the state_dict's order, inside the chain and keeps the size of one of
 * its links (a Linear(E, E), a LayerNorm(2H), a Conv1d(2H, 2H, k)): forward() may apply it
 * between two links, which the keys cannot tell. One that changes the size (a classifier
 * Linear(2H, C) declared before the attention) cannot sit there alone, and is passed over.
 */
function keepsSize(m: Module, d: number): boolean {
  return [...m.params.values()].every((t) => t.shape.length > 0 && (t.shape.length === 3 ? t.shape.slice(0, 2) : t.shape).every((x) => x === d));
}

function between(c: Candidate, mods: Module[]): string | undefined {
  const own = members(c);
  const order = mods.filter((m) => within(m.name, own)).map((m) => m.order);
  const [lo, hi] = [Math.min(...order), Math.max(...order)];
  const levels = c.sentence ? [c.word, c.sentence] : [c.word];
  const sizes = new Set([c.embedding.dim, ...levels.map((l) => l.rnn.outputDim)]);
  const odd = mods.find((m) => m.order > lo && m.order < hi && !within(m.name, own) && [...sizes].some((d) => keepsSize(m, d)));
  if (!odd) return undefined;
  return `module ${odd.name} (${shapesOf(odd.params)}) sits between the chain's modules in the state_dict and keeps the size of a link of the chain (${describe(c)}): a state_dict does not say whether forward() applies it`;
}

function candidates(atts: TorchAttention[], rnns: ChainRnn[], embs: ChainEmbedding[]): { flat: Candidate[]; han: Candidate[] } {
  const flat: Candidate[] = [];
  const han: Candidate[] = [];
  for (const a of atts) {
    for (const r of rnns.filter((x) => x.outputDim === a.inputDim)) {
      for (const e of embs.filter((x) => x.dim === r.inputDim)) flat.push({ embedding: e, word: { rnn: r, attention: a } });
    }
  }
  for (const w of flat) {
    if (w.word.attention.level === 'sentence' || levelName(w.word.rnn.module) === 'sentence') continue;
    for (const s of atts) {
      if (s === w.word.attention || s.level === 'word') continue;
      for (const r of rnns) {
        if (r === w.word.rnn || r.inputDim !== w.word.attention.inputDim || r.outputDim !== s.inputDim || levelName(r.module) === 'word') continue;
        han.push({ ...w, sentence: { rnn: r, attention: s } });
      }
    }
  }
  return { flat, han };
}

/** Why no candidate was found, from the first missing link. */
function whyNone(atts: TorchAttention[], rnns: ChainRnn[], bad: string[], embs: ChainEmbedding[], o: ChainOptions): string {
  if (!atts.length) return o.layer ? `no attention module ${o.layer} attnlens recognises` : 'no attention module attnlens recognises';
  const att = atts.map(attText).join(', ');
  if (!rnns.length) return bad.length ? bad.join('; ') : `no nn.GRU or nn.LSTM (weight_ih_l0, weight_hh_l0) before ${att}`;
  const fed = rnns.filter((r) => atts.some((a) => a.inputDim === r.outputDim));
  if (!fed.length) return `no RNN outputs what ${att} takes (${rnns.map((r) => `${rnnText(r)} outputs ${r.outputDim}`).join(', ')}): a module that the state_dict cannot show sits between them`;
  if (!embs.length) return `no Embedding (a module named like one holding a single (V, E) weight) before ${fed.map(rnnText).join(', ')}: the model's inputs are not token ids, or are turned into them by code the state_dict does not hold`;
  return `no Embedding's E fits ${fed.map((r) => `${rnnText(r)} (F = ${r.inputDim})`).join(', ')} (${embs.map((e) => `${e.module} (${e.vocab}, ${e.dim})`).join(', ')}): something the state_dict cannot show sits between them`;
}

const listOf = (cs: Candidate[]) => cs.map((c) => `[${describe(c)}]`).join(' or ');

/**
 * The chain from token ids to the attention, inferred from a state_dict's keys and shapes,
 * or why there is none. `attentionLayers` are classify.ts's findings for the same tensors;
 * `format` 'safetensors' (keys sorted by name) skips the check of what sits between.
 */
export function inferChain(f: { tensors: TorchTensorInfo[]; attentionLayers: TorchAttention[]; format?: string }, o: ChainOptions = {}): ChainInference {
  const mods = modulesOf(f.tensors);
  const parsed = mods.map(asRnn);
  const rnns = parsed.filter((r): r is ChainRnn => typeof r === 'object');
  const bad = parsed.filter((r): r is string => typeof r === 'string');
  const embs = mods.map(asEmbedding).filter((e): e is ChainEmbedding => !!e);
  const atts = f.attentionLayers;
  const { flat, han } = candidates(atts, rnns, embs);
  const named = (c: Candidate) => (!o.layer || c.word.attention.layer === o.layer) && (!o.sentenceLayer || c.sentence?.attention.layer === o.sentenceLayer);
  const hans = han.filter(named);
  const flats = o.sentenceLayer ? [] : flat.filter(named);
  // A HAN's word level is a flat chain too; where a HAN fits, it is the model.
  const pool = hans.length ? hans : flats;
  if (pool.length > 1) {
    return { why: `the keys and shapes fit ${pool.length} chains, ${listOf(pool)}: the state_dict does not say which one forward() runs (name the attention module to compute)` };
  }
  if (!pool.length) {
    const chosen = atts.filter((a) => (!o.layer || a.layer === o.layer || a.layer === o.sentenceLayer) && (!o.sentenceLayer || a.layer === o.sentenceLayer || a.level !== 'sentence'));
    return { why: whyNone(o.layer || o.sentenceLayer ? chosen : atts, rnns, bad, embs, o) };
  }
  const c = pool[0]!;
  // safetensors sorts its keys by name (safetensors.torch.save_file's header is a BTreeMap):
  // registration order is gone, so where a module sat cannot be told.
  const odd = f.format === 'safetensors' ? undefined : between(c, mods);
  if (odd) return { why: odd };
  return { chain: { ...c, description: describe(c) } };
}
