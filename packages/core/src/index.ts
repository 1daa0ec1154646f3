// The main entry: the vocabulary of ./lite.ts (what workers load) plus the .attn.pb/.attn.json
// format, sniffing, CRC-32C and ZIP end records. One list of the shared exports, in lite.ts.
export * from './lite.js';
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
