// Alignment matrices held in plain arrays (.npy/.npz of a stacked alignment_history):
// one AttentionDocument per batch item. The NumPy handler's `documents` delegates here.
import type { AttentionDocument, Provenance, Tensor } from '@attnlens/core';
import { loadArray } from '@attnlens/npy/node';
import { iterateAlignmentDocuments } from '@attnlens/tf';
import { provenanceOf, readLabelFiles } from '@attnlens/tf/node';
import type { ConvertOptions, InputFile } from './registry.js';

export async function* alignmentDocumentsFromArrays(input: InputFile, opts: ConvertOptions): AsyncGenerator<AttentionDocument> {
  yield* alignmentDocumentsFromTensor(await loadArray(input.path, opts.array, opts.warn ? { warn: opts.warn } : {}), input, opts);
}

/** The same for a tensor another handler read (a saved torch attention tensor). */
export async function* alignmentDocumentsFromTensor(t: Tensor, input: InputFile, opts: ConvertOptions, from?: Partial<Provenance>): AsyncGenerator<AttentionDocument> {
  const labels = await readLabelFiles(opts);
  const provenance = { ...(await provenanceOf(input.path, input.sniff.format)), ...from };
  yield* iterateAlignmentDocuments(t, {
    ...labels,
    ...(opts.layout !== undefined ? { layout: opts.layout } : {}),
    ...(opts.array !== undefined ? { layer: opts.array } : {}),
    ...(opts.warn ? { warn: opts.warn } : {}),
    file: input.path,
    provenance,
  });
}
