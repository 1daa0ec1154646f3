// inferChain's refusals, on tensor lists written here (only names and shapes matter to it):
// the cases the fixtures from torch do not hold.
import { describe, expect, it } from 'vitest';
import { classifyAttention } from '../src/classify.js';
import { inferChain } from '../src/chain.js';
import type { TorchTensorInfo } from '../src/tensor-data.js';

const info = (name: string, shape: number[]): TorchTensorInfo => ({
  name, dtype: 'float32', shape, strides: [], storageOffset: 0, storage: name, storageNumel: shape.reduce((a, b) => a * b, 1), location: 'cpu', parameter: true,
});
const rnn = (m: string, g: number, h: number, f: number, layers = 1, suffixes = ['']) =>
  Array.from({ length: layers }, (_, k) => suffixes.flatMap((s) => [
    info(`${m}.weight_ih_l${k}${s}`, [g * h, k === 0 ? f : h * suffixes.length]), info(`${m}.weight_hh_l${k}${s}`, [g * h, h]),
    info(`${m}.bias_ih_l${k}${s}`, [g * h]), info(`${m}.bias_hh_l${k}${s}`, [g * h]),
  ])).flat();
const head = (m: string, h: number) => [info(`${m}.weight`, [1, h]), info(`${m}.bias`, [1])];
const infer = (tensors: TorchTensorInfo[], o = {}) => inferChain({ tensors, attentionLayers: classifyAttention(tensors).found }, o);

describe('inferChain from keys and shapes', () => {
  it('a 3-layer bidirectional GRU inside a checkpoint dict, optimizer moments ignored', () => {
    const sd = [info('model_state_dict/emb.weight', [50, 8]), ...rnn('model_state_dict/encoder', 3, 4, 8, 3, ['', '_reverse']), ...head('model_state_dict/attn', 8), info('optimizer_state_dict/state/0/exp_avg', [50, 8])];
    const c = infer(sd).chain!;
    expect([c.word.rnn.layers, c.word.rnn.bidirectional, c.word.rnn.outputDim, c.embedding.module]).toEqual([3, true, 8, 'model_state_dict/emb']);
  });

  it.each([
    ['nn.RNN', [info('embedding.weight', [9, 4]), ...rnn('rnn', 1, 5, 4), ...head('attn', 5)], /rnn is an nn\.RNN .* whose nonlinearity \(tanh or relu\) the state_dict does not say/],
    ['proj_size', [info('embedding.weight', [9, 4]), ...rnn('rnn', 4, 5, 4), info('rnn.weight_hr_l0', [3, 5]), ...head('attn', 3)], /rnn is an LSTM with proj_size/],
    ['a layer of the wrong size', [info('embedding.weight', [9, 4]), ...rnn('rnn', 3, 5, 4, 2).map((t) => (t.name === 'rnn.weight_ih_l1' ? info(t.name, [15, 7]) : t)), ...head('attn', 5)], /rnn\.weight_ih_l1 is \(15, 7\), not \(15, 5\)/],
    ['sizes that do not meet', [info('embedding.weight', [9, 4]), ...rnn('rnn', 3, 5, 4), ...head('attn', 6)], /no RNN outputs what score head \(6→1\) attn takes \(GRU\(4→5\) rnn outputs 5\)/],
    ['an embedding of another size', [info('embedding.weight', [9, 3]), ...rnn('rnn', 3, 5, 4), ...head('attn', 5)], /no Embedding's E fits GRU\(4→5\) rnn \(F = 4\) \(embedding \(9, 3\)\)/],
    ['two chains', [info('embedding.weight', [9, 4]), ...rnn('rnn_a', 3, 5, 4), ...rnn('rnn_b', 4, 5, 4), ...head('attn', 5)], /fit 2 chains, .*GRU\(4→5\) rnn_a.* or .*LSTM\(4→5\) rnn_b.*: the state_dict does not say which one/],
  ])('refused: %s', (_, tensors, why) => {
    expect(infer(tensors).why).toMatch(why);
  });

  it('a LayerNorm of another size between the modules cannot sit in the chain, and is passed over', () => {
    const sd = [info('embedding.weight', [9, 4]), info('norm.weight', [7]), info('norm.bias', [7]), ...rnn('rnn', 3, 5, 4), ...head('attn', 5)];
    expect(infer(sd).chain?.description).toBe('Embedding(9, 4) embedding → GRU(4→5) rnn → score head (5→1) attn');
    const same = sd.map((t) => (t.name.startsWith('norm') ? info(t.name, [4]) : t));
    expect(infer(same).why).toMatch(/^module norm \(weight \(4,\), bias \(4,\)\) sits between/);
    // a classifier Linear(5→3) declared before the attention changes the size: it cannot sit between
    const fc = [info('embedding.weight', [9, 4]), ...rnn('rnn', 3, 5, 4), info('fc.weight', [3, 5]), info('fc.bias', [3]), ...head('attn', 5)];
    expect(infer(fc).why).toBeUndefined();
    // (a Linear(5→5) there would pair with attn as tanh(x·Wᵀ + b)·u; a LayerNorm(5) cannot)
    const ln = fc.map((t) => (t.name === 'fc.weight' ? info('ln.weight', [5]) : t.name === 'fc.bias' ? info('ln.bias', [5]) : t));
    expect(infer(ln).why).toMatch(/^module ln \(weight \(5,\), bias \(5,\)\) sits between .* keeps the size of a link/);
  });
});
