// A File read by byte ranges (File.slice), never whole: the ReadAt that @attnlens/npy's row
// reader (openNpyRows, the same code ./node's openNpy runs over a file handle) and core's
// .attn.pb stream decoder and @attnlens/tf's dump reader (rangeDump) read through, so a 2 GB X
// holds only the rows a block needs and a TFRecord or event file one range and one record.
import { DocumentStreamDecoder, type AttentionDocument, type SniffedFormat } from '@attnlens/core';
import { rangeDump, type DumpSource } from '@attnlens/tf';
import { openNpyRows, type NpyRows, type ReadAt } from '@attnlens/npy';
import type { RowSource } from '@attnlens/keras-graph';

export const fileReadAt = (file: Blob): ReadAt => async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());

/** The rows of an .npy File (header read first, then each range asked for). */
export function npyFileRows(file: File): Promise<NpyRows> {
  // A warning (bytes after the array) goes to the console: the rows read are still the array's.
  return openNpyRows(fileReadAt(file), file.size, file.name, { warn: (m) => console.warn(m) });
}

/** The same, as the forward pass's row source. */
export async function npyRowSource(file: File): Promise<RowSource> {
  const r = await npyFileRows(file);
  return { rows: r.rows, file: file.name, readRows: (s, c) => r.readRows(s, c), close: async () => undefined };
}

/** Bytes per read of an .attn.pb stream. */
const STREAM_CHUNK = 4 << 20;

/** The documents of an .attn.pb File, decoded as the chunks arrive (core's DocumentStreamDecoder, as readDocuments does on disk). */
export async function streamDocuments(file: File): Promise<AttentionDocument[]> {
  const dec = new DocumentStreamDecoder(file.name);
  const read = fileReadAt(file);
  const docs: AttentionDocument[] = [];
  for (let at = 0; at < file.size; at += STREAM_CHUNK) for (const d of dec.push(await read(at, STREAM_CHUNK))) docs.push(d);
  dec.end();
  return docs;
}

/** A TensorProto, TFRecord or event File as @attnlens/tf's dumpDocuments reads it: by ranges. */
export function fileDump(file: File, format: SniffedFormat): Promise<DumpSource> {
  return rangeDump(fileReadAt(file), file.size, format, file.name);
}
