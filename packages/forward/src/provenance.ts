// Where attention recomputed from a model file's layer came from, for its documents (bare
// arrays: @attnlens/attention's arraysProvenance). Browser-safe: the caller hashes the file
// (sha256File on disk, SubtleCrypto in a page).
import { GENERATOR, type Provenance } from '@attnlens/core';
import type { AttentionLayerSource, SourceAttention } from './layer-source.js';

/** Attention of `info`, a layer of `src` (whose file is `fileName`, hashed to `sha256`), recomputed from the inputs named `inputsName`. */
export function layerProvenance(src: AttentionLayerSource, info: SourceAttention, o: { fileName: string; sha256: string; inputsName: string }): Provenance {
  const p: Provenance = {
    sourceFormat: src.sourceFormat,
    fileName: o.fileName,
    sha256: o.sha256,
    framework: src.framework,
    generator: GENERATOR,
    note: `attention of layer ${info.layer} recomputed from ${o.inputsName} (${info.reason})`,
  };
  if (src.frameworkVersion) p.frameworkVersion = src.frameworkVersion;
  return p;
}
