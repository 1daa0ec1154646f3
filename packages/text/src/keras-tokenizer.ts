// Keras's `Tokenizer`, loaded from `Tokenizer.to_json()` and applied exactly as
// `texts_to_sequences` does. Source followed: keras-team/keras-preprocessing
// keras_preprocessing/text.py at commit b15497b2 (the version with to_json; tf.keras and
// Keras 2.2-2.3 ship the same code): text_to_word_sequence (lines 26-60),
// Tokenizer.texts_to_sequences_generator (the `num_words and i >= num_words` branch) and
// tokenizer_from_json (the last function of the file).
import { fail } from '@attnlens/core';
import type { EncodeStats, TokenRecord, Vocabulary } from './records.js';

/** Keras's default `filters`: punctuation, tab and newline, but not the apostrophe. */
export const KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface WordSequenceOptions {
  filters?: string;
  lower?: boolean;
  split?: string;
}

/**
 * text_to_word_sequence: lowercase (whole text first, as Python's str.lower does: the
 * final-sigma rule looks across punctuation), every filter character becomes `split`,
 * split on `split`, empty pieces dropped.
 */
export function textToWordSequence(text: string, o: WordSequenceOptions = {}): string[] {
  const split = o.split ?? ' ';
  const t = (o.lower ?? true) ? text.toLowerCase() : text;
  return splitFiltered(t, o.filters ?? KERAS_FILTERS, split);
}

function splitFiltered(text: string, filters: string, split: string): string[] {
  if (split === '') fail('BAD_ARGUMENT', 'the tokenizer splits on an empty string, which Python refuses too (ValueError: empty separator)');
  // str.translate with {c: split for c in filters}: code points, not UTF-16 units.
  const drop = new Set([...filters]);
  let out = '';
  for (const c of text) out += drop.has(c) ? split : c;
  return out.split(split).filter((w) => w !== '');
}

export interface KerasTokenizerConfig {
  numWords: number | null;
  filters: string;
  lower: boolean;
  split: string;
  charLevel: boolean;
  oovToken: string | null;
  documentCount: number;
}

/** A Keras Tokenizer: its config and word_index, applied as texts_to_sequences does. */
export class KerasTokenizer implements Vocabulary {
  readonly kind = 'keras-tokenizer';
  readonly maxId: number;
  readonly oovId: number | undefined;

  constructor(
    readonly config: KerasTokenizerConfig,
    readonly wordIndex: ReadonlyMap<string, number>,
    readonly file?: string,
  ) {
    this.oovId = config.oovToken === null ? undefined : wordIndex.get(config.oovToken);
    let max = 0;
    for (const i of wordIndex.values()) if (i > max) max = i;
    // Ids at or past num_words never come out (they are dropped or become the OOV id).
    const n = config.numWords;
    this.maxId = n ? Math.min(max, Math.max(n - 1, this.oovId ?? 0)) : max;
  }

  describe(): string {
    const c = this.config;
    const how = c.charLevel ? 'one token per character' : `split on ${JSON.stringify(c.split)} after mapping ${c.filters.length} filter characters to it`;
    return `Keras Tokenizer, ${this.wordIndex.size} words${c.numWords ? `, num_words ${c.numWords}` : ''}${c.oovToken !== null ? `, oov_token ${JSON.stringify(c.oovToken)}` : ''}; ${c.lower ? 'lowercased, ' : ''}${how}`;
  }

  encode(text: string, stats?: EncodeStats): TokenRecord[] {
    const c = this.config;
    const words = this.words(text);
    const originals = this.originals(text, words.length);
    const out: TokenRecord[] = [];
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      const original = originals?.[k] ?? w;
      const i = this.wordIndex.get(w);
      // texts_to_sequences_generator: a known word at or past num_words becomes the OOV id
      // when there is one and is dropped otherwise; an unknown word likewise.
      const cut = i !== undefined && !!c.numWords && i >= c.numWords;
      if (i !== undefined && !cut) {
        out.push({ id: i, token: w, original });
        continue;
      }
      if (c.oovToken === null || (cut && this.oovId === undefined)) {
        if (stats) stats.dropped++;
        continue;
      }
      if (this.oovId === undefined) {
        // Keras appends None here and pad_sequences then fails converting it to int32.
        fail('CORRUPT', `oov_token ${JSON.stringify(c.oovToken)} is not in word_index, so the unknown word ${JSON.stringify(w)} has no id`, { file: this.file, hint: 'the tokenizer was not fitted after setting oov_token; refit it in Keras and save it again' });
      }
      if (stats) stats.oov++;
      out.push({ id: this.oovId, token: c.oovToken, original });
    }
    return out;
  }

  /** The tokens Keras looks up: characters (char_level: no filters) or words. */
  private words(text: string): string[] {
    const c = this.config;
    if (c.charLevel) return [...(c.lower ? text.toLowerCase() : text)];
    return textToWordSequence(text, { filters: c.filters, lower: c.lower, split: c.split });
  }

  /** The same split of the text as written (case kept), when it lines up word for word. */
  private originals(text: string, n: number): string[] | undefined {
    if (!this.config.lower) return undefined;
    const o = this.config.charLevel ? [...text] : splitFiltered(text, this.config.filters, this.config.split);
    return o.length === n ? o : undefined;
  }
}

/**
 * tokenizer_from_json: `{"class_name": "Tokenizer", "config": {...}}` whose word_index,
 * index_word, word_counts... are JSON strings inside the JSON. Also takes a file that
 * holds that JSON as one JSON string (json.dump of to_json()'s result, a common slip),
 * and word_index given as an object.
 */
export function parseKerasTokenizer(value: unknown, file?: string): KerasTokenizer {
  if (typeof value === 'string') value = parseJson(value, file, 'the tokenizer JSON holds a string that is not JSON');
  const top = value as { class_name?: unknown; config?: unknown };
  const cfg = (top && typeof top === 'object' ? top.config : undefined) as Record<string, unknown> | undefined;
  if (!cfg || typeof cfg !== 'object') fail('CORRUPT', 'is JSON but not a Keras tokenizer: it has no "config" object', { file, hint: 'save the tokenizer with tokenizer.to_json()' });
  if (top.class_name !== undefined && top.class_name !== 'Tokenizer') fail('UNSUPPORTED', `holds a Keras ${String(top.class_name)}, not a Tokenizer`, { file });
  let wi = cfg.word_index;
  if (typeof wi === 'string') wi = parseJson(wi, file, 'config.word_index is a string that is not JSON');
  if (!wi || typeof wi !== 'object' || Array.isArray(wi)) fail('CORRUPT', 'config.word_index is missing or not a word → index map', { file, hint: 'save the tokenizer after fit_on_texts, with tokenizer.to_json()' });
  const wordIndex = new Map<string, number>();
  for (const [w, i] of Object.entries(wi as Record<string, unknown>)) {
    if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0) fail('CORRUPT', `word_index maps ${JSON.stringify(w)} to ${JSON.stringify(i)}, not to a non-negative integer`, { file });
    wordIndex.set(w, i);
  }
  const config: KerasTokenizerConfig = {
    numWords: optionalCount(cfg.num_words, 'num_words', file),
    filters: stringField(cfg.filters, 'filters', KERAS_FILTERS, file),
    lower: boolField(cfg.lower, 'lower', true, file),
    split: stringField(cfg.split, 'split', ' ', file),
    charLevel: boolField(cfg.char_level, 'char_level', false, file),
    oovToken: cfg.oov_token === undefined || cfg.oov_token === null ? null : stringField(cfg.oov_token, 'oov_token', '', file),
    documentCount: optionalCount(cfg.document_count, 'document_count', file) ?? 0,
  };
  if (config.split === '' && !config.charLevel) fail('CORRUPT', 'config.split is empty; Keras cannot split on it either', { file });
  return new KerasTokenizer(config, wordIndex, file);
}

function parseJson(text: string, file: string | undefined, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail('CORRUPT', `${what}: ${(e as Error).message}`, { file });
  }
}

function optionalCount(v: unknown, name: string, file?: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('CORRUPT', `config.${name} is ${JSON.stringify(v)}, not a non-negative integer or null`, { file });
  return v;
}

function stringField(v: unknown, name: string, dflt: string, file?: string): string {
  if (v === undefined) return dflt;
  // A Python callable `split` cannot be saved: to_json would have failed, so a string is all there is.
  if (typeof v !== 'string') fail('CORRUPT', `config.${name} is ${JSON.stringify(v)}, not a string`, { file });
  return v;
}

function boolField(v: unknown, name: string, dflt: boolean, file?: string): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('CORRUPT', `config.${name} is ${JSON.stringify(v)}, not true or false`, { file });
  return v;
}
