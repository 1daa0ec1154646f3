// Random access to a file's bytes: the only way the readers see a file, so in Node a
// checkpoint is read by positioned reads (src/node.ts) and in a browser from a buffer.
import { fail } from '@attnlens/core';

export interface ByteSource {
  /** The file's name or path, for messages. */
  readonly name?: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset` (TRUNCATED when the file is shorter), in a buffer of their own. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export function checkRange(src: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > src.size) {
    fail('TRUNCATED', `needs bytes ${offset}..${offset + length} but is only ${src.size} bytes long`, { file: src.name, hint: 'the file was cut short or is damaged; save it again' });
  }
}

/** A source over bytes already in memory (a browser File's arrayBuffer(), a fetch). */
export function bytesSource(bytes: Uint8Array, name?: string): ByteSource {
  return {
    ...(name !== undefined ? { name } : {}),
    size: bytes.length,
    async read(offset, length) {
      checkRange(this, offset, length);
      return bytes.slice(offset, offset + length); // a copy: tensors may view what read() returns
    },
  };
}
