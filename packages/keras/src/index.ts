// @attnlens/keras: Keras HDF5 and .keras weights → layers, weights and the attention
// layers in them. Browser-safe: no Node module here (openKeras lives in ./node).
export type { KerasWeight, KerasLayer, Variant, AttentionLayerInfo, UnrecognisedAttention, KerasFile, KerasLayout } from './types.js';
export { classifyAttention, findAttentionLayers, looksLikeAttention, type ClassifyContext } from './classify.js';
export { openKerasHdf5, type OpenHdf5Options } from './keras-file.js';
export type { H5Module } from './hdf5-file.js';
export { parsePythonJson } from './python-json.js';
// Keras 3's names for a container's weight groups, which keras-graph also needs for nested models.
export { keras3GroupKeys, toSnakeCase } from './model-config.js';
