// A graph with each layer bound to its canonical weights and told whether it can run.
import { fail, type Tensor } from '@attnlens/core';
import { classifyAttention, keras3GroupKeys, type AttentionLayerInfo, type KerasFile, type KerasWeight, type UnrecognisedAttention } from '@attnlens/keras';
import type { Graph, LayerSpec } from './graph.js';
import { canonicalWeights, splitAmong, weightCount, type NamedWeight, type Weight } from './weights.js';

/** Built-in classes the executor runs (Keras 2 names; dialects.ts renames Keras 1's). */
export const RUNNABLE = new Set([
  'InputLayer', 'Embedding', 'Masking', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'Dense', 'Activation', 'Softmax', 'SimpleRNN', 'GRU', 'LSTM', 'CuDNNGRU', 'CuDNNLSTM', 'Bidirectional', 'TimeDistributed', 'Conv1D',
  'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D', 'Flatten', 'Reshape', 'Permute',
  'RepeatVector', 'Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot', 'Merge',
  'BatchNormalization', 'LayerNormalization', 'Attention', 'AdditiveAttention', 'Model',
  'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'PReLU',
]);

export interface BoundLayer {
  spec: LayerSpec;
  /** 'outer/inner' for a layer inside a wrapper or nested model. */
  path: string;
  weights: Record<string, Weight>;
  runnable: boolean;
  reason?: string;
  /** For a custom attention layer the engine recomputes. */
  attention?: { info: AttentionLayerInfo; W: Tensor; b?: Tensor; u?: Tensor };
  inner?: BoundLayer;
  backward?: BoundLayer;
  model?: BoundGraph;
}

export interface BoundGraph {
  graph: Graph;
  layers: Map<string, BoundLayer>;
}

export interface BindContext {
  file: KerasFile;
  kerasMajor?: number;
  backend?: string;
}

const named = (file: KerasFile, ws: KerasWeight[]): NamedWeight[] => ws.map((w) => ({ name: w.name, tensor: file.readWeight(w.path) }));

function findAttention(file: KerasFile, path: string): AttentionLayerInfo | undefined {
  const last = path.split('/').pop()!;
  return file.attentionLayers.find((a) => a.layer === path) ?? file.attentionLayers.find((a) => a.layer.split('/').pop() === last && path.startsWith(a.layer.split('/')[0]!));
}

function findUnrecognised(file: KerasFile, path: string): UnrecognisedAttention | undefined {
  const last = path.split('/').pop()!;
  return file.unrecognisedAttention.find((a) => a.layer === path || a.layer.split('/').pop() === last);
}

/** Bind one layer (and what it wraps) to its weights, `ws` in the order Keras wrote them. */
export function bindLayer(spec: LayerSpec, path: string, ws: KerasWeight[], ctx: BindContext): BoundLayer {
  const b: BoundLayer = { spec, path, weights: {}, runnable: RUNNABLE.has(spec.className) };
  const f = ctx.file.path;
  if (spec.className === 'Bidirectional' || spec.className === 'TimeDistributed') {
    if (!spec.inner) return { ...b, runnable: false, reason: `its config names no wrapped layer` };
    if (spec.className === 'TimeDistributed') {
      // A wrapped model's layers are named time_distributed_1/att_layer_1, as @attnlens/keras names them.
      b.inner = bindLayer(spec.inner, spec.inner.className === 'Model' ? path : `${path}/${spec.inner.name}`, ws, ctx);
    } else {
      const backSpec = spec.backward ?? spec.inner;
      const [fw, bw] = splitBidirectional(spec, ws, ctx);
      // Keras names the copies forward_<rnn> and backward_<rnn> (Keras 3 configs already say so).
      const copyPath = (prefix: string, l: LayerSpec) => `${path}/${l.name.startsWith(prefix) ? l.name : prefix + spec.inner!.name}`;
      b.inner = bindLayer(spec.inner, copyPath('forward_', spec.inner), fw, ctx);
      b.backward = bindLayer(backSpec, copyPath('backward_', backSpec), bw, ctx);
    }
    const why = [b.inner, b.backward].find((x) => x && !x.runnable);
    if (why) return { ...b, runnable: false, reason: `its ${why.spec.className} ${why.spec.name} cannot run: ${why.reason}` };
    return b;
  }
  if (spec.className === 'Model') {
    b.model = bindGraph(spec.model!, ws, ctx, path);
    const stuck = [...b.model.layers.values()].find((x) => !x.runnable);
    if (stuck) return { ...b, runnable: false, reason: `its layer ${stuck.path} cannot run: ${stuck.reason}` };
    return b;
  }
  // A custom layer may share its class name with a built-in (mschongchulshin's `Attention`): the file's weights tell them apart.
  if (!b.runnable || (spec.className === 'Attention' && findAttention(ctx.file, path))) return bindCustom(b, ws, ctx);
  b.weights = canonicalWeights(spec, named(ctx.file, ws), { kerasMajor: ctx.kerasMajor, backend: ctx.backend, file: f });
  return b;
}

function splitBidirectional(spec: LayerSpec, ws: KerasWeight[], ctx: BindContext): [KerasWeight[], KerasWeight[]] {
  // Keras 3 files sort the two halves by name (backward_layer first); legacy files name
  // them forward_<rnn>/backward_<rnn> in Keras's order, forward first.
  const back = ws.filter((w) => /(^|\/)backward/.test(w.name));
  if (back.length && back.length < ws.length) return [ws.filter((w) => !back.includes(w)), back];
  const n = weightCount(spec.inner!, ctx.kerasMajor);
  const half = n ?? ws.length / 2;
  return [ws.slice(0, half), ws.slice(half)];
}

/**
 * The file's attention layer at this path, or, for a layer the file's own scan could not isolate
 * (a nested layer with unnamed `Variable:0` weights), its weights as this layer's split gave them,
 * classified the same way.
 */
function attentionOf(file: KerasFile, path: string, spec: LayerSpec, ws: KerasWeight[]): AttentionLayerInfo | { unrecognised: string } | undefined {
  const info = findAttention(file, path);
  if (info || !ws.length) return info;
  return classifyAttention({ name: path, className: spec.originalClassName, weights: ws }, file.backend, {
    ...(file.modelConfig !== undefined ? { modelConfig: file.modelConfig } : {}),
    ...(file.kerasVersion ? { kerasVersion: file.kerasVersion } : {}),
    layers: file.layers,
  });
}

function bindCustom(b: BoundLayer, ws: KerasWeight[], ctx: BindContext): BoundLayer {
  const { spec, path } = b;
  if (spec.className === 'Lambda') {
    return { ...b, reason: 'a Lambda layer holds Python code (marshalled bytecode), which cannot be run outside Python' };
  }
  const found = attentionOf(ctx.file, path, spec, ws);
  const info = found && !('unrecognised' in found) ? found : undefined;
  if (info) {
    const read = (p?: string) => (p ? ctx.file.readWeight(p) : undefined);
    const W = read(info.weights.W)!;
    const bias = read(info.weights.b);
    const u = read(info.weights.u);
    return { ...b, runnable: true, attention: { info, W, ...(bias ? { b: bias } : {}), ...(u ? { u } : {}) } };
  }
  const odd = findUnrecognised(ctx.file, path) ?? (found && 'unrecognised' in found ? { reason: found.unrecognised } : undefined);
  if (odd) return { ...b, reason: `an attention layer of class ${spec.originalClassName} that the engine cannot recompute yet: ${odd.reason}` };
  return { ...b, reason: `${spec.originalClassName} is a custom class, and its code is not in the file` };
}

/** Bind a (nested) model's layers; a nested model's weights all sit in its outer layer's list (see splitAmong and keras3Split for whose is whose). */
export function bindGraph(graph: Graph, nestedWeights: KerasWeight[] | undefined, ctx: BindContext, prefix?: string): BoundGraph {
  const layers = new Map<string, BoundLayer>();
  const specs = [...graph.layers.values()];
  let split: KerasWeight[][] | undefined;
  if (nestedWeights && nestedWeights.some((w) => /(^|\/)vars\//.test(w.name))) split = keras3Split(graph, specs, nestedWeights);
  else if (nestedWeights) {
    split = splitAmong(specs.map((spec) => ({ spec, count: weightCount(spec, ctx.kerasMajor) })), nestedWeights, prefix ?? graph.name, ctx.file.path);
  }
  specs.forEach((spec, k) => {
    const path = prefix ? `${prefix}/${spec.name}` : spec.name;
    const ws = split ? split[k]! : topLevelWeights(ctx, spec);
    layers.set(spec.name, bindLayer(spec, path, ws, ctx));
  });
  return { graph, layers };
}

/**
 * A nested model's weights in a Keras 3 file: its layers' groups are layers/<snake class>[_k]
 * (K3 saving_lib `_save_container_state`, uniquified in config order; a Sequential leaves its
 * InputLayer out), and the groups are stored in name order, not config order.
 */
function keras3Split(graph: Graph, specs: LayerSpec[], ws: KerasWeight[]): KerasWeight[][] {
  // An InputLayer is tested by its resolved className, as before; the group is named after the saved class.
  const keys = keras3GroupKeys(
    specs.map((spec) => (spec.className === 'InputLayer' ? 'InputLayer' : spec.originalClassName)),
    graph.sequential,
  );
  return specs.map((spec, k) => {
    const key = keys[k];
    if (key === undefined) return [];
    // This layer's group is the first layers/<key>/ of the name; below it, names are made relative
    // so a model nested in it sees its own layers/... groups.
    const out: KerasWeight[] = [];
    for (const w of ws) {
      const m = /(^|\/)layers\/([^/]+)\//.exec(w.name);
      if (m && m[2] === key) out.push({ ...w, name: w.name.slice(m.index + m[0].length) });
    }
    return out;
  });
}

function topLevelWeights(ctx: BindContext, spec: LayerSpec): KerasWeight[] {
  const l = ctx.file.layers.find((x) => x.name === spec.name);
  if (l) return l.weights;
  const need = weightCount(spec, ctx.kerasMajor);
  if (need === 0) return [];
  if (spec.className === 'InputLayer') return [];
  // A custom layer without weights (or a class only its name can tell) is not an error here.
  if (need === undefined) return [];
  return fail('NOT_FOUND', `has no weights for layer ${spec.name} (${spec.className}), which needs ${need}`, {
    file: ctx.file.path,
    hint: 'the weights and the config describe different models; pass the config saved with these weights',
  });
}
