export { AttnlensError, fail, isAttnlensError } from './errors.js';
export type { ErrorCode, AttnlensErrorOptions } from './errors.js';
export { DEFAULT_LIMITS, LIMIT_FLAGS, setLimits, resetLimits, limits, checkSize, formatBytes } from './limits.js';
export type { Limits, LimitName, CheckSizeOptions } from './limits.js';
export {
  DTYPES, itemSize, isFloat, shapeSize, formatShape, allocate, view, tensor,
  float16ToFloat32, float32ToFloat16, toFloat32, toFloat64, valueAt, firstNonFinite, unravel, cStrides, gatherStrided,
} from './tensor.js';
export type { DType, DataFor, Tensor, TypedArray } from './tensor.js';
export { mapRows, mapCols, validateMap, validateDocument, trimmed, weightRange, MAX_MAP_DEPTH } from './attention.js';
export type { AttentionMap, AttentionDocument, Provenance } from './attention.js';
export { FORMAT_VERSION, MAGIC, schema } from './format/schema.js';
export { PROTO_SOURCE } from './format/proto-source.js';
export { encodeHeader, encodeDocumentDelimited, encodeDocumentChunks, encodeStream, decodeStream, DocumentStreamDecoder, looksLikeAttnPb, concat } from './format/pb.js';
export type { StreamHeader } from './format/pb.js';
export { encodeJson, decodeJson, formatFloat32, looksLikeAttnJson } from './format/json.js';
export { sniff, SNIFF_BYTES, zipCentralDirectory, readCentralNames } from './sniff.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export type { SniffedFormat } from './sniff.js';
export { zipEndRecord, zip64EndRecord, zipCentralRecords, ZIP_TAIL_BYTES, ZIP64_END_RECORD_BYTES } from './zip-end.js';
export type { ZipEnd, ZipEndFailure, ZipEndProblem, ZipCentralDirectoryRange, ZipCentralRecord } from './zip-end.js';
export { VERSION, GENERATOR } from './version.js';
