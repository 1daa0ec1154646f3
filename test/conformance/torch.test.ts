// Every PyTorch and safetensors file of ../shared/fixtures/real, read with @attnlens/torch, as
// its table says: two state_dicts in the newest zip layout (an attention gate and a Bahdanau
// attention, both unrecognised) and a safetensors MLP with __metadata__. Every tensor's dtype,
// shape, first values and float64 sum equal what torch 1.13 read from the same file
// (packages/torch/tests/fixtures/real-expected.json, made by
// `/usr/bin/python3 packages/torch/scripts/real-expected.py`); a few are written here too.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { toFloat64 } from '@attnlens/core';
import { openTorchFile, type TorchFile } from '@attnlens/torch/node';
import { describeReal, real, REPO } from '../helpers/shared.js';

interface Spot { dtype: string; shape: number[]; first: number[]; sum: number }
const TORCH = JSON.parse(readFileSync(`${REPO}/packages/torch/tests/fixtures/real-expected.json`, 'utf8')) as Record<string, { metadata?: Record<string, string>; tensors: Record<string, Spot> }>;

async function checkAgainstTorch(rel: string, f: TorchFile): Promise<void> {
  const want = TORCH[rel]!.tensors;
  expect(f.tensors.map((t) => t.name)).toEqual(Object.keys(want));
  for (const [name, s] of Object.entries(want)) {
    const t = await f.readTensor(name);
    expect(f.tensor(name).dtype, name).toBe(s.dtype);
    expect([...t.shape], name).toEqual(s.shape);
    const v = toFloat64(t);
    expect([...v.subarray(0, 3)], name).toEqual(s.first);
    const sum = v.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - s.sum), `${name} sum ${sum} vs torch ${s.sum}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(s.sum)));
  }
}

async function withFile(rel: string, fn: (f: TorchFile) => Promise<void>): Promise<void> {
  const f = await openTorchFile(real(rel));
  try {
    await fn(f);
  } finally {
    await f.close();
  }
}

describeReal('PyTorch conformance: the real files', () => {
  it('mohanaadshakir AttentionNet: newest zip layout, attention.0 a sigmoid gate, unrecognised', () => withFile('mohanaadshakir-bcai/attention_net.pt', async (f) => {
    expect(f.format).toBe('torch-zip');
    expect(f.records).toEqual({ version: '3', byteorder: 'little', '.format_version': '1', '.storage_alignment': '64' });
    expect(f.detail).toContain('folder "attention_net/"');
    expect(f.tensors).toHaveLength(8);
    expect(f.attentionLayers).toEqual([]);
    expect(f.unrecognisedAttention.map((u) => u.layer)).toEqual(['attention.0']);
    expect(f.unrecognisedAttention[0]!.reason).toMatch(/Linear\(122→122\).*gate/);
    expect(TORCH['mohanaadshakir-bcai/attention_net.pt']!.tensors['attention.0.weight']!.sum).toBe(2.1000315834462495);
    await checkAgainstTorch('mohanaadshakir-bcai/attention_net.pt', f);
  }));

  it('venkatesh seq2seq: Bahdanau dec.att.W (64, 128) + dec.att.v (1, 64) needs the decoder state, unrecognised', () => withFile('venkatesh-seq2seq/best_seq2seq.pt', async (f) => {
    expect(f.format).toBe('torch-zip');
    expect(f.tensors.map((t) => t.name)).toContain('dec.att.W.weight');
    expect(f.tensor('dec.att.W.weight').shape).toEqual([64, 128]);
    expect(f.tensor('dec.att.v.weight').shape).toEqual([1, 64]);
    expect(f.attentionLayers).toEqual([]);
    expect(f.unrecognisedAttention.map((u) => u.layer)).toEqual(['dec.att']);
    expect(f.unrecognisedAttention[0]!.reason).toMatch(/Bahdanau/);
    await checkAgainstTorch('venkatesh-seq2seq/best_seq2seq.pt', f);
  }));

  it('coffeevampir3 safetensors: 4 F32 tensors and __metadata__', () => withFile('coffeevampir3-safetensors/model.safetensors', async (f) => {
    expect(f.format).toBe('safetensors');
    expect(f.detail).toBe('320-byte header');
    expect(f.metadata).toEqual(TORCH['coffeevampir3-safetensors/model.safetensors']!.metadata);
    expect(f.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['fc1.bias', 'float32', [20]], ['fc1.weight', 'float32', [20, 10]], ['fc2.bias', 'float32', [10]], ['fc2.weight', 'float32', [10, 20]],
    ]);
    await checkAgainstTorch('coffeevampir3-safetensors/model.safetensors', f);
  }));
});
