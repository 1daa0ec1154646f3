// @attnlens/core/tensor: the vocabulary without the .attn.pb/.attn.json format (no protobufjs), for
// workers whose start-up is paid once per core (issue 15: loading protobufjs cost each worker ~40 ms).
// Same functions as the main entry, re-exported from the same modules: one implementation.
export { AttnlensError, fail, isAttnlensError } from './errors.js';
export type { ErrorCode, AttnlensErrorOptions } from './errors.js';
export { DEFAULT_LIMITS, LIMIT_UNITS, setLimits, resetLimits, limits, checkSize, formatBytes } from './limits.js';
export type { Limits, LimitName, CheckSizeOptions } from './limits.js';
export {
  DTYPES, itemSize, isFloat, shapeSize, formatShape, allocate, view, tensor,
  float16ToFloat32, float32ToFloat16, toFloat32, toFloat64, valueAt, firstNonFinite, unravel, cStrides, gatherStrided,
} from './tensor.js';
export type { DType, DataFor, Tensor, TypedArray } from './tensor.js';
export { mapRows, mapCols, validateMap, validateDocument, documentProblem, trimmed, weightRange, MAX_MAP_DEPTH } from './attention.js';
export type { AttentionMap, AttentionDocument, Provenance, UnrecognisedAttention } from './attention.js';
export { idHash, shardOf, inShard, shardRows, parseShard, shardFromEnvironment, shardDocuments } from './shard.js';
export type { Shard } from './shard.js';
