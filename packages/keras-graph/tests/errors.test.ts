// Bad configs, weights and inputs: each a clear AttnlensError naming what was wrong, never a
// stack overflow, a hang or silently wrong numbers. Models are built in memory (a KerasFile
// stand-in holding the weights) so each case is one bad thing.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@attnlens/core';
import { loadModel } from '../src/index.js';
import { f32, file, input, L, model, node } from './helpers.js';
import { errorOf as error } from '../../../test/helpers/errors.js';


const dense = (name: string, fin: number, units: number) => ({ [name]: [['kernel:0', f32([fin, units])], ['bias:0', f32([units])]] as [string, Tensor][] });

describe('configs that are not a Keras model', () => {
  it('a weights-only file without a config says to pass model.to_json()', () => {
    const e = error(() => loadModel(file(undefined)));
    expect(e).toMatchObject({ code: 'NOT_FOUND', file: 'model.h5' });
    expect(e.hint).toMatch(/to_json/);
  });

  it('text that is not JSON, a class that is not a model, a layer without class_name', () => {
    expect(error(() => loadModel(file('{"class_name": "Mod')))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/not JSON/) });
    expect(error(() => loadModel(file({ class_name: 'Dense', config: {} })))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/"Dense", not Sequential/) });
    expect(error(() => loadModel(file({ class_name: 'Sequential', config: [{ config: { name: 'x' } }] })))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/no class_name/) });
  });

  it('an inbound layer that does not exist, and a cycle, are named', () => {
    const missing = model([input('x', [3]), L('Dense', 'd', node('ghost'), { units: 2 })], ['x'], ['d']);
    expect(error(() => loadModel(file(missing, dense('d', 3, 2))))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/d reads from ghost/) });
    const cycle = model([input('x', [3]), L('Dense', 'a', node('b'), { units: 3 }), L('Dense', 'b', node('a'), { units: 3 })], ['x'], ['b']);
    expect(error(() => loadModel(file(cycle, { ...dense('a', 3, 3), ...dense('b', 3, 3) })))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/cycle/) });
  });

  it('models nested 100 deep are refused, not a stack overflow', () => {
    let c: Record<string, unknown> = { class_name: 'Sequential', config: { name: 's0', layers: [{ class_name: 'Dense', config: { name: 'd', units: 1, batch_input_shape: [null, 1] } }] } };
    for (let i = 1; i < 100; i++) c = { class_name: 'Sequential', config: { name: `s${i}`, layers: [{ ...c, config: { ...(c.config as object), name: `s${i}x` } }] } };
    expect(error(() => loadModel(file(c)))).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/nested more than 32/) });
  });
});

describe('weights that do not fit the config', () => {
  it('a kernel of the wrong shape names the layer and both shapes', () => {
    const c = model([input('x', [5, 3]), L('LSTM', 'lstm', node('x'), { units: 4 })], ['x'], ['lstm']);
    const e = error(() => loadModel(file(c, { lstm: [['kernel:0', f32([3, 16])], ['recurrent_kernel:0', f32([4, 12])], ['bias:0', f32([16])]] })));
    expect(e).toMatchObject({ code: 'SHAPE_MISMATCH', reason: expect.stringMatching(/layer lstm: its recurrent kernel is \(4, 12\), expected \(4, 16\)/) });
  });

  it('a layer the config needs weights for but the file lacks', () => {
    const c = model([input('x', [3]), L('Dense', 'd', node('x'), { units: 2 })], ['x'], ['d']);
    expect(error(() => loadModel(file(c)))).toMatchObject({ code: 'NOT_FOUND', reason: expect.stringMatching(/no weights for layer d \(Dense\)/) });
  });

  it('a nested model holding fewer weights than its layers need', () => {
    const inner = { class_name: 'Sequential', config: { name: 'inner', layers: [{ class_name: 'Dense', config: { name: 'd1', units: 2, batch_input_shape: [null, 3] } }, { class_name: 'Dense', config: { name: 'd2', units: 2 } }] } };
    const c = model([input('x', [3]), { name: 'inner', class_name: 'Sequential', config: inner.config, inbound_nodes: node('x') }], ['x'], ['inner']);
    const e = error(() => loadModel(file(c, { inner: [['d1/kernel:0', f32([3, 2])], ['d1/bias:0', f32([2])], ['d2/kernel:0', f32([2, 2])]] })));
    expect(e).toMatchObject({ code: 'CORRUPT', reason: expect.stringMatching(/layer inner holds 3 weights/) });
  });
});

describe('running', () => {
  const c = model([input('x', [4, 3]), L('Dense', 'd', node('x'), { units: 2, activation: 'softmax' }), L('Flatten', 'f', node('d'))], ['x'], ['f']);
  const m = loadModel(file(c, dense('d', 3, 2)));

  it('the wrong number of inputs, or the wrong shape, says what the model takes', () => {
    expect(error(() => m.run([], [{ layer: 'f', what: 'output' }]))).toMatchObject({ code: 'BAD_ARGUMENT', reason: expect.stringMatching(/takes 1 input \(x \(N, 4, 3\)\), got 0/) });
    expect(error(() => m.run([f32([2, 4, 5])], [{ layer: 'f', what: 'output' }]))).toMatchObject({ code: 'SHAPE_MISMATCH', reason: expect.stringMatching(/input x is \(N, 4, 3\) but the array given is \(2, 4, 5\)/) });
  });

  it('an unknown tap layer lists the layers; scores of a layer that makes none is an error', () => {
    expect(error(() => m.run([f32([2, 4, 3])], [{ layer: 'nope', what: 'output' }]))).toMatchObject({ code: 'NOT_FOUND', hint: expect.stringMatching(/x, d, f/) });
    expect(error(() => m.run([f32([2, 4, 3])], [{ layer: 'f', what: 'scores' }]))).toMatchObject({ code: 'NOT_FOUND', reason: expect.stringMatching(/no scores/) });
    expect(error(() => m.run([f32([2, 4, 3])], [{ layer: 'd', what: 'output', index: 1 }]))).toMatchObject({ code: 'NOT_FOUND', reason: expect.stringMatching(/no output 1/) });
    const [s] = m.run([f32([2, 4, 3])], [{ layer: 'd', what: 'scores' }]);
    expect(s!.value.shape).toEqual([2, 4, 2]);
  });

  it('token ids outside the vocabulary are refused, not read past the table', () => {
    const e = model([input('ids', [3], 'int32'), L('Embedding', 'e', node('ids'), { input_dim: 5, output_dim: 2 })], ['ids'], ['e']);
    const em = loadModel(file(e, { e: [['embeddings:0', f32([5, 2])]] }));
    const ids: Tensor = { dtype: 'int32', shape: [1, 3], data: Int32Array.from([1, 7, 2]) };
    expect(error(() => em.run([ids], [{ layer: 'e', what: 'output' }]))).toMatchObject({ code: 'BAD_ARGUMENT', reason: expect.stringMatching(/token id 7/) });
  });

  it('an unknown custom class is not runnable; running through it names it and the layer after it; its input can still be tapped', () => {
    const cc = model([input('x', [4, 3]), L('MyLayer', 'mine', node('x')), L('Dense', 'after', node('mine'), { units: 2 })], ['x'], ['after']);
    const mm = loadModel(file(cc, dense('after', 3, 2)));
    expect(mm.layers.find((l) => l.name === 'mine')).toMatchObject({ runnable: false, reason: expect.stringMatching(/MyLayer is a custom class/) });
    const e = error(() => mm.run([f32([1, 4, 3])], [{ layer: 'after', what: 'output' }]));
    expect(e).toMatchObject({ code: 'UNSUPPORTED', reason: expect.stringMatching(/layer mine \(MyLayer\) cannot be run/), hint: expect.stringMatching(/after/) });
    const [x] = mm.run([f32([1, 4, 3])], [{ layer: 'mine', what: 'input' }]);
    expect([...x!.value.data]).toEqual([...f32([1, 4, 3]).data]);
    // Fed past it, the rest runs.
    const [y] = mm.run([], [{ layer: 'after', what: 'output' }], { feeds: [{ layer: 'after', value: f32([1, 4, 3]) }] });
    expect(y!.value.shape).toEqual([1, 4, 2]);
  });

  it('a Merge with a Python lambda mode, an unknown activation, a merge_mode Keras lacks', () => {
    const mg = model([input('a', [2]), input('b', [2]), L('Merge', 'mg', node('a', 'b'), { mode: ['4wEAAAA=', null, null], mode_type: 'lambda' })], ['a', 'b'], ['mg']);
    expect(error(() => loadModel(file(mg)).run([f32([1, 2]), f32([1, 2])], [{ layer: 'mg', what: 'output' }]))).toMatchObject({ code: 'UNSUPPORTED', reason: expect.stringMatching(/Merge mode .* lambda/) });
    const act = model([input('x', [3]), L('Dense', 'd', node('x'), { units: 2, activation: 'my_act' })], ['x'], ['d']);
    expect(error(() => loadModel(file(act, dense('d', 3, 2))).run([f32([1, 3])], [{ layer: 'd', what: 'output' }]))).toMatchObject({ code: 'UNSUPPORTED', reason: expect.stringMatching(/activation "my_act"/) });
    const gru = { class_name: 'GRU', config: { name: 'g', units: 2, return_sequences: true } };
    const bi = model([input('x', [3, 2]), L('Bidirectional', 'bi', node('x'), { layer: gru, merge_mode: 'max' })], ['x'], ['bi']);
    const w: [string, Tensor][] = ['forward', 'backward'].flatMap((d) => [[`${d}_g/kernel:0`, f32([2, 6])], [`${d}_g/recurrent_kernel:0`, f32([2, 6])], [`${d}_g/bias:0`, f32([6])]] as [string, Tensor][]);
    expect(error(() => loadModel(file(bi, { bi: w })).run([f32([1, 3, 2])], [{ layer: 'bi', what: 'output' }]))).toMatchObject({ code: 'UNSUPPORTED', reason: expect.stringMatching(/merge_mode "max"/) });
  });
});

describe('configs asking for more than memory holds', () => {
  it('RepeatVector(1e9) is refused before anything is allocated, naming the layer and the size', () => {
    const c = model([input('x', [2]), L('RepeatVector', 'rep', node('x'), { n: 1e9 })], ['x'], ['rep']);
    const e = error(() => loadModel(file(c)).run([f32([1, 2])], [{ layer: 'rep', what: 'output' }]));
    expect(e).toMatchObject({ code: 'UNSUPPORTED', reason: expect.stringMatching(/layer rep \(RepeatVector\) would output \(1, 1000000000, 2\) = 2\.00e\+9 values/) });
    const z = model([input('x', [2]), L('RepeatVector', 'rep', node('x'), { n: 0.5 })], ['x'], ['rep']);
    expect(error(() => loadModel(file(z)).run([f32([1, 2])], [{ layer: 'rep', what: 'output' }]))).toMatchObject({ code: 'CORRUPT' });
  });
});
