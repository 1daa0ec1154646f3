// Plain vocabularies, sentence splits, token files, originals in documents, checks on
// what a text gave. Expected values are written out by hand: each is a few tokens.
import { describe, expect, it } from 'vitest';
import type { AttentionDocument } from '@attnlens/core';
import {
  ORIGINAL_LABELS_META, addOriginals, checkSomethingKnown, encodeSentences, encodeTexts, lineBlocks, originalLabels, parseSentenceTokens, parseTokens, parseVocabulary, splitSentences,
} from '../src/index.js';
import { error } from './helpers.js';

describe('plain vocabularies', () => {
  it('one token a line: ids from 1 by default (0 is padding), from 0 when asked', () => {
    const v = parseVocabulary('\uFEFFthe\r\ncat\nsat\n', 'v.txt');
    expect(v.kind).toBe('token-lines');
    expect(v.encode('the  cat\tsat dog').map((r) => r.id)).toEqual([1, 2, 3]);
    expect(v.maxId).toBe(3);
    const z = parseVocabulary('[PAD]\n[UNK]\nthe\ncat\n', 'v.txt', { firstId: 0, oovToken: '[UNK]', lower: true });
    expect(z.encode('The DOG cat')).toEqual([{ id: 2, token: 'the', original: 'The' }, { id: 1, token: '[UNK]', original: 'DOG' }, { id: 3, token: 'cat', original: 'cat' }]);
    expect(parseVocabulary('"\nthe\n').encode('" the').map((r) => r.id)).toEqual([1, 2]);
  });

  it('a JSON token → id map', () => {
    const v = parseVocabulary('{"good": 4, "bad": 9}', 'm.json');
    expect(v.kind).toBe('token-map');
    expect(v.encode('good bad ugly').map((r) => r.id)).toEqual([4, 9]);
    expect(v.maxId).toBe(9);
  });

  it('refuses vocabularies whose ids would be wrong', () => {
    expect(error(() => parseVocabulary('a\n\nb\n', 'v.txt')).message).toMatch(/^v\.txt: line 2 of the vocabulary is empty/);
    expect(error(() => parseVocabulary('a\nb\na\n', 'v.txt')).message).toMatch(/"a" is on line 1 and again on line 3/);
    expect(error(() => parseVocabulary('', 'v.txt')).message).toMatch(/empty/);
    expect(error(() => parseVocabulary('{"a": 1.5}', 'm.json')).message).toMatch(/not to a non-negative integer id/);
    expect(error(() => parseVocabulary('a\nb\n', 'v.txt', { oovToken: '<unk>' })).message).toMatch(/OOV token "<unk>" is not in the vocabulary/);
    expect(error(() => parseVocabulary('\u0089HDF\r\n\u001a\n\u0000\u0000', 'model.h5')).message).toBe('model.h5: is a binary file, not a tokenizer or vocabulary');
  });
});

describe('samples and sentences', () => {
  it('blocks of lines, blank lines between samples', () => {
    expect(lineBlocks('a b.\nc\n\n\n  \nd\r\n')).toEqual([['a b.', 'c'], ['d']]);
    expect(lineBlocks('')).toEqual([]);
  });

  it('splits raw text after . ! ? … followed by space, quotes kept with their sentence', () => {
    expect(splitSentences('Great food! Slow service... "Never again." (Really?) ok')).toEqual(['Great food!', 'Slow service...', '"Never again."', '(Really?)', 'ok']);
    expect(splitSentences('3.5 stars.No space')).toEqual(['3.5 stars.No space']);
    expect(splitSentences('  ')).toEqual([]);
  });

  it('token files (moved from @attnlens/attention)', () => {
    expect(parseTokens('the cat  sat\n\na dog\n')).toEqual([['the', 'cat', 'sat'], [], ['a', 'dog']]);
    expect(parseSentenceTokens('good food\nslow service\n\nfine\n')).toEqual([[['good', 'food'], ['slow', 'service']], [['fine']]]);
    expect(error(() => parseTokens('[["a", 1]]', 't.json')).message).toMatch(/^t\.json: JSON tokens must be/);
  });
});

describe('encoded texts', () => {
  const v = parseVocabulary('the\ncat\nsat\n');

  it('fails when no word of the text is known, and says how many words it saw', () => {
    const e = encodeTexts(['dog ran', 'bird'], v);
    expect(e.shape).toEqual([2, 0]);
    expect(error(() => checkSomethingKnown(e, v, 'r.txt')).message).toMatch(/^r\.txt: none of the 3 words of the text is in the vocabulary/);
    expect(error(() => checkSomethingKnown(encodeTexts([''], v), v)).message).toMatch(/holds no words/);
    const oov = parseVocabulary('<unk>\nthe\n', undefined, { oovToken: '<unk>' });
    expect(error(() => checkSomethingKnown(encodeTexts(['dog ran'], oov), oov)).message).toMatch(/every one became the OOV token/);
    expect(() => checkSomethingKnown(encodeTexts(['dog', 'the cat'], v), v)).not.toThrow();
  });

  it('counts what was cut: truncated words, dropped sentences, empty sequences', () => {
    const e = encodeTexts(['the cat sat', 'dog', 'cat'], v, { maxlen: 2 });
    expect(Array.from(e.ids)).toEqual([2, 3, 0, 0, 0, 2]);
    expect(e.stats).toMatchObject({ words: 4, dropped: 1, truncatedWords: 1, empty: 1 });
    const h = encodeSentences([['the', 'cat', 'sat'], ['dog']], v, { maxSentences: 2, maxlen: 1 });
    expect(Array.from(h.ids)).toEqual([1, 2, 0, 0]);
    expect(h.stats).toMatchObject({ droppedSentences: 1, empty: 1 });
    expect(error(() => encodeTexts(['the'], v, { maxlen: 0 })).code).toBe('BAD_ARGUMENT');
    expect(error(() => encodeTexts(['the', 'cat'], v, { maxlen: 2 ** 28 })).message).toMatch(/would take 536870912 ids/);
    expect(error(() => encodeTexts(['the'], v, { padding: 'middle' as 'pre' })).message).toMatch(/neither pre nor post/);
  });

  it('documents keep the words as written in meta, only when they differ from the labels', () => {
    const k = parseVocabulary('the\ncat\n', undefined, { lower: true });
    const e = encodeTexts(['The cat', 'cat'], k, { maxlen: 3 });
    const docs: AttentionDocument[] = e.labels.map((l, n) => ({ id: String(n), maps: [{ name: 'a', shape: [3], weights: new Float32Array(3), colLabels: l }] }));
    addOriginals(docs, e);
    expect(docs[0]!.maps[0]!.meta).toEqual({ [ORIGINAL_LABELS_META]: JSON.stringify(['', 'The', 'cat']) });
    expect(docs[1]!.maps[0]!.meta).toBeUndefined();
    expect(originalLabels(docs[0]!.maps[0]!)).toEqual(['', 'The', 'cat']);
    expect(originalLabels(docs[1]!.maps[0]!)).toEqual(['', '', 'cat']);
  });
});
