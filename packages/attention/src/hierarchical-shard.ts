// Hierarchical attention for a document shard (issue 16): only the samples whose id String(n)
// hashes into the shard are gathered out of both levels' X and computed, so N shards do the
// maths of one run; each document keeps its id in the whole run. Browser-safe.
import { AttnlensError, fail, shapeSize, tensor, type AttentionDocument, type Shard, type Tensor } from '@attnlens/core';
import { computeBlock, floatData } from './compute.js';
import { hierarchicalDocuments, hierarchicalLayout, type HierarchicalOptions, type LevelInput } from './hierarchical.js';
import { checkMask, sliceMask, type Mask } from './mask.js';
import { gatherMask, shardSamples } from './shard-rows.js';

/** hierarchicalDocuments of the samples of `shard` only, in sample order. */
export function hierarchicalShardDocuments(word: LevelInput, sentence: LevelInput, shard: Shard, opts: HierarchicalOptions = {}): AttentionDocument[] {
  const { samples: N, sentences: S, words: T } = hierarchicalLayout(word, sentence);
  // The masks and tokens are checked against the whole input before anything is gathered from them.
  if (word.mask) checkMask(word.mask, N * S, T, word.x.shape, word.maskFile);
  if (sentence.mask) checkMask(sentence.mask, N, S, sentence.x.shape, sentence.maskFile);
  if (opts.tokens && opts.tokens.length !== N) {
    fail('SHAPE_MISMATCH', `tokens cover ${opts.tokens.length} samples but X has ${N}`, { file: opts.tokensFile, hint: 'give one block of sentences per sample' });
  }
  const samples = shardSamples(N, shard);
  if (!samples.length) return [];
  const sentencesOf = Uint32Array.from({ length: samples.length * S }, (_, i) => samples[Math.floor(i / S)]! * S + (i % S));
  const mine = (level: LevelInput, rows: Uint32Array, steps: number, mask?: Mask): LevelInput => {
    const out: LevelInput = { ...level, x: gatherRows(level.x, rows, steps) };
    if (mask) out.mask = gatherMask(mask, rows, steps);
    else delete out.mask;
    return out;
  };
  const id = opts.id ?? String;
  try {
    return hierarchicalDocuments(mine(word, sentencesOf, T, word.mask), mine(sentence, samples, S, sentence.mask), {
      ...opts, ...(opts.tokens ? { tokens: Array.from(samples, (n) => opts.tokens![n]!) } : {}), id: (i) => id(samples[i]!),
    });
  } catch (e) {
    if (e instanceof AttnlensError) placeError(word, sentence, samples, S, T);
    throw e;
  }
}

/**
 * X's sequences `seqs` (each `steps` rows of the last axis), gathered: shape (seqs, steps, F),
 * or for a (S, F') sentence level of one sample, that sample as it is.
 */
function gatherRows(x: Tensor, seqs: Uint32Array, steps: number): Tensor {
  const F = x.shape[x.shape.length - 1]!;
  const per = steps * F;
  const data = new (x.data.constructor as new (n: number) => Tensor['data'])(seqs.length * per);
  for (let i = 0; i < seqs.length; i++) data.set(x.data.subarray(seqs[i]! * per, (seqs[i]! + 1) * per) as never, i * per);
  // Keep X's own layout: (n, S, T, F) for (N, S, T, F), (n·S, T, F) for (N·S, T, F), (n, S, F') for (N, S, F').
  const shape = x.shape.length === 4 ? [seqs.length / x.shape[1]!, x.shape[1]!, steps, F] : x.shape.length === 2 ? [steps, F] : [seqs.length, steps, F];
  if (shapeSize(shape) !== data.length) fail('SHAPE_MISMATCH', `cannot gather ${seqs.length} sequences of X (${x.shape.join(', ')})`);
  return tensor(x.dtype, shape, data as never);
}

/** The gathered run failed on bad input: compute each chosen sample where it is in X (words, then sentences, as the whole run does), so the error names X's own place. */
function placeError(word: LevelInput, sentence: LevelInput, samples: Uint32Array, S: number, T: number): void {
  const wd = floatData(word.x.dtype, word.x.data);
  const sd = floatData(sentence.x.dtype, sentence.x.data);
  const Fw = word.x.shape[word.x.shape.length - 1]!;
  const Fs = sentence.x.shape[sentence.x.shape.length - 1]!;
  const out = new Float32Array(Math.max(S * T, S));
  for (const n of samples) {
    computeBlock(word.kernel, wd.subarray(n * S * T * Fw, (n + 1) * S * T * Fw), n * S, S, T, word.x.shape, word.mask && sliceMask(word.mask, n * S, S, T), out, 0, { file: word.file });
  }
  for (const n of samples) {
    computeBlock(sentence.kernel, sd.subarray(n * S * Fs, (n + 1) * S * Fs), n, 1, S, sentence.x.shape, sentence.mask && sliceMask(sentence.mask, n, 1, S), out, 0, { file: sentence.file });
  }
}
