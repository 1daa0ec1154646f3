// Which attention layers compute uses, on stand-in sources (the whole path runs on real
// Keras and torch files in test/cli/compute.test.ts and torch-forward.test.ts, against NumPy/torch).
import { describe, expect, it } from 'vitest';
import { AttnlensError } from '@attnlens/core';
import { pickAttentionLayers, type AttentionLayerSource, type PickOptions, type SourceAttention } from '../src/index.js';

const att = (layer: string, inputDim: number, level?: 'word' | 'sentence'): SourceAttention => ({
  layer, variant: 'attlayer', weights: { W: `${layer}/W:0` }, inputDim, attentionDim: 3, reason: 'W, b, u', ...(level ? { level } : {}),
});
function source(layers: SourceAttention[], o: { unrecognised?: { layer: string; reason: string }[]; framework?: 'keras' | 'pytorch'; others?: string[] } = {}): AttentionLayerSource {
  const names = [...layers.map((l) => l.layer), ...(o.others ?? [])];
  return {
    path: 'm.h5', sourceFormat: 'keras-h5', framework: o.framework ?? 'keras',
    attentionLayers: layers, unrecognisedAttention: o.unrecognised ?? [], layers: names.map((name) => ({ name })),
    layer: (name) => names.includes(name) || (() => { throw new AttnlensError({ code: 'NOT_FOUND', message: `has no layer named ${name}`, file: 'm.h5' }); })(),
    kernel: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
}
/** The error a pick throws: its code, message, hint and details.option. */
function failure(src: AttentionLayerSource, o: PickOptions = {}): { code: string; message: string; hint?: string; option?: unknown } {
  try {
    pickAttentionLayers(src, o);
  } catch (e) {
    if (!(e instanceof AttnlensError)) throw e;
    return { code: e.code, message: e.reason, ...(e.hint ? { hint: e.hint } : {}), option: e.details?.option };
  }
  throw new Error('no error');
}
const picked = (src: AttentionLayerSource, o: PickOptions = {}) => {
  const p = pickAttentionLayers(src, o);
  return [p.word.layer, p.sentence?.layer];
};

const han = [att('time_distributed_1/att_layer_1', 6), att('att_layer_2', 5)];

describe('pickAttentionLayers', () => {
  it('a single layer, a named one, a nested one by its inner name', () => {
    expect(picked(source([att('att', 4)]))).toEqual(['att', undefined]);
    expect(picked(source(han), { layer: 'att_layer_2' })).toEqual(['att_layer_2', undefined]);
    expect(picked(source(han), { layer: 'att_layer_1' })).toEqual(['time_distributed_1/att_layer_1', undefined]);
  });

  it('several layers and none named: AMBIGUOUS listing them, the fix being the layer option', () => {
    const f = failure(source(han));
    expect(f).toEqual({ code: 'AMBIGUOUS', message: 'has 2 attention layers: time_distributed_1/att_layer_1 (attlayer, W 6×3), att_layer_2 (attlayer, W 5×3)', hint: 'choose one by name', option: 'layer' });
    // the same inner name under two wrappers is not unique
    expect(failure(source([att('a/att', 4), att('b/att', 4)]), { layer: 'att' }).code).toBe('NOT_FOUND');
  });

  it('none: NOT_FOUND with the reasons of what looked like attention, or the layers there are', () => {
    const un = failure(source([], { unrecognised: [{ layer: 'attention', reason: 'its W is 3-D' }] }));
    expect(un.code).toBe('NOT_FOUND');
    expect(un.message).toBe('has no attention layer attnlens can recompute (attention: its W is 3-D)');
    expect(un.hint).toMatch(/^attnlens recomputes AttentionWithContext/);
    const torch = failure(source([], { framework: 'pytorch', unrecognised: [{ layer: 'attn', reason: 'r' }] }));
    expect(torch.hint).toMatch(/^attnlens recomputes a Linear\(H, 1\) score head/);
    const plain = failure(source([], { others: ['dense_1', 'lstm_1'] }));
    expect(plain.hint).toMatch(/^it has layers dense_1, lstm_1; give the layer's arrays/);
    expect(plain.option).toBe('weights');
  });

  it('a named layer that is not recomputable (UNSUPPORTED), not attention, or missing (NOT_FOUND)', () => {
    const src = source(han, { unrecognised: [{ layer: 'luong', reason: 'no W' }], others: ['dense_1', 'luong'] });
    expect(failure(src, { layer: 'luong' })).toMatchObject({ code: 'UNSUPPORTED', message: 'layer luong looks like attention but attnlens cannot recompute it: no W' });
    expect(failure(src, { layer: 'dense_1' })).toMatchObject({ code: 'NOT_FOUND', message: 'layer dense_1 is not an attention layer attnlens can recompute', option: 'layer' });
    expect(failure(src, { layer: 'dense_1', sentenceLayer: 'att_layer_2', inputDims: { word: 6, sentence: 5 } }).option).toBe('layer');
    expect(failure(src, { layer: 'att_layer_1', sentenceLayer: 'dense_1', inputDims: { word: 6, sentence: 5 } }).option).toBe('sentenceLayer');
    expect(failure(src, { layer: 'nope' })).toEqual({ code: 'NOT_FOUND', message: 'has no layer named nope', option: undefined });
  });

  it('hierarchical: the levels are the layers whose input size fits the word and sentence inputs', () => {
    expect(picked(source(han), { inputDims: { word: 6, sentence: 5 } })).toEqual(['time_distributed_1/att_layer_1', 'att_layer_2']);
    // reversed sizes: the pair by size, even against nesting
    expect(picked(source([att('td/a', 5), att('b', 6)]), { inputDims: { word: 6, sentence: 5 } })).toEqual(['b', 'td/a']);
    const none = failure(source(han), { inputDims: { word: 7, sentence: 5 } });
    expect(none.code).toBe('NOT_FOUND');
    expect(none.message).toMatch(/^has no pair of attention layers for word inputs of F = 7 and sentence inputs of F = 5/);
    expect(none.option).toEqual(['layer', 'sentenceLayer']);
  });

  it('hierarchical with equal sizes: the nested layer is the word level; else several pairs are AMBIGUOUS', () => {
    const same = [att('time_distributed_1/att_layer_1', 8), att('att_layer_2', 8)];
    expect(picked(source(same), { inputDims: { word: 8, sentence: 8 } })).toEqual(['time_distributed_1/att_layer_1', 'att_layer_2']);
    expect(picked(source(same), { hierarchical: true })).toEqual(['time_distributed_1/att_layer_1', 'att_layer_2']);
    const flat = failure(source([att('a', 8), att('b', 8)]), { inputDims: { word: 8, sentence: 8 } });
    expect(flat).toMatchObject({ code: 'AMBIGUOUS', option: ['layer', 'sentenceLayer'] });
    // the word level named: the sentence level is the other
    expect(picked(source([att('a', 8), att('b', 8)]), { layer: 'a', inputDims: { word: 8, sentence: 8 } })).toEqual(['a', 'b']);
    const three = failure(source([att('a', 8), att('b', 8), att('c', 8)]), { layer: 'a', inputDims: { word: 8, sentence: 8 } });
    expect(three).toMatchObject({ code: 'AMBIGUOUS', hint: 'choose the sentence-level layer by name', option: 'sentenceLayer' });
  });

  it('torch modules (no nesting): their level (word_attention, sentence_attention) tells the pair', () => {
    const torch = source([att('sentence_attention', 8, 'sentence'), att('word_attention', 8, 'word')], { framework: 'pytorch' });
    expect(picked(torch, { inputDims: { word: 8, sentence: 8 } })).toEqual(['word_attention', 'sentence_attention']);
    expect(picked(torch, { hierarchical: true })).toEqual(['word_attention', 'sentence_attention']);
  });

  it('the same layer for both levels, or a sentence level without hierarchy: BAD_ARGUMENT', () => {
    expect(failure(source(han), { layer: 'att_layer_2', sentenceLayer: 'att_layer_2', inputDims: { word: 5, sentence: 5 } })).toMatchObject({ code: 'BAD_ARGUMENT', message: 'the word and sentence levels both name att_layer_2' });
    expect(failure(source(han), { sentenceLayer: 'att_layer_2' })).toMatchObject({ code: 'BAD_ARGUMENT', option: 'sentenceLayer' });
  });
});
