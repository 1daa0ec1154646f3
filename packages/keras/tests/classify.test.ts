import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DType } from '@attnlens/core';
import { classifyAttention, findAttentionLayers, looksLikeAttention, nestedLayers } from '../src/classify.js';
import { classNamesByLayer } from '../src/model-config.js';
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
    // no backend attribute: Keras 1's '{layer}_W:0' names are TensorFlow's, so that decides
    const byNames = info(classifyAttention(awc));
    expect(byNames.variant).toBe('awc-tf');
    expect(byNames.reason).toMatch(/no backend attribute; its weight names \(attention_with_context_1_W:0, .*\) end in ':0', as TensorFlow names variables, so tensorflow decided/);
    const unnamed = layer('attention_with_context_1', [w('vars/0', [15, 15]), w('vars/1', [15]), w('vars/2', [15])], 'AttentionWithContext');
    const unknown = info(classifyAttention(unnamed));
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

describe('the forms of the second corpus search', () => {
  const seq = (...layers: [string, string, Record<string, unknown>?][]) => ({ class_name: 'Sequential', config: { name: 's', layers: layers.map(([cls, name, c]) => ({ class_name: cls, config: { name, ...(c ?? {}) } })) } });
  const k2 = (...layers: [string, string, string[], Record<string, unknown>?][]) => ({
    class_name: 'Model',
    config: { name: 'm', layers: layers.map(([cls, name, inputs, c]) => ({ class_name: cls, name, config: { name, ...(c ?? {}) }, inbound_nodes: inputs.length ? [inputs.map((i) => [i, 0, 0, {}])] : [] })), output_layers: [] },
  });

  it('a per-step bias (att_weight (F,1), att_bias (T,1)), named or by position, is step-bias', () => {
    const r = info(classifyAttention(layer('attention', [w('attention/att_weight', [64, 1]), w('attention/att_bias', [50, 1])], 'AttentionStep')));
    expect(r).toMatchObject({ variant: 'step-bias', inputDim: 64, attentionDim: 1, weights: { W: 'g/attention/att_weight', b: 'g/attention/att_bias' } });
    expect(r.reason).toMatch(/one bias per time step, T = 50; weights named\): tanh\(x·w \+ b_t\), softmaxed over time/);
    expect(info(classifyAttention(layer('att_1', [w('att_1/Variable:0', [8, 1]), w('att_1/Variable_1:0', [12, 1])]))).variant).toBe('step-bias');
    // an AttLayer with A = 1 keeps u (1,1), and a Dense(1) has bias (1,): neither is a per-step bias
    expect(info(classifyAttention(layer('att_layer_1', [w('att_layer_1/Variable:0', [8, 1]), w('att_layer_1/Variable_1:0', [1, 1])]))).variant).toBe('attlayer');
    expect(info(classifyAttention(layer('attention_layer', [w('attention_layer/dense/kernel', [8, 1]), w('attention_layer/dense/bias', [1])]))).variant).toBe('linear');
  });

  it('class_name Attention: the built-in (no weights, or only a scale) is unrecognised, a custom one is told apart by its weights', () => {
    const cfg = k2(['InputLayer', 'q', []], ['GRU', 'gru', ['q']], ['Attention', 'attention', ['q', 'gru'], { score_mode: 'dot', use_scale: false }]);
    const none = unrec(classifyAttention(layer('attention', [], 'Attention'), 'tensorflow', { modelConfig: cfg }));
    expect(none).toBe("Attention is Keras's built-in layer (score_mode dot, use_scale false) and holds no weights: it scores a query against values (q, gru) from their activations at run time, which a weights file does not hold");
    expect(unrec(classifyAttention(layer('attention', [w('attention/scale:0', [])], 'Attention')))).toMatch(/built-in layer and holds only scale:0 \(\)/);
    expect(unrec(classifyAttention(layer('additive_attention', [w('additive_attention/scale', [16])], 'AdditiveAttention')))).toMatch(/AdditiveAttention is Keras's built-in layer/);
    const custom = info(classifyAttention(layer('attention', [w('attention/att_weight', [64, 1]), w('attention/att_bias', [50, 1])], 'Attention')));
    expect(custom.variant).toBe('step-bias');
    expect(custom.reason).toMatch(/class_name Attention is also Keras's built-in layer, but that one holds no weights \(at most a scalar scale\), so its weights make this a custom layer/);
  });

  it("no u and a square W with b (F,) named by the layer is per-feature; a Dense's kernel never is", () => {
    const r = info(classifyAttention(layer('attention_layer_7', [w('attention_layer_7/attention_layer_7_W:0', [64, 64]), w('attention_layer_7/attention_layer_7_b:0', [64])], 'Attention_layer')));
    expect(r).toMatchObject({ variant: 'per-feature', inputDim: 64, attentionDim: 64, weights: { W: 'g/attention_layer_7/attention_layer_7_W:0', b: 'g/attention_layer_7/attention_layer_7_b:0' } });
    expect(r.reason).toMatch(/no context vector u; weights named\): exp\(tanh\(x·W \+ b\)\) normalised over time for each feature/);
    expect(unrec(classifyAttention(layer('attention_block', [w('attention_block/dense/kernel', [8, 8]), w('attention_block/dense/bias', [8])])))).toMatch(/match none/);
    // unnamed (F,F) + (F,): AttentionWithContext without bias by position, and the reason says what else it may be
    const unnamed = info(classifyAttention(layer('attention_1', [w('attention_1/Variable:0', [6, 6]), w('attention_1/Variable_1:0', [6])]), 'tensorflow'));
    expect(unnamed.variant).toBe('awc-tf');
    expect(unnamed.reason).toMatch(/also a per-feature layer's W and b: use variant per-feature if the layer has no context vector$/);
    expect(unrec(classifyAttention(layer('attention_layer_7', [w('attention_layer_7_W', [6, 6]), w('attention_layer_7_b', [5])])))).toMatch(/match none/);
  });

  it('a top-level Dense is a score head only when the model config softmaxes its output over time', () => {
    const d1 = (name: string) => layer(name, [w(`${name}/kernel:0`, [16, 1]), w(`${name}/bias:0`, [1])], 'Dense');
    const graph = k2(['InputLayer', 'in', []], ['LSTM', 'lstm', ['in']], ['Dense', 'score', ['lstm']], ['Flatten', 'flatten_1', ['score']], ['Activation', 'probs', ['flatten_1'], { activation: 'softmax' }],
      ['Dense', 'attention_dense', ['lstm']], ['Dense', 'out', ['attention_dense']], ['Dense', 'tanh_score', ['lstm'], { activation: 'tanh' }], ['Flatten', 'flatten_2', ['tanh_score']], ['Softmax', 'sm', ['flatten_2']]);
    const ctx = { modelConfig: graph };
    const head = info(classifyAttention(d1('score'), 'tensorflow', ctx));
    expect(head).toMatchObject({ layer: 'score', variant: 'linear', inputDim: 16, weights: { W: 'g/score/kernel:0', b: 'g/score/bias:0' } });
    expect(head.reason).toBe('a Dense(1) score head (kernel (16, 1), bias (1,)): the model config sends its output through flatten_1 → probs (Activation softmax), a softmax over time; scores are x·w + b');
    expect(unrec(classifyAttention(d1('attention_dense'), 'tensorflow', ctx))).toBe('Dense layer attention_dense is named like attention, but a Dense is a score head only when its output is softmaxed over time, and its output goes to out, which does not softmax it over time: it is not attention by itself');
    expect(unrec(classifyAttention(d1('tanh_score'), 'tensorflow', ctx))).toMatch(/softmaxed over time \(flatten_2 → sm \(Softmax\)\) but has activation tanh/);
    expect(unrec(classifyAttention(d1('attention_dense')))).toMatch(/the file has no model config to show what consumes it/);
    expect(classifyAttention(d1('out'), 'tensorflow', ctx)).toBeUndefined();
    // a Dense(1) softmaxed over its own size-1 axis is not over time
    expect(classifyAttention(d1('score'), 'tensorflow', { modelConfig: k2(['Dense', 'score', []], ['Activation', 'a', ['score'], { activation: 'softmax' }]) })).toBeUndefined();
    // the softmax layers after a recognised head are that head, not more unrecognised attention
    const r = findAttentionLayers([d1('score'), layer('attention_probs', [], 'Activation')], 'tensorflow', undefined, {
      modelConfig: k2(['Dense', 'score', []], ['Reshape', 'r', ['score']], ['Activation', 'attention_probs', ['r'], { activation: 'softmax' }]),
    });
    expect(r.attentionLayers.map((a) => a.layer)).toEqual(['score']);
    expect(r.unrecognisedAttention).toEqual([]);
  });

  it('a weightless layer named like attention says what it is built from', () => {
    const cfg = k2(['InputLayer', 'in', []], ['Dense', 'dense_1', ['in'], { units: 8, activation: 'softmax' }], ['Lambda', 'dim_reduction', ['dense_1']], ['Permute', 'attention_vec', ['dim_reduction']]);
    expect(unrec(classifyAttention(layer('attention_vec', [], 'Permute'), 'tensorflow', { modelConfig: cfg }))).toBe(
      'Permute layer has no weights (it reads dense_1 (Dense with softmax over its last axis, 8 units) → dim_reduction (Lambda: Python code, not in the file): attention built from built-in layers): parameter-free attention is computed from activations, which a weights file does not hold',
    );
    // a Sequential config is a chain
    expect(unrec(classifyAttention(layer('attention_vec', [], 'Permute'), undefined, { modelConfig: seq(['Dense', 'dense_1', { activation: 'softmax' }], ['Permute', 'attention_vec']) }))).toMatch(/it reads dense_1 \(Dense with softmax/);
  });

  it('AttentionWithContext without a backend attribute: Keras 1 names decide, and the reason says which', () => {
    const awc = (suffix: string) => layer('attentionwithcontext_1', ['W', 'b', 'u'].map((r, i) => w(`attentionwithcontext_1_${r}${suffix}`, i ? [3] : [3, 3])), 'AttentionWithContext');
    const th = info(classifyAttention(awc(''), undefined, { kerasVersion: '1.2.2' }));
    expect(th).toMatchObject({ variant: 'awc-th', backend: 'theano' });
    expect(th.reason).toMatch(/no backend attribute; its weight names \(attentionwithcontext_1_W, attentionwithcontext_1_b, attentionwithcontext_1_u\) are Keras 1's \{layer\}_W naming without ':0' \(keras_version 1\.2\.2\), which only Theano writes.*so theano decided: its dot_product is K\.dot\(x, W\), x·W/);
    expect(info(classifyAttention(awc(':0'))).variant).toBe('awc-tf');
    // Keras 3 writes no ':0' on any backend: its names are no evidence, and the assumption is said
    const k3 = info(classifyAttention(awc(''), undefined, { kerasVersion: '3.4.1' }));
    expect(k3.variant).toBe('awc-tf');
    expect(k3.reason).toMatch(/names no backend, so tensorflow \(the usual one\) is assumed/);
    // the backend attribute, when there is one, decides over the names
    expect(info(classifyAttention(awc(''), 'tensorflow')).variant).toBe('awc-tf');
    // no Keras 1 names on the layer: other layers' ':0' names are TensorFlow's
    const plain = layer('attention_with_context', [w('vars/0', [3, 3]), w('vars/1', [3]), w('vars/2', [3])], 'AttentionWithContext');
    const r = findAttentionLayers([layer('dense_1', [w('dense_1/kernel:0', [3, 3])], 'Dense'), plain]);
    expect(r.attentionLayers[0]!.reason).toMatch(/other weights are named like dense_1\/kernel:0, with TensorFlow's ':0'/);
  });
});

describe('the second-search fixtures, classified', () => {
  const files: KerasFile[] = [];
  afterEach(() => {
    while (files.length) files.pop()!.close();
  });
  /** The file's layers classified with its model config and version as context. */
  const classify = async (name: string) => {
    const k = await openKeras(fx(name));
    files.push(k);
    return findAttentionLayers(k.layers, k.backend, classNamesByLayer(k.modelConfig), { modelConfig: k.modelConfig, ...(k.kerasVersion ? { kerasVersion: k.kerasVersion } : {}) });
  };

  it("Keras 2 Sequential with mayuefine's Attention_layer: per-feature", async () => {
    const { attentionLayers: a, unrecognisedAttention: u } = await classify('keras2-per-feature.h5');
    expect(a).toEqual([expect.objectContaining({ layer: 'attention_layer_1', className: 'Attention_layer', variant: 'per-feature', inputDim: 4, attentionDim: 4,
      weights: { W: 'model_weights/attention_layer_1/attention_layer_1/attention_layer_1_W:0', b: 'model_weights/attention_layer_1/attention_layer_1/attention_layer_1_b:0' } })]);
    expect(u).toEqual([]);
  });

  it('Keras 3 Functional: a custom Attention (step-bias), the built-in Attention, a Dense(1) head and a Dense(1) that is not one', async () => {
    const { attentionLayers: a, unrecognisedAttention: u } = await classify('keras3-step-bias.h5');
    expect(a.map((x) => [x.layer, x.className, x.variant, x.inputDim, x.weights])).toEqual([
      ['attention', 'Attention', 'step-bias', 3, { W: 'model_weights/attention/attention/att_weight', b: 'model_weights/attention/attention/att_bias' }],
      ['score', 'Dense', 'linear', 3, { W: 'model_weights/score/score/kernel', b: 'model_weights/score/score/bias' }],
    ]);
    expect(a[0]!.reason).toMatch(/attention is a model output/);
    expect(u.map((x) => x.layer)).toEqual(['attention_1', 'attention_dense']);
    expect(u[0]!.reason).toMatch(/built-in layer \(score_mode dot, use_scale false\).*\(query, lstm\)/);
  });

  it('Keras 1 on Theano without a backend attribute: awc-th from the weight names, through openKeras', async () => {
    const k = await openKeras(fx('keras1-theano-awc.h5'));
    files.push(k);
    expect(k.backend).toBeUndefined();
    expect(k.attentionLayers).toEqual([expect.objectContaining({ layer: 'attentionwithcontext_1', variant: 'awc-th', backend: 'theano', reason: expect.stringMatching(/which only Theano writes/) })]);
  });
});
