import type { DType, Tensor, UnrecognisedAttention } from '@attnlens/core';

// One type for every adapter (core's), re-exported where Keras callers look for it.
export type { UnrecognisedAttention };

/** One weight of a layer: its name as Keras wrote it and where the values live. */
export interface KerasWeight {
  /** The name from `weight_names` (`att_layer_1/W:0`, `dense_1_W:0`, `param_0`), or for Keras 3 the path below the layer group (`cell/vars/0`). */
  name: string;
  /** HDF5 dataset path, without a leading slash (`model_weights/att_layer_1/att_layer_1/W:0`). */
  path: string;
  dtype: DType;
  shape: number[];
}

/** A top-level layer (a wrapper or nested model is one layer), weights in Keras's own order. */
export interface KerasLayer {
  name: string;
  /** From model_config / config.json when the file has one. */
  className?: string;
  /** The HDF5 group that holds the layer (`model_weights/dense_1`, `layers/dense`). */
  group?: string;
  weights: KerasWeight[];
}

/**
 * How to recompute an attention layer: the variants of shared/reference/han_ref.py, plus
 * `step-bias` (W (F,1), b (T,1)) and `per-feature` (W (F,F), b (F,), no u; a (T,F) map) of
 * packages/attention/scripts/variants_ref.py. The same names as @attnlens/attention's Variant.
 */
export type Variant = 'awc-tf' | 'awc-th' | 'attlayer' | 'linear' | 'step-bias' | 'per-feature';

export interface AttentionLayerInfo {
  /** The layer name; a layer nested in a wrapper is `outer/inner` (`time_distributed_1/att_layer_1`). */
  layer: string;
  className?: string;
  variant: Variant;
  /** HDF5 dataset paths (readWeight takes them). For `linear`, W is the Dense kernel and b its bias; for `step-bias`, b is the (T,1) per-step bias. */
  weights: { W: string; b?: string; u?: string };
  /** F: the size of the feature axis the layer attends over (W's rows). */
  inputDim: number;
  /** A: W's columns (F for AttentionWithContext and per-feature, 1 for a linear score or a per-step bias). */
  attentionDim: number;
  /** The backend the variant was chosen for, when it mattered (from the backend attribute, or the weight names when there is none). */
  backend?: string;
  /** Why this variant, in a sentence, naming the evidence that decided. */
  reason: string;
}

export type KerasLayout = 'keras-h5' | 'keras-weights-h5' | 'keras-zip';

/** An open Keras file. Weights are read on demand; close() releases the file (and any temporary copy). */
export interface KerasFile {
  path: string;
  layout: KerasLayout;
  /** What exactly was found, e.g. "legacy full save (model_weights/)". */
  detail: string;
  kerasVersion?: string;
  backend?: string;
  /** model_config (legacy HDF5) or config.json (.keras), parsed; undefined when the file has none. */
  modelConfig?: unknown;
  layers: KerasLayer[];
  attentionLayers: AttentionLayerInfo[];
  unrecognisedAttention: UnrecognisedAttention[];
  /** A layer by name (or `outer/inner` for a nested one); NOT_FOUND lists the names. */
  layer(name: string): KerasLayer;
  /** Any dataset of the HDF5 file by path, as a C-order little-endian tensor (float16 as raw bits, bfloat16 widened to float32). */
  readWeight(datasetPath: string): Tensor;
  close(): void;
}
