// A document shard's forward pass: attentionFromInputs with `samples` runs the model on those
// rows alone, in the usual batches, and each document keeps the id and values the whole run
// gives it. A stand-in model whose "attention" is its input row makes every document checkable.
// (The real models, Keras and PyTorch, are run sharded in test/cli/shard-compute.test.ts.)
import { describe, expect, it } from 'vitest';
import { shardOf, tensor, type AttentionDocument, type Tensor } from '@attnlens/core';
import { shardSamples } from '@attnlens/attention';
import { tensorRows, type KerasModel } from '@attnlens/keras-graph';
import type { EncodedTexts } from '@attnlens/text';
import { attentionFromInputs, type AttentionPlan } from '../src/index.js';
import { selectTexts } from '../src/samples.js';

const N = 23;
const C = 4;
const rows = Float32Array.from({ length: N * C }, (_, i) => i);
const plan: AttentionPlan = { kind: 'builtin', attention: { layer: 'softmax_1', kind: 'softmax-weighting', reason: 'test' }, taps: [{ layer: 'softmax_1', what: 'output' }] };

/** A model whose tapped output is its input, and which counts the samples it was run on. */
function echoModel(): { model: KerasModel; ran: number[] } {
  const ran: number[] = [];
  const model = {
    inputs: [{ name: 'in', shape: [C], dtype: 'float32' }], outputs: ['softmax_1'], layers: [], builtinAttention: [],
    run: (inputs: Tensor[]) => {
      ran.push(inputs[0]!.shape[0]!);
      return [{ tap: plan.taps[0]!, value: inputs[0]! }];
    },
  } as unknown as KerasModel;
  return { model, ran };
}

async function all(docs: AsyncIterable<AttentionDocument>): Promise<AttentionDocument[]> {
  const out: AttentionDocument[] = [];
  for await (const d of docs) out.push(d);
  return out;
}

describe('attentionFromInputs with samples', () => {
  it.each([2, 3])('runs the model on shard K of %i\'s samples only, documents named and valued as in the whole run', async (count) => {
    const whole = echoModel();
    const full = await all(attentionFromInputs({ model: whole.model, plan, sources: [tensorRows(tensor('float32', [N, C], rows))] }, { batchSize: 5 }));
    expect(whole.ran.reduce((a, b) => a + b, 0)).toBe(N);
    const seen: string[] = [];
    for (let index = 0; index < count; index++) {
      const part = echoModel();
      const samples = shardSamples(N, { index, count, source: '' });
      const docs = await all(attentionFromInputs({ model: part.model, plan, sources: [tensorRows(tensor('float32', [N, C], rows))], samples }, { batchSize: 5 }));
      // The model saw only this shard's rows, in full batches but the last.
      expect(part.ran.reduce((a, b) => a + b, 0)).toBe(samples.length);
      expect(part.ran.slice(0, -1).every((n) => n === 5)).toBe(true);
      expect(docs.every((d) => shardOf(d.id, count) === index)).toBe(true);
      expect(docs).toEqual(full.filter((d) => shardOf(d.id, count) === index));
      seen.push(...docs.map((d) => d.id));
    }
    expect(seen.sort()).toEqual(full.map((d) => d.id).sort());
  });

  it('refuses samples that are not increasing or leave the input', async () => {
    const { model } = echoModel();
    await expect(all(attentionFromInputs({ model, plan, sources: [tensorRows(tensor('float32', [N, C], rows))], samples: [3, 2] }))).rejects.toThrow(/increasing/);
    await expect(all(attentionFromInputs({ model, plan, sources: [tensorRows(tensor('float32', [N, C], rows))], samples: [N] }))).rejects.toThrow(/below 23/);
  });
});

describe('selectTexts', () => {
  it('keeps the chosen samples\' ids and every sentence\'s labels of a hierarchical (N, S, T) text', () => {
    const [n, S, T] = [4, 2, 3];
    const labels = Array.from({ length: n * S }, (_, q) => Array.from({ length: T }, (_, t) => `s${q}t${t}`));
    const t: EncodedTexts = { ids: Int32Array.from({ length: n * S * T }, (_, i) => i), shape: [n, S, T], labels, originals: labels.map((l) => l.map((w) => w.toUpperCase())), stats: {} as EncodedTexts['stats'] };
    const s = selectTexts(t, [1, 3]);
    expect(s.shape).toEqual([2, S, T]);
    expect([...s.ids]).toEqual([6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23]);
    expect(s.labels).toEqual([labels[2], labels[3], labels[6], labels[7]]);
    expect(s.originals[3]).toEqual(['S7T0', 'S7T1', 'S7T2']);
  });
});
