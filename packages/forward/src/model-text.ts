// Text → the ids a model takes, by the model's own input shape: one sample a line (N, T), or
// for a hierarchical model one sentence a line with a blank line between samples, or lines
// split into sentences (N, S, T). The one implementation for `attnlens compute --text` and
// the web viewer's worker. Browser-safe; the caller reads the files and shows `report`.
import { fail, formatShape } from '@attnlens/core/tensor';
import {
  checkIsText, checkSide, checkSomethingKnown, encodeSentences, encodeTexts, fileLines, lineBlocks, parseVocabulary, splitSentences,
  type EncodedTexts, type PlainVocabularyOptions, type Vocabulary,
} from '@attnlens/text';

export interface ModelTextOptions {
  /** The model takes (S, T) per sample: its text is sentences. */
  hierarchical: boolean;
  /** Steps per sequence; default the model's own, else the longest. */
  maxlen?: number;
  /** Sentences per sample (hierarchical); default the model's own. */
  maxSentences?: number;
  /** Hierarchical: one sample a line, split into sentences after . ! ? (the split is reported). */
  splitSentences?: boolean;
  /** 'pre' (default, as pad_sequences) or 'post'. */
  padding?: string;
  truncating?: string;
  /** The text's file name, for errors and the report. */
  file?: string;
  /** The model's file name, for errors about what it takes. */
  modelFile?: string;
}

export interface ModelText {
  encoded: EncodedTexts;
  /** The sentences of each sample when they were split. */
  split?: string[][];
  /** What was done, a line (or paragraph) each, for the caller to show: the split, the encoding's counts. */
  report: string[];
}

/** A vocabulary file's text as a vocabulary; `plain` options (first id, lowercasing, OOV token) are refused for a Keras tokenizer, which carries its own. */
export function vocabularyFor(text: string, file: string | undefined, plain: PlainVocabularyOptions = {}): Vocabulary {
  const vocab = parseVocabulary(text, file, plain);
  const given = (['firstId', 'lower', 'oovToken'] as const).filter((k) => plain[k] !== undefined && plain[k] !== false);
  if (vocab.kind === 'keras-tokenizer' && given.length) {
    fail('BAD_ARGUMENT', 'the first id, lowercasing and the OOV token are settings of a plain vocabulary; a Keras tokenizer carries its own settings', { file, hint: 'leave them out', details: { option: given } });
  }
  return vocab;
}

/** The text as the model's ids; `inputShape` is the model's first input per sample ((T) or (S, T); null for a free axis). */
export function encodeForModel(raw: string, vocab: Vocabulary, inputShape: readonly (number | null)[], o: ModelTextOptions): ModelText {
  checkIsText(raw, 'text (one sample a line)', o.file);
  const pad = { padding: checkSide(o.padding, 'padding'), truncating: checkSide(o.truncating, 'truncating') };
  const report: string[] = [];
  let encoded: EncodedTexts;
  let split: string[][] | undefined;
  if (o.hierarchical) {
    // The model's own (S, T), unless told otherwise; a fixed axis refuses any other.
    const maxSentences = fitting(o.maxSentences, inputShape[0], 'maxSentences', 'sentence count');
    const maxlen = fitting(o.maxlen, inputShape[1], 'maxlen', 'length');
    split = o.splitSentences ? fileLines(raw).map(splitSentences) : undefined;
    if (split) report.push(describeSplit(split));
    encoded = encodeSentences(split ?? lineBlocks(raw), vocab, { ...pad, ...(maxlen ? { maxlen } : {}), ...(maxSentences ? { maxSentences } : {}) });
  } else {
    if (o.maxSentences !== undefined || o.splitSentences) {
      fail('BAD_ARGUMENT', `a sentence count and sentence splitting are for a hierarchical model, and this one takes (${inputShape.map((d) => d ?? '?').join(', ')}) per sample`, {
        file: o.modelFile,
        hint: 'leave them out: one sample a line',
        details: { option: ['maxSentences', 'splitSentences'] },
      });
    }
    const maxlen = fitting(o.maxlen, inputShape[0], 'maxlen', 'length');
    encoded = encodeTexts(fileLines(raw), vocab, { ...pad, ...(maxlen ? { maxlen } : {}) });
  }
  checkSomethingKnown(encoded, vocab, o.file);
  report.push(describeEncoding(encoded, vocab, o.file));
  return { encoded, ...(split ? { split } : {}), report };
}

/** The count asked for, else the model's; a model built for a fixed count refuses any other. */
function fitting(asked: number | undefined, fixed: number | null | undefined, option: 'maxlen' | 'maxSentences', what: string): number | undefined {
  const own = fixed ?? undefined;
  if (asked === undefined) return own;
  if (own !== undefined && asked !== own) {
    fail('BAD_ARGUMENT', `a ${what} of ${asked} does not fit the model, which takes ${own}`, { hint: `leave the ${what} out: it defaults to what the model takes`, details: { option } });
  }
  return asked;
}

function describeSplit(samples: readonly string[][]): string {
  const shown = samples.slice(0, 3).map((s, i) => `  sample ${i}: ${s.map((x) => `«${x}»`).join(' ')}`);
  const more = samples.length > 3 ? `\n  … ${samples.length - 3} more` : '';
  return `split into sentences after . ! ? followed by a space:\n${shown.join('\n')}${more}\n  (to change the split, write one sentence a line with a blank line between samples, and do not ask for the split)`;
}

function describeEncoding(e: EncodedTexts, vocab: Vocabulary, file: string | undefined): string {
  const s = e.stats;
  const parts = [`${s.words} words with ids`];
  if (s.oov) parts.push(`${s.oov} of them unknown (the OOV token)`);
  if (s.dropped) parts.push(`${s.dropped} unknown words dropped, as Keras drops them`);
  if (s.truncatedWords) parts.push(`${s.truncatedWords} cut off by the length`);
  if (s.droppedSentences) parts.push(`${s.droppedSentences} sentences past the sentence count dropped`);
  if (s.empty) parts.push(`${s.empty} ${e.shape.length === 3 ? 'sentences' : 'samples'} with no known word`);
  return `${file ? `${file}: ` : ''}${formatShape(e.shape)} ids (${vocab.describe()}): ${parts.join(', ')}`;
}
