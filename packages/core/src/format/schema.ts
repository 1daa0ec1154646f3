import type protobuf from 'protobufjs';
import { protobufjs } from '#protobuf';
import { PROTO_SOURCE } from './proto-source.js';

export const FORMAT_VERSION = 1;
export const MAGIC = 'attnlens';

let root: protobuf.Root | undefined;
/** The parsed schema (lazily, once). */
export function schema(): { root: protobuf.Root; Header: protobuf.Type; Document: protobuf.Type; AttentionMap: protobuf.Type; AttentionFile: protobuf.Type } {
  root ??= protobufjs().parse(PROTO_SOURCE, { keepCase: false }).root;
  return {
    root,
    Header: root.lookupType('attnlens.v1.Header'),
    Document: root.lookupType('attnlens.v1.Document'),
    AttentionMap: root.lookupType('attnlens.v1.AttentionMap'),
    AttentionFile: root.lookupType('attnlens.v1.AttentionFile'),
  };
}
