// Bad input is an AttnlensError with a code and a message naming the problem, never a wrong
// number, an out-of-bounds read or a stack trace from deep inside a loop.
import { isAttnlensError } from '@attnlens/core';
import { describe, expect, it } from 'vitest';
import {
  activate, batchDot, batchNorm, concatenate, conv1d, dotProductAttention, elementwise, embedding, globalPool1d,
  matmul, permute, pool1d, repeatVector, runRnn, torchGruToKeras, type ActivationName, type RnnOptions,
} from '../src/index.js';

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(isAttnlensError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an AttnlensError');
}

const gru: RnnOptions = { cell: 'gru', units: 2, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: false, goBackwards: false, maskedOutput: 'previous' };
const x = new Float32Array(1 * 3 * 2);

describe('bad input', () => {
  it('an id outside the vocabulary names the id and its position', () => {
    expectError(() => embedding([1, 5], new Float32Array(10), 5, 2), 'BAD_ARGUMENT', /token id 5 at position 1 .*\[0, 5\)/);
    expectError(() => embedding([-1], new Float32Array(10), 5, 2), 'BAD_ARGUMENT', /token id -1/);
    expectError(() => embedding([1.5], new Float32Array(10), 5, 2), 'BAD_ARGUMENT', /token id 1.5/);
    expectError(() => embedding([0], new Float32Array(9), 5, 2), 'SHAPE_MISMATCH', /table has 9 values .*\(5, 2\)/);
  });
  it('a GEMM operand of the wrong size', () => {
    expectError(() => matmul(new Float32Array(5), 2, 3, new Float32Array(6), 2), 'SHAPE_MISMATCH', /matmul: a has 5 values .*\(2, 3\)/);
    expectError(() => matmul(new Float32Array(6), 2, 3, new Float32Array(6), 2, new Float32Array(3)), 'SHAPE_MISMATCH', /bias/);
    expectError(() => matmul(new Float32Array(6), 2.5, 3, new Float32Array(6), 2), 'BAD_ARGUMENT', /rows must be/);
  });
  it('unknown activations and softmax rows that do not divide', () => {
    expectError(() => activate('swishy' as ActivationName, new Float32Array(2), 2), 'UNSUPPORTED', /unknown activation 'swishy'/);
    expectError(() => activate('softmax', new Float32Array(5), 2), 'SHAPE_MISMATCH', /rows of 2/);
  });
  it('RNN weights, biases, states and masks of the wrong shape', () => {
    const w = { kernel: new Float32Array(2 * 6), recurrentKernel: new Float32Array(2 * 6) };
    expectError(() => runRnn(x, 1, 3, 2, undefined, { ...w, kernel: new Float32Array(11) }, gru), 'SHAPE_MISMATCH', /kernel has 11 values .*\(2, 6\)/);
    expectError(() => runRnn(x, 1, 3, 2, undefined, { ...w, bias: new Float32Array(6) }, { ...gru, resetAfter: true }), 'SHAPE_MISMATCH', /bias .*\(2, 6\)/);
    expectError(() => runRnn(x, 1, 3, 2, new Uint8Array(2), w, gru), 'SHAPE_MISMATCH', /mask has 2 values/);
    expectError(() => runRnn(x, 1, 3, 2, undefined, w, { ...gru, initialState: [new Float32Array(2), new Float32Array(2)] }), 'SHAPE_MISMATCH', /1 state but 2/);
    expectError(() => runRnn(x, 1, 3, 2, undefined, w, { ...gru, activation: 'softmax' }), 'UNSUPPORTED', /softmax cannot be/);
    expectError(() => runRnn(x, 1, 3, 2, undefined, w, { ...gru, cell: 'tcn' as 'gru' }), 'BAD_ARGUMENT', /unknown cell 'tcn'/);
  });
  it('conv and pooling options', () => {
    expectError(() => conv1d(x, 1, 3, 2, new Float32Array(4), 2, 2, undefined, { strides: 1, padding: 'valid', dilation: 1 }), 'SHAPE_MISMATCH', /kernel has 4 values .*\(2, 2, 2\)/);
    expectError(() => conv1d(x, 1, 3, 2, new Float32Array(8), 2, 2, undefined, { strides: 0, padding: 'valid', dilation: 1 }), 'BAD_ARGUMENT', /strides must be a positive/);
    expectError(() => conv1d(x, 1, 3, 2, new Float32Array(8), 2, 2, undefined, { strides: 1, padding: 'full' as 'same', dilation: 1 }), 'BAD_ARGUMENT', /padding 'full'/);
    expectError(() => pool1d(x, 1, 3, 2, { kind: 'median' as 'max', poolSize: 2, strides: 1, padding: 'valid' }), 'BAD_ARGUMENT', /kind 'median'/);
    expectError(() => globalPool1d(x, 1, 3, 2, 'avg', new Uint8Array(4)), 'SHAPE_MISMATCH', /mask has 4 values/);
  });
  it('normalisation parameters of the wrong size', () => {
    expectError(() => batchNorm(x, 3, 2, { movingMean: new Float32Array(3), movingVariance: new Float32Array(2), epsilon: 1e-3 }), 'SHAPE_MISMATCH', /moving mean has 3 values/);
  });
  it('shapes that do not permute, concatenate, broadcast or contract', () => {
    expectError(() => permute(x, [1, 3, 2], [0, 1, 1]), 'BAD_ARGUMENT', /not a permutation/);
    expectError(() => permute(x, [1, 3, 3], [0, 2, 1]), 'SHAPE_MISMATCH', /x has 6 values .*\(1, 3, 3\)/);
    expectError(() => concatenate([{ data: x, shape: [1, 3, 2] }, { data: new Float32Array(4), shape: [1, 2, 2] }], -1), 'SHAPE_MISMATCH', /input 1 has shape \(1, 2, 2\)/);
    expectError(() => elementwise('add', [{ data: x, shape: [1, 3, 2] }, { data: new Float32Array(3), shape: [1, 3] }]), 'SHAPE_MISMATCH', /do not broadcast/);
    expectError(() => elementwise('subtract', [{ data: x, shape: [1, 3, 2] }, { data: x, shape: [1, 3, 2] }, { data: x, shape: [1, 3, 2] }]), 'BAD_ARGUMENT', /exactly 2 inputs/);
    expectError(() => batchDot(x, [1, 3, 2], x, [1, 3, 2], [2, 1], false), 'SHAPE_MISMATCH', /axis 2 .* has 2 values but axis 1 .* has 3/);
    expectError(() => batchDot(x, [1, 3, 2], x, [1, 3, 2], [0, 0], false), 'BAD_ARGUMENT', /batch axis/);
    expectError(() => repeatVector(x, 3, 2, -1), 'BAD_ARGUMENT', /times must be a non-negative integer/);
  });
  it('attention inputs and torch weights of the wrong shape', () => {
    expectError(() => dotProductAttention({ query: x, value: new Float32Array(5), n: 1, tq: 3, tv: 3, dim: 2 }), 'SHAPE_MISMATCH', /value has 5 values/);
    expectError(() => torchGruToKeras(new Float32Array(12), new Float32Array(11)), 'SHAPE_MISMATCH', /weight_hh has 11 values/);
  });
});
