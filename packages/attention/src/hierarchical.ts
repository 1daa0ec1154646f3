// Hierarchical attention (HAN): word-level weights inside each of the N·S sentences and
// sentence-level weights over the S sentence encodings of each sample.
import { fail, formatShape, type AttentionDocument, type Provenance, type Tensor } from '@attnlens/core';
import { computeAttention, type ComputeOptions } from './compute.js';
import { hierarchicalDocumentsFromWeights } from './documents.js';
import type { Mask } from './mask.js';
import type { Kernel } from './variants.js';

export interface LevelInput {
  kernel: Kernel;
  /** Word level: (N, S, T, F) or (N·S, T, F). Sentence level: (N, S, F') or (S, F') for one sample. */
  x: Tensor;
  /** Word level: over the N·S sentences; sentence level: over the N samples. */
  mask?: Mask;
  layer?: string;
  file?: string;
  maskFile?: string;
}

export interface HierarchicalWeights {
  samples: number;
  sentences: number;
  words: number;
  /** (N, S, T) */
  word: Float32Array;
  /** (N, S) */
  sentence: Float32Array;
}

/** Check that both levels describe the same N samples of S sentences of T words, one weight per step each. */
export function hierarchicalLayout(word: LevelInput, sentence: LevelInput): { samples: number; sentences: number; words: number } {
  for (const [level, k] of [['word', word.kernel], ['sentence', sentence.kernel]] as const) {
    if (k.perStep > 1) {
      fail('BAD_ARGUMENT', `the ${level}-level layer is ${k.variant}, which gives one weight per step and feature; hierarchical attention needs one weight per step at each level`, {
        hint: 'compute the per-feature layer on its own (flat), which gives a (T, F) map and its per-step mean',
      });
    }
  }
  const ws = word.x.shape;
  const ss = sentence.x.shape;
  if (ss.length !== 2 && ss.length !== 3) {
    fail('SHAPE_MISMATCH', `sentence-level X is ${formatShape(ss)} but must be (N, S, F) or (S, F)`, { file: sentence.file, hint: 'pass the per-sentence encodings that feed the sentence attention layer' });
  }
  const N = ss.length === 3 ? ss[0]! : 1;
  const S = ss[ss.length - 2]!;
  if (ws.length === 4 && (ws[0] !== N || ws[1] !== S)) {
    fail('SHAPE_MISMATCH', `word-level X is ${formatShape(ws)} but sentence-level X is ${formatShape(ss)}: both must have ${N} samples of ${S} sentences`, { file: word.file, details: { word: ws, sentence: ss } });
  }
  if (ws.length === 3 && ws[0] !== N * S) {
    fail('SHAPE_MISMATCH', `word-level X is ${formatShape(ws)} but sentence-level X is ${formatShape(ss)}: need N·S = ${N * S} sentences, (${N * S}, T, F)`, { file: word.file, details: { word: ws, sentence: ss } });
  }
  if (ws.length !== 3 && ws.length !== 4) {
    fail('SHAPE_MISMATCH', `word-level X is ${formatShape(ws)} but must be (N, S, T, F) or (N·S, T, F)`, { file: word.file });
  }
  return { samples: N, sentences: S, words: ws[ws.length - 2]! };
}

/** Compute both levels and check that they describe the same N samples of S sentences. */
export function hierarchicalAttention(word: LevelInput, sentence: LevelInput, opts: Pick<ComputeOptions, 'backend'> = {}): HierarchicalWeights {
  const { samples: N, sentences: S, words: T } = hierarchicalLayout(word, sentence);
  const w = computeAttention(word.kernel, word.x, word.mask, { file: word.file, maskFile: word.maskFile, backend: opts.backend });
  const s = computeAttention(sentence.kernel, sentence.x, sentence.mask, { file: sentence.file, maskFile: sentence.maskFile, backend: opts.backend });
  return { samples: N, sentences: S, words: T, word: w, sentence: s };
}

export interface HierarchicalOptions {
  /** Samples → sentences → tokens. */
  tokens?: readonly (readonly (readonly string[])[])[];
  tokensFile?: string;
  provenance?: Provenance;
  id?: (i: number) => string;
  backend?: ComputeOptions['backend'];
}

/** Hierarchical attention as one document per sample (sentence map with word-map children). */
export function hierarchicalDocuments(word: LevelInput, sentence: LevelInput, opts: HierarchicalOptions = {}): AttentionDocument[] {
  const h = hierarchicalAttention(word, sentence, { backend: opts.backend });
  return hierarchicalDocumentsFromWeights(h.word, h.sentence, h.samples, h.sentences, h.words, {
    tokens: opts.tokens,
    wordMask: word.mask,
    sentenceMask: sentence.mask,
    wordKernel: word.kernel,
    sentenceKernel: sentence.kernel,
    wordLayer: word.layer,
    sentenceLayer: sentence.layer,
    provenance: opts.provenance,
    id: opts.id,
    file: opts.tokensFile,
  });
}
