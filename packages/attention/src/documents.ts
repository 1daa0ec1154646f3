// Weights → AttentionDocuments: one document per sequence (flat), or per sample with a
// sentence-level map whose children hold the word-level maps (hierarchical).
import { fail, type AttentionDocument, type AttentionMap, type Provenance } from '@attnlens/core';
import { validExtent, type Mask } from './mask.js';
import { alignTokens } from './tokens.js';
import type { Kernel } from './variants.js';

export interface DocumentOptions {
  /** Tokens of each sequence (see alignTokens for how they meet padding). */
  tokens?: readonly (readonly string[])[];
  /** The mask the weights were computed with: sets validCols and places tokens. */
  mask?: Mask;
  /** The kernel the weights came from: variant and normalisation go into the map. */
  kernel?: Kernel;
  layer?: string;
  /** Map name; default the layer name, else "attention". */
  name?: string;
  provenance?: Provenance;
  /** Id of sequence i; default String(first + i). */
  id?: (i: number) => string;
  /** Index of the first sequence in `weights` (for ids and messages when streaming). Default 0. */
  first?: number;
  /** The tokens file, named in errors. */
  file?: string;
}

function mapMeta(k: Kernel | undefined): Record<string, string> | undefined {
  return k ? { normalise: k.normalise } : undefined;
}

/** One map of T weights for one sequence. */
function sequenceMap(weights: Float32Array, T: number, n: number, o: DocumentOptions, tokensOf: number, mask: Mask | undefined, name: string, label: string): AttentionMap {
  const m: AttentionMap = { name, shape: [T], weights };
  const tok = o.tokens?.[tokensOf];
  if (tok) m.colLabels = alignTokens(tok, T, mask, n, label, o.file);
  const { end } = validExtent(mask, n, T);
  if (end !== T) m.validCols = end;
  if (o.layer) m.layer = o.layer;
  if (o.kernel) m.variant = o.kernel.variant;
  const meta = mapMeta(o.kernel);
  if (meta) m.meta = meta;
  return m;
}

/**
 * A per-feature sequence's two maps, side by side: the per-step mean over the F features as
 * a 1-D map (the one token highlighting shows; each feature's column sums to 1 over time,
 * so the mean does too) and the whole (T, F) map, rows = steps (the tokens), cols = features.
 */
function perFeatureMaps(weights: Float32Array, T: number, F: number, n: number, o: DocumentOptions, tokensOf: number, name: string, label: string): AttentionMap[] {
  const mean = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += weights[t * F + f]!;
    mean[t] = s / F;
  }
  const flat = sequenceMap(mean, T, n, o, tokensOf, o.mask, `${name} (mean over features)`, label);
  const grid: AttentionMap = { name: `${name} (per feature)`, shape: [T, F], weights, rowTitle: 'step', colTitle: 'feature' };
  if (flat.colLabels) grid.rowLabels = flat.colLabels;
  if (flat.validCols !== undefined) grid.validRows = flat.validCols;
  for (const key of ['layer', 'variant', 'meta'] as const) if (flat[key] !== undefined) Object.assign(grid, { [key]: flat[key] });
  return [flat, grid];
}

/**
 * Documents from weights of `count` sequences of T steps (weights[n·T + t]). `mask`, if
 * given, is the mask of these same sequences (sliced when streaming). With a per-feature
 * kernel the weights are (count, T, F) and each document holds perFeatureMaps.
 */
export function attentionDocuments(weights: Float32Array, count: number, T: number, o: DocumentOptions = {}): AttentionDocument[] {
  const P = o.kernel?.perStep ?? 1;
  if (weights.length !== count * T * P) fail('SHAPE_MISMATCH', `${weights.length} weights for ${count} sequences of ${T} steps${P > 1 ? ` of ${P} features` : ''}`);
  const first = o.first ?? 0;
  const docs: AttentionDocument[] = [];
  for (let n = 0; n < count; n++) {
    const idx = first + n;
    if (o.tokens && !o.tokens[idx]) fail('SHAPE_MISMATCH', `tokens cover ${o.tokens.length} samples but X has more (sample ${idx} has none)`, { file: o.file, hint: 'give one line (or JSON array) of tokens per sample of X' });
    const name = o.name ?? o.layer ?? 'attention';
    const own = weights.slice(n * T * P, (n + 1) * T * P);
    const maps = P > 1 ? perFeatureMaps(own, T, P, n, o, idx, name, `sample ${idx}`) : [sequenceMap(own, T, n, o, idx, o.mask, name, `sample ${idx}`)];
    const d: AttentionDocument = { id: o.id ? o.id(idx) : String(idx), maps };
    if (o.provenance) d.provenance = o.provenance;
    docs.push(d);
  }
  return docs;
}

export interface HierarchicalDocumentOptions {
  /** Tokens as samples → sentences → words. */
  tokens?: readonly (readonly (readonly string[])[])[];
  wordMask?: Mask;
  sentenceMask?: Mask;
  wordKernel?: Kernel;
  sentenceKernel?: Kernel;
  wordLayer?: string;
  sentenceLayer?: string;
  provenance?: Provenance;
  id?: (i: number) => string;
  file?: string;
}

/**
 * One document per sample: a sentence-level map over S sentences whose children are the
 * word-level maps of each sentence. `word` is (N·S·T), `sentence` is (N·S).
 */
export function hierarchicalDocumentsFromWeights(word: Float32Array, sentence: Float32Array, N: number, S: number, T: number, o: HierarchicalDocumentOptions = {}): AttentionDocument[] {
  if (word.length !== N * S * T || sentence.length !== N * S) fail('SHAPE_MISMATCH', `weights do not fit ${N} samples of ${S} sentences of ${T} words`);
  if (o.tokens && o.tokens.length !== N) {
    fail('SHAPE_MISMATCH', `tokens cover ${o.tokens.length} samples but X has ${N}`, { file: o.file, hint: 'give one block of sentences per sample' });
  }
  const docs: AttentionDocument[] = [];
  for (let n = 0; n < N; n++) {
    const sents = o.tokens?.[n];
    if (sents && sents.length > S) fail('SHAPE_MISMATCH', `sample ${n} has ${sents.length} sentences of tokens but X has S = ${S}`, { file: o.file, details: { sentences: sents.length, S } });
    const children: AttentionMap[] = [];
    for (let s = 0; s < S; s++) {
      const seq = n * S + s;
      const words = sents?.[s] ?? (sents ? [] : undefined);
      const m: AttentionMap = { name: 'word attention', shape: [T], weights: word.slice(seq * T, (seq + 1) * T) };
      if (words) m.colLabels = alignTokens(words, T, o.wordMask, seq, `sample ${n} sentence ${s}`, o.file);
      const { end } = validExtent(o.wordMask, seq, T);
      if (end !== T) m.validCols = end;
      if (o.wordLayer) m.layer = o.wordLayer;
      if (o.wordKernel) {
        m.variant = o.wordKernel.variant;
        m.meta = { normalise: o.wordKernel.normalise };
      }
      children.push(m);
    }
    const top: AttentionMap = { name: 'sentence attention', shape: [S], weights: sentence.slice(n * S, (n + 1) * S), children };
    const { end } = validExtent(o.sentenceMask, n, S);
    if (end !== S) top.validCols = end;
    if (sents) top.colLabels = Array.from({ length: S }, (_, s) => (s < sents.length ? `sentence ${s + 1}` : ''));
    if (o.sentenceLayer) top.layer = o.sentenceLayer;
    if (o.sentenceKernel) {
      top.variant = o.sentenceKernel.variant;
      top.meta = { normalise: o.sentenceKernel.normalise };
    }
    const d: AttentionDocument = { id: o.id ? o.id(n) : String(n), maps: [top] };
    if (o.provenance) d.provenance = o.provenance;
    docs.push(d);
  }
  return docs;
}
