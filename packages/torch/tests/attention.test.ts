// Attention modules found by names and shapes, and recomputed by the engine from their
// weights: the numbers are compared with what torch itself computed (masked_fill(-inf),
// softmax, float32) in scripts/make-fixtures.py.
import { describe, expect, it } from 'vitest';
import { computeAttention, maskFromLengths, prepareKernel } from '@attnlens/attention';
import { loadArray } from '@attnlens/npy/node';
import { openTorchFile } from '../src/node.js';
import { fixture } from './helpers.js';

async function recompute(file: string, layer: string, inputs = 'att-x.npy', lengths = 'att-lengths.npy'): Promise<Float32Array> {
  const f = await openTorchFile(fixture(file));
  try {
    const a = f.attentionLayers.find((x) => x.layer === layer)!;
    expect(a, `${file}: ${layer}`).toBeDefined();
    const w = await f.attentionWeights(a);
    const k = prepareKernel({ variant: a.variant, normalise: a.normalise, ...w }, file);
    return computeAttention(k, await loadArray(fixture(inputs)), maskFromLengths(await loadArray(fixture(lengths))));
  } finally {
    await f.close();
  }
}

const maxErr = (a: Float32Array, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('attention found and recomputed as torch computes it', () => {
  it.each([
    ['att-linear.pt', 'attn', 'linear', 'att-linear.expected.npy', undefined],
    ['att-sequential.pt', 'attention', 'attlayer', 'att-sequential.expected.npy', undefined],
    ['att-param.pt', 'word', 'attlayer', 'att-param.expected.npy', 'word'],
    ['att-han.pt', 'word_attention', 'attlayer', 'att-han-word.expected.npy', 'word'],
  ])('%s: %s is %s', async (file, layer, variant, want, level) => {
    const f = await openTorchFile(fixture(file));
    const a = f.attentionLayers.find((x) => x.layer === layer);
    expect(a?.variant).toBe(variant);
    expect(a?.level).toBe(level);
    expect(a?.reason).toMatch(/softmax/);
    await f.close();
    const got = await recompute(file, layer);
    const exp = (await loadArray(fixture(want))).data as Float32Array;
    expect(maxErr(got, exp)).toBeLessThan(1e-6);
    expect(got[3 * 6 - 1]).toBe(0); // sample 3 has length 1: its masked steps are exactly 0
  });

  it('att-han.pt: the sentence level, paired with the word level', async () => {
    const f = await openTorchFile(fixture('att-han.pt'));
    expect(f.attentionLayers.map((a) => [a.layer, a.level, a.inputDim, a.attentionDim])).toEqual([
      ['word_attention', 'word', 8, 5], ['sentence_attention', 'sentence', 6, 3],
    ]);
    expect(f.attentionLayers[0]!.weights).toEqual({ W: 'word_attention.weight', b: 'word_attention.bias', u: 'word_context_vector.weight' });
    await f.close();
    const got = await recompute('att-han.pt', 'sentence_attention', 'att-han-sx.npy', 'att-han-slengths.npy');
    expect(maxErr(got, (await loadArray(fixture('att-han-sentence.expected.npy'))).data as Float32Array)).toBeLessThan(1e-6);
  });

  it('att-unrecognised.pt: Bahdanau in a decoder and multi-head attention are listed, not guessed', async () => {
    const f = await openTorchFile(fixture('att-unrecognised.pt'));
    expect(f.attentionLayers).toEqual([]);
    const why = Object.fromEntries(f.unrecognisedAttention.map((u) => [u.layer, u.reason]));
    expect(why['decoder.attention']).toMatch(/Bahdanau.*decoder state/);
    expect(why.mha).toMatch(/MultiheadAttention/);
    await f.close();
  });

  it('a classifier head Linear(H, 2) and an RNN are not attention', async () => {
    const f = await openTorchFile(fixture('att-linear.pt'));
    expect(f.attentionLayers.map((a) => a.layer)).toEqual(['attn']);
    expect(f.unrecognisedAttention).toEqual([]);
    await f.close();
  });
});
