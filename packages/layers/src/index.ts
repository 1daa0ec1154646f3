// @attnlens/layers: framework-neutral inference kernels for the forward pass. Browser-safe:
// row-major Float32Array data, batch axis first, explicit shapes; errors are AttnlensErrors.
export { activate, isActivationName, scalarActivation, erf, ACTIVATION_NAMES } from './activations.js';
export type { ActivationName, ActivationOptions } from './activations.js';
export { matmul, packB, gemmPacked } from './matmul.js';
export type { PackedB } from './matmul.js';
export { dense, embedding } from './dense.js';
export { runRnn, runRnnProjected, rnnInputProjection, GATES } from './rnn.js';
export type { CellKind, RnnWeights, RnnOptions, RnnResult } from './rnn.js';
export { conv1d, pool1d, globalPool1d, windowGeometry } from './conv.js';
export type { Conv1dOptions, Pool1dOptions } from './conv.js';
export { batchNorm, layerNorm } from './norm.js';
export type { BatchNormParams, LayerNormParams } from './norm.js';
export { permute, concatenate, elementwise, batchDot, repeatVector } from './shape-ops.js';
export type { Shaped, MergeOp } from './shape-ops.js';
export { dotProductAttention, additiveAttention } from './attention-layers.js';
export type { AttentionInputs, DotAttentionOptions, AdditiveAttentionOptions, AttentionResult } from './attention-layers.js';
export { torchGruToKeras, torchLstmToKeras } from './torch.js';
