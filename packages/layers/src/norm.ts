// BatchNormalization at inference and LayerNormalization.
// BatchNorm: (x - moving_mean) / sqrt(moving_variance + ε) · γ + β (Keras 2
// keras/layers/normalization.py BatchNormalization.call, training=False → K.batch_normalization;
// Keras 3 keras/src/layers/normalization/batch_normalization.py call). LayerNorm: biased variance
// over the axis, (x - mean) / sqrt(var + ε) · γ + β (Keras 3 layer_normalization.py call; tf.keras
// uses tf.nn.moments + tf.nn.batch_normalization, the same formula).
import { checkLength, checkSize } from './checks.js';

export interface BatchNormParams {
  gamma?: Float32Array; beta?: Float32Array;
  movingMean: Float32Array; movingVariance: Float32Array;
  epsilon: number;
}
export interface LayerNormParams {
  gamma?: Float32Array; beta?: Float32Array; epsilon: number;
  /** Keras 3's rms_scaling: x · rsqrt(var + ε) · γ, with var still centred but x neither centred nor shifted. */
  rmsScaling?: boolean;
}

/**
 * x viewed as (rows, dim, inner), normalised per index of `dim`. inner = 1 (the default) is
 * Keras's axis=-1; a BatchNormalization on another axis passes the product of the axes after it
 * as `inner` (for axis=1 of (N, C, T): rows = N, dim = C, inner = T).
 */
export function batchNorm(x: Float32Array, rows: number, dim: number, p: BatchNormParams, inner = 1): Float32Array {
  checkSize('batchNorm', 'rows', rows);
  checkSize('batchNorm', 'dim', dim, false);
  checkSize('batchNorm', 'inner', inner, false);
  checkLength('batchNorm', 'x', x, rows * dim * inner, `(${rows}, ${dim}${inner > 1 ? `, ${inner}` : ''})`);
  for (const [name, v] of [['gamma', p.gamma], ['beta', p.beta], ['moving mean', p.movingMean], ['moving variance', p.movingVariance]] as const) {
    if (v) checkLength('batchNorm', name, v, dim, `(${dim})`);
  }
  // Per-channel scale and shift, folded once: y = x·a + c.
  const a = new Float64Array(dim);
  const c = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const inv = 1 / Math.sqrt(p.movingVariance[j]! + p.epsilon);
    const g = p.gamma ? p.gamma[j]! : 1;
    a[j] = inv * g;
    c[j] = (p.beta ? p.beta[j]! : 0) - p.movingMean[j]! * inv * g;
  }
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const off = (r * dim + j) * inner;
      for (let i = 0; i < inner; i++) out[off + i] = x[off + i]! * a[j]! + c[j]!;
    }
  }
  return out;
}

/** x (rows, dim) normalised over the last axis, per row. */
export function layerNorm(x: Float32Array, rows: number, dim: number, p: LayerNormParams): Float32Array {
  checkSize('layerNorm', 'rows', rows);
  checkSize('layerNorm', 'dim', dim, false);
  checkLength('layerNorm', 'x', x, rows * dim, `(${rows}, ${dim})`);
  if (p.gamma) checkLength('layerNorm', 'gamma', p.gamma, dim, `(${dim})`);
  if (p.beta) checkLength('layerNorm', 'beta', p.beta, dim, `(${dim})`);
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    let mean = 0;
    for (let j = 0; j < dim; j++) mean += x[off + j]!;
    mean /= dim;
    let v = 0;
    for (let j = 0; j < dim; j++) v += (x[off + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / dim + p.epsilon);
    if (p.rmsScaling) {
      for (let j = 0; j < dim; j++) out[off + j] = x[off + j]! * inv * (p.gamma ? p.gamma[j]! : 1);
      continue;
    }
    for (let j = 0; j < dim; j++) {
      out[off + j] = (x[off + j]! - mean) * inv * (p.gamma ? p.gamma[j]! : 1) + (p.beta ? p.beta[j]! : 0);
    }
  }
  return out;
}
