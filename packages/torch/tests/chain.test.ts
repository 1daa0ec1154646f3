// The forward pass from token ids of a state_dict that is a standard chain (chain.ts,
// chain-run.ts), against what torch itself computed over the same ids in
// scripts/make-forward-fixtures.py: packed (pack_padded_sequence) and unpacked, masked_fill(-inf)
// softmax, float32.
import { describe, expect, it } from 'vitest';
import { computeAttention, type Mask } from '@attnlens/attention';
import { loadArray } from '@attnlens/npy/node';
import { chainForward, inferChain, loadChain, runChain } from '../src/index.js';
import { openTorchFile } from '../src/node.js';
import { errorOf, fixture } from './helpers.js';

async function withFile<T>(name: string, fn: (f: Awaited<ReturnType<typeof openTorchFile>>) => Promise<T>): Promise<T> {
  const f = await openTorchFile(fixture(name));
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

function maxErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function flatAttention(name: string, ids: string, packed: boolean): Promise<Float32Array> {
  return withFile(`fwd-${name}.pt`, async (f) => {
    const inf = inferChain(f);
    expect(inf.why).toBeUndefined();
    const c = await loadChain(f, inf.chain!);
    const r = runChain(c, await loadArray(fixture(ids)), { packed });
    const mask: Mask = { mask: r.word.mask, shape: r.word.value.shape.slice(0, -1) };
    return computeAttention(c.kernels.word, r.word.value, mask);
  });
}

describe('a state_dict chain run forward from ids, as torch runs it', () => {
  it.each([
    ['gru', 'fwd-gru-ids.npy', 'fwd-gru-ids-pre.npy'],
    ['bilstm2', 'fwd-bilstm2-ids.npy', 'fwd-bilstm2-ids.npy'],
    ['bigru2-param', 'fwd-bigru2-param-ids.npy', 'fwd-bigru2-param-ids.npy'],
  ])('%s: packed and unpacked', async (name, ids, unpackedIds) => {
    const packed = await flatAttention(name, ids, true);
    const wantPacked = (await loadArray(fixture(`fwd-${name}-packed.npy`))).data as Float32Array;
    expect(maxErr(packed, wantPacked)).toBeLessThan(1e-5);
    const unpacked = await flatAttention(name, unpackedIds, false);
    const wantUnpacked = (await loadArray(fixture(`fwd-${name}-unpacked.npy`))).data as Float32Array;
    expect(maxErr(unpacked, wantUnpacked)).toBeLessThan(1e-5);
    // the two modes really differ on these ids, so each is tested for what it is
    const other = await flatAttention(name, unpackedIds, true);
    expect(maxErr(other, wantUnpacked)).toBeGreaterThan(1e-4);
    expect(packed[1 * 7 + 1]).toBe(0); // sample 1 holds one token: its padded steps are exactly 0
  });

  it('a safetensors state_dict (keys sorted by name, so no order to go by) runs the same', async () => {
    await withFile('fwd-gru.safetensors', async (f) => {
      const inf = inferChain(f);
      expect(inf.why).toBeUndefined();
      const c = await loadChain(f, inf.chain!);
      const r = runChain(c, await loadArray(fixture('fwd-gru-ids.npy')));
      const got = computeAttention(c.kernels.word, r.word.value, { mask: r.word.mask, shape: [5, 7] });
      expect(maxErr(got, (await loadArray(fixture('fwd-gru-packed.npy'))).data as Float32Array)).toBeLessThan(1e-5);
    });
  });

  it('infers the chains from keys and shapes and says what they are', async () => {
    const d = await withFile('fwd-bilstm2.pt', async (f) => inferChain(f).chain!.description);
    expect(d).toBe('Embedding(23, 6) embedding → bidirectional LSTM(6→4, 2 layers) rnn → tanh(x·W + b)·u (8→3) attention.attention');
    const g = await withFile('fwd-gru.pt', async (f) => inferChain(f).chain!);
    expect([g.word.rnn.cell, g.word.rnn.layers, g.word.rnn.bidirectional, g.word.attention.layer, g.sentence]).toEqual(['gru', 1, false, 'attention.attn', undefined]);
    const p = await withFile('fwd-bigru2-param.pt', async (f) => inferChain(f).chain!);
    expect([p.word.rnn.layers, p.word.rnn.outputDim, p.word.attention.layer]).toEqual([2, 6, 'attn']);
  });

  it.each(['packed', 'unpacked'])('a HAN (sgrvinod layout: GRU words, LSTM sentences), %s', async (mode) => {
    await withFile('fwd-han.pt', async (f) => {
      const inf = inferChain(f);
      expect(inf.chain?.word.attention.layer).toBe('sentence_attention.word_attention.word_attention');
      expect(inf.chain?.sentence?.attention.layer).toBe('sentence_attention.sentence_attention');
      expect([inf.chain?.word.rnn.module, inf.chain?.sentence?.rnn.module, inf.chain?.sentence?.rnn.cell]).toEqual(['sentence_attention.word_attention.word_rnn', 'sentence_attention.sentence_rnn', 'lstm']);
      const c = await loadChain(f, inf.chain!);
      const ids = await loadArray(fixture(`fwd-han-ids-${mode}.npy`));
      const fw = chainForward(c, { packed: mode === 'packed' });
      expect(fw.plan.taps.map((t) => t.layer)).toEqual(['sentence_attention.word_attention.word_attention', 'sentence_attention.sentence_attention']);
      const [w, s] = fw.model.run([ids], fw.plan.taps);
      const word = computeAttention(c.kernels.word, w!.value, { mask: w!.mask!, shape: w!.value.shape.slice(0, -1) });
      const sent = computeAttention(c.kernels.sentence!, s!.value, { mask: s!.mask!, shape: s!.value.shape.slice(0, -1) });
      expect(maxErr(word, (await loadArray(fixture(`fwd-han-${mode}-word.npy`))).data as Float32Array)).toBeLessThan(1e-5);
      expect(maxErr(sent, (await loadArray(fixture(`fwd-han-${mode}-sentence.npy`))).data as Float32Array)).toBeLessThan(1e-5);
    });
  });

  it('says why a state_dict is not a chain it can run', async () => {
    const between = await withFile('fwd-between.pt', async (f) => inferChain(f).why);
    expect(between).toMatch(/module proj \(weight \(6, 6\), bias \(6,\)\) sits between .* keeps the size .* does not say whether forward\(\) applies it/);
    const noemb = await withFile('fwd-noemb.pt', async (f) => inferChain(f).why);
    expect(noemb).toMatch(/^no Embedding .* before GRU\(6→5\) rnn: the model's inputs are not token ids/);
    const none = await withFile('att-han.pt', async (f) => inferChain(f).why); // attention modules only
    expect(none).toMatch(/^no nn\.GRU or nn\.LSTM/);
    const named = await withFile('fwd-gru.pt', async (f) => inferChain(f, { layer: 'fc' }).why);
    expect(named).toBe('no attention module fc attnlens recognises');
  });

  it('refuses ids of the wrong rank or outside the vocabulary', async () => {
    await withFile('fwd-han.pt', async (f) => {
      const c = await loadChain(f, inferChain(f).chain!);
      const flat = await loadArray(fixture('fwd-gru-ids.npy'));
      expect(() => runChain(c, flat, {}, 'ids.npy')).toThrow(/ids are \(5, 7\), but this HAN takes \(samples, sentences, words\)/);
    });
    await withFile('fwd-gru.pt', async (f) => {
      const c = await loadChain(f, inferChain(f).chain!);
      const big = { dtype: 'int32' as const, shape: [1, 2], data: Int32Array.from([3, 23]) };
      const e = await errorOf((async () => runChain(c, big))());
      expect(e.message).toMatch(/token id 23 at position 1 is outside the embedding's vocabulary \[0, 23\)/);
      const frac = { dtype: 'float32' as const, shape: [1, 2], data: Float32Array.from([1.5, 2]) };
      expect(() => runChain(c, frac, {}, 'ids.npy')).toThrow(/holds 1\.5 at \[0, 0\]; token ids are whole numbers/);
      const neg = { dtype: 'int64' as const, shape: [1, 2], data: BigInt64Array.from([3n, -2n]) };
      expect(() => runChain(c, neg)).toThrow(/token id -2 at position 1 is outside/);
    });
  });
});
