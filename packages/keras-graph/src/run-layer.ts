// One layer call: Keras's semantics on top of @attnlens/layers' kernels, masks included.
// Mask rules (what each layer passes on) follow each layer's compute_mask / supports_masking
// in Keras 2 keras/layers/*.py and Keras 3 keras/src/layers/**: see README "Masks".
import { fail, formatShape } from '@attnlens/core';
import { computeAttention, prepareKernel } from '@attnlens/attention';
import {
  activate, additiveAttention, batchDot, batchNorm, concatenate, conv1d, dense, dotProductAttention, elementwise, embedding,
  globalPool1d, isActivationName, layerNorm, permute, pool1d, repeatVector, rnnInputProjection, runRnn, runRnnProjected,
  type ActivationName, type CellKind, type MergeOp, type RnnOptions,
} from '@attnlens/layers';
import type { BoundLayer } from './bound.js';
import { maskLength, size, type Value } from './values.js';
import { resetAfter } from './weights.js';

export interface RunContext {
  kerasMajor?: number;
  /** Keras ≥ 2.2.3 / tf.keras / Keras 3: Bidirectional forces zero_output_for_mask = return_sequences. */
  bidirectionalZeroes: boolean;
  file?: string;
  /** Run a nested model (TimeDistributed(Model), or a Model used as a layer). */
  runNested: (b: BoundLayer, inputs: Value[], flatten?: { n: number; s: number }) => Value[];
  /** A custom attention layer returns x·a unsummed (decided from the layers it feeds). */
  unsummed: (b: BoundLayer) => boolean;
  /** Attention weights of the layer, kept for 'scores' taps. */
  scores: (b: BoundLayer, v: Value) => void;
}

type Json = Record<string, unknown>;
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : Array.isArray(v) && typeof v[0] === 'number' ? v[0] : d);

function bad(b: BoundLayer, message: string, ctx: RunContext): never {
  return fail('SHAPE_MISMATCH', `layer ${b.path} (${b.spec.className}): ${message}`, {
    file: ctx.file,
    hint: 'the inputs do not have the shapes the model was built for; pass one array per model input, batch axis first',
  });
}

/** An activation name as the kernels know it (Keras 3's hard_sigmoid is relu6(x+3)/6). */
export function activationFor(name: unknown, kerasMajor: number | undefined, layer: string): ActivationName {
  let a = typeof name === 'string' ? name : 'linear';
  if (a === 'hard_sigmoid' && (kerasMajor ?? 2) >= 3) a = 'hard_sigmoid_v3';
  if (!isActivationName(a)) fail('UNSUPPORTED', `layer ${layer} uses the activation ${JSON.stringify(name)}, which is not a Keras built-in`, { hint: 'a custom activation is Python code and cannot be run from the file' });
  return a;
}

function act(v: Value, cfgAct: unknown, ctx: RunContext, layer: string): Value {
  const a = activationFor(cfgAct, ctx.kerasMajor, layer);
  if (a !== 'linear') activate(a, v.data, v.shape[v.shape.length - 1]!);
  return v;
}

const keepMask = (out: Value, mask?: Uint8Array): Value => (mask && maskLength(out.shape) === mask.length ? { ...out, mask } : out);

/** AND of the masks of several inputs of the same leading shape (Keras's _Merge.compute_mask). */
function mergedMask(inputs: Value[], outShape: number[]): Uint8Array | undefined {
  const ms = inputs.map((v) => v.mask).filter((m): m is Uint8Array => !!m);
  if (!ms.length) return undefined;
  const n = maskLength(outShape);
  if (ms.some((m) => m.length !== n)) return undefined;
  const out = new Uint8Array(n).fill(1);
  for (const m of ms) for (let i = 0; i < n; i++) out[i] = out[i]! & (m[i]! ? 1 : 0);
  return out;
}

export function applyLayer(b: BoundLayer, inputs: Value[], ctx: RunContext): Value[] {
  const c = b.spec.config;
  const x = inputs[0]!;
  if (b.attention) return customAttention(b, x, ctx);
  switch (b.spec.className) {
    case 'InputLayer': case 'Dropout': case 'SpatialDropout1D': case 'GaussianNoise': case 'GaussianDropout': case 'AlphaDropout':
      return [x];
    case 'Masking': return [masking(x, num(c.mask_value, 0))];
    case 'Activation': return [keepMask(act({ shape: x.shape, data: x.data.slice() }, c.activation, ctx, b.path), x.mask)];
    case 'Softmax': {
      const axis = num(c.axis, -1);
      if (axis !== -1 && axis !== x.shape.length - 1) fail('UNSUPPORTED', `layer ${b.path}: a Softmax over axis ${axis} (not the last) is not run`, { file: ctx.file });
      return [keepMask(act({ shape: x.shape, data: x.data.slice() }, 'softmax', ctx, b.path), x.mask)];
    }
    case 'ReLU': case 'LeakyReLU': case 'ELU': case 'ThresholdedReLU': case 'PReLU':
      return [keepMask(advancedActivation(b, x), x.mask)];
    case 'Embedding': return [embed(b, x, ctx)];
    case 'Dense': return [keepMask(denseLayer(b, x, ctx), x.mask)];
    case 'SimpleRNN': case 'GRU': case 'LSTM': case 'CuDNNGRU': case 'CuDNNLSTM':
      return rnn(b, inputs, ctx, false);
    case 'Bidirectional': return bidirectional(b, inputs, ctx);
    case 'TimeDistributed': return timeDistributed(b, x, ctx);
    case 'Model': return ctx.runNested(b, inputs);
    case 'Conv1D': return [convLayer(b, x, ctx)];
    case 'MaxPooling1D': case 'AveragePooling1D': return [poolLayer(b, x, ctx)];
    case 'GlobalMaxPooling1D': case 'GlobalAveragePooling1D': return [globalPool(b, x, ctx)];
    case 'Flatten': return [{ shape: [x.shape[0]!, size(x.shape.slice(1))], data: x.data }];
    case 'Reshape': return [reshape(b, x, ctx)];
    case 'Permute': {
      const dims = (c.dims as number[]) ?? [];
      const shape = [x.shape[0]!, ...dims.map((d) => x.shape[d]!)];
      return [{ shape, data: permute(x.data, x.shape, [0, ...dims]) }];
    }
    case 'RepeatVector': {
      const times = num(c.n, 1);
      if (!Number.isInteger(times) || times < 1) fail('CORRUPT', `layer ${b.path}: RepeatVector n is ${String(c.n)}, not a whole number ≥ 1`, { file: ctx.file });
      checkOutputSize(b, [x.shape[0]!, times, x.shape[1] ?? 1], ctx);
      if (x.shape.length !== 2) bad(b, `takes (N, F), got ${formatShape(x.shape)}`, ctx);
      return [{ shape: [x.shape[0]!, times, x.shape[1]!], data: repeatVector(x.data, x.shape[0]!, x.shape[1]!, times) }];
    }
    case 'Add': case 'Subtract': case 'Multiply': case 'Average': case 'Maximum': case 'Minimum':
      return [merge(b.spec.className.toLowerCase() as MergeOp, inputs)];
    case 'Concatenate': return [concat(inputs, num(c.axis, -1))];
    case 'Dot': return [dot(inputs, c.axes, c.normalize === true)];
    case 'Merge': return [legacyMerge(b, inputs, ctx)];
    case 'BatchNormalization': return [keepMask(batchNormLayer(b, x), x.mask)];
    case 'LayerNormalization': return [keepMask(layerNormLayer(b, x), x.mask)];
    case 'Attention': case 'AdditiveAttention': return builtinAttention(b, inputs, ctx);
    default:
      return fail('UNSUPPORTED', `layer ${b.path} (${b.spec.className}) cannot be run`, { file: ctx.file });
  }
}

/** Values one layer may output for one batch: 2^28 float32 (1 GiB). */
export const MAX_OUTPUT_VALUES = 2 ** 28;

/** Layers whose output grows with their config, not their input (RepeatVector(n), attention scores): check before allocating. */
function checkOutputSize(b: BoundLayer, shape: number[], ctx: RunContext): void {
  const n = shape.reduce((a, d) => a * d, 1);
  if (n > MAX_OUTPUT_VALUES) {
    fail('UNSUPPORTED', `layer ${b.path} (${b.spec.originalClassName}) would output ${formatShape(shape)} = ${n.toExponential(2)} values for this batch, more than the ${MAX_OUTPUT_VALUES} allowed`, {
      file: ctx.file,
      hint: 'run fewer samples at a time (a smaller batch size), or check the layer\'s config',
      details: { layer: b.path, shape, limit: MAX_OUTPUT_VALUES },
    });
  }
}

/**
 * The activation layers (Keras 2 keras/layers/advanced_activations.py, Keras 3
 * keras/src/layers/activations/*.py): ReLU(max_value, negative_slope, threshold),
 * LeakyReLU(alpha, Keras 3 negative_slope; default 0.3), ELU(alpha = 1), ThresholdedReLU(theta = 1),
 * PReLU(alpha weight, broadcast over its shared_axes).
 */
function advancedActivation(b: BoundLayer, x: Value): Value {
  const c = b.spec.config;
  const data = x.data.slice();
  const f = scalarFor(b.spec.className, c);
  if (f) {
    for (let i = 0; i < data.length; i++) data[i] = f(data[i]!);
    return { shape: x.shape, data };
  }
  // PReLU: alpha has the input's shape without the batch axis, 1 on shared axes.
  const alpha = b.weights.alpha!;
  const shape = x.shape.slice(1);
  const per = data.length / x.shape[0]!;
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, d) => a * d, 1));
  const aStrides = alpha.shape.map((_, k) => alpha.shape.slice(k + 1).reduce((a, d) => a * d, 1));
  for (let j = 0; j < per; j++) {
    let ai = 0;
    for (let k = 0; k < shape.length; k++) ai += (alpha.shape[k] === 1 ? 0 : Math.floor(j / strides[k]!) % shape[k]!) * aStrides[k]!;
    const a = alpha.data[ai]!;
    for (let n = j; n < data.length; n += per) if (data[n]! < 0) data[n] = a * data[n]!;
  }
  return { shape: x.shape, data };
}

function scalarFor(cls: string, c: Json): ((v: number) => number) | undefined {
  if (cls === 'LeakyReLU') {
    const a = num(c.negative_slope ?? c.alpha, 0.3);
    return (v) => (v >= 0 ? v : a * v);
  }
  if (cls === 'ELU') {
    const a = num(c.alpha, 1);
    return (v) => (v > 0 ? v : a * Math.expm1(v));
  }
  if (cls === 'ThresholdedReLU') {
    const t = num(c.theta, 1);
    return (v) => (v > t ? v : 0);
  }
  if (cls === 'ReLU') {
    // keras.backend.relu(x, alpha=negative_slope, max_value, threshold): x·(x > threshold), clipped
    // to max_value, minus negative_slope·relu(threshold − x).
    const max = typeof c.max_value === 'number' ? c.max_value : Infinity;
    const slope = num(c.negative_slope, 0);
    const t = num(c.threshold, 0);
    return (v) => (v > t ? Math.min(v, max) : slope * (v - t));
  }
  return undefined;
}

function masking(x: Value, maskValue: number): Value {
  const f = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / f;
  const mask = new Uint8Array(rows);
  const data = x.data.slice();
  for (let r = 0; r < rows; r++) {
    let any = 0;
    for (let j = 0; j < f; j++) if (x.data[r * f + j] !== maskValue) any = 1;
    mask[r] = any;
    if (!any) data.fill(0, r * f, r * f + f);
  }
  return { shape: x.shape, data, mask };
}

function embed(b: BoundLayer, x: Value, ctx: RunContext): Value {
  const t = b.weights.embeddings ?? bad(b, 'has no embeddings weight', ctx);
  const [vocab, dim] = t.shape as [number, number];
  const out: Value = { shape: [...x.shape, dim], data: embedding(x.data, t.data, vocab, dim), embedded: { ids: x.data, table: t.data, vocab, dim } };
  if (b.spec.config.mask_zero === true) {
    const mask = new Uint8Array(x.data.length);
    for (let i = 0; i < mask.length; i++) mask[i] = x.data[i] !== 0 ? 1 : 0;
    out.mask = mask;
  }
  return out;
}

function denseLayer(b: BoundLayer, x: Value, ctx: RunContext): Value {
  const k = b.weights.kernel!;
  const [fin, units] = k.shape as [number, number];
  const f = x.shape[x.shape.length - 1]!;
  if (f !== fin) bad(b, `its kernel is ${formatShape(k.shape)} but its input is ${formatShape(x.shape)}: the last axis must be ${fin}`, ctx);
  const data = dense(x.data, x.data.length / f, f, k.data, units, b.weights.bias?.data);
  return act({ shape: [...x.shape.slice(0, -1), units], data }, b.spec.config.activation, ctx, b.path);
}

const CELL: Record<string, CellKind> = { SimpleRNN: 'simple', GRU: 'gru', LSTM: 'lstm', CuDNNGRU: 'gru', CuDNNLSTM: 'lstm' };

/** SimpleRNN/GRU/LSTM (and the CuDNN ones): [output, ...states when return_state]; extra inputs are initial states. */
export function rnn(b: BoundLayer, inputs: Value[], ctx: RunContext, zeroMasked: boolean, flipBackwards = false): Value[] {
  const c = b.spec.config;
  const x = inputs[0]!;
  if (x.shape.length !== 3) bad(b, `takes (N, T, F) sequences, got ${formatShape(x.shape)}`, ctx);
  if (c.time_major === true) fail('UNSUPPORTED', `layer ${b.path}: time_major RNNs ((T, N, F) inputs) are not run`, { file: ctx.file, hint: 'save the model with time_major=False' });
  const [n, t, f] = x.shape as [number, number, number];
  const w = b.weights;
  const units = w.recurrent!.shape[0]!;
  if (w.kernel!.shape[0] !== f) bad(b, `its kernel is ${formatShape(w.kernel!.shape)} but its input is ${formatShape(x.shape)}`, ctx);
  const cuDnn = b.spec.className.startsWith('CuDNN');
  const cell = CELL[b.spec.className]!;
  // CuDNN layers are fixed: tanh and the true sigmoid (cuDNN's own cell).
  const activation = cuDnn ? 'tanh' : activationFor(c.activation ?? 'tanh', ctx.kerasMajor, b.path);
  const recurrentActivation = cuDnn ? 'sigmoid' : activationFor(c.recurrent_activation ?? (ctx.kerasMajor === 1 ? 'hard_sigmoid' : 'sigmoid'), ctx.kerasMajor, b.path);
  const initialState = inputs.slice(1).map((s) => s.data);
  const goBackwards = (c.go_backwards === true) !== flipBackwards;
  const returnSequences = c.return_sequences === true;
  const weights = { kernel: w.kernel!.data, recurrentKernel: w.recurrent!.data, ...(w.bias ? { bias: w.bias.data } : {}) };
  const o: RnnOptions = {
    cell, units, activation, recurrentActivation,
    ...(cell === 'gru' ? { resetAfter: resetAfter(b.spec) } : {}),
    returnSequences, goBackwards,
    maskedOutput: zeroMasked || c.zero_output_for_mask === true ? 'zero' : 'previous',
    ...(initialState.length ? { initialState } : {}),
  };
  const table = x.embedded && projectedTable(b, x.embedded, weights, o);
  const r = table
    ? runRnnProjected(embedding(x.embedded!.ids, table, x.embedded!.vocab, table.length / x.embedded!.vocab), n, t, x.mask, weights, o)
    : runRnn(x.data, n, t, f, x.mask, weights, o);
  const out: Value = returnSequences ? { shape: [n, t, units], data: r.output, ...(x.mask ? { mask: x.mask } : {}) } : { shape: [n, units], data: r.output };
  return c.return_state === true ? [out, ...r.states.map((s) => ({ shape: [n, units], data: s }))] : [out];
}

/** Embedding tables projected through an RNN's input kernel, per RNN layer (and table). */
const projections = new WeakMap<BoundLayer, { table: Float32Array; projected: Float32Array }>();
/** Above this the projected table is not kept (vocab · G·U floats). */
const MAX_PROJECTED = 16 << 20;

/**
 * An RNN fed straight by an Embedding: x·kernel + b of every token is a row of table·kernel + b,
 * computed once per model instead of once per step of every batch (the layers' rnnInputProjection).
 */
function projectedTable(b: BoundLayer, e: NonNullable<Value['embedded']>, w: { kernel: Float32Array; bias?: Float32Array }, o: RnnOptions): Float32Array | undefined {
  const hit = projections.get(b);
  if (hit && hit.table === e.table) return hit.projected;
  const gu = w.kernel.length / e.dim;
  if (e.vocab * gu > MAX_PROJECTED) return undefined;
  const projected = rnnInputProjection(e.table, e.vocab, e.dim, w, o);
  projections.set(b, { table: e.table, projected });
  return projected;
}

function reverseTime(v: Value): Value {
  const [n, t] = v.shape as [number, number];
  const row = size(v.shape.slice(2));
  const data = new Float32Array(v.data.length);
  for (let i = 0; i < n; i++) for (let s = 0; s < t; s++) data.set(v.data.subarray((i * t + s) * row, (i * t + s + 1) * row), (i * t + (t - 1 - s)) * row);
  return { ...v, data };
}

function bidirectional(b: BoundLayer, inputs: Value[], ctx: RunContext): Value[] {
  const mode = b.spec.config.merge_mode === undefined ? 'concat' : b.spec.config.merge_mode;
  const fwSpec = b.inner!;
  const returnSequences = fwSpec.spec.config.return_sequences === true;
  const zero = ctx.bidirectionalZeroes && returnSequences;
  // Initial states: the first half to the forward layer, the second to the backward (Bidirectional.call).
  const states = inputs.slice(1);
  const half = states.length / 2;
  const fw = rnn(fwSpec, [inputs[0]!, ...states.slice(0, half)], ctx, zero);
  // The backward layer is the inner layer with go_backwards flipped (Bidirectional.__init__),
  // unless the config holds its own backward_layer (which says go_backwards itself).
  const bw = rnn(b.backward!, [inputs[0]!, ...states.slice(half)], ctx, zero, !b.spec.backward);
  const y = fw[0]!;
  let yr = bw[0]!;
  if (returnSequences) yr = reverseTime(yr);
  const mask = returnSequences ? inputs[0]!.mask : undefined;
  let outs: Value[];
  if (mode === null) outs = [keepMask(y, mask), keepMask(yr, mask)];
  else if (mode === 'concat') outs = [keepMask(concatenate([y, yr], -1) as Value, mask)];
  else {
    const op: Record<string, MergeOp> = { sum: 'add', mul: 'multiply', ave: 'average' };
    if (!op[mode as string]) fail('UNSUPPORTED', `layer ${b.path}: merge_mode ${JSON.stringify(mode)} is not one Keras has`, { file: ctx.file, hint: 'Keras merges with concat, sum, mul, ave or None' });
    outs = [keepMask(elementwise(op[mode as string]!, [y, yr]) as Value, mask)];
  }
  if (b.inner!.spec.config.return_state === true) return [...outs, ...fw.slice(1), ...bw.slice(1)];
  return outs;
}

function timeDistributed(b: BoundLayer, x: Value, ctx: RunContext): Value[] {
  if (x.shape.length < 3) bad(b, `takes at least (N, S, ...), got ${formatShape(x.shape)}`, ctx);
  const [n, s] = x.shape as [number, number];
  const inner: Value = { shape: [n * s, ...x.shape.slice(2)], data: x.data, ...(x.mask ? { mask: x.mask } : {}) };
  const outs = b.inner!.spec.className === 'Model' ? ctx.runNested(b.inner!, [inner], { n, s }) : applyLayer(b.inner!, [inner], ctx);
  return outs.map((o) => ({ shape: [n, s, ...o.shape.slice(1)], data: o.data, ...(o.mask ? { mask: o.mask } : {}) }));
}

function convLayer(b: BoundLayer, x: Value, ctx: RunContext): Value {
  const c = b.spec.config;
  if (x.shape.length !== 3) bad(b, `takes (N, T, C), got ${formatShape(x.shape)}`, ctx);
  if (c.data_format === 'channels_first') fail('UNSUPPORTED', `layer ${b.path}: channels_first Conv1D is not run`, { file: ctx.file });
  if (num(c.groups, 1) !== 1) fail('UNSUPPORTED', `layer ${b.path}: grouped Conv1D (groups=${num(c.groups, 1)}) is not run`, { file: ctx.file });
  const [n, t, ch] = x.shape as [number, number, number];
  const k = b.weights.kernel!;
  const [ks, cin, filters] = k.shape as [number, number, number];
  if (cin !== ch) bad(b, `its kernel is ${formatShape(k.shape)} but its input has ${ch} channels`, ctx);
  const padding = (c.padding ?? 'valid') as 'valid' | 'same' | 'causal';
  const r = conv1d(x.data, n, t, ch, k.data, ks, filters, b.weights.bias?.data, { strides: num(c.strides, 1), padding, dilation: num(c.dilation_rate, 1) });
  return act({ shape: [n, r.t, filters], data: r.data }, c.activation, ctx, b.path);
}

function poolLayer(b: BoundLayer, x: Value, ctx: RunContext): Value {
  const c = b.spec.config;
  if (x.shape.length !== 3) bad(b, `takes (N, T, C), got ${formatShape(x.shape)}`, ctx);
  const [n, t, ch] = x.shape as [number, number, number];
  const poolSize = num(c.pool_size, 2);
  const r = pool1d(x.data, n, t, ch, {
    kind: b.spec.className === 'MaxPooling1D' ? 'max' : 'avg', poolSize, strides: num(c.strides, poolSize),
    padding: (c.padding ?? 'valid') as 'valid' | 'same',
  });
  return { shape: [n, r.t, ch], data: r.data };
}

function globalPool(b: BoundLayer, x: Value, ctx: RunContext): Value {
  if (x.shape.length !== 3) bad(b, `takes (N, T, C), got ${formatShape(x.shape)}`, ctx);
  const [n, t, ch] = x.shape as [number, number, number];
  const kind = b.spec.className === 'GlobalMaxPooling1D' ? 'max' : 'avg';
  // GlobalAveragePooling1D averages the valid steps only (supports_masking, Keras ≥ 2.2); max ignores the mask.
  const data = globalPool1d(x.data, n, t, ch, kind, kind === 'avg' ? x.mask : undefined);
  return { shape: b.spec.config.keepdims === true ? [n, 1, ch] : [n, ch], data };
}

function reshape(b: BoundLayer, x: Value, ctx: RunContext): Value {
  const target = ((b.spec.config.target_shape as number[]) ?? []).slice();
  const total = size(x.shape.slice(1));
  const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const free = target.indexOf(-1);
  if (free >= 0) target[free] = known ? total / known : 0;
  if (size(target) !== total || !target.every(Number.isInteger)) bad(b, `cannot reshape ${formatShape(x.shape)} to ${formatShape([x.shape[0]!, ...target])}`, ctx);
  return { shape: [x.shape[0]!, ...target], data: x.data };
}

function merge(op: MergeOp, inputs: Value[]): Value {
  const r = elementwise(op, inputs) as Value;
  return keepMask(r, mergedMask(inputs, r.shape));
}

/** Concatenate (Keras 2 merge.py Concatenate.compute_mask): along the last axis the masks AND; along another axis they concatenate too. */
function concat(inputs: Value[], axis: number): Value {
  const r = concatenate(inputs, axis) as Value;
  const rank = r.shape.length;
  const ax = axis < 0 ? rank + axis : axis;
  if (ax === rank - 1 || !inputs.some((v) => v.mask)) return keepMask(r, mergedMask(inputs, r.shape));
  const parts = inputs.map((v) => ({ shape: v.shape.slice(0, -1), data: v.mask ? Float32Array.from(v.mask) : new Float32Array(maskLength(v.shape)).fill(1) }));
  const m = concatenate(parts, ax);
  return { ...r, mask: Uint8Array.from(m.data) };
}

function dot(inputs: Value[], axes: unknown, normalize: boolean): Value {
  const [a, bb] = inputs as [Value, Value];
  const ax: [number, number] = Array.isArray(axes) ? [Number(axes[0]), Number(axes[1])] : [num(axes, -1), num(axes, -1)];
  return batchDot(a.data, a.shape, bb.data, bb.shape, ax, normalize) as Value;
}

/** Keras 1 / 2.0 `Merge(mode=...)`: the built-in modes by name; a Python callable mode cannot run. */
function legacyMerge(b: BoundLayer, inputs: Value[], ctx: RunContext): Value {
  const c = b.spec.config;
  const mode = c.mode;
  const ops: Record<string, MergeOp> = { sum: 'add', mul: 'multiply', ave: 'average', max: 'maximum' };
  if (typeof mode === 'string' && ops[mode]) return merge(ops[mode]!, inputs);
  if (mode === 'concat') return concat(inputs, num(c.concat_axis, -1));
  if (mode === 'dot' || mode === 'cos') return dot(inputs, c.dot_axes, mode === 'cos');
  return fail('UNSUPPORTED', `layer ${b.path}: Merge mode ${JSON.stringify(mode)} is Python code (a lambda), which cannot be run from the file`, {
    file: ctx.file,
    hint: 'pass the input of the layer after it instead',
  });
}

function axisParts(shape: number[], axisRaw: unknown): { rows: number; dim: number; inner: number } {
  const a0 = Array.isArray(axisRaw) ? Number(axisRaw[0]) : num(axisRaw, -1);
  const a = a0 < 0 ? shape.length + a0 : a0;
  return { rows: size(shape.slice(0, a)), dim: shape[a]!, inner: size(shape.slice(a + 1)) };
}

function batchNormLayer(b: BoundLayer, x: Value): Value {
  const w = b.weights;
  const { rows, dim, inner } = axisParts(x.shape, b.spec.config.axis);
  const data = batchNorm(x.data.slice(), rows, dim, {
    ...(w.gamma ? { gamma: w.gamma.data } : {}), ...(w.beta ? { beta: w.beta.data } : {}),
    movingMean: w.mean!.data, movingVariance: w.variance!.data, epsilon: num(b.spec.config.epsilon, 1e-3),
  }, inner);
  return { shape: x.shape, data };
}

function layerNormLayer(b: BoundLayer, x: Value): Value {
  const w = b.weights;
  const f = x.shape[x.shape.length - 1]!;
  const data = layerNorm(x.data.slice(), x.data.length / f, f, {
    ...(w.gamma ? { gamma: w.gamma.data } : {}), ...(w.beta ? { beta: w.beta.data } : {}), epsilon: num(b.spec.config.epsilon, 1e-3),
  });
  return { shape: x.shape, data };
}

/** keras.layers.Attention / AdditiveAttention: inputs [query, value(, key)]; outputs [output, scores]. */
function builtinAttention(b: BoundLayer, inputs: Value[], ctx: RunContext): Value[] {
  const [q, v, k] = inputs as [Value, Value, Value | undefined];
  if (!v || q.shape.length !== 3 || v.shape.length !== 3) bad(b, `takes [query (N, Tq, d), value (N, Tv, d)], got ${inputs.map((i) => formatShape(i.shape)).join(', ')}`, ctx);
  const [n, tq, dim] = q.shape as [number, number, number];
  const tv = v.shape[1]!;
  checkOutputSize(b, [n, tq, tv], ctx);
  const c = b.spec.config as Json;
  const inp = {
    query: q.data, value: v.data, ...(k ? { key: k.data } : {}), n, tq, tv, dim, valueDim: v.shape[2]!,
    ...(q.mask ? { queryMask: q.mask } : {}), ...(v.mask ? { valueMask: v.mask } : {}),
    causal: c.use_causal_mask === true || c.causal === true,
  };
  const scale = b.weights.scale;
  const r = b.spec.className === 'Attention'
    ? dotProductAttention(inp, {
      scoreMode: c.score_mode === 'concat' ? 'concat' : 'dot',
      ...(scale ? { scale: scale.data[0]! } : {}),
      ...(b.weights.concat_score_weight ? { concatScoreWeight: b.weights.concat_score_weight.data[0]! } : {}),
    })
    : additiveAttention(inp, scale ? { scale: scale.data } : {});
  const scores: Value = { shape: [n, tq, tv], data: r.scores };
  ctx.scores(b, scores);
  return [keepMask({ shape: [n, tq, v.shape[2]!], data: r.output }, q.mask), scores];
}

/**
 * A custom attention layer the engine knows (AttLayer, AttentionWithContext, a Dense(1)
 * scorer): weights a = computeAttention(...) over the valid steps, then Σ_t a·x, or x·a
 * unsummed when the layers it feeds need a sequence (eindH's AttentionWithContext).
 * Outputs [context, weights]; the mask stops here (their compute_mask returns None).
 */
function customAttention(b: BoundLayer, x: Value, ctx: RunContext): Value[] {
  const att = b.attention!;
  if (x.shape.length !== 3) bad(b, `takes (N, T, F), got ${formatShape(x.shape)}`, ctx);
  const [n, t, f] = x.shape as [number, number, number];
  const kernel = prepareKernel({ variant: att.info.variant, W: att.W, ...(att.b ? { b: att.b } : {}), ...(att.u ? { u: att.u } : {}) }, ctx.file);
  const a = computeAttention(kernel, { dtype: 'float32', shape: x.shape, data: x.data }, x.mask ? { mask: x.mask } : undefined, ctx.file ? { file: ctx.file } : {});
  // One weight per step, or per step and feature (the per-feature variant: a (T, F) map).
  const perFeature = a.length === n * t * f && f > 1;
  const weights: Value = { shape: perFeature ? [n, t, f] : [n, t], data: a };
  ctx.scores(b, weights);
  const wAt = perFeature ? (i: number, j: number) => a[i * f + j]! : (i: number) => a[i]!;
  if (ctx.unsummed(b)) {
    const data = new Float32Array(x.data.length);
    for (let i = 0; i < n * t; i++) for (let j = 0; j < f; j++) data[i * f + j] = x.data[i * f + j]! * wAt(i, j);
    return [{ shape: x.shape, data }, weights];
  }
  const data = new Float32Array(n * f);
  for (let i = 0; i < n; i++) for (let s = 0; s < t; s++) {
    const row = i * t + s;
    for (let j = 0; j < f; j++) data[i * f + j] += wAt(row, j) * x.data[row * f + j]!;
  }
  return [{ shape: [n, f], data }, weights];
}

