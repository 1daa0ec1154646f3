// Documents whose maps nest `children` `depth` deep, written by hand because the encoders refuse
// to nest past MAX_MAP_DEPTH: the one copy for core's hostile tests and the CLI's (test/cli/render-hostile).
import { encodeHeader } from '../src/index.js';

/** Protobuf's base-128 varint of n. */
export function varint(n: number): number[] {
  const b: number[] = [];
  while (n > 127) {
    b.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  b.push(n);
  return b;
}

/** An .attn.pb stream whose one document "deep" holds a map nested `depth` deep, written byte by byte. */
export function deepPb(depth: number): Uint8Array {
  const leaf = [0x12, 1, 1, 0x1a, 4, 0, 0, 0x80, 0x3f]; // shape [1], weights [1.0]
  let m = Buffer.from(leaf);
  for (let i = 0; i < depth; i++) m = Buffer.concat([Buffer.from([...leaf, 0x62, ...varint(m.length)]), m]); // children = 12
  const doc = Buffer.concat([Buffer.from([0x0a, 4]), Buffer.from('deep'), Buffer.from([0x12, ...varint(m.length)]), m]);
  return Buffer.concat([encodeHeader({}), Buffer.from(varint(doc.length)), doc]);
}

/** The same document as .attn.json text. */
export function deepJson(depth: number): string {
  let s = '{"shape":[1],"weights":[1]}';
  for (let i = 0; i < depth; i++) s = `{"shape":[1],"weights":[1],"children":[${s}]}`;
  return `{"header":{"magic":"attnlens","version":1},"documents":[{"id":"deep","maps":[${s}]}]}`;
}
