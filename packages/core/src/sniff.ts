// Tell formats apart by their first bytes, never by the extension
// (shared docs FORMATS.md §0). Containers that need a look inside (HDF5: which
// Keras layout; zip: npz or .keras) are refined by their adapter.
import { looksLikeAttnPb } from './format/pb.js';
import { looksLikeAttnJson } from './format/json.js';
import { zipCentralRecords, zipEndRecord } from './zip-end.js';
import { maskedCrc32c } from './crc32c.js';

export type SniffedFormat =
  | 'npy' | 'npz' | 'keras-zip' | 'zip' | 'hdf5' | 'tensorproto' | 'tfrecord' | 'tfevents' | 'gzip'
  | 'attnlens' | 'pytorch' | 'safetensors' | 'empty' | 'unknown';

export const SNIFF_BYTES = 4096;

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/**
 * @param head the first bytes of the file (SNIFF_BYTES is plenty)
 * @param zipEntries for a zip, the names in its central directory
 */
export function sniff(head: Uint8Array, zipEntries?: readonly string[]): SniffedFormat {
  if (head.length === 0) return 'empty';
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy';
  // HDF5 allows a user block: the signature may sit at 0, 512, 1024, 2048 ...
  for (let at = 0; at + 8 <= head.length; at = at ? at * 2 : 512) if (startsWith(head, HDF5, at)) return 'hdf5';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipEntries ?? [];
    if (names.includes('config.json') && names.includes('metadata.json')) return 'keras-zip';
    if (names.some((n) => n.endsWith('/data.pkl') || n === 'data.pkl')) return 'pytorch';
    if (names.length && names.every((n) => n.endsWith('.npy') || n.endsWith('/'))) return 'npz';
    return 'zip';
  }
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19])) return 'pytorch';
  if (looksLikeAttnPb(head)) return 'attnlens';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 1024));
  if (looksLikeAttnJson(text)) return 'attnlens';
  if (head.length >= 16) {
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const len = Number(dv.getBigUint64(0, true));
    if (head[8] === 0x7b && len > 0 && len < 100_000_000 && head.length >= 9) return 'safetensors';
    if (dv.getUint32(8, true) === maskedCrc32c(head.subarray(0, 8))) {
      const payload = head.subarray(12, 12 + Math.min(len, head.length - 12));
      return new TextDecoder().decode(payload).includes('brain.Event:') ? 'tfevents' : 'tfrecord';
    }
  }
  // A serialized TensorProto: field 1 (dtype, varint 1..23), then field 2 (shape) or a value field.
  if (head[0] === 0x08 && head[1]! >= 1 && head[1]! <= 23 && (head[2] === 0x12 || head[2] === 0x22 || head[2] === 0x1a)) return 'tensorproto';
  return 'unknown';
}

/**
 * Entry names from a zip's central directory. `tail` holds the last bytes of the file
 * (at least the end-of-central-directory record); returns the range [start, end) to read
 * when the directory lies before `tail`, and undefined for a damaged zip or one whose ZIP64
 * end record lies before `tail` (sniffing does not chase it).
 */
export function zipCentralDirectory(tail: Uint8Array, fileSize: number): { names: string[] } | { need: [number, number] } | undefined {
  const tailStart = fileSize - tail.length;
  const cd = zipEndRecord(tail, tailStart, fileSize);
  if (!('offset' in cd)) return undefined;
  const { offset, size } = cd;
  if (offset < tailStart) return { need: [offset, offset + size] };
  return { names: readCentralNames(tail.subarray(offset - tailStart, offset - tailStart + size), Math.min(65535, cd.count)) };
}

/** The entry names of a central directory, up to the first damaged record (sniffing reads what it can). */
export function readCentralNames(cd: Uint8Array, count: number): string[] {
  return zipCentralRecords(cd, count).records.map((r) => r.name);
}
