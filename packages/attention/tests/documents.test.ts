import { describe, expect, it } from 'vitest';
import { AttnlensError, tensor, validateDocument } from '@attnlens/core';
import {
  alignTokens, attentionDocuments, computeAttention, hierarchicalAttention, hierarchicalDocuments, maskFromLengths, masksFromIds, parseSentenceTokens, parseTokens, prepareKernel,
} from '../src/index.js';
import { randomF32, rng, error } from './reference.js';

describe('tokens', () => {
  it('parses text (one sample a line, space-separated) and JSON', () => {
    expect(parseTokens('the cat  sat\n\na dog\n')).toEqual([['the', 'cat', 'sat'], [], ['a', 'dog']]);
    expect(parseTokens('\uFEFF很 好\r\nשלום\n')).toEqual([['很', '好'], ['שלום']]);
    expect(parseTokens(' [["a","b"],["c"]]')).toEqual([['a', 'b'], ['c']]);
    expect(error(() => parseTokens('[["a", 1]]', 't.json')).message).toMatch(/^t\.json: JSON tokens must be an array of arrays of strings/);
    expect(error(() => parseTokens('[["a"', 't.json')).message).toMatch(/do not parse/);
  });

  it('parses sentence tokens: blank lines between samples, or nested JSON', () => {
    expect(parseSentenceTokens('good food\nslow service\n\nfine\n')).toEqual([[['good', 'food'], ['slow', 'service']], [['fine']]]);
    expect(parseSentenceTokens('[[["a"],["b","c"]]]')).toEqual([[['a'], ['b', 'c']]]);
    expect(error(() => parseSentenceTokens('[["a"]]')).code).toBe('BAD_ARGUMENT');
  });

  it('lines tokens up with padding: all T steps, only the valid steps, or post-padding without a mask', () => {
    expect(alignTokens(['a', 'b', 'c'], 3, undefined, 0, 's')).toEqual(['a', 'b', 'c']);
    expect(alignTokens(['a', 'b'], 4, undefined, 0, 's')).toEqual(['a', 'b', '', '']);
    const pre = masksFromIds(tensor('int32', [1, 4], Int32Array.from([0, 0, 9, 8])), 0);
    expect(alignTokens(['x', 'y'], 4, pre, 0, 's')).toEqual(['', '', 'x', 'y']);
    const e = error(() => alignTokens(['a', 'b', 'c'], 4, maskFromLengths([2]), 0, 'sample 0', 'tok.txt'));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe('tok.txt: sample 0 has 3 tokens but X has T = 4 steps of which 2 are valid');
    expect(error(() => alignTokens(['a', 'b', 'c'], 2, undefined, 0, 'sample 1')).message).toBe('sample 1 has 3 tokens but X has only T = 2 steps');
  });
});

const r = rng(3);
const word = prepareKernel({ variant: 'attlayer', W: tensor('float32', [4, 3], randomF32(12, r)), b: tensor('float32', [3], randomF32(3, r)), u: tensor('float32', [3], randomF32(3, r)) });
const sent = prepareKernel({ variant: 'awc-tf', W: tensor('float32', [5, 5], randomF32(25, r)), b: tensor('float32', [5], randomF32(5, r)), u: tensor('float32', [5], randomF32(5, r)) });

describe('documents', () => {
  it('makes one valid document per sequence with tokens, validCols, layer, variant and provenance', () => {
    const X = tensor('float32', [2, 4, 4], randomF32(32, r));
    const mask = maskFromLengths([4, 2]);
    const w = computeAttention(word, X, mask);
    const docs = attentionDocuments(w, 2, 4, { tokens: [['a', 'b', 'c', 'd'], ['e', 'f']], mask, kernel: word, layer: 'att_layer_1', provenance: { sourceFormat: 'keras-h5', framework: 'keras' } });
    expect(docs.length).toBe(2);
    docs.forEach((d) => validateDocument(d));
    expect(docs[1]).toMatchObject({ id: '1', provenance: { framework: 'keras' } });
    expect(docs[1]!.maps[0]).toMatchObject({ name: 'att_layer_1', shape: [4], colLabels: ['e', 'f', '', ''], validCols: 2, layer: 'att_layer_1', variant: 'attlayer', meta: { normalise: 'eps' } });
    expect(docs[0]!.maps[0]!.validCols).toBeUndefined();
    expect([...docs[1]!.maps[0]!.weights]).toEqual([...w.slice(4, 8)]);
    expect(error(() => attentionDocuments(w, 2, 4, { tokens: [['a']] })).message).toMatch(/tokens cover 1 samples but X has more/);
  });

  it('hierarchical: word weights per sentence and sentence weights per sample, as one document per sample', () => {
    const N = 2, S = 3, T = 4;
    const xw = tensor('float32', [N, S, T, 4], randomF32(N * S * T * 4, r));
    const xs = tensor('float32', [N, S, 5], randomF32(N * S * 5, r));
    const wmask = maskFromLengths([4, 2, 0, 3, 3, 1]);
    const h = hierarchicalAttention({ kernel: word, x: xw, mask: wmask }, { kernel: sent, x: xs });
    expect(h).toMatchObject({ samples: 2, sentences: 3, words: 4 });
    // The same as computing each level on its own.
    expect(h.word).toEqual(computeAttention(word, xw, wmask));
    expect(h.sentence).toEqual(computeAttention(sent, xs));
    const tokens = parseSentenceTokens('a b c d\ne f\n\ng h i\nj k l\nm\n');
    const docs = hierarchicalDocuments({ kernel: word, x: xw, mask: wmask, layer: 'word_att' }, { kernel: sent, x: xs, layer: 'sent_att' }, { tokens });
    expect(docs.length).toBe(2);
    docs.forEach((d) => validateDocument(d));
    const top = docs[0]!.maps[0]!;
    expect(top).toMatchObject({ name: 'sentence attention', shape: [3], layer: 'sent_att', variant: 'awc-tf', colLabels: ['sentence 1', 'sentence 2', ''] });
    expect(top.children!.length).toBe(3);
    expect(top.children![1]).toMatchObject({ shape: [4], colLabels: ['e', 'f', '', ''], validCols: 2, layer: 'word_att' });
    expect(top.children![2]!.validCols).toBe(0);
    expect([...top.children![2]!.weights]).toEqual([0, 0, 0, 0]);
    expect([...docs[1]!.maps[0]!.children![2]!.weights]).toEqual([...h.word.slice(5 * T, 6 * T)]);
    // (N·S, T, F) word inputs give the same.
    const flat = tensor('float32', [N * S, T, 4], xw.data as Float32Array);
    expect(hierarchicalAttention({ kernel: word, x: flat, mask: wmask }, { kernel: sent, x: xs }).word).toEqual(h.word);
  });

  it('hierarchical: refuses word and sentence inputs that disagree, naming both shapes', () => {
    const xs = tensor('float32', [2, 3, 5], randomF32(30, r));
    let e = error(() => hierarchicalAttention({ kernel: word, x: tensor('float32', [2, 4, 4, 4], randomF32(128, r)) }, { kernel: sent, x: xs }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe('word-level X is (2, 4, 4, 4) but sentence-level X is (2, 3, 5): both must have 2 samples of 3 sentences');
    e = error(() => hierarchicalAttention({ kernel: word, x: tensor('float32', [5, 4, 4], randomF32(80, r)) }, { kernel: sent, x: xs }));
    expect(e.message).toBe('word-level X is (5, 4, 4) but sentence-level X is (2, 3, 5): need N·S = 6 sentences, (6, T, F)');
    e = error(() => hierarchicalAttention({ kernel: word, x: tensor('float32', [6, 4, 4], randomF32(96, r)) }, { kernel: sent, x: tensor('float32', [6], randomF32(6, r)) }));
    expect(e.message).toMatch(/sentence-level X is \(6,\) but must be \(N, S, F\) or \(S, F\)/);
    const tokens = [[['a'], ['b'], ['c'], ['d']], [['e']]];
    e = error(() => hierarchicalDocuments({ kernel: word, x: tensor('float32', [6, 4, 4], randomF32(96, r)) }, { kernel: sent, x: xs }, { tokens }));
    expect(e.message).toBe('sample 0 has 4 sentences of tokens but X has S = 3');
  });
});
