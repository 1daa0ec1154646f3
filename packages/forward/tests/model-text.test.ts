// encodeForModel against the ids of test/cli/scripts/make-forward-fixtures.py (a copy of
// Keras's Tokenizer.texts_to_sequences and pad_sequences, run in Python over the same texts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AttnlensError, toFloat64 } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { encodeForModel, vocabularyFor, type ModelTextOptions } from '../src/index.js';

const FX = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'cli', 'fixtures', 'forward');
const text = (f: string) => readFileSync(join(FX, f), 'utf8');
const ids = (f: string) => Array.from(toFloat64(decodeNpy(readFileSync(join(FX, f)), f)));
const vocab = vocabularyFor(text('tokenizer.json'), 'tokenizer.json');

function failure(f: () => unknown): { code: string; message: string; option?: unknown } {
  try {
    f();
  } catch (e) {
    if (e instanceof AttnlensError) return { code: e.code, message: e.reason, option: e.details?.option };
    throw e;
  }
  throw new Error('no error');
}

describe('encodeForModel', () => {
  it('a flat model (T = 6): the ids Keras gives, pre-padded and pre-truncated, and a report line', () => {
    const r = encodeForModel(text('flat.txt'), vocab, [6], { hierarchical: false, file: 'flat.txt' });
    expect(r.encoded.shape).toEqual([4, 6]);
    expect(Array.from(r.encoded.ids)).toEqual(ids('flat-ids.npy'));
    expect(r.encoded.labels[1]).toEqual(['and', '<OOV>', '<OOV>', '<OOV>', 'never', 'again']);
    expect(r.split).toBeUndefined();
    expect(r.report).toHaveLength(1);
    // 21 words; a, rude, waiter and Zebra unknown; 2 words of each 8-word line cut.
    expect(r.report[0]).toMatch(/^flat\.txt: \(4, 6\) ids \(Keras Tokenizer, 26 words, .*\): 21 words with ids, 4 of them unknown \(the OOV token\), 4 cut off by the length$/);
  });

  it('a HAN (S = 3, T = 6): one sentence a line, a blank line between samples, post padding as the fixtures were made', () => {
    const o: ModelTextOptions = { hierarchical: true, padding: 'post', truncating: 'post', file: 'han.txt' };
    const r = encodeForModel(text('han.txt'), vocab, [3, 6], o);
    expect(r.encoded.shape).toEqual([4, 3, 6]);
    expect(Array.from(r.encoded.ids)).toEqual(ids('han-ids.npy'));
    // the same texts one sample a line, split after . ! ?: the same ids, and the split reported first
    const raw = 'The food was great. The staff were kind and quick\nSlow service. Cold food! Never again, we waited an hour for soup\nGreat view\nUnheard words only\n';
    const s = encodeForModel(raw, vocab, [3, 6], { ...o, splitSentences: true });
    expect(Array.from(s.encoded.ids)).toEqual(ids('han-ids.npy'));
    expect(s.split![1]).toEqual(['Slow service.', 'Cold food!', 'Never again, we waited an hour for soup']);
    expect(s.report[0]).toContain('sample 1: «Slow service.» «Cold food!» «Never again, we waited an hour for soup»');
  });

  it('a free axis takes the length asked for, or the longest; a fixed one refuses another', () => {
    const free = encodeForModel('the food\nthe food was great\n', vocab, [null], { hierarchical: false });
    expect(free.encoded.shape).toEqual([2, 4]);
    expect(encodeForModel('the food\n', vocab, [null], { hierarchical: false, maxlen: 3 }).encoded.shape).toEqual([1, 3]);
    expect(failure(() => encodeForModel('the food\n', vocab, [6], { hierarchical: false, maxlen: 7 }))).toEqual({ code: 'BAD_ARGUMENT', message: 'a length of 7 does not fit the model, which takes 6', option: 'maxlen' });
    expect(failure(() => encodeForModel('the food\n', vocab, [3, 6], { hierarchical: true, maxSentences: 2 })).option).toBe('maxSentences');
  });

  it('refuses sentence options for a flat model, binary text, padding sides it does not know, a text of unknown words', () => {
    expect(failure(() => encodeForModel('the food\n', vocab, [6], { hierarchical: false, splitSentences: true, modelFile: 'flat.h5' }))).toMatchObject({ code: 'BAD_ARGUMENT', option: ['maxSentences', 'splitSentences'] });
    expect(failure(() => encodeForModel('a\u0000b', vocab, [6], { hierarchical: false })).code).toBe('UNKNOWN_FORMAT');
    expect(failure(() => encodeForModel('the food\n', vocab, [6], { hierarchical: false, padding: 'middle' })).message).toMatch(/padding "middle" is neither pre nor post/);
    expect(failure(() => encodeForModel('zzz qqq\n', vocab, [6], { hierarchical: false })).message).toMatch(/none of the 2 words of the text is in the vocabulary/);
  });

  it('vocabularyFor: plain-vocabulary settings are refused for a Keras tokenizer', () => {
    expect(failure(() => vocabularyFor(text('tokenizer.json'), 'tokenizer.json', { lower: true, oovToken: '<OOV>' }))).toEqual({
      code: 'BAD_ARGUMENT', message: 'the first id, lowercasing and the OOV token are settings of a plain vocabulary; a Keras tokenizer carries its own settings', option: ['lower', 'oovToken'],
    });
    expect(vocabularyFor('the\nfood\n', 'v.txt', { firstId: 0 }).kind).toBe('token-lines');
  });
});
