// Finding attention modules in a state_dict by names and shapes, and saying why (as
// @attnlens/keras's classify.ts does for layers). A torch Linear keeps weight (out, in)
// and computes x·Wᵀ + b (torch/nn/modules/linear.py `F.linear`), so:
// - Linear(H, 1) named like attention: a score head, the engine's `linear` variant (w (1, H)).
// - Linear(H, A) + a context Linear(A, 1) (bias or not) beside it: tanh(x·Wᵀ + b)·u, which is the
//   engine's `attlayer` (tanh(x·W + b)·u) with W = weightᵀ (H, A); a context bias shifts every
//   score equally, which a softmax cancels.
// - Parameters W (H, A), b, u under any names (weight_W_word, bias_word, weight_proj_word):
//   tanh(x·W + b)·u as stored, `attlayer`.
// All normalise with a softmax. Decoder-side (Bahdanau) and multi-head attention need a
// query, so they are listed as unrecognised, never guessed.
import { formatShape, isFloat, type UnrecognisedAttention } from '@attnlens/core';
import type { TorchTensorInfo } from './tensor-data.js';

export type Variant = 'linear' | 'attlayer';
export type Level = 'word' | 'sentence';

export interface TorchAttention {
  /** The module (`attn`, `model_state_dict/word_attention`, `attention` for a Sequential). */
  layer: string;
  variant: Variant;
  normalise: 'softmax';
  /** Tensor names (readTensor takes them). */
  weights: { W: string; b?: string; u?: string };
  /** W is a Linear's weight (A, H), used transposed as the engine's (H, A). */
  transposeW: boolean;
  /** H: the size of the inputs' last axis. */
  inputDim: number;
  /** A: attention units (1 for a score head). */
  attentionDim: number;
  /** From the names: the word or sentence level of a HAN. */
  level?: Level;
  reason: string;
}

// One type for every adapter (core's), re-exported where PyTorch callers look for it.
export type { UnrecognisedAttention };

type Params = Map<string, TorchTensorInfo>;

function words(s: string): string[] {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/).filter(Boolean);
}
const ATT = (w: string) => w === 'att' || w === 'attn' || w.startsWith('attention') || w === 'attentive' || w === 'context';
const saysAttention = (name: string) => words(name).some(ATT);
export const levelOf = (name: string): Level | undefined => {
  const w = words(name);
  if (w.some((x) => x === 'word' || x === 'words')) return 'word';
  if (w.some((x) => x === 'sent' || x === 'sentence' || x === 'sentences')) return 'sentence';
  return undefined;
};
/** A decoder's attention is scored against the decoder state (Bahdanau, Luong). */
const inDecoder = (module: string) => module.split(/[./]/).some((seg) => words(seg).some((w) => w === 'dec' || w === 'decoder'));

/** `model_state_dict/enc.attn.weight` → module `model_state_dict/enc.attn`, parameter `weight`. */
export function split(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  if (dot > slash) return [name.slice(0, dot), name.slice(dot + 1)];
  return [name.slice(0, slash + 1).replace(/\/$/, ''), name.slice(slash + 1)];
}
const parentOf = (module: string) => split(module)[0];
const shortName = (module: string) => split(module)[1] || module;

function modulesOf(tensors: TorchTensorInfo[]): Map<string, Params> {
  const mods = new Map<string, Params>();
  for (const t of tensors) {
    if (t.dtype !== 'bfloat16' && !isFloat(t.dtype)) continue;
    if (/optim/i.test(t.name.split('/')[0] ?? '')) continue; // optimizer moments are shaped like the weights
    const [m, p] = split(t.name);
    if (!mods.has(m)) mods.set(m, new Map());
    mods.get(m)!.set(p, t);
  }
  return mods;
}

interface Linear {
  module: string;
  weight: TorchTensorInfo;
  bias?: TorchTensorInfo;
  out: number;
  in: number;
}

function asLinear(module: string, p: Params): Linear | undefined {
  const w = p.get('weight');
  if (!w || w.shape.length !== 2 || ![...p.keys()].every((k) => k === 'weight' || k === 'bias')) return undefined;
  const b = p.get('bias');
  if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) return undefined;
  return { module, weight: w, ...(b ? { bias: b } : {}), out: w.shape[0]!, in: w.shape[1]! };
}

const linearText = (l: Linear) => `Linear(${l.in}→${l.out}${l.bias ? '' : ', no bias'}) ${l.module}`;

export function classifyAttention(tensors: TorchTensorInfo[]): { found: TorchAttention[]; unrecognised: UnrecognisedAttention[] } {
  const mods = modulesOf(tensors);
  const found: TorchAttention[] = [];
  const unrecognised: UnrecognisedAttention[] = [];
  const used = new Set<string>();
  const linears = [...mods].map(([m, p]) => asLinear(m, p)).filter((l): l is Linear => !!l);
  const cellSibling = (module: string) => [...mods].some(([m, p]) => parentOf(m) === parentOf(module) && p.has('weight_hh') && !p.has('weight_hh_l0'));
  const decoderSide = (module: string) => inDecoder(module) || cellSibling(module);

  for (const [m, p] of mods) {
    if (p.has('in_proj_weight')) {
      used.add(m);
      unrecognised.push({ layer: m, reason: `nn.MultiheadAttention (in_proj_weight ${formatShape(p.get('in_proj_weight')!.shape)}): its scores come from queries against keys, not from a score vector over one sequence` });
    }
  }
  // Linear(H, A) + context Linear(A, 1), siblings under one parent
  for (const proj of linears) {
    if (used.has(proj.module) || proj.out === 1) continue;
    const ctx = linears.find((c) => c !== proj && !used.has(c.module) && c.out === 1 && c.in === proj.out && parentOf(c.module) === parentOf(proj.module));
    if (!ctx) continue;
    const names = [proj.module, ctx.module];
    if (!names.some((n) => saysAttention(shortName(n))) && !saysAttention(shortName(parentOf(proj.module)))) continue;
    used.add(proj.module).add(ctx.module);
    // a Sequential's `0` or Bahdanau's `W` is named by its parent (`attention`, `dec.att`)
    const layer = !saysAttention(shortName(proj.module)) && parentOf(proj.module) ? parentOf(proj.module) : proj.module;
    if (decoderSide(proj.module)) {
      unrecognised.push({ layer, reason: `${linearText(proj)} + ${linearText(ctx)} sit in a decoder: additive (Bahdanau) attention scored against the decoder state, which the saved encoder outputs alone do not give` });
      continue;
    }
    const level = levelOf(proj.module) ?? levelOf(ctx.module);
    found.push({
      layer, variant: 'attlayer', normalise: 'softmax', transposeW: true,
      weights: { W: proj.weight.name, ...(proj.bias ? { b: proj.bias.name } : {}), u: ctx.weight.name },
      inputDim: proj.in, attentionDim: proj.out, ...(level ? { level } : {}),
      reason: `${linearText(proj)} + context ${linearText(ctx)}: tanh(x·Wᵀ + b)·u, softmax over the steps${ctx.bias ? ' (the context bias shifts every score equally, so it cancels)' : ''}`,
    });
  }
  // Linear(H, 1) score heads
  for (const l of linears) {
    if (used.has(l.module) || l.out !== 1) continue;
    if (!saysAttention(shortName(l.module)) && !saysAttention(shortName(parentOf(l.module)))) continue;
    used.add(l.module);
    if (decoderSide(l.module)) {
      unrecognised.push({ layer: l.module, reason: `${linearText(l)} sits in a decoder: its inputs include the decoder state, which the saved encoder outputs alone do not give` });
      continue;
    }
    const level = levelOf(l.module);
    found.push({
      layer: l.module, variant: 'linear', normalise: 'softmax', transposeW: false,
      weights: { W: l.weight.name, ...(l.bias ? { b: l.bias.name } : {}) }, inputDim: l.in, attentionDim: 1, ...(level ? { level } : {}),
      reason: `${linearText(l)}: a score head, score = x·Wᵀ + b with W (1, ${l.in}), softmax over the steps`,
    });
  }
  for (const [m, p] of mods) if (!used.has(m) && !asLinear(m, p)) parameterStyle(m, p, found, unrecognised, used);
  // anything else that says attention and fits nothing
  for (const [m, p] of mods) {
    if (used.has(m) || !saysAttention(m)) continue;
    if ([...found, ...unrecognised].some((a) => m.startsWith(`${a.layer}.`) || a.layer === m)) continue;
    const shapes = [...p].map(([k, t]) => `${k} ${formatShape(t.shape)}`).join(', ');
    const lin = asLinear(m, p);
    unrecognised.push({ layer: m, reason: lin ? `${linearText(lin)} with no context vector Linear(${lin.out}→1) beside it and not a score head Linear(H→1): a gate or a projection, not a softmax score` : `${shapes}: fits neither a Linear score head nor tanh(x·W + b)·u` });
  }
  return { found, unrecognised };
}

type Role = 'W' | 'b' | 'u';
function roleOf(param: string): Role | undefined {
  const w = param.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  if (w.some((x) => x === 'u' || x === 'proj' || x === 'context' || x === 'ctx' || x === 'uw')) return 'u';
  if (w.some((x) => x === 'b' || x === 'bias')) return 'b';
  if (w.some((x) => x === 'w' || x === 'weight' || x === 'kernel')) return 'W';
  return undefined;
}

/** W (H, A), b (A,)/(A,1)/(1,A), u (A,)/(A,1) as bare parameters of one module, per HAN level. */
function parameterStyle(module: string, p: Params, found: TorchAttention[], unrecognised: UnrecognisedAttention[], used: Set<string>): void {
  const groups = new Map<string, Partial<Record<Role, TorchTensorInfo>>>();
  for (const [name, t] of p) {
    const role = roleOf(name);
    if (!role) continue;
    const key = levelOf(name) ?? '';
    const g = groups.get(key) ?? {};
    if (g[role]) return; // two of a role: not a simple attention
    g[role] = t;
    groups.set(key, g);
  }
  for (const [level, g] of groups) {
    if (!g.W || !g.u) continue;
    const layer = [module, level].filter(Boolean).join('.') || 'attention';
    const [H, A] = g.W.shape;
    const vec = (t: TorchTensorInfo | undefined, n: number) => !t || (t.shape.length <= 2 && t.shape.filter((d) => d !== 1).length <= 1 && t.shape.reduce((a, b) => a * b, 1) === n);
    used.add(module);
    const shapes = [g.W, g.b, g.u].filter(Boolean).map((t) => `${split(t!.name)[1]} ${formatShape(t!.shape)}`).join(', ');
    if (g.W.shape.length !== 2 || !vec(g.b, A!) || !vec(g.u, A!) || (g.u.shape.length === 2 && g.u.shape[1] !== 1 && g.u.shape[0] !== 1)) {
      unrecognised.push({ layer, reason: `parameters ${shapes} do not fit tanh(x·W + b)·u with W (H, A), b (A,) and u (A,)` });
      continue;
    }
    if (inDecoder(module)) {
      unrecognised.push({ layer, reason: `parameters ${shapes} sit in a decoder: scored against the decoder state` });
      continue;
    }
    found.push({
      layer, variant: 'attlayer', normalise: 'softmax', transposeW: false,
      weights: { W: g.W.name, ...(g.b ? { b: g.b.name } : {}), u: g.u.name }, inputDim: H!, attentionDim: A!,
      ...(level ? { level: level as Level } : {}),
      reason: `parameters ${shapes}: tanh(x·W + b)·u with W multiplied as stored (torch.matmul(x, W)), softmax over the steps`,
    });
  }
}
