// Where the Keras mask goes: made by Masking/Embedding, passed by Dense, dropped by Conv1D,
// ANDed by a last-axis merge, concatenated by a Concatenate along time. Expected masks follow
// each layer's compute_mask in Keras 2 keras/layers/{core,merge,convolutional}.py.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@attnlens/core';
import { loadModel } from '../src/index.js';
import { f32, file, input, L, model, node } from './helpers.js';

describe('masks', () => {
  const seq = (rows: number[][]): Tensor => f32([1, rows.length, 2], (i) => rows[Math.floor(i / 2)]![i % 2]!);

  it('Masking makes it, Dense passes it, Conv1D drops it', () => {
    const c = model([input('x', [3, 2]), L('Masking', 'm', node('x'), { mask_value: 0 }), L('Dense', 'd', node('m'), { units: 2 }),
      L('Conv1D', 'c', node('d'), { filters: 1, kernel_size: [1], padding: 'valid' })], ['x'], ['c']);
    const w = { d: [['kernel:0', f32([2, 2])], ['bias:0', f32([2])]] as [string, Tensor][], c: [['kernel:0', f32([1, 2, 1])], ['bias:0', f32([1])]] as [string, Tensor][] };
    const m = loadModel(file(c, w));
    const [dm, cm] = m.run([seq([[1, 2], [0, 0], [3, 0]])], [{ layer: 'd', what: 'output' }, { layer: 'c', what: 'output' }]);
    expect([...dm!.mask!]).toEqual([1, 0, 1]);
    expect(cm!.mask).toBeUndefined();
  });

  it('Concatenate ANDs masks on the last axis and concatenates them along time', () => {
    const c = model([input('a', [2, 2]), input('b', [2, 2]), L('Masking', 'ma', node('a')), L('Masking', 'mb', node('b')),
      L('Concatenate', 'feat', node('ma', 'mb'), { axis: -1 }), L('Concatenate', 'time', node('ma', 'mb'), { axis: 1 })], ['a', 'b'], ['feat', 'time']);
    const m = loadModel(file(c));
    const [f, t] = m.run([seq([[1, 1], [0, 0]]), seq([[0, 0], [2, 2]])], [{ layer: 'feat', what: 'output' }, { layer: 'time', what: 'output' }]);
    expect([...f!.mask!]).toEqual([0, 0]);
    expect(t!.value.shape).toEqual([1, 4, 2]);
    expect([...t!.mask!]).toEqual([1, 0, 0, 1]);
  });
});
