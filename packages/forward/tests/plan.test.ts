// Which layers a forward pass taps, on stand-in models (the whole path runs on real Keras
// files in test/cli/forward.test.ts, against NumPy).
import { describe, expect, it } from 'vitest';
import { fail, isAttnlensError } from '@attnlens/core';
import type { AttentionLayerInfo, KerasFile } from '@attnlens/keras';
import type { KerasModel } from '@attnlens/keras-graph';
import { isHierarchical, planAttention } from '../src/index.js';

const info = (layer: string): AttentionLayerInfo => ({ layer, variant: 'attlayer', weights: { W: `${layer}/W:0` }, inputDim: 4, attentionDim: 3, reason: 'W, b, u' });
const kf = (layers: string[]): KerasFile =>
  ({ path: 'm.h5', attentionLayers: layers.map(info), unrecognisedAttention: [], layers: [], layer: (name: string) => fail('NOT_FOUND', `has no layer named ${name}`, { file: 'm.h5' }) }) as unknown as KerasFile;
const model = (shape: number[], names: string[], builtin: KerasModel['builtinAttention'] = []): KerasModel =>
  ({ inputs: [{ name: 'in', shape, dtype: 'int32' }], outputs: ['dense_1'], layers: names.map((name) => ({ name, className: 'X', runnable: true })), builtinAttention: builtin, run: () => [] }) as KerasModel;
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isAttnlensError(e)) return e.code;
    throw e;
  }
  return 'none';
};

describe('planAttention', () => {
  const hanNames = ['input_2', 'time_distributed_1', 'time_distributed_1/att_layer_1', 'bidirectional_2', 'att_layer_2', 'dense_1'];
  it('a HAN (inputs (S, T)): the nested layer is the word level, the other the sentence level; both inputs tapped', () => {
    const m = model([3, 6], hanNames);
    expect(isHierarchical(kf(['att_layer_2', 'time_distributed_1/att_layer_1']), m)).toBe(true);
    expect(isHierarchical(kf(['att_layer_2']), m)).toBe(false);
    const p = planAttention(kf(['att_layer_2', 'time_distributed_1/att_layer_1']), m);
    expect(p.kind === 'recompute' && [p.word.layer, p.sentence?.layer]).toEqual(['time_distributed_1/att_layer_1', 'att_layer_2']);
    expect(p.taps).toEqual([{ layer: 'time_distributed_1/att_layer_1', what: 'input' }, { layer: 'att_layer_2', what: 'input' }]);
    // The inner name alone will do.
    expect(planAttention(kf(['time_distributed_1/att_layer_1', 'att_layer_2']), m, { layer: 'att_layer_1' }).taps[0]!.layer).toBe('time_distributed_1/att_layer_1');
  });

  it('a flat model: its one attention layer, or the built-in attention when there is no other', () => {
    expect(planAttention(kf(['att_layer_1']), model([6], ['att_layer_1'])).taps).toEqual([{ layer: 'att_layer_1', what: 'input' }]);
    const b = planAttention(kf([]), model([24, 3], ['dense_1'], [{ layer: 'dense_1', kind: 'softmax-weighting', reason: 'r' }]));
    expect(b.kind).toBe('builtin');
    expect(b.taps).toEqual([{ layer: 'dense_1', what: 'output' }]);
    const s = planAttention(kf([]), model([5], ['attention'], [{ layer: 'attention', kind: 'keras-attention', reason: 'r' }]), { layer: 'attention' });
    expect(s.taps).toEqual([{ layer: 'attention', what: 'scores' }]);
  });

  it('says what is wrong: several candidates, no attention, a sentence level without sentences, a missing layer', () => {
    expect(code(() => planAttention(kf(['a', 'b']), model([6], ['a', 'b'])))).toBe('AMBIGUOUS');
    expect(code(() => planAttention(kf([]), model([6], ['dense_1'])))).toBe('NOT_FOUND');
    expect(code(() => planAttention(kf(['a']), model([6], ['a']), { sentenceLayer: 'a' }))).toBe('BAD_ARGUMENT');
    expect(code(() => planAttention(kf(['a']), model([6], ['a']), { layer: 'nope' }))).toBe('NOT_FOUND');
  });
});
