// @attnlens/attention: recompute HAN attention exactly as the layer did. Browser-safe;
// the streamed, multi-threaded file version is in ./node.
export { VARIANTS, isVariant, describeVariant, prepareKernel } from './variants.js';
export type { Variant, Normalisation, AttentionParams, Kernel } from './variants.js';
export { guessVariant, arraysProvenance } from './bare-arrays.js';
export type { VariantGuess } from './bare-arrays.js';
export { maskFromLengths, maskFromArray, masksFromIds, checkMask, sliceMask, validExtent } from './mask.js';
export type { Mask } from './mask.js';
export { KERAS_EPSILON, normaliseScores } from './normalise.js';
export { computeAttention, computeScores, computeBlock, sequenceLayout, scorerFor, floatData } from './compute.js';
export type { Backend, ComputeOptions, PrecisionOption, SequenceLayout } from './compute.js';
export { wasmSimdAvailable, wasmRelaxedSimdAvailable } from './scores-wasm.js';
export type { Scorer } from './scores-js.js';
export { parseTokens, parseSentenceTokens, alignTokens } from './tokens.js';
export { attentionDocuments, hierarchicalDocumentsFromWeights } from './documents.js';
export type { DocumentOptions, HierarchicalDocumentOptions } from './documents.js';
export { hierarchicalAttention, hierarchicalDocuments } from './hierarchical.js';
export type { LevelInput, HierarchicalWeights, HierarchicalOptions } from './hierarchical.js';
export { shardSamples, checkSamples, gatherMask } from './shard-rows.js';
