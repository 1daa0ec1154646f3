// @attnlens/tf: TensorFlow alignment_history dumps (npy arrays, TensorProto, TFRecord,
// event files) read into Tensors and AttentionDocuments. Browser-safe: file access and
// PNG decoding live in ./node.
export { decodeTensorProto, encodeTensorProto, encodeStringTensorProto, tensorValueOf, parseTensorProtoMessage, MAX_TENSOR_BYTES } from './tensor-proto.js';
export type { TensorValue, EncodeTensorProtoOptions, TensorProtoMessage } from './tensor-proto.js';
export { tfDtypeName } from './dtypes.js';
export { readTFRecords, TFRecordDecoder, encodeTFRecord, encodeTFRecords, isRecordHeader } from './tfrecord.js';
export type { TFRecord, TFRecordOptions, TFRecordCompression } from './tfrecord.js';
export { decodeEvent, encodeEvent, summaryKind, summaryTensor, EventIndex, isAttentionCandidate, attentionTags, MAX_STEPS_LISTED } from './events.js';
export type { TFEvent, SummaryValue, SummaryImage, SummaryKind, EventTagInfo, EncodeEvent, EncodeSummaryValue } from './events.js';
export { decodeExample, encodeExample, exampleTensor, exampleTensorKeys, looksLikeTensorProto } from './example.js';
export type { ExampleFeature } from './example.js';
export { alignmentDocuments, iterateAlignmentDocuments, layoutAxes, distributionAxes, LAYOUT_HELP, DEFAULT_LAYOUT_2D, DEFAULT_LAYOUT_3D } from './alignment.js';
export type { AlignmentOptions, Axes } from './alignment.js';
export { imageAlignmentMap, grayFromRgba, pngSize, tf2ImagePngs, TF1_IMAGE_NOTE, TF2_IMAGE_NOTE } from './image-alignment.js';
export type { GrayImage, PngDecoder, ImageMapOptions } from './image-alignment.js';
export { parseTokenLines, parseLengths, LabelCursor } from './labels.js';
export type { ExampleLabels } from './labels.js';
export { recordDocuments, eventDocuments, recordTensor } from './documents.js';
export type { DumpOptions, EventDocumentOptions } from './documents.js';
export { dumpDocuments, dumpEvents, bytesDump, dumpKind, TF_FORMATS } from './dump.js';
export type { DumpSource, DumpDocumentOptions, TFFileKind } from './dump.js';
export { readTFRecordsAt, rangeDump, RANGE_BYTES } from './record-ranges.js';
export type { TFRecordRangeOptions } from './record-ranges.js';
