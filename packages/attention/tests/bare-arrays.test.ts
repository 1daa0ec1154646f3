// guessVariant: each shape case of bare W/b/u arrays (FORMATS.md §2: which layer has which
// weights), and the warnings where the shapes fit more than one variant.
import { describe, expect, it } from 'vitest';
import { AttnlensError, tensor } from '@attnlens/core';
import { arraysProvenance, guessVariant } from '../src/index.js';

const t = (...shape: number[]) => tensor('float32', shape, new Float32Array(shape.reduce((a, b) => a * b, 1)));

describe('guessVariant', () => {
  it('with u: W (F, A), F ≠ A, is an AttLayer; a square W is AttentionWithContext on TensorFlow, with a warning naming the choice', () => {
    expect(guessVariant(t(6, 4), t(4), t(4))).toEqual({ variant: 'attlayer' });
    expect(guessVariant(t(6, 4), undefined, t(4))).toEqual({ variant: 'attlayer' });
    const awc = guessVariant(t(5, 5), t(5), t(5));
    expect(awc.variant).toBe('awc-tf');
    expect(awc.option).toBe('variant');
    expect(awc.warning).toBe('W is square (5, 5): taking it as AttentionWithContext trained on TensorFlow (awc-tf, x·Wᵀ); choose the variant awc-th or attlayer if the layer computed x·W');
  });

  it('without u: w (F, 1) with a bias per step (T, 1) is step-bias; a square W per-feature (warned); anything else a linear score', () => {
    expect(guessVariant(t(6, 1), t(7, 1), undefined)).toEqual({ variant: 'step-bias' });
    expect(guessVariant(t(6, 1), t(1, 1), undefined)).toEqual({ variant: 'linear' }); // one bias: a Dense(1)
    expect(guessVariant(t(6, 1), t(1), undefined)).toEqual({ variant: 'linear' });
    expect(guessVariant(t(6), undefined, undefined)).toEqual({ variant: 'linear' });
    const pf = guessVariant(t(4, 4), t(4), undefined);
    expect(pf.variant).toBe('per-feature');
    expect(pf.warning).toMatch(/^W is square \(4, 4\) and there is no u: taking it as per-feature attention/);
    expect(pf.option).toBe('weights'); // the missing u settles it
    expect(guessVariant(t(1, 1), undefined, undefined)).toEqual({ variant: 'linear' }); // F = 1: not per-feature
  });

  it('a u with a W that is not 2-D: SHAPE_MISMATCH naming the file', () => {
    try {
      guessVariant(t(6), undefined, t(4), 'W.npy');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AttnlensError);
      expect((e as AttnlensError).message).toBe('W.npy: W is (6,), but a layer with a context vector u needs a 2-D W (F, A)');
    }
  });

  it('arraysProvenance names the arrays and says the hash is W\'s', () => {
    const p = arraysProvenance(['W.npy', 'b.npy'], { variant: 'linear', normalise: 'softmax' }, { sha256: 'ab', inputsName: 'X.npy' });
    expect(p).toMatchObject({ sourceFormat: 'npy', fileName: 'W.npy,b.npy', sha256: 'ab', note: "recomputed from X.npy with linear (softmax normalisation); sha256 is W's" });
  });
});
