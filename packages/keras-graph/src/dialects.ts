// Layer configs from every Keras, put into Keras 2 vocabulary. The Keras 1 → 2 renames are
// those of Keras 2's own loader, keras/legacy/interfaces.py (legacy_dense_support,
// legacy_recurrent_support, legacy_conv1d_support, legacy_pooling1d_support,
// legacy_embedding_support, legacy_dropout_support); Keras 3 writes objects for dtypes and
// sometimes activations ({module, class_name, config, registered_name}).
export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras 1 class names → Keras 2. */
const CLASS_RENAMES: Record<string, string> = {
  Convolution1D: 'Conv1D',
  AtrousConvolution1D: 'Conv1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAveragePool1D: 'GlobalAveragePooling1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  AveragePool1D: 'AveragePooling1D',
  // Keras 1's TimeDistributedDense is a Dense on the last axis (W, b), which Keras 2's Dense is.
  TimeDistributedDense: 'Dense',
};

const KEY_RENAMES: Record<string, [string, string][]> = {
  Dense: [['output_dim', 'units'], ['bias', 'use_bias']],
  RNN: [['output_dim', 'units'], ['inner_activation', 'recurrent_activation'], ['bias', 'use_bias'], ['dropout_W', 'dropout'], ['dropout_U', 'recurrent_dropout']],
  Conv1D: [['nb_filter', 'filters'], ['filter_length', 'kernel_size'], ['subsample_length', 'strides'], ['border_mode', 'padding'], ['atrous_rate', 'dilation_rate'], ['bias', 'use_bias']],
  Pool1D: [['pool_length', 'pool_size'], ['stride', 'strides'], ['border_mode', 'padding']],
  Dropout: [['p', 'rate']],
};

const RNNS = new Set(['SimpleRNN', 'GRU', 'LSTM', 'CuDNNGRU', 'CuDNNLSTM']);

function renameGroup(className: string): string | undefined {
  if (RNNS.has(className)) return 'RNN';
  if (className === 'MaxPooling1D' || className === 'AveragePooling1D') return 'Pool1D';
  if (className === 'SpatialDropout1D') return 'Dropout';
  return KEY_RENAMES[className] ? className : undefined;
}

/** An activation as a plain name ('relu'), from a string or a Keras 3 serialised function. */
export function activationName(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (isObj(v)) {
    if (typeof v.config === 'string') return v.config;
    if (isObj(v.config) && typeof v.config.name === 'string') return v.config.name;
    if (typeof v.class_name === 'string') return v.class_name;
  }
  return undefined;
}

/** Keras 3 writes the major version first; Keras 1 configs say so too. */
export function majorVersion(version: string | undefined): number | undefined {
  const m = version ? /^(\d+)/.exec(version) : null;
  return m ? Number(m[1]) : undefined;
}

export function normaliseLayerConfig(originalClassName: string, raw: Json, version: string | undefined): { className: string; config: Json } {
  const className = CLASS_RENAMES[originalClassName] ?? originalClassName;
  const config: Json = { ...raw };
  const group = renameGroup(className);
  for (const [from, to] of group ? KEY_RENAMES[group]! : []) {
    if (from in config && !(to in config)) config[to] = config[from];
  }
  // Keras 1 conv/pool sizes are bare numbers, Keras 2 writes lists.
  for (const k of ['kernel_size', 'strides', 'dilation_rate', 'pool_size']) {
    if (typeof config[k] === 'number') config[k] = [config[k]];
  }
  // Keras 1 border_mode 'same'/'valid' is Keras 2 padding; Keras 1 Dense/RNN defaults are explicit in its configs.
  if (originalClassName === 'AtrousConvolution1D' && !('dilation_rate' in config)) config.dilation_rate = [1];
  for (const k of ['activation', 'recurrent_activation']) {
    if (k in config) {
      const a = activationName(config[k]);
      config[k] = a ?? 'linear';
    }
  }
  if (majorVersion(version) === 1 && RNNS.has(className) && !('recurrent_activation' in config)) config.recurrent_activation = 'hard_sigmoid';
  return { className, config };
}
