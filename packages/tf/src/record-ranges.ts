// TensorFlow dumps read by byte ranges through a ReadAt (@attnlens/npy's positioned-reader
// shape): the web viewer passes a File's slices, so a TFRecord or event file of hundreds of
// MB is never in memory whole. Each range goes through the one TFRecordDecoder (length +
// masked CRC-32C header, then payload + CRC; core's crc32c), so framing, damage and
// truncation are reported as for bytes in memory and for ./node's file streams.
import { checkSize, type SniffedFormat } from '@attnlens/core';
import { readExactlyAt, type ReadAt } from '@attnlens/npy';
import { dumpKind, type DumpSource } from './dump.js';
import { decodeTensorProto } from './tensor-proto.js';
import { TFRecordDecoder, detectCompression, type TFRecord, type TFRecordOptions } from './tfrecord.js';

/**
 * Bytes read per range. Uncompressed: memory holds one range plus the record being filled
 * (its length is checked against the file's size before it is allocated). Compressed files
 * use ranges 16x smaller, since fflate inflates a range whole before the decoder sees it and
 * DEFLATE expands up to ~1000x.
 */
export const RANGE_BYTES = 1 << 20;
const COMPRESSED_RANGE_BYTES = RANGE_BYTES >> 4;

export interface TFRecordRangeOptions extends Omit<TFRecordOptions, 'totalBytes' | 'externalInflate'> {
  /** Bytes per read (default RANGE_BYTES, or a 16th of it for GZIP/ZLIB). */
  rangeBytes?: number;
}

/**
 * The records of a TFRecord (or event) file of `size` bytes, read range by range through
 * `read`, CRC-checked; GZIP and ZLIB (detected from the first 12 bytes unless `compression`
 * says) are inflated with fflate as the ranges arrive.
 */
export async function* readTFRecordsAt(read: ReadAt, size: number, opts: TFRecordRangeOptions = {}): AsyncGenerator<TFRecord, void, undefined> {
  const file = opts.file ?? 'the file';
  const compression = opts.compression && opts.compression !== 'auto' ? opts.compression : detectCompression(await readExactlyAt(read, 0, Math.min(size, 12), file));
  // totalBytes only where the stream is the file itself: a length past the file's end is then TRUNCATED before allocating.
  const dec = new TFRecordDecoder({ ...opts, compression, ...(compression === 'none' ? { totalBytes: size } : {}) });
  const step = opts.rangeBytes ?? (compression === 'none' ? RANGE_BYTES : COMPRESSED_RANGE_BYTES);
  for (let at = 0; at < size; at += step) yield* dec.push(await readExactlyAt(read, at, Math.min(step, size - at), file));
  yield* dec.end();
}

/**
 * A dump of `size` bytes read through `read` (a browser File's slices): its kind from the
 * sniffed format and, for GZIP, the first 4 KiB of its first record; records read by
 * ranges each time they are asked for; a TensorProto (one message, decoded whole) read once,
 * after its size is checked against the maxArrayBytes limit.
 */
export async function rangeDump(read: ReadAt, size: number, format: SniffedFormat, file?: string): Promise<DumpSource> {
  const named = file ? { file } : {};
  let first: TFRecord | undefined;
  if (format === 'gzip') {
    for await (const r of readTFRecordsAt(read, size, { ...named, compression: 'gzip', keepBytes: 4096 })) {
      first = r;
      break;
    }
  }
  const kind = dumpKind(format, () => first, file);
  return {
    kind,
    ...named,
    tensorProto: async () => {
      checkSize(size, 'the TensorProto', 'maxArrayBytes', named);
      return decodeTensorProto(await readExactlyAt(read, 0, size, file ?? 'the file'), file);
    },
    records: (o) => readTFRecordsAt(read, size, { ...named, ...(o.skipCorrupt ? { skipCorrupt: true } : {}), ...(o.warn ? { warn: o.warn } : {}) }),
  };
}
