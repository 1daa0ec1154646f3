// Config dialects → one graph: what each Keras writes, parsed to the same nodes.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../src/index.js';

describe('parseModelConfig', () => {
  it('Keras 1 Sequential as a bare list: the implicit input from input_dim, Keras 1 names in Keras 2 vocabulary', () => {
    const g = parseModelConfig({ class_name: 'Sequential', config: [
      { class_name: 'Dense', config: { name: 'dense_1', output_dim: 4, input_dim: 3, init: 'uniform', activation: 'relu', bias: false } },
      { class_name: 'TimeDistributedDense', config: { name: 'tdd', output_dim: 2 } },
      { class_name: 'LSTM', config: { name: 'lstm_1', output_dim: 5, inner_activation: 'sigmoid' } },
      { class_name: 'GRU', config: { name: 'gru_1', output_dim: 5 } },
    ] }, { kerasVersion: '1.2.2' });
    expect(g.inputSpecs).toEqual([{ name: 'dense_1_input', shape: [3], dtype: 'float32' }]);
    expect(g.nodes.map((n) => [n.layer, n.inbound.map((r) => r.layer)])).toEqual([['dense_1', ['dense_1_input']], ['tdd', ['dense_1']], ['lstm_1', ['tdd']], ['gru_1', ['lstm_1']]]);
    expect(g.layers.get('dense_1')!.config).toMatchObject({ units: 4, use_bias: false });
    expect(g.layers.get('tdd')!.className).toBe('Dense');
    expect(g.layers.get('lstm_1')!.config).toMatchObject({ units: 5, recurrent_activation: 'sigmoid' });
    // Keras 1's RNN default inner_activation is hard_sigmoid.
    expect(g.layers.get('gru_1')!.config).toMatchObject({ recurrent_activation: 'hard_sigmoid' });
  });

  it('a Sequential without an InputLayer takes its input shape from Keras 3 build_config or tf.keras build_input_shape', () => {
    const layers = [{ module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', units: 2 }, registered_name: null }];
    const k3 = parseModelConfig({ module: 'keras', class_name: 'Sequential', config: { name: 'sequential', layers }, build_config: { input_shape: [null, 7] } });
    expect(k3.inputSpecs).toEqual([{ name: 'dense_input', shape: [7], dtype: 'float32' }]);
    const tk = parseModelConfig({ class_name: 'Sequential', config: { name: 'sequential', layers, build_input_shape: [null, 4, 3] } });
    expect(tk.inputSpecs[0]!.shape).toEqual([4, 3]);
  });

  it('an Embedding first: ids of input_length; Keras 1 InputLayer input_dtype', () => {
    const g = parseModelConfig({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Embedding', config: { name: 'e', input_dim: 100, output_dim: 8, input_length: 7 } }] } });
    expect(g.inputSpecs).toEqual([{ name: 'e_input', shape: [7], dtype: 'int32' }]);
    const k1 = parseModelConfig({ class_name: 'Model', config: { name: 'm', layers: [{ name: 'i', class_name: 'InputLayer', config: { name: 'i', batch_input_shape: [null, 5], input_dtype: 'int32' }, inbound_nodes: [] }], input_layers: [['i', 0, 0]], output_layers: [['i', 0, 0]] } });
    expect(k1.inputSpecs).toEqual([{ name: 'i', shape: [5], dtype: 'int32' }]);
  });

  it('a shared layer called twice gets two nodes; tensors name their node and output index; out-of-order layers are sorted', () => {
    const L = (name: string, cls: string, inbound: unknown[]) => ({ name, class_name: cls, config: { name }, inbound_nodes: inbound });
    const g = parseModelConfig({ class_name: 'Model', config: { name: 'm', layers: [
      L('add', 'Add', [[['d', 0, 0, {}], ['d', 1, 0, {}]]]),
      L('d', 'Dense', [[['a', 0, 0, {}]], [['b', 0, 0, {}]]]),
      L('a', 'InputLayer', []), L('b', 'InputLayer', []),
    ], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['add', 0, 0]] } });
    expect(g.nodes.map((n) => `${n.layer}:${n.node}<-${n.inbound.map((r) => `${r.layer}:${r.node}:${r.index}`).join(',')}`)).toEqual(['d:0<-a:0:0', 'd:1<-b:0:0', 'add:0<-d:0:0,d:1:0']);
  });

  it('Keras 3 {args, kwargs} nodes: tensors in nested args, initial_state in kwargs, a mask never; a JSON string twice encoded', () => {
    const kt = (n: string, i = 0) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [n, 0, i] } });
    const cfg = { module: 'keras.src.models.functional', class_name: 'Functional', config: { name: 'f', layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { name: 'x', batch_shape: [null, 4, 3] }, name: 'x', inbound_nodes: [] },
      { module: 'keras.layers', class_name: 'InputLayer', config: { name: 'h0', batch_shape: [null, 2] }, name: 'h0', inbound_nodes: [] },
      { module: 'keras.layers', class_name: 'GRU', config: { name: 'gru', units: 2, activation: { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: null } }, name: 'gru',
        inbound_nodes: [{ args: [kt('x')], kwargs: { initial_state: [kt('h0')], mask: kt('x'), training: false } }] },
      { module: 'keras.layers', class_name: 'Attention', config: { name: 'att' }, name: 'att', inbound_nodes: [{ args: [[kt('gru'), kt('x')]], kwargs: {} }] },
    ], input_layers: [['x', 0, 0], ['h0', 0, 0]], output_layers: ['att', 0, 0] } };
    const g = parseModelConfig(JSON.stringify(JSON.stringify(cfg)));
    expect(g.nodes.map((n) => [n.layer, n.inbound.map((r) => r.layer)])).toEqual([['gru', ['x', 'h0']], ['att', ['gru', 'x']]]);
    expect(g.layers.get('gru')!.config.activation).toBe('relu');
    expect(g.outputs).toEqual([{ layer: 'att', node: 0, index: 0 }]);
    expect(g.inputSpecs.map((s) => s.shape)).toEqual([[4, 3], [2]]);
  });
});
