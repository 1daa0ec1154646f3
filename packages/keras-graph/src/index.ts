// @attnlens/keras-graph: run a Keras model from its saved config and weights. Browser-safe
// (no Node module here); streaming from .npy files is in ./node.
export { loadModel } from './model.js';
export type { KerasModel, Tap, TapValue, ModelLayerInfo, RunOptions, LoadOptions } from './model.js';
export type { BuiltinAttention } from './builtin-attention.js';
export { parseModelConfig, unwrapConfig } from './graph.js';
export type { Graph, GraphNode, GraphInput, LayerSpec, TensorRef } from './graph.js';
export { normaliseLayerConfig } from './dialects.js';
export { forwardBatches, tensorRows } from './batches.js';
export type { Batch, BatchOptions, RowSource } from './batches.js';
