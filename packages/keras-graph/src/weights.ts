// Each layer's weights, from the order Keras wrote them, into the canonical Keras 2 layout the
// kernels take: kernel (F, G·U), recurrent (U, G·U), LSTM gates i,f,c,o, GRU z,r,h, GRU
// reset_after bias (2, 3U) flattened, Conv1D kernel (K, Cin, Cout).
// Conversions follow Keras 2's loader: keras/engine/saving.py (2.2; topology.py in 2.0/2.1)
// `preprocess_weights_for_loading` for Keras 1 files, and tf.keras
// keras/saving/hdf5_format.py `_convert_rnn_weights` for CuDNNGRU/CuDNNLSTM.
import { fail, formatShape, toFloat32, type Tensor } from '@attnlens/core';
import type { LayerSpec } from './graph.js';
import { size } from './values.js';

export interface Weight {
  shape: number[];
  data: Float32Array;
}

export interface NamedWeight {
  name: string;
  tensor: Tensor;
}

const asWeight = (t: Tensor): Weight => ({ shape: [...t.shape], data: toFloat32(t) });

/** How many weights a built-in layer stores (undefined for classes only the file's weights can tell). */
export function weightCount(spec: LayerSpec, kerasMajor: number | undefined): number | undefined {
  const c = spec.config;
  const bias = c.use_bias === false ? 0 : 1;
  switch (spec.className) {
    case 'Dense': case 'Conv1D': return 1 + bias;
    case 'Embedding': case 'PReLU': return 1;
    case 'SimpleRNN': return 2 + bias;
    case 'GRU': return kerasMajor === 1 && c.consume_less !== 'gpu' ? 9 : 2 + bias;
    case 'LSTM': return kerasMajor === 1 && c.consume_less !== 'gpu' ? 12 : 2 + bias;
    case 'CuDNNGRU': case 'CuDNNLSTM': return 3;
    case 'BatchNormalization': return (c.scale === false ? 0 : 1) + (c.center === false ? 0 : 1) + 2;
    case 'LayerNormalization': return (c.scale === false ? 0 : 1) + (c.center === false ? 0 : 1);
    case 'Attention': return (c.use_scale === true ? 1 : 0) + (c.score_mode === 'concat' ? 1 : 0);
    case 'AdditiveAttention': return c.use_scale === false ? 0 : 1;
    case 'TimeDistributed': return spec.inner ? weightCount(spec.inner, kerasMajor) : undefined;
    case 'Bidirectional': {
      const f = spec.inner ? weightCount(spec.inner, kerasMajor) : undefined;
      const b = spec.backward ? weightCount(spec.backward, kerasMajor) : f;
      return f === undefined || b === undefined ? undefined : f + b;
    }
    case 'Model': {
      let n = 0;
      for (const l of spec.model!.layers.values()) {
        const k = weightCount(l, kerasMajor);
        if (k === undefined) return undefined;
        n += k;
      }
      return n;
    }
    default:
      return WEIGHTLESS.has(spec.className) ? 0 : undefined;
  }
}

const WEIGHTLESS = new Set([
  'InputLayer', 'Masking', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Activation',
  'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D', 'Flatten', 'Reshape', 'Permute',
  'RepeatVector', 'Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot', 'Merge', 'Lambda',
  'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
]);

/** Does a weight name say it belongs to `layer` (`embedding_1/embeddings:0`, Keras 1 `dense_1_W`)? */
function namesLayer(weight: string, layer: string): boolean {
  const first = weight.split('/')[0]!;
  return first === layer || (!weight.includes('/') && weight.startsWith(`${layer}_`));
}

/**
 * Split a nested model's weights among its layers. Keras lists a model's weights as every
 * layer's trainable weights, then every layer's non-trainable ones (Network.weights =
 * trainable_weights + non_trainable_weights), so a frozen Embedding's table or a
 * BatchNormalization's moving statistics come after all the others: a weight goes to the layer
 * its name names; the unnamed rest (`Variable:0`) go, in order, to the layers still short of
 * the count their class needs, and a layer whose count only the file knows takes what is left.
 */
export function splitAmong<T extends { name: string }>(parts: { spec: LayerSpec; count: number | undefined }[], weights: T[], owner: string, file?: string): T[][] {
  const claimed = new Set<T>();
  const out = parts.map((p) => {
    const mine = weights.filter((w) => !claimed.has(w) && namesLayer(w.name, p.spec.name));
    mine.forEach((w) => claimed.add(w));
    return mine;
  });
  let rest = weights.filter((w) => !claimed.has(w));
  parts.forEach((p, k) => {
    if (p.count === undefined || out[k]!.length >= p.count) return;
    const need = p.count - out[k]!.length;
    if (rest.length < need) {
      fail('CORRUPT', `layer ${owner} holds ${weights.length} weights, fewer than its layers need (${p.spec.name} needs ${p.count})`, {
        file,
        hint: 'the weights do not belong to this architecture; check the config passed with the file',
      });
    }
    out[k] = [...out[k]!, ...rest.slice(0, need)];
    rest = rest.slice(need);
  });
  const open = parts.map((p, k) => (p.count === undefined && out[k]!.length === 0 ? k : -1)).filter((k) => k >= 0);
  if (open.length === 1) out[open[0]!] = rest;
  return out;
}

function expectShape(w: Weight, want: number[], layer: string, what: string, file?: string): Weight {
  if (w.shape.length !== want.length || w.shape.some((d, i) => d !== want[i])) {
    fail('SHAPE_MISMATCH', `layer ${layer}: its ${what} is ${formatShape(w.shape)}, expected ${formatShape(want)}`, {
      file,
      hint: 'the weights do not belong to this architecture (or were written by a Keras this reader does not know)',
      details: { layer, weight: what, shape: w.shape, expected: want },
    });
  }
  return w;
}

/** Columns [from, to) of each (rows, cols) matrix, side by side. */
function concatColumns(parts: Weight[]): Weight {
  const rows = parts[0]!.shape.length === 1 ? 1 : parts[0]!.shape[0]!;
  const widths = parts.map((p) => p.shape[p.shape.length - 1]!);
  const cols = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * cols);
  let off = 0;
  parts.forEach((p, k) => {
    const w = widths[k]!;
    for (let r = 0; r < rows; r++) data.set(p.data.subarray(r * w, r * w + w), r * cols + off);
    off += w;
  });
  return { shape: parts[0]!.shape.length === 1 ? [cols] : [rows, cols], data };
}

/**
 * CuDNN layers keep each gate's kernel block in cuDNN's (U, F) row-major order inside the
 * (F, U) slot (their `_canonical_to_params` only flattens): per gate, plain = block.reshape(U, F).T
 * for the input kernel and block.T for the recurrent one (hdf5_format.py `transform_kernels`,
 * `transpose_input(from_cudnn=True)`: kernel.T.reshape(kernel.shape, order='F')). The gate
 * order stays Keras's (keras/layers/cudnn_recurrent.py: CuDNNLSTM slices i,f,c,o; CuDNNGRU
 * slices z,r,h and its bias as z,r,h input then z,r,h recurrent, and hands cuDNN r,z,h itself).
 */
function fromCudnnKernel(k: Weight, gates: number, transposeOnly: boolean): Weight {
  const [rows, cols] = k.shape as [number, number];
  const u = cols / gates;
  const out = new Float32Array(rows * cols);
  for (let g = 0; g < gates; g++) {
    // The gate block, C-order flattened.
    const block = new Float32Array(rows * u);
    for (let r = 0; r < rows; r++) for (let j = 0; j < u; j++) block[r * u + j] = k.data[r * cols + g * u + j]!;
    for (let f = 0; f < rows; f++) {
      for (let j = 0; j < u; j++) {
        // transposeOnly: plain[f, j] = block[j, f] (square U×U); else plain[f, j] = flat[j·F + f].
        out[f * cols + g * u + j] = transposeOnly ? block[j * u + f]! : block[j * rows + f]!;
      }
    }
  }
  return { shape: [rows, cols], data: out };
}

const KERAS1_GATE = /_([WUb])_([zrhicfo])(?::0)?$/;

/** Keras 1 per-gate RNN weights → Keras 2's three, in Keras 2's gate order. */
function keras1Gates(ws: NamedWeight[], order: string, layer: string, file?: string): Weight[] {
  const byKey = new Map<string, Weight>();
  for (const w of ws) {
    const m = KERAS1_GATE.exec(w.name);
    if (m) byKey.set(`${m[1]}_${m[2]}`, asWeight(w.tensor));
  }
  // Unnamed (param_k) files: Keras 1's own order, W_g U_g b_g per gate — GRU z,r,h; LSTM i,c,f,o
  // (Keras 1.2 recurrent.py LSTM.build trainable_weights), which the Keras 2 loader reorders to i,f,c,o.
  const fileOrder = order.length === 3 ? 'zrh' : 'icfo';
  if (byKey.size !== ws.length) ws.forEach((w, k) => byKey.set(`${'WUb'[k % 3]}_${fileOrder[Math.floor(k / 3)]}`, asWeight(w.tensor)));
  const get = (kind: string, g: string) => byKey.get(`${kind}_${g}`) ?? fail('CORRUPT', `layer ${layer}: the Keras 1 weight ${kind}_${g} is missing`, { file });
  return ['W', 'U', 'b'].map((kind) => concatColumns([...order].map((g) => get(kind, g))));
}

export interface CanonicalOptions {
  kerasMajor?: number;
  backend?: string;
  file?: string;
}

/** A built-in layer's weights in canonical form, keyed by role (kernel, recurrent, bias, ...). */
export function canonicalWeights(spec: LayerSpec, ws: NamedWeight[], o: CanonicalOptions): Record<string, Weight> {
  const c = spec.config;
  const W = ws.map((w) => asWeight(w.tensor));
  const name = spec.name;
  switch (spec.className) {
    case 'Dense':
      return c.use_bias === false ? { kernel: W[0]! } : { kernel: W[0]!, bias: W[1]! };
    case 'Embedding':
      return { embeddings: W[0]! };
    case 'PReLU':
      return { alpha: W[0]! };
    case 'SimpleRNN': case 'GRU': case 'LSTM':
      return rnnWeights(spec, ws, W, o);
    case 'CuDNNLSTM': case 'CuDNNGRU': {
      const gates = spec.className === 'CuDNNLSTM' ? 4 : 3;
      const u = W[1]!.shape[0]!;
      const kernel = fromCudnnKernel(W[0]!, gates, false);
      const recurrent = fromCudnnKernel(W[1]!, gates, true);
      expectShape(W[2]!, [2 * gates * u], name, 'bias', o.file);
      // CuDNNLSTM: input and recurrent biases always add (np.sum(np.split(bias, 2)));
      // CuDNNGRU: they stay apart, (2, 3U), the reset_after=True formula.
      if (gates === 3) return { kernel, recurrent, bias: { shape: [2, 3 * u], data: W[2]!.data } };
      const b = new Float32Array(4 * u);
      for (let i = 0; i < 4 * u; i++) b[i] = W[2]!.data[i]! + W[2]!.data[4 * u + i]!;
      return { kernel, recurrent, bias: { shape: [4 * u], data: b } };
    }
    case 'Conv1D': {
      let k = W[0]!;
      const ks = (c.kernel_size as number[])[0]!;
      if (k.shape.length === 4) k = keras1ConvKernel(k, ks, Number(c.filters), name, o.file);
      if (o.backend === 'theano') k = flipTaps(k);
      return c.use_bias === false ? { kernel: k } : { kernel: k, bias: W[1]! };
    }
    case 'BatchNormalization': {
      const out: Record<string, Weight> = {};
      let i = 0;
      if (c.scale !== false) out.gamma = W[i++]!;
      if (c.center !== false) out.beta = W[i++]!;
      out.mean = W[i++]!;
      out.variance = W[i++]!;
      return out;
    }
    case 'LayerNormalization': {
      const out: Record<string, Weight> = {};
      let i = 0;
      if (c.scale !== false) out.gamma = W[i++]!;
      if (c.center !== false) out.beta = W[i++]!;
      return out;
    }
    case 'Attention': case 'AdditiveAttention': {
      const out: Record<string, Weight> = {};
      ws.forEach((w, k) => {
        out[/concat/.test(w.name) ? 'concat_score_weight' : 'scale'] = W[k]!;
      });
      return out;
    }
    default:
      return {};
  }
}

function rnnWeights(spec: LayerSpec, ws: NamedWeight[], W: Weight[], o: CanonicalOptions): Record<string, Weight> {
  const cls = spec.className;
  if (cls === 'GRU' && ws.length === 9) [W[0], W[1], W[2]] = keras1Gates(ws, 'zrh', spec.name, o.file) as [Weight, Weight, Weight];
  if (cls === 'LSTM' && ws.length === 12) [W[0], W[1], W[2]] = keras1Gates(ws, 'ifco', spec.name, o.file) as [Weight, Weight, Weight];
  const gates = cls === 'LSTM' ? 4 : cls === 'GRU' ? 3 : 1;
  const kernel = W[0]!;
  const recurrent = W[1]!;
  const u = recurrent.shape[0]!;
  expectShape(recurrent, [u, gates * u], spec.name, 'recurrent kernel', o.file);
  if (kernel.shape.length !== 2 || kernel.shape[1] !== gates * u) expectShape(kernel, [kernel.shape[0] ?? 0, gates * u], spec.name, 'kernel', o.file);
  const useBias = spec.config.use_bias !== false && W.length > 2 && W[2] !== undefined;
  if (!useBias) return { kernel, recurrent };
  const bias = W[2]!;
  if (cls === 'GRU' && resetAfter(spec)) expectShape(bias, bias.shape.length === 1 ? [6 * u] : [2, 3 * u], spec.name, 'bias', o.file);
  else expectShape(bias, [gates * u], spec.name, 'bias', o.file);
  return { kernel, recurrent, bias };
}

/** GRU reset_after: Keras 2 default false, Keras 3 (and tf.keras 2 GRU v2) write it; CuDNNGRU is always true. */
export function resetAfter(spec: LayerSpec): boolean {
  return spec.className === 'CuDNNGRU' || spec.config.reset_after === true;
}

/** Keras 1.1 Convolution1D kernels: (filter_length, 1, input_dim, nb_filter), or the Theano-era (nb_filter, input_dim, filter_length, 1). */
function keras1ConvKernel(k: Weight, ks: number, filters: number, layer: string, file?: string): Weight {
  const [a, b, cc, d] = k.shape as [number, number, number, number];
  if (a === ks && b === 1 && d === filters) return { shape: [a, cc, d], data: k.data };
  if (a === filters && cc === ks && d === 1) {
    // np.transpose(W, (2, 3, 1, 0))[:, 0, :, :] → (K, Cin, Cout)
    const out = new Float32Array(size(k.shape));
    for (let o = 0; o < a; o++) for (let i = 0; i < b; i++) for (let t = 0; t < cc; t++) out[(t * b + i) * a + o] = k.data[(o * b + i) * cc + t]!;
    return { shape: [cc, b, a], data: out };
  }
  return fail('SHAPE_MISMATCH', `layer ${layer}: its Keras 1 kernel is ${formatShape(k.shape)}, which fits neither Keras 1 layout for kernel_size ${ks} and ${filters} filters`, { file });
}

/** Reverse the taps of a (K, Cin, Cout) kernel: conv_utils.convert_kernel, applied by Keras when a Theano-trained conv is loaded elsewhere. */
function flipTaps(k: Weight): Weight {
  const [K, ci, co] = k.shape as [number, number, number];
  const out = new Float32Array(k.data.length);
  const row = ci * co;
  for (let t = 0; t < K; t++) out.set(k.data.subarray(t * row, t * row + row), (K - 1 - t) * row);
  return { shape: [K, ci, co], data: out };
}

