// model_config / config.json / model.to_json() → one small graph type, from every Keras that
// wrote them. Shapes met (see tests/fixtures, written by scripts/make-fixtures.py):
// - Keras 1 and 2.0/2.1 Sequential: {class_name: 'Sequential', config: [layers]}
// - Keras 2.2+ / tf.keras / Keras 3 Sequential: {config: {name, layers}}
// - Functional ('Model', 'Functional'): {config: {layers, input_layers, output_layers}}, inbound
//   nodes as [[name, node, tensor, kwargs]] lists (Keras 1/2) or {args, kwargs} with
//   `keras_history` (Keras 3), shared layers through their node index
// - nested models as layers (inside TimeDistributed too), wrappers (layer, backward_layer).
import { fail } from '@attnlens/core';
import { isObj, normaliseLayerConfig, type Json } from './dialects.js';

/** One layer as the config describes it, its config already in Keras 2 vocabulary. */
export interface LayerSpec {
  name: string;
  /** Keras 2 class name (Convolution1D → Conv1D, Merge kept as Merge). */
  className: string;
  /** As written in the file. */
  originalClassName: string;
  config: Json;
  /** The wrapped layer of TimeDistributed / Bidirectional. */
  inner?: LayerSpec;
  /** Bidirectional's own backward layer (Keras ≥ 2.3 `backward_layer`), when written. */
  backward?: LayerSpec;
  /** A nested Model / Sequential used as a layer. */
  model?: Graph;
}

/** A tensor: output `index` of the `node`-th call of `layer`. */
export interface TensorRef {
  layer: string;
  node: number;
  index: number;
}

/** One call of a layer: what it received. */
export interface GraphNode {
  layer: string;
  node: number;
  inbound: TensorRef[];
}

export interface GraphInput {
  name: string;
  /** Without the batch axis; null where the config leaves it open. */
  shape: (number | null)[];
  dtype: string;
}

export interface Graph {
  name: string;
  layers: Map<string, LayerSpec>;
  /** Every call, in an order where each node's inputs come first. */
  nodes: GraphNode[];
  inputs: TensorRef[];
  outputs: TensorRef[];
  inputSpecs: GraphInput[];
  /** A Sequential model (its InputLayer, explicit or implied, is not one of its Keras 3 layers). */
  sequential: boolean;
}

const MODEL_CLASSES = new Set(['Model', 'Functional', 'Sequential']);
const MAX_DEPTH = 32;

export const refKey = (r: TensorRef) => `${r.layer}:${r.node}:${r.index}`;

function bad(message: string, file?: string): never {
  return fail('CORRUPT', message, { file, hint: 'the model configuration is not one Keras writes; pass the output of model.to_json() as the config' });
}

/** `model.to_json()` output is sometimes saved JSON-encoded twice (a JSON string holding the JSON). */
export function unwrapConfig(config: unknown, file?: string): Json {
  let c = config;
  for (let i = 0; i < 2 && typeof c === 'string'; i++) {
    try {
      c = JSON.parse(c);
    } catch {
      bad('the model configuration is a string that is not JSON', file);
    }
  }
  if (!isObj(c)) bad('the model configuration is not a JSON object', file);
  // `{"model_config": {...}}` wrappers (some tools save that).
  if (!('class_name' in c) && isObj(c.model_config)) return unwrapConfig(c.model_config, file);
  return c;
}

/** The graph of a whole model config (Sequential, Model, Functional). */
export function parseModelConfig(config: unknown, opts: { kerasVersion?: string; file?: string } = {}): Graph {
  const c = unwrapConfig(config, opts.file);
  if (typeof c.class_name !== 'string' || !MODEL_CLASSES.has(c.class_name)) {
    bad(`the model configuration's class is ${JSON.stringify(c.class_name)}, not Sequential, Model or Functional`, opts.file);
  }
  return parseModel(c, opts.kerasVersion, opts.file, 0);
}

function parseModel(entry: Json, version: string | undefined, file: string | undefined, depth: number): Graph {
  if (depth > MAX_DEPTH) bad(`models are nested more than ${MAX_DEPTH} deep`, file);
  return entry.class_name === 'Sequential' ? parseSequential(entry, version, file, depth) : parseFunctional(entry, version, file, depth);
}

function layerList(entry: Json, file?: string): Json[] {
  const c = entry.config;
  const list = Array.isArray(c) ? c : isObj(c) && Array.isArray(c.layers) ? c.layers : undefined;
  if (!list) bad(`the ${String(entry.class_name)} configuration has no list of layers`, file);
  return list.filter(isObj);
}

function entryName(e: Json): string | undefined {
  if (typeof e.name === 'string') return e.name;
  return isObj(e.config) && typeof e.config.name === 'string' ? e.config.name : undefined;
}

/** One layer entry → its spec (wrappers and nested models recursively). */
export function parseLayer(e: Json, version: string | undefined, file: string | undefined, depth: number): LayerSpec {
  if (depth > MAX_DEPTH) bad(`layers are nested more than ${MAX_DEPTH} deep`, file);
  const originalClassName = typeof e.class_name === 'string' ? e.class_name : bad('a layer entry has no class_name', file);
  const name = entryName(e) ?? bad(`a ${originalClassName} layer has no name`, file);
  if (MODEL_CLASSES.has(originalClassName)) {
    const model = parseModel(e, version, file, depth + 1);
    return { name, className: 'Model', originalClassName, config: isObj(e.config) ? e.config : {}, model };
  }
  const raw = isObj(e.config) ? e.config : {};
  const { className, config } = normaliseLayerConfig(originalClassName, raw, version);
  const spec: LayerSpec = { name, className, originalClassName, config };
  if (isObj(raw.layer)) spec.inner = parseLayer(raw.layer, version, file, depth + 1);
  if (isObj(raw.backward_layer)) spec.backward = parseLayer(raw.backward_layer, version, file, depth + 1);
  return spec;
}

/** An input's shape from the first layer's config, without the batch axis; undefined when the config does not say. */
function batchShape(cfg: Json, className?: string): (number | null)[] | undefined {
  const s = cfg.batch_input_shape ?? cfg.batch_shape;
  const dim = (d: unknown) => (typeof d === 'number' ? d : null);
  if (Array.isArray(s)) return s.slice(1).map(dim);
  if (Array.isArray(cfg.input_shape)) return cfg.input_shape.map(dim);
  // Keras 1 and 2 shorthands: Embedding's input_length (input_dim is its vocabulary), else
  // input_dim (+ input_length for sequences).
  if (className === 'Embedding') return 'input_length' in cfg ? [dim(cfg.input_length)] : undefined;
  if (typeof cfg.input_dim === 'number') return 'input_length' in cfg ? [dim(cfg.input_length), cfg.input_dim] : [cfg.input_dim];
  return undefined;
}

function inputSpec(name: string, cfg: Json, className?: string): GraphInput {
  // Keras 1 writes input_dtype; an Embedding's implicit input holds ids.
  const given = typeof cfg.dtype === 'string' ? cfg.dtype : typeof cfg.input_dtype === 'string' ? cfg.input_dtype : undefined;
  const dtype = given ?? (className === 'Embedding' ? 'int32' : 'float32');
  // An empty shape: the config does not say (the input's rank is not checked).
  return { name, shape: batchShape(cfg, className) ?? [], dtype };
}

function parseSequential(entry: Json, version: string | undefined, file: string | undefined, depth: number): Graph {
  const list = layerList(entry, file);
  const layers = new Map<string, LayerSpec>();
  const nodes: GraphNode[] = [];
  let inputName: string | undefined;
  let spec: GraphInput | undefined;
  let prev: TensorRef | undefined;
  for (const e of list) {
    const l = parseLayer(e, version, file, depth);
    if (l.className === 'InputLayer') {
      if (prev) bad(`the Sequential model has an InputLayer (${l.name}) after other layers`, file);
      inputName = l.name;
      spec = inputSpec(l.name, l.config);
      layers.set(l.name, l);
      prev = { layer: l.name, node: 0, index: 0 };
      continue;
    }
    if (!prev) {
      // Keras names the implicit input `<first layer>_input`; Embedding inputs are ids.
      inputName = `${l.name}_input`;
      spec = inputSpec(inputName, l.config, l.className);
      if (!spec.shape.length) spec.shape = builtShape(entry) ?? [];
      layers.set(inputName, { name: inputName, className: 'InputLayer', originalClassName: 'InputLayer', config: {} });
      prev = { layer: inputName, node: 0, index: 0 };
    }
    if (layers.has(l.name)) bad(`two layers are named ${l.name}`, file);
    layers.set(l.name, l);
    nodes.push({ layer: l.name, node: 0, inbound: [prev] });
    prev = { layer: l.name, node: 0, index: 0 };
  }
  if (!inputName || !prev || !spec) bad('the Sequential model has no layers', file);
  const name = isObj(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : 'sequential';
  return { name, layers, nodes, inputs: [{ layer: inputName, node: 0, index: 0 }], outputs: [prev], inputSpecs: [spec], sequential: true };
}

/**
 * A Sequential built without an InputLayer says its input shape where it was built: Keras 3's
 * `build_config: {input_shape}` beside the config, tf.keras 2's `build_input_shape` inside it.
 */
function builtShape(entry: Json): (number | null)[] | undefined {
  const c = isObj(entry.config) ? entry.config : {};
  const s = isObj(entry.build_config) ? entry.build_config.input_shape : c.build_input_shape;
  return Array.isArray(s) && s.length > 1 ? s.slice(1).map((d) => (typeof d === 'number' ? d : null)) : undefined;
}

/** [name, node, tensor] (Keras 1/2 lists) → a ref. */
function listRef(x: unknown, file?: string): TensorRef {
  if (!Array.isArray(x) || typeof x[0] !== 'string') bad(`an inbound tensor is ${JSON.stringify(x)?.slice(0, 80)}, not [layer, node, tensor]`, file);
  return { layer: x[0], node: typeof x[1] === 'number' ? x[1] : 0, index: typeof x[2] === 'number' ? x[2] : 0 };
}

/** Every `__keras_tensor__` of a Keras 3 argument tree, in order. */
function kerasTensors(x: unknown, out: TensorRef[], file?: string, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(x)) {
    for (const v of x) kerasTensors(v, out, file, depth + 1);
  } else if (isObj(x)) {
    if (x.class_name === '__keras_tensor__' && isObj(x.config) && Array.isArray(x.config.keras_history)) out.push(listRef(x.config.keras_history, file));
    else for (const v of Object.values(x)) kerasTensors(v, out, file, depth + 1);
  }
}

/** The calls of one layer: a list of inbound tensor lists, one per node. */
export function inboundNodes(raw: unknown, file?: string): TensorRef[][] {
  if (!Array.isArray(raw)) return [];
  return raw.map((node) => {
    if (isObj(node)) {
      // Keras 3: {args, kwargs}; tensors in kwargs (initial_state) come after the args, a mask never counts.
      const refs: TensorRef[] = [];
      kerasTensors(node.args, refs, file);
      if (isObj(node.kwargs)) for (const [k, v] of Object.entries(node.kwargs)) if (k !== 'mask') kerasTensors(v, refs, file);
      return refs;
    }
    if (!Array.isArray(node)) bad('an inbound node is neither a list nor {args, kwargs}', file);
    return node.map((t) => listRef(t, file));
  });
}

function parseFunctional(entry: Json, version: string | undefined, file: string | undefined, depth: number): Graph {
  const cfg = isObj(entry.config) ? entry.config : bad(`the ${String(entry.class_name)} configuration has no config`, file);
  const layers = new Map<string, LayerSpec>();
  const pending: GraphNode[] = [];
  for (const e of layerList(entry, file)) {
    const l = parseLayer(e, version, file, depth);
    if (layers.has(l.name)) bad(`two layers are named ${l.name}`, file);
    layers.set(l.name, l);
    inboundNodes(e.inbound_nodes, file).forEach((inbound, node) => pending.push({ layer: l.name, node, inbound }));
  }
  const refs = (k: string): TensorRef[] => {
    const v = cfg[k];
    if (!Array.isArray(v)) bad(`the model configuration has no ${k}`, file);
    // A single [name, node, tensor] (Keras 3 with one input) or a list of them.
    return typeof v[0] === 'string' ? [listRef(v, file)] : v.map((x) => listRef(x, file));
  };
  const inputs = refs('input_layers');
  const outputs = refs('output_layers');
  for (const r of [...inputs, ...outputs]) if (!layers.has(r.layer)) bad(`the model's inputs or outputs name ${r.layer}, which is not one of its layers`, file);
  const inputSpecs = inputs.map((r) => inputSpec(r.layer, layers.get(r.layer)!.config));
  const name = typeof cfg.name === 'string' ? cfg.name : 'model';
  return { name, layers, nodes: topoSort(pending, layers, inputs, file), inputs, outputs, inputSpecs, sequential: false };
}

/** Order the calls so every node comes after the nodes it reads (configs list layers, not calls, in order). */
function topoSort(pending: GraphNode[], layers: Map<string, LayerSpec>, inputs: TensorRef[], file?: string): GraphNode[] {
  const done = new Set<string>(inputs.map((r) => `${r.layer}:${r.node}`));
  for (const [name, l] of layers) if (l.className === 'InputLayer') done.add(`${name}:0`);
  const out: GraphNode[] = [];
  let left = pending;
  while (left.length) {
    const next: GraphNode[] = [];
    for (const n of left) {
      const missing = n.inbound.find((r) => !layers.has(r.layer));
      if (missing) bad(`layer ${n.layer} reads from ${missing.layer}, which is not a layer of the model`, file);
      if (n.inbound.every((r) => done.has(`${r.layer}:${r.node}`))) {
        out.push(n);
        done.add(`${n.layer}:${n.node}`);
      } else next.push(n);
    }
    if (next.length === left.length) bad(`the layers ${next.slice(0, 4).map((n) => n.layer).join(', ')} read from calls that never happen (a cycle, or a missing node)`, file);
    left = next;
  }
  return out;
}
