// @attnlens/forward: attention from a model's own inputs. Browser-safe: which layers to run
// and tap, and whether an attention layer can be computed from ids. Streaming batches
// from files, the .npy and document outputs are in ./node.
export { isHierarchical, modelLayerPath, planAttention } from './plan.js';
export type { AttentionPlan, PlanOptions } from './plan.js';
export { attentionReadiness, feedsEmbedding } from './readiness.js';
export type { AttentionReadiness } from './readiness.js';
export { builtinMaps, maskOf } from './maps.js';
export { kernelFromKeras } from './kernels.js';
export { kerasSummary, forwardSummary, modelClass } from './summary.js';
export type { KerasSummary, ForwardSummary } from './summary.js';
export { attentionFromInputs, namingInputFiles } from './inputs.js';
export type { AttentionRun } from './inputs.js';
export { kerasLayerSource, torchLayerSource, RECOMPUTES } from './layer-source.js';
export type { AttentionLayerSource, SourceAttention } from './layer-source.js';
export { pickAttentionLayers, findAttentionLayer, lookupAttentionLayer, noAttentionLayer, ambiguousLayers, layerList } from './pick-layers.js';
export type { PickOptions, PickedLayers, LayerOption } from './pick-layers.js';
export { layerProvenance } from './provenance.js';
export { encodeForModel, vocabularyFor } from './model-text.js';
export type { ModelText, ModelTextOptions } from './model-text.js';
