// Alignment matrices held in plain arrays (.npy/.npz of a stacked alignment_history):
// turns an array into one AttentionDocument per batch item. Written by the TF adapter's
// owner; the NumPy handler's `documents` delegates here.
import { fail, type AttentionDocument } from '@attnlens/core';
import type { ConvertOptions, InputFile } from './registry.js';

export async function* alignmentDocumentsFromArrays(input: InputFile, _opts: ConvertOptions): AsyncGenerator<AttentionDocument> {
  fail('UNSUPPORTED', 'converting alignment arrays is not built yet', { file: input.path });
}
