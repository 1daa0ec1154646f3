// protobufjs for browsers and bundlers (package.json "imports" #protobuf, the default
// condition): a plain import, as a bundle holds it anyway. Node gets protobuf-node.ts.
import protobuf from 'protobufjs';

export function protobufjs(): typeof protobuf {
  return protobuf;
}
