// protobufjs for Node (package.json "imports" #protobuf, condition "node"): required on first
// use, not imported, so that a process importing @attnlens/core (every package does, for its
// errors and tensors) loads protobufjs's ~40 files (~40 ms, issue 15) only when it encodes or
// decodes .attn.pb. An ES import cannot be deferred and stay synchronous; require can.
import { createRequire } from 'node:module';
import { ownPackageUrl } from '../fs.js';
import type protobuf from 'protobufjs';

let lib: typeof protobuf | undefined;

export function protobufjs(): typeof protobuf {
  // From core's own folder, wherever this module was bundled (ownPackageUrl).
  return (lib ??= createRequire(ownPackageUrl(import.meta.resolve, '@attnlens/core', import.meta.url))('protobufjs') as typeof protobuf);
}
