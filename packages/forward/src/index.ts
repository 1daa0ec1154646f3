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
export { attentionFromInputs } from './inputs.js';
export type { AttentionRun } from './inputs.js';
