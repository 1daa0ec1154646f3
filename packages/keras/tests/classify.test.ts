import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DType } from '@attnlens/core';
import { classifyAttention, findAttentionLayers, looksLikeAttention, nestedLayers } from '../src/classify.js';
import { openKeras } from '../src/node.js';
import type { AttentionLayerInfo, KerasFile, KerasLayer } from '../src/types.js';
import { fx } from './fixture-files.js';

const w = (name: string, shape: number[], dtype: DType = 'float32') => ({ name, path: `g/${name}`, dtype, shape });
const layer = (name: string, weights: ReturnType<typeof w>[], className?: string): KerasLayer => ({ name, weights, ...(className ? { className } : {}) });
const info = (r: ReturnType<typeof classifyAttention>) => {
  if (!r || 'unrecognised' in r) throw new Error(`expected a classification, got ${JSON.stringify(r)}`);
  return r;
};
const unrec = (r: ReturnType<typeof classifyAttention>) => {
  if (!r || !('unrecognised' in r)) throw new Error(`expected unrecognised, got ${JSON.stringify(r)}`);
  return r.unrecognised;
};

describe('classifyAttention', () => {
  it('AttentionWithContext: x·Wᵀ on tensorflow, x·W elsewhere, tensorflow assumed (and said) when unknown', () => {
    const awc = layer('attention_with_context_1', [w('attention_with_context_1/attention_with_context_1_W:0', [15, 15]), w('attention_with_context_1/attention_with_context_1_b:0', [15]), w('attention_with_context_1/attention_with_context_1_u:0', [15])], 'AttentionWithContext');
    const tf = info(classifyAttention(awc, 'tensorflow'));
    expect(tf).toMatchObject({ variant: 'awc-tf', inputDim: 15, attentionDim: 15, backend: 'tensorflow', weights: { W: 'g/attention_with_context_1/attention_with_context_1_W:0', b: 'g/attention_with_context_1/attention_with_context_1_b:0', u: 'g/attention_with_context_1/attention_with_context_1_u:0' } });
    expect(tf.reason).toMatch(/tensorflow backend.*x·Wᵀ/);
    for (const b of ['theano', 'cntk', 'jax']) {
      const r = info(classifyAttention(awc, b));
      expect(r.variant).toBe('awc-th');
      expect(r.reason).toContain(`on the ${b} backend`);
    }
    const unknown = info(classifyAttention(awc));
    expect(unknown.variant).toBe('awc-tf');
    expect(unknown.reason).toMatch(/names no backend.*tensorflow.*assumed/);
  });

  it('AttentionWithContext without bias, weights in any stored order when named', () => {
    const r = info(classifyAttention(layer('attention_with_context', [w('attention_with_context/attention_with_context_u:0', [4]), w('attention_with_context/attention_with_context_W:0', [4, 4])], 'AttentionWithContext'), 'tensorflow'));
    expect(r.weights).toEqual({ W: 'g/attention_with_context/attention_with_context_W:0', u: 'g/attention_with_context/attention_with_context_u:0' });
    expect(r.variant).toBe('awc-tf');
  });

  it('AttLayer by position when the variables are unnamed (Variable:0, Variable_1:0, Variable_2:0)', () => {
    const r = info(classifyAttention(layer('att_layer_1', [w('att_layer_1/Variable:0', [24, 10]), w('att_layer_1/Variable_1:0', [10]), w('att_layer_1/Variable_2:0', [10, 1])], 'AttLayer')));
    expect(r).toMatchObject({ layer: 'att_layer_1', className: 'AttLayer', variant: 'attlayer', inputDim: 24, attentionDim: 10, weights: { W: 'g/att_layer_1/Variable:0', b: 'g/att_layer_1/Variable_1:0', u: 'g/att_layer_1/Variable_2:0' } });
    expect(r.backend).toBeUndefined();
  });

  it('bias-free AttLayer (W, u) and a 1-D u', () => {
    expect(info(classifyAttention(layer('att_layer_1', [w('att_layer_1/W', [4, 3]), w('att_layer_1/u', [3, 1])])))).toMatchObject({ variant: 'attlayer', weights: { W: 'g/att_layer_1/W', u: 'g/att_layer_1/u' } });
    expect(info(classifyAttention(layer('att', [w('vars/0', [6, 2]), w('vars/1', [2]), w('vars/2', [2])]))).variant).toBe('attlayer');
  });

  it('a square W: the class or layer name decides, else the shape of u', () => {
    const ws = (u: number[]) => [w('a/Variable:0', [5, 5]), w('a/Variable_1:0', [5]), w('a/Variable_2:0', u)];
    expect(info(classifyAttention(layer('x', ws([5, 1]), 'AttLayer'))).variant).toBe('attlayer');
    expect(info(classifyAttention(layer('x', ws([5]), 'AttLayer'))).variant).toBe('attlayer');
    expect(info(classifyAttention(layer('att_layer_3', ws([5])))).variant).toBe('attlayer');
    expect(info(classifyAttention(layer('x', ws([5, 1]), 'AttentionWithContext'), 'tensorflow')).variant).toBe('awc-tf');
    expect(info(classifyAttention(layer('attention_with_context', ws([5, 1])), 'theano')).variant).toBe('awc-th');
    expect(info(classifyAttention(layer('attention_1', ws([5])), 'tensorflow')).variant).toBe('awc-tf');
    expect(info(classifyAttention(layer('attention_1', ws([5, 1])))).variant).toBe('attlayer');
  });

  it('a Dense(1) score layer inside an attention layer is linear; the same Dense elsewhere is not attention', () => {
    const dense = [w('attention_layer_4/dense_11/kernel', [64, 1]), w('attention_layer_4/dense_11/bias', [1])];
    expect(info(classifyAttention(layer('attention_layer_4', dense, 'AttentionLayer')))).toMatchObject({ variant: 'linear', inputDim: 64, attentionDim: 1, weights: { W: 'g/attention_layer_4/dense_11/kernel', b: 'g/attention_layer_4/dense_11/bias' } });
    expect(info(classifyAttention(layer('attention', [w('score_dense/vars/0', [8, 1])]))).weights).toEqual({ W: 'g/score_dense/vars/0' });
    expect(classifyAttention(layer('dense_12', [w('dense_12/kernel', [64, 1]), w('dense_12/bias', [1])], 'Dense'))).toBeUndefined();
  });

  it('look-alikes are unrecognised, never guessed', () => {
    const suprobe = layer('attention_layer_1', [0, 1, 2].map((i) => w(`attention_layer_1/att_weight${i}:0`, [15, 15])), 'AttentionLayer');
    expect(unrec(classifyAttention(suprobe, 'tensorflow'))).toMatch(/att_weight0:0 \(15, 15\), att_weight1:0 \(15, 15\), att_weight2:0 \(15, 15\).*match none/);
    expect(unrec(classifyAttention(layer('att_layer_1', [w('param_0', [200])])))).toMatch(/no context vector/);
    expect(unrec(classifyAttention(layer('attention_with_context_1', [w('W', [4, 3]), w('b', [3]), w('u', [3])], 'AttentionWithContext')))).toMatch(/not square/);
    expect(unrec(classifyAttention(layer('mha', [w('query/kernel', [8, 2, 4]), w('key/kernel', [8, 2, 4]), w('value/kernel', [8, 2, 4]), w('attention_output/kernel', [2, 4, 8])], 'MultiHeadAttention')))).toMatch(/match none/);
    expect(unrec(classifyAttention(layer('attention', [], 'Attention')))).toMatch(/no weights/);
    expect(unrec(classifyAttention(layer('att_layer_1', [w('W', [4, 3], 'int32'), w('b', [3]), w('u', [3, 1])])))).toMatch(/int32 weight/);
    expect(unrec(classifyAttention(layer('att_layer_1', [w('W', [4, 3]), w('b', [4]), w('u', [3, 1])])))).toMatch(/match none/);
  });

  it('ordinary layers are not attention', () => {
    expect(classifyAttention(layer('dense_1', [w('dense_1/kernel:0', [6, 2]), w('dense_1/bias:0', [2])], 'Dense'))).toBeUndefined();
    expect(classifyAttention(layer('gru_1', [w('gru_1/kernel:0', [4, 9]), w('gru_1/recurrent_kernel:0', [3, 9]), w('gru_1/bias:0', [9])], 'GRU'))).toBeUndefined();
    expect(classifyAttention(layer('dropout_1', [], 'Dropout'))).toBeUndefined();
    // unnamed W/b/u-shaped weights in a layer whose name says nothing: no guess
    expect(classifyAttention(layer('custom_1', [w('Variable:0', [6, 4]), w('Variable_1:0', [4]), w('Variable_2:0', [4, 1])]))).toBeUndefined();
    // but weights named W, b, u with a context vector are attention whatever the layer is called
    expect(info(classifyAttention(layer('han_words', [w('han_words/W:0', [6, 4]), w('han_words/b:0', [4]), w('han_words/u:0', [4, 1])]))).variant).toBe('attlayer');
  });

  it('property: AttLayer shapes (F ≠ A) always give attlayer with F and A; a broken u never classifies', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), (F, A, bias, uCol) => {
      fc.pre(F !== A);
      const ws = [w('att_layer_1/Variable:0', [F, A]), ...(bias ? [w('att_layer_1/Variable_1:0', [A])] : []), w('att_layer_1/Variable_2:0', uCol ? [A, 1] : [A])];
      if (!bias && A === 1 && !uCol) return; // (F,1) + (1,) is a Dense(1) score layer
      const r = info(classifyAttention(layer('att_layer_1', ws, 'AttLayer')));
      expect(r).toMatchObject({ variant: 'attlayer', inputDim: F, attentionDim: A });
      expect(Boolean(r.weights.b)).toBe(bias);
      const bad = [...ws.slice(0, -1), w('att_layer_1/Variable_2:0', [A + 1])];
      expect(classifyAttention(layer('att_layer_1', bad, 'AttLayer'))).toHaveProperty('unrecognised');
    }));
  });

  it('property: AttentionWithContext picks awc-tf exactly when the backend is tensorflow or unknown', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 512 }), fc.option(fc.constantFrom('tensorflow', 'theano', 'cntk', 'jax', 'torch'), { nil: undefined }), (F, backend) => {
      const r = info(classifyAttention(layer('attention_with_context_1', [w('W', [F, F]), w('b', [F]), w('u', [F])], 'AttentionWithContext'), backend));
      expect(r.variant).toBe(backend === undefined || backend === 'tensorflow' ? 'awc-tf' : 'awc-th');
      expect(r.inputDim).toBe(F);
    }));
  });
});

describe('looksLikeAttention', () => {
  it('reads class and layer names, not substrings of other words', () => {
    for (const [name, cls] of [['att_layer_1', undefined], ['x', 'AttLayer'], ['attlayer_1', undefined], ['attention_with_context_1', undefined], ['y', 'HANAttention'], ['z', 'MultiHeadAttention'], ['time_distributed_1/att_layer_1', undefined]] as const) {
      expect(looksLikeAttention({ name, ...(cls ? { className: cls } : {}) }), `${name} ${cls}`).toBe(true);
    }
    for (const [name, cls] of [['pattern_1', undefined], ['battery', undefined], ['dense_1', 'Dense'], ['time_distributed_1', 'TimeDistributed'], ['scatter', undefined]] as const) {
      expect(looksLikeAttention({ name, ...(cls ? { className: cls } : {}) }), `${name} ${cls}`).toBe(false);
    }
  });
});

describe('nested layers and findAttentionLayers', () => {
  const td = layer('time_distributed_1', [
    w('embedding_1/embeddings:0', [12, 4]),
    w('bidirectional_1/forward_gru_1/kernel:0', [4, 9]),
    w('bidirectional_1/backward_gru_1/kernel:0', [4, 9]),
    w('att_layer_1/W:0', [6, 5]), w('att_layer_1/b:0', [5]), w('att_layer_1/u:0', [5, 1]),
  ], 'TimeDistributed');

  it('splits a wrapper into its inner layers, in order, with classes from the config', () => {
    const parts = nestedLayers(td, new Map([['att_layer_1', 'AttLayer']]));
    expect(parts.map((p) => [p.name, p.className, p.weights.length])).toEqual([
      ['time_distributed_1/embedding_1', undefined, 1],
      ['time_distributed_1/bidirectional_1/forward_gru_1', undefined, 1],
      ['time_distributed_1/bidirectional_1/backward_gru_1', undefined, 1],
      ['time_distributed_1/att_layer_1', 'AttLayer', 3],
    ]);
    // a layer's own weights (scoped by its own name, or Keras 3 own vars) stay one layer
    expect(nestedLayers(layer('dense_1', [w('dense_1/kernel:0', [2, 2]), w('dense_1/bias:0', [2])]))).toHaveLength(1);
    expect(nestedLayers(layer('dense', [w('vars/0', [2, 2]), w('vars/1', [2])]))).toHaveLength(1);
  });

  it('finds the word-level AttLayer inside the TimeDistributed encoder and the sentence-level one', () => {
    const sent = layer('att_layer_2', [w('att_layer_2/Variable:0', [6, 4]), w('att_layer_2/Variable_1:0', [4]), w('att_layer_2/Variable_2:0', [4, 1])], 'AttLayer');
    const odd = layer('attention_layer_1', [0, 1, 2].map((i) => w(`attention_layer_1/att_weight${i}:0`, [6, 6])), 'AttentionLayer');
    const r = findAttentionLayers([td, sent, odd, layer('dense_1', [w('dense_1/kernel:0', [6, 2])], 'Dense')], 'tensorflow', new Map([['att_layer_1', 'AttLayer']]));
    expect(r.attentionLayers.map((a) => [a.layer, a.variant, a.inputDim, a.attentionDim])).toEqual([
      ['time_distributed_1/att_layer_1', 'attlayer', 6, 5],
      ['att_layer_2', 'attlayer', 6, 4],
    ]);
    expect(r.unrecognisedAttention.map((u) => u.layer)).toEqual(['attention_layer_1']);
  });
});

describe('the fixtures, classified', () => {
  const files: KerasFile[] = [];
  afterEach(() => {
    while (files.length) files.pop()!.close();
  });
  const attention = async (name: string): Promise<{ a: AttentionLayerInfo[]; u: KerasFile['unrecognisedAttention'] }> => {
    const k = await openKeras(fx(name));
    files.push(k);
    return { a: k.attentionLayers, u: k.unrecognisedAttention };
  };

  it('Keras 2 HAN: two AttLayers (nested and Variable-named), the look-alike unrecognised', async () => {
    const { a, u } = await attention('keras2-han.h5');
    expect(a).toEqual([
      expect.objectContaining({ layer: 'time_distributed_1/att_layer_1', className: 'AttLayer', variant: 'attlayer', inputDim: 6, attentionDim: 5,
        weights: { W: 'model_weights/time_distributed_1/att_layer_1/W:0', b: 'model_weights/time_distributed_1/att_layer_1/b:0', u: 'model_weights/time_distributed_1/att_layer_1/u:0' } }),
      expect.objectContaining({ layer: 'att_layer_2', variant: 'attlayer', inputDim: 6, attentionDim: 4,
        weights: { W: 'model_weights/att_layer_2/att_layer_2/Variable:0', b: 'model_weights/att_layer_2/att_layer_2/Variable_1:0', u: 'model_weights/att_layer_2/att_layer_2/Variable_2:0' } }),
    ]);
    expect(u).toEqual([{ layer: 'attention_layer_1', reason: expect.stringMatching(/att_weight0:0 \(6, 6\)/) }]);
  });

  it('tf.keras AttentionWithContext on tensorflow; the Dense(1) output is not attention', async () => {
    const { a, u } = await attention('tfkeras27-full.h5');
    expect(a).toEqual([expect.objectContaining({ layer: 'attention_with_context', variant: 'awc-tf', backend: 'tensorflow', inputDim: 4, attentionDim: 4 })]);
    expect(u).toEqual([]);
  });

  it('Theano weights: awc-th, and a bias-free AttLayer', async () => {
    const { a } = await attention('keras2-theano-weights.h5');
    expect(a.map((x) => [x.layer, x.variant, x.weights])).toEqual([
      ['attention_with_context_1', 'awc-th', {
        W: 'attention_with_context_1/attention_with_context_1/attention_with_context_1_W',
        b: 'attention_with_context_1/attention_with_context_1/attention_with_context_1_b',
        u: 'attention_with_context_1/attention_with_context_1/attention_with_context_1_u',
      }],
      ['att_layer_1', 'attlayer', { W: 'att_layer_1/att_layer_1/W', u: 'att_layer_1/att_layer_1/u' }],
    ]);
  });

  it('Keras 3: a Dense(1) score layer (linear) in legacy .h5; AttentionWithContext in .weights.h5 and .keras with the backend assumed', async () => {
    expect((await attention('keras3-legacy.h5')).a).toEqual([expect.objectContaining({ layer: 'attention_layer', variant: 'linear', inputDim: 4, attentionDim: 1,
      weights: { W: 'model_weights/attention_layer/attention_layer/dense/kernel', b: 'model_weights/attention_layer/attention_layer/dense/bias' } })]);
    for (const f of ['keras3.weights.h5', 'keras3.keras']) {
      const [x] = (await attention(f)).a;
      expect(x).toMatchObject({ variant: 'awc-tf', weights: { W: 'layers/attention_with_context/vars/0', b: 'layers/attention_with_context/vars/1', u: 'layers/attention_with_context/vars/2' } });
      expect(x!.reason).toMatch(/no backend/);
    }
    expect((await attention('tfkeras213.weights.h5')).a).toEqual([expect.objectContaining({ layer: 'att_layer', variant: 'attlayer', inputDim: 3, attentionDim: 2 })]);
  });

  it('Keras 1 unnamed AttLayer (param_0..2) and a float16/big-endian AttLayer', async () => {
    expect((await attention('keras1-full.h5')).a.map((x) => x.variant)).toEqual(['attlayer']);
    expect((await attention('dtypes.h5')).a).toEqual([expect.objectContaining({ layer: 'att_layer', variant: 'attlayer', inputDim: 4, attentionDim: 3 })]);
  });
});
