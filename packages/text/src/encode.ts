// Texts → the padded id arrays a model takes, with each step's token kept for labels:
// flat (N, T) as pad_sequences gives them, or (N, S, T) for a hierarchical model.
import { fail } from '@attnlens/core';
import { padLength, placement, type PadOptions } from './pad.js';
import { emptyStats, type EncodeStats, type TokenRecord, type Vocabulary } from './records.js';

export interface EncodedTexts {
  /** int32 ids, row-major over `shape`. */
  ids: Int32Array;
  /** (N, T) or (N, S, T). */
  shape: number[];
  /** Per sequence (sample, or sample × sentence), one label per step: the token as the model saw it, '' for padding. */
  labels: string[][];
  /** The same steps as the words stood in the text. */
  originals: string[][];
  stats: EncodeStats & {
    /** Words that got an id (OOV ones included), before truncation. */
    words: number;
    /** Samples (flat) or sentences (hierarchical) of which no word has an id: all padding. */
    empty: number;
    /** Words cut off by maxlen. */
    truncatedWords: number;
    /** Sentences past maxSentences, dropped. */
    droppedSentences: number;
  };
}

function emptyResult(): EncodedTexts['stats'] {
  return { ...emptyStats(), words: 0, empty: 0, truncatedWords: 0, droppedSentences: 0 };
}

/** Pads one sequence's records into steps [base, base + T) of `out`, as pad_sequences does. */
function place(recs: readonly TokenRecord[], T: number, o: PadOptions, out: EncodedTexts, base: number): void {
  const p = placement(recs.length, T, o);
  const labels = new Array<string>(T).fill('');
  const originals = new Array<string>(T).fill('');
  for (let k = 0; k < p.count; k++) {
    const r = recs[p.from + k]!;
    out.ids[base + p.at + k] = r.id;
    labels[p.at + k] = r.token;
    originals[p.at + k] = r.original;
  }
  out.labels.push(labels);
  out.originals.push(originals);
  out.stats.words += recs.length;
  out.stats.truncatedWords += recs.length - p.count;
  if (recs.length === 0) out.stats.empty++;
}

/** 2^28 int32 ids (1 GiB): a maxlen typed with a few zeros too many fails here, not in the allocator. */
const MAX_IDS = 2 ** 28;

function allocate(n: number, value: number, shape: number[]): EncodedTexts {
  if (!Number.isSafeInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) fail('BAD_ARGUMENT', `the padding value ${value} is not an int32`);
  if (n > MAX_IDS) fail('BAD_ARGUMENT', `padding the texts to (${shape.join(', ')}) would take ${n} ids, more than ${MAX_IDS}`, { hint: 'give the length the model was trained with' });
  return { ids: new Int32Array(n).fill(value), shape, labels: [], originals: [], stats: emptyResult() };
}

/** One text per sample → (N, T) ids: texts_to_sequences then pad_sequences. */
export function encodeTexts(texts: readonly string[], vocab: Vocabulary, o: PadOptions = {}): EncodedTexts {
  const stats = emptyStats();
  const seqs = texts.map((t) => vocab.encode(t, stats));
  const T = padLength(seqs.map((s) => s.length), o.maxlen);
  const out = allocate(seqs.length * T, o.value ?? 0, [seqs.length, T]);
  Object.assign(out.stats, stats);
  seqs.forEach((s, n) => place(s, T, o, out, n * T));
  return out;
}

export interface HierarchicalPadOptions extends PadOptions {
  /** Sentences per sample; default the most any sample has. */
  maxSentences?: number;
}

/**
 * Samples of sentences → (N, S, T) ids. Each sentence is encoded and padded to T as
 * pad_sequences pads one sequence (padding/truncating apply to words); a sample keeps
 * its first S sentences and is filled up with all-padding sentences after them, the
 * layout of richliao's HAN data (`data[i, j, k]` for j < MAX_SENTS).
 */
export function encodeSentences(samples: readonly (readonly string[])[], vocab: Vocabulary, o: HierarchicalPadOptions = {}): EncodedTexts {
  const stats = emptyStats();
  const docs = samples.map((sents) => sents.map((s) => vocab.encode(s, stats)));
  const S = o.maxSentences !== undefined ? checkCount(o.maxSentences, 'maxSentences') : padLength(docs.map((d) => d.length));
  const T = padLength(docs.flatMap((d) => d.slice(0, S).map((s) => s.length)), o.maxlen);
  const out = allocate(docs.length * S * T, o.value ?? 0, [docs.length, S, T]);
  Object.assign(out.stats, stats);
  docs.forEach((d, n) => {
    out.stats.droppedSentences += Math.max(0, d.length - S);
    for (let s = 0; s < S; s++) {
      if (s < d.length) place(d[s]!, T, o, out, (n * S + s) * T);
      else {
        out.labels.push(new Array<string>(T).fill(''));
        out.originals.push(new Array<string>(T).fill(''));
      }
    }
  });
  return out;
}

function checkCount(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 1) fail('BAD_ARGUMENT', `${what} must be a positive integer, not ${v}`);
  return v;
}

/** Fails when not one word of any text has an id: the vocabulary is not the model's, or it lowercases differently. */
export function checkSomethingKnown(e: EncodedTexts, vocab: Vocabulary, file?: string): void {
  if (e.stats.words > e.stats.oov) return;
  const words = e.stats.dropped + e.stats.oov;
  fail('BAD_ARGUMENT', words ? `none of the ${words} words of the text is in the vocabulary${e.stats.oov ? ' (every one became the OOV token)' : ''}` : 'the text holds no words', {
    file,
    hint: words ? `check that the vocabulary (${vocab.describe()}) is the one the model was trained with` : 'give one sample a line (hierarchical: one sentence a line, a blank line between samples)',
    details: { dropped: e.stats.dropped, oov: e.stats.oov },
  });
}
