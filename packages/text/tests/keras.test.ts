// The Keras Tokenizer against scripts/make-fixtures.py (a copy of Keras's own code):
// every case's ids, words and padded arrays.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeSentences, encodeTexts, padSequences, parseKerasTokenizer, parseVocabulary, textToWordSequence, type PadOptions } from '../src/index.js';
import { error } from './helpers.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const read = (f: string) => readFileSync(FIX + f, 'utf8');
interface Case { name: string; tokenizer: string; texts: string[]; words: string[][]; sequences: number[][]; pads: { options: PadOptions; ids: number[][] }[] }
interface Han { S: number; T: number; options: PadOptions; samples: string[][]; ids: number[][][] }
const { cases, hierarchical } = JSON.parse(read('cases.json')) as { cases: Case[]; hierarchical: Han[] };

describe('Keras Tokenizer, as texts_to_sequences', () => {
  it('has all the cases the script writes', () => {
    expect(cases.map((c) => c.name)).toEqual(['default', 'oov', 'num-words', 'num-words-oov', 'no-lower-no-filters', 'split-comma', 'char-level', 'char-level-num-words']);
  });
  for (const c of cases) {
    it(`${c.name}: ids and tokens of every text`, () => {
      const tok = parseVocabulary(read(c.tokenizer), c.tokenizer);
      expect(tok.kind).toBe('keras-tokenizer');
      const got = c.texts.map((t) => tok.encode(t));
      expect(got.map((r) => r.map((x) => x.id))).toEqual(c.sequences);
      // Without OOV, a record's token is the word Keras looked up.
      const known = got.map((r) => r.filter((x) => x.id !== tok.oovId).map((x) => x.token));
      const ks = parseKerasTokenizer(read(c.tokenizer));
      expect(known).toEqual(c.words.map((ws) => ws.filter((w) => { const i = ks.wordIndex.get(w); return i !== undefined && i !== tok.oovId && !(ks.config.numWords && i >= ks.config.numWords); })));
    });
    it(`${c.name}: pad_sequences with ${c.pads.length} option sets`, () => {
      const tok = parseVocabulary(read(c.tokenizer));
      for (const p of c.pads) {
        const { data, shape } = padSequences(c.sequences, p.options);
        expect(shape).toEqual([p.ids.length, p.ids[0]!.length]);
        expect(Array.from(data)).toEqual(p.ids.flat());
        const e = encodeTexts(c.texts, tok, p.options);
        expect(Array.from(e.ids)).toEqual(p.ids.flat());
        // Labels sit exactly where the ids are (0 is never a word's id in Keras).
        if (p.options.value === undefined) e.labels.forEach((l, n) => l.forEach((t, s) => expect(t === '').toBe(p.ids[n]![s] === 0)));
      }
    });
  }

  it('keeps the words as written for display, and the OOV token as the model saw it', () => {
    const tok = parseVocabulary(read('tok-oov.json'));
    const r = tok.encode('The WEIRDO food, ΟΔΟΣ.');
    expect(r).toEqual([
      { id: tok.encode('the')[0]!.id, token: 'the', original: 'The' },
      { id: 1, token: '<OOV>', original: 'WEIRDO' },
      { id: tok.encode('food')[0]!.id, token: 'food', original: 'food' },
      { id: tok.encode('οδος')[0]!.id, token: 'οδος', original: 'ΟΔΟΣ' },
    ]);
  });

  it('lowercases the whole text before splitting, as str.lower does (final sigma looks across punctuation)', () => {
    expect(textToWordSequence('ΟΔΟΣ.ΑΒ ΟΔΟΣ')).toEqual(['οδοσ', 'αβ', 'οδος']);
    expect(textToWordSequence('a--b', { filters: '-', split: '--' })).toEqual(['a', 'b']);
  });

  it('reads a to_json() result saved with json.dump (a JSON string of JSON)', () => {
    const a = parseVocabulary(read('tok-double-encoded.json'));
    const b = parseVocabulary(read('tok-oov.json'));
    expect(a.encode(cases[1]!.texts.join(' '))).toEqual(b.encode(cases[1]!.texts.join(' ')));
  });

  it('HAN ids (N, S, T): each sentence as pad_sequences pads it, first S sentences, padding sentences after', () => {
    const tok = parseVocabulary(read('tok-double-encoded.json'));
    expect(hierarchical).toHaveLength(3);
    for (const h of hierarchical) {
      const e = encodeSentences(h.samples, tok, { ...h.options, maxlen: h.T, maxSentences: h.S });
      expect(e.shape).toEqual([h.samples.length, h.S, h.T]);
      expect(Array.from(e.ids)).toEqual(h.ids.flat(2));
      expect(e.labels).toHaveLength(h.samples.length * h.S);
    }
    const e = encodeSentences(hierarchical[0]!.samples, tok, { maxlen: 4, maxSentences: 3 });
    expect(e.stats.droppedSentences).toBe(1);
    expect(e.labels[0]).toEqual(['the', 'food', 'was', 'great']);
  });

  it('refuses broken tokenizer files with errors that say what is wrong', () => {
    expect(error(() => parseVocabulary('{"config": 3', 't.json')).message).toMatch(/^t\.json: looks like JSON but does not parse/);
    expect(error(() => parseKerasTokenizer({ nope: 1 }, 't.json')).message).toMatch(/no "config" object/);
    expect(error(() => parseVocabulary('{"class_name": "Tokenizer", "config": {"word_index": "{bad"}}')).code).toBe('CORRUPT');
    expect(error(() => parseVocabulary('{"config": {"word_index": "{\\"a\\": -1}"}}')).message).toMatch(/not to a non-negative integer/);
    expect(error(() => parseVocabulary('{"config": {"word_index": {"a": 1}, "lower": "yes"}}')).message).toMatch(/config\.lower/);
    expect(error(() => parseVocabulary('{"config": {"word_index": {"a": 1}, "split": ""}}')).message).toMatch(/split is empty/);
    expect(error(() => parseVocabulary('{"config": {"word_index": {"a": 1}}, "class_name": "Sequential"}')).code).toBe('UNSUPPORTED');
    expect(error(() => parseVocabulary('{"version": "1.0", "model": {"type": "WordPiece", "vocab": {}}}')).message).toMatch(/Hugging Face/);
    // oov_token set but missing from word_index: Keras would append None and fail later.
    const t = parseVocabulary('{"config": {"word_index": {"a": 1}, "oov_token": "<unk>"}}', 't.json');
    expect(t.encode('a a')).toEqual([{ id: 1, token: 'a', original: 'a' }, { id: 1, token: 'a', original: 'a' }]);
    expect(error(() => t.encode('a b')).message).toMatch(/oov_token "<unk>" is not in word_index/);
  });
});
