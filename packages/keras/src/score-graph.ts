// What the model config says around a layer, for classification (classify.ts): which layers
// read a layer's output and which it reads, from every Keras's inbound_nodes: Keras 1/2
// [[name, node, tensor, kwargs], ...] per call, Keras 3 {args, kwargs} holding
// {class_name: '__keras_tensor__', config: {keras_history: [name, node, tensor]}}, and
// Sequential's implicit chain. Only the top level: a nested model is one layer here.
import { modelClass, topLevelLayers } from './model-config.js';

export interface GraphNode {
  className: string;
  config: Record<string, unknown>;
  /** The layers whose outputs this layer reads, in order, each once. */
  inputs: string[];
}

export interface ModelGraph {
  nodes: Map<string, GraphNode>;
  /** name → the layers that read its output. */
  consumers: Map<string, string[]>;
  /** The layers whose outputs are the model's outputs. */
  outputs: string[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Layer names in one entry's inbound_nodes, in order, each once. */
function inboundNames(inbound: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 16) return;
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') out.push(v[0]); // Keras 1/2 [name, node, tensor, kwargs]
      else for (const x of v) visit(x, depth + 1);
    } else if (isObj(v)) {
      const history = isObj(v.config) ? v.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') out.push(history[0]);
      else for (const key of ['args', 'kwargs']) visit(v[key], depth + 1);
    }
  };
  visit(inbound, 0);
  return [...new Set(out)];
}

function rawEntries(config: unknown): Json[] {
  if (!isObj(config)) return [];
  const c = config.config;
  const list = Array.isArray(c) ? c : isObj(c) && Array.isArray(c.layers) ? c.layers : [];
  return list.filter(isObj);
}

/** The top-level graph of a model config; an empty graph when it has no layers. */
export function modelGraph(config: unknown): ModelGraph {
  const sequential = modelClass(config) === 'Sequential' || (isObj(config) && Array.isArray(config.config));
  const layers = topLevelLayers(config);
  const entries = rawEntries(config);
  const nodes = new Map<string, GraphNode>();
  layers.forEach((l, i) => {
    const entry = entries.find((e) => e.name === l.name || (isObj(e.config) && e.config.name === l.name));
    const inputs = sequential ? (i > 0 ? [layers[i - 1]!.name] : []) : inboundNames(entry?.inbound_nodes);
    nodes.set(l.name, { className: l.className, config: l.config, inputs });
  });
  const consumers = new Map<string, string[]>();
  for (const [name, n] of nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), name]);
  const c = isObj(config) ? config.config : undefined;
  const outs = isObj(c) && Array.isArray(c.output_layers) ? c.output_layers : [];
  const outputs = outs.flatMap((o) => (Array.isArray(o) && typeof o[0] === 'string' ? [o[0]] : []));
  if (sequential && layers.length) outputs.push(layers[layers.length - 1]!.name);
  return { nodes, consumers, outputs };
}

/** "flatten_1 → attention_weights (Activation softmax)" for a softmaxOverTime path. */
export function describePath(g: ModelGraph, path: readonly string[]): string {
  return path.map((n, i) => (i === path.length - 1 ? `${n} (${g.nodes.get(n)!.className}${g.nodes.get(n)!.className === 'Activation' ? ' softmax' : ''})` : n)).join(' → ');
}

/** Layers that only move values around, through which a score keeps its meaning. */
const RESHAPING = new Set(['Flatten', 'Reshape', 'Dropout', 'SpatialDropout1D', 'Squeeze']);

const isSoftmax = (n: GraphNode) =>
  n.className === 'Softmax' || (n.className === 'Activation' && n.config.activation === 'softmax');

/**
 * For a Dense(1), whose output is (N, T, 1): the layers from it to a softmax over T
 * (["flatten_1", "attention_weights"]), or undefined. The softmax must come after the size-1
 * axis is gone (Flatten/Reshape), or be a Softmax over axis 1.
 */
export function softmaxOverTime(g: ModelGraph, name: string): string[] | undefined {
  const walk = (at: string, squeezed: boolean, path: string[], depth: number): string[] | undefined => {
    if (depth > 6) return undefined;
    for (const c of g.consumers.get(at) ?? []) {
      const n = g.nodes.get(c)!;
      const axis = n.config.axis;
      const overTime = squeezed ? axis === undefined || axis === -1 || axis === 1 : axis === 1 || axis === -2;
      if (isSoftmax(n) && overTime) return [...path, c];
      if (RESHAPING.has(n.className)) {
        const hit = walk(c, squeezed || n.className === 'Flatten' || n.className === 'Reshape' || n.className === 'Squeeze', [...path, c], depth + 1);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return walk(name, false, [], 0);
}

/** What a weightless layer is built from, back to the nearest layer with a softmax or code: "dense_1 (Dense, softmax over its last axis) → attention_vec". */
export function describeUpstream(g: ModelGraph, name: string): string | undefined {
  const chain: string[] = [];
  let at = name;
  for (let depth = 0; depth < 5; depth++) {
    const n = g.nodes.get(at);
    if (!n || n.inputs.length === 0) break;
    const prev = n.inputs[n.inputs.length - 1]!;
    const p = g.nodes.get(prev);
    if (!p) break;
    if (p.className === 'Lambda') chain.unshift(`${prev} (Lambda: Python code, not in the file)`);
    else if (p.className === 'Dense' && p.config.activation === 'softmax') {
      chain.unshift(`${prev} (Dense with softmax over its last axis${typeof p.config.units === 'number' ? `, ${p.config.units} units` : ''})`);
      break;
    } else if (p.className === 'InputLayer') break;
    else chain.unshift(`${prev} (${p.className})`);
    at = prev;
  }
  return chain.length ? `${chain.join(' → ')}: attention built from built-in layers` : undefined;
}
