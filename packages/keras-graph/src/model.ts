// loadModel: a KerasFile (+ an optional to_json() config) → a model that runs batches and
// returns what taps ask for: a layer's input, output or attention scores, nested layers too.
import { fail, formatShape, type Tensor } from '@attnlens/core';
import type { KerasFile } from '@attnlens/keras';
import { bindGraph, type BoundGraph, type BoundLayer } from './bound.js';
import { majorVersion } from './dialects.js';
import { parseModelConfig, refKey, unwrapConfig, type Graph, type TensorRef } from './graph.js';
import { applyLayer, type RunContext } from './run-layer.js';
import { fromTensor, toTensor, type Value } from './values.js';
import { findBuiltinAttention, isSoftmax, type BuiltinAttention } from './builtin-attention.js';

/**
 * `index` picks one of several outputs (an RNN's return_state states, Bidirectional merge_mode
 * None's second, a custom attention layer's weights) or inputs (an Attention layer's value); default 0.
 */
export type Tap = { layer: string; what: 'input' | 'output' | 'scores'; index?: number };
export interface TapValue {
  tap: Tap;
  value: Tensor;
  /** The Keras mask arriving there (one byte per position of every axis but the last), if any. */
  mask?: Uint8Array;
}

export interface ModelLayerInfo {
  name: string;
  className: string;
  runnable: boolean;
  reason?: string;
  /** A choice the executor made for this layer, in a sentence (e.g. an attention layer's unsummed output). */
  note?: string;
}

export interface RunOptions {
  /**
   * Values given instead of computed (how to go on past a Lambda): by default the layer's
   * (first) input; with `as: 'output'`, the layer's output (the layer is then not run).
   */
  feeds?: { layer: string; value: Tensor; as?: 'input' | 'output' }[];
}

export interface KerasModel {
  inputs: { name: string; shape: (number | null)[]; dtype: string }[];
  outputs: string[];
  layers: ModelLayerInfo[];
  builtinAttention: BuiltinAttention[];
  run(inputs: Tensor[], taps: Tap[], opts?: RunOptions): TapValue[];
}

export interface LoadOptions {
  /** The architecture (model.to_json() output, parsed or as text) for a weights-only file, or to override the file's. */
  config?: unknown;
}

/** Sequence layers: a custom attention layer feeding one of these returns x·a unsummed. */
const NEEDS_SEQUENCE = new Set(['SimpleRNN', 'GRU', 'LSTM', 'CuDNNGRU', 'CuDNNLSTM', 'Bidirectional', 'Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D', 'TimeDistributed', 'Attention', 'AdditiveAttention']);

function configVersion(config: unknown): string | undefined {
  try {
    const c = unwrapConfig(config);
    return typeof c.keras_version === 'string' ? c.keras_version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tf.keras (versions "x.y.z-tf", and Keras 2.4+, which is tf.keras) and Keras 3 make a
 * Bidirectional's masked steps output zeros: their Bidirectional.__init__ forces
 * zero_output_for_mask = return_sequences on both directions (tf.keras layers/wrappers.py,
 * Keras 3 keras/src/layers/rnn/bidirectional.py force_zero_output_for_mask). Multi-backend
 * Keras 1.x–2.3 does not (keras/layers/wrappers.py Bidirectional.call just merges the two
 * outputs), so a masked step there carries the previous output, as a plain RNN's does.
 */
export function bidirectionalZeroes(version: string | undefined): boolean {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return /-tf$/.test(version!) || major > 2 || (major === 2 && minor >= 4);
}

export function loadModel(file: KerasFile, opts: LoadOptions = {}): KerasModel {
  const config = opts.config ?? file.modelConfig;
  if (config === undefined) {
    fail('NOT_FOUND', 'holds weights only (no model_config), so the architecture is unknown', {
      file: file.path,
      hint: 'pass the architecture saved with model.to_json() as the config',
    });
  }
  const version = file.kerasVersion ?? configVersion(config);
  const kerasMajor = majorVersion(version);
  const graph = parseModelConfig(config, { ...(version ? { kerasVersion: version } : {}), file: file.path });
  const bound = bindGraph(graph, undefined, { file, ...(kerasMajor !== undefined ? { kerasMajor } : {}), ...(file.backend ? { backend: file.backend } : {}) });
  return new Model(file.path, bound, kerasMajor, bidirectionalZeroes(version));
}

type Feeds = Map<string, { value: Value; as: 'input' | 'output' }>;

interface Recorder {
  want: Map<string, Tap[]>;
  out: Map<Tap, TapValue>;
}

class Model implements KerasModel {
  readonly inputs: KerasModel['inputs'];
  readonly outputs: string[];
  readonly layers: ModelLayerInfo[] = [];
  readonly builtinAttention: BuiltinAttention[];
  private readonly paths = new Map<string, BoundLayer>();

  constructor(private readonly file: string, private readonly root: BoundGraph, private readonly kerasMajor: number | undefined, private readonly zeroes: boolean) {
    this.inputs = root.graph.inputSpecs.map((s) => ({ ...s, shape: [...s.shape] }));
    this.outputs = root.graph.outputs.map((r) => r.layer);
    this.collect(root);
    this.builtinAttention = findBuiltinAttention(root.graph, (name) => root.layers.get(name)?.attention !== undefined);
  }

  private collect(g: BoundGraph): void {
    for (const b of g.layers.values()) {
      this.paths.set(b.path, b);
      const info: ModelLayerInfo = { name: b.path, className: b.spec.originalClassName, runnable: b.runnable, ...(b.reason ? { reason: b.reason } : {}) };
      if (b.attention && this.unsummed(b, g.graph)) info.note = `returns x·a unsummed, (N, T, F): the layer it feeds needs a sequence`;
      this.layers.push(info);
      if (b.model) this.collect(b.model);
      for (const w of [b.inner, b.backward]) {
        if (!w) continue;
        if (w.path !== b.path) this.paths.set(w.path, w);
        if (w.model) this.collect(w.model);
      }
    }
  }

  /** A tap's layer: its path, or a nested layer's inner name when only one layer has it. */
  private resolve(name: string): BoundLayer {
    const exact = this.paths.get(name);
    if (exact) return exact;
    const hits = [...this.paths.values()].filter((b) => b.path.split('/').pop() === name);
    if (hits.length === 1) return hits[0]!;
    return fail(hits.length ? 'AMBIGUOUS' : 'NOT_FOUND', hits.length ? `several layers are named ${name}: ${hits.map((h) => h.path).join(', ')}` : `the model has no layer ${name}`, {
      file: this.file,
      hint: hits.length ? 'name it as outer/inner' : `its layers are ${[...this.paths.keys()].slice(0, 12).join(', ')}`,
    });
  }

  private unsummed(b: BoundLayer, g: Graph): boolean {
    const consumers = g.nodes.filter((n) => n.inbound.some((r) => r.layer === b.spec.name)).map((n) => g.layers.get(n.layer)!);
    return consumers.some((c) => NEEDS_SEQUENCE.has(c.className));
  }

  run(inputs: Tensor[], taps: Tap[], opts: RunOptions = {}): TapValue[] {
    const rec: Recorder = { want: new Map(), out: new Map() };
    for (const t of taps) {
      const b = this.resolve(t.layer);
      if (!rec.want.has(b.path)) rec.want.set(b.path, []);
      rec.want.get(b.path)!.push(t);
    }
    const feeds: Feeds = new Map();
    for (const f of opts.feeds ?? []) feeds.set(this.resolve(f.layer).path, { value: fromTensor(f.value), as: f.as ?? 'input' });
    const spec = this.root.graph.inputSpecs;
    const fedOnly = feeds.size > 0 && inputs.length === 0;
    if (!fedOnly && inputs.length !== spec.length) {
      fail('BAD_ARGUMENT', `the model takes ${spec.length} input${spec.length === 1 ? '' : 's'} (${spec.map((s) => `${s.name} ${formatShape(['N', ...s.shape.map((d) => d ?? '?')] as unknown as number[])}`).join(', ')}), got ${inputs.length}`, {
        file: this.file,
        hint: 'pass one array per model input, in this order, batch axis first',
      });
    }
    const values = fedOnly ? [] : inputs.map((t, i) => checkInput(fromTensor(t), spec[i]!, this.file));
    const wanted = [...rec.want.keys()];
    this.runGraph(this.root, values, rec, feeds, wanted);
    return taps.map((t) => rec.out.get(t) ?? fail('NOT_FOUND', `layer ${t.layer} has no ${t.what}${t.index ? ` ${t.index}` : ''} to tap (it never ran, it has fewer, or it is not an attention layer)`, { file: this.file, hint: "'scores' taps attention layers; 'input' and 'output' tap any layer" }));
  }

  private context(rec: Recorder, feeds: Feeds, g: Graph, flat?: { n: number; s: number }): RunContext {
    return {
      ...(this.kerasMajor !== undefined ? { kerasMajor: this.kerasMajor } : {}),
      bidirectionalZeroes: this.zeroes,
      file: this.file,
      runNested: (b, inputs, fl) => this.runGraph(b.model!, inputs, rec, feeds, undefined, fl ?? flat),
      unsummed: (b) => this.unsummed(b, g),
      scores: (b, v) => this.record(rec, b.path, 'scores', v, flat),
    };
  }

  private record(rec: Recorder, path: string, what: Tap['what'], v: Value, flat?: { n: number; s: number }, index = 0): void {
    for (const t of rec.want.get(path) ?? []) {
      if (t.what !== what || (t.index ?? 0) !== index || rec.out.has(t)) continue;
      // Inside TimeDistributed: give back the outer leading axes, (N·S, ...) → (N, S, ...).
      const shape = flat ? [flat.n, flat.s, ...v.shape.slice(1)] : v.shape;
      rec.out.set(t, { tap: t, value: toTensor({ shape, data: v.data }), ...(v.mask ? { mask: v.mask } : {}) });
    }
  }

  /** Run the nodes needed for the taps (all of them for a nested model), in order. */
  private runGraph(bg: BoundGraph, inputs: Value[], rec: Recorder, feeds: Feeds, wanted?: string[], flat?: { n: number; s: number }): Value[] {
    const g = bg.graph;
    const vals = new Map<string, Value>();
    g.inputs.forEach((r, i) => {
      if (inputs[i]) vals.set(refKey(r), inputs[i]!);
    });
    const needed = wanted ? this.neededNodes(bg, wanted, feeds) : undefined;
    const ctx = this.context(rec, feeds, g, flat);
    for (const r of g.inputs) {
      const b = bg.layers.get(r.layer)!;
      const v = vals.get(refKey(r));
      if (v) this.record(rec, b.path, 'output', v, flat);
    }
    for (const node of g.nodes) {
      const b = bg.layers.get(node.layer)!;
      if (needed && !needed.has(`${node.layer}:${node.node}`)) continue;
      const fed = feeds.get(b.path);
      let outs: Value[];
      if (fed?.as === 'output') outs = [fed.value];
      else {
        const ins = node.inbound.map((r, i) => (i === 0 && fed ? fed.value : vals.get(refKey(r)) ?? this.missing(b, r)));
        if (b.spec.className === 'InputLayer') continue;
        ins.forEach((v, i) => this.record(rec, b.path, 'input', v, flat, i));
        if (this.onlyInputWanted(b, rec, wanted, needed, node.layer, node.node, g)) continue;
        if (!b.runnable) this.cannotRun(b, g);
        outs = guarded(b, () => applyLayer(b, ins, ctx), this.file);
      }
      outs.forEach((v, i) => vals.set(refKey({ layer: node.layer, node: node.node, index: i }), v));
      outs.forEach((v, i) => this.record(rec, b.path, 'output', v, flat, i));
      // A softmax Dense/Activation's output is its attention map (built-in attention blocks).
      if (isSoftmax(b.spec)) this.record(rec, b.path, 'scores', outs[0]!, flat);
    }
    // The top level runs only what the taps need; a nested model returns its outputs.
    if (needed) return [];
    return g.outputs.map((r) => vals.get(refKey(r)) ?? this.missing(bg.layers.get(r.layer)!, r));
  }

  /** A layer whose input alone is tapped, and whose output nothing else needs, is not run. */
  private onlyInputWanted(b: BoundLayer, rec: Recorder, wanted: string[] | undefined, needed: Set<string> | undefined, layer: string, node: number, g: Graph): boolean {
    if (!wanted || !needed) return false;
    const taps = rec.want.get(b.path) ?? [];
    const usedLater = g.nodes.some((n) => needed.has(`${n.layer}:${n.node}`) && n.inbound.some((r) => r.layer === layer && r.node === node));
    const innerTapped = wanted.some((w) => w.startsWith(`${b.path}/`));
    return !usedLater && !innerTapped && taps.length > 0 && taps.every((t) => t.what === 'input');
  }

  private neededNodes(bg: BoundGraph, wanted: string[], feeds: Feeds): Set<string> {
    const g = bg.graph;
    const need = new Set<string>();
    const byKey = new Map(g.nodes.map((n) => [`${n.layer}:${n.node}`, n]));
    const stack: string[] = [];
    for (const w of wanted) {
      const top = w.split('/')[0]!;
      for (const n of g.nodes) if (n.layer === top) stack.push(`${n.layer}:${n.node}`);
    }
    while (stack.length) {
      const k = stack.pop()!;
      if (need.has(k)) continue;
      need.add(k);
      const n = byKey.get(k);
      const fed = n && feeds.get(bg.layers.get(n.layer)!.path);
      if (!n || fed?.as === 'output') continue;
      n.inbound.forEach((r, i) => {
        if (!(fed && i === 0)) stack.push(`${r.layer}:${r.node}`);
      });
    }
    return need;
  }

  private missing(b: BoundLayer, r: TensorRef): never {
    return fail('NOT_FOUND', `layer ${b.path} needs the output of ${r.layer}, which was not computed (a model input not given?)`, {
      file: this.file,
      hint: `pass every model input, or feed the input of ${b.path} directly`,
    });
  }

  private cannotRun(b: BoundLayer, g: Graph): never {
    const next = g.nodes.filter((n) => n.inbound.some((r) => r.layer === b.spec.name)).map((n) => n.layer);
    return fail('UNSUPPORTED', `layer ${b.path} (${b.spec.originalClassName}) cannot be run from the file: ${b.reason ?? 'its class is unknown'}`, {
      file: this.file,
      hint: next.length
        ? `compute its output in Python and pass it as the input of the layer after it (${[...new Set(next)].join(', ')})`
        : 'tap an earlier layer instead',
      details: { layer: b.path, className: b.spec.originalClassName, next },
    });
  }
}

/** A config that asks for more than memory can hold (RepeatVector(1e9)) is an error naming the layer, not a RangeError. */
function guarded(b: BoundLayer, run: () => Value[], file: string): Value[] {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return fail('UNSUPPORTED', `layer ${b.path} (${b.spec.originalClassName}) would need more memory than can be allocated for this batch (${e.message})`, {
      file,
      hint: 'run fewer samples at a time (a smaller batch size), or check the layer\'s config',
    });
  }
}

function checkInput(v: Value, spec: { name: string; shape: (number | null)[] }, file: string): Value {
  const want = spec.shape;
  const got = v.shape.slice(1);
  if (want.length === 0) return v; // the config does not give the input's shape
  const ok = got.length === want.length && want.every((d, i) => d === null || d === got[i]);
  if (!ok) {
    fail('SHAPE_MISMATCH', `the model input ${spec.name} is (N, ${want.map((d) => d ?? '?').join(', ')}) but the array given is ${formatShape(v.shape)}`, {
      file,
      hint: 'pass one array per model input, batch axis first, shaped as the model was built',
      details: { input: spec.name, expected: want, got: v.shape },
    });
  }
  return v;
}

