// protobufjs for Node (package.json "imports" #protobuf, condition "node"): required on first
// use, not imported, so that a process importing @attnlens/core (every package does, for its
// errors and tensors) loads protobufjs's ~40 files (~40 ms, issue 15) only when it encodes or
// decodes .attn.pb. An ES import cannot be deferred and stay synchronous; require can.
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

let lib: typeof protobuf | undefined;

export function protobufjs(): typeof protobuf {
  return (lib ??= createRequire(corePackageUrl())('protobufjs') as typeof protobuf);
}

/**
 * Where @attnlens/core itself is, to require its own dependency from: this module may be bundled
 * into another package's file (the CLI's, apps/cli/scripts/bundle.mjs), whose import.meta.url is
 * not in core. Resolved by name (from the bundle: the CLI's dependency; here: a self-reference),
 * and this module's own URL where that cannot be done (a test runner's module loader).
 */
function corePackageUrl(): string {
  try {
    return import.meta.resolve('@attnlens/core');
  } catch {
    return import.meta.url;
  }
}
