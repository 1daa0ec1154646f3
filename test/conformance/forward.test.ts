// The runnable real models of ../shared/fixtures/real run with @attnlens/keras-graph to their
// attention layers. Expected values: packages/keras-graph/scripts/real-forward.py computes each
// forward pass in NumPy (keras_ref.py / han_ref.py, weights read with h5py) on inputs it writes to
// packages/keras-graph/tests/real/<case>; attention maps are also checked to be normalised as
// their layer normalises them, and outputs against what their activations allow.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { tensor, toFloat64, type Tensor } from '@attnlens/core';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
import { loadModel, type KerasModel, type Tap } from '@attnlens/keras-graph';
import { forwardFile } from '@attnlens/keras-graph/node';
import { readNpyFile } from '@attnlens/npy/node';
import { describeReal, real } from '../helpers/shared.js';
import { maxAbsDiff } from '../helpers/numbers.js';
import { errorOf as error } from '../helpers/errors.js';

const CASES = fileURLToPath(new URL('../../packages/keras-graph/tests/real', import.meta.url));

interface Case {
  file: string;
  config?: string;
  inputs: string[];
  /** A feed names the first `rows` rows of a real (N, T) .npy, given as float32 (rows, T, 1). */
  feeds: { layer: string; real: string; rows: number }[];
  taps: { layer: string; what: Tap['what']; index?: number; expected: string }[];
}

const opened: KerasFile[] = [];
afterAll(() => opened.forEach((k) => k.close()));

async function model(file: string, config?: string): Promise<KerasModel> {
  const k = await openKeras(real(file));
  opened.push(k);
  return loadModel(k, config ? { config: JSON.parse(readFileSync(real(config), 'utf8')) } : {});
}

const tensorDiff = (a: Tensor, b: Tensor): number => maxAbsDiff(toFloat64(a), toFloat64(b));

/** Max |Σ − 1| over rows of `width` values (all rows unmasked). */
function rowSumError(t: Tensor, width: number): number {
  const v = toFloat64(t);
  let m = 0;
  for (let r = 0; r < v.length / width; r++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += v[r * width + j]!;
    m = Math.max(m, Math.abs(s - 1));
  }
  return m;
}

/** The first `rows` rows of a real (N, T) array as float32 (rows, T, 1), as real-forward.py feeds them. */
async function realRows(file: string, rows: number): Promise<Tensor> {
  const a = await readNpyFile(real(file));
  const T = a.shape[1]!;
  return tensor('float32', [rows, T, 1], Float32Array.from(toFloat64(a).subarray(0, rows * T)));
}

/** Run a case of real-forward.py and compare every tap to NumPy's; returns the values. */
async function runCase(name: string, file = undefined as string | undefined) {
  const dir = join(CASES, name);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
  const m = await model(file ?? c.file, c.config);
  const inputs = await Promise.all(c.inputs.map((f) => readNpyFile(join(dir, f))));
  const feeds = await Promise.all(c.feeds.map(async (f) => ({ layer: f.layer, value: await realRows(f.real, f.rows) })));
  const got = m.run(inputs, c.taps.map(({ layer, what, index }) => ({ layer, what, ...(index ? { index } : {}) })), { feeds });
  const errors: Record<string, number> = {};
  for (const [i, t] of c.taps.entries()) {
    const want = await readNpyFile(join(dir, t.expected));
    const key = `${t.layer} ${t.what}${t.index ? ` ${t.index}` : ''}`;
    expect([...got[i]!.value.shape], `${name} ${key}`).toEqual([...want.shape]);
    errors[key] = tensorDiff(got[i]!.value, want);
  }
  for (const [k, e] of Object.entries(errors)) expect(e, `${name} ${k} max |Δ| vs NumPy`).toBeLessThan(1e-5);
  return { m, got, c };
}


describeReal('forward pass on the real models', () => {
  it('flamingjay HAN (BiGRU×2 → AttLayer): to the attention layer and the output, as NumPy; rows sum to 1, sigmoid in (0, 1)', async () => {
    const { m, got } = await runCase('flamingjay');
    expect(m.layers.every((l) => l.runnable)).toBe(true);
    expect(rowSumError(got[1]!.value, 10)).toBeLessThan(1e-6); // ε-normalised: Σ = S/(S+1e-7)
    expect(Math.min(...got[2]!.value.data as Float32Array)).toBeGreaterThan(0);
    expect(Math.max(...got[2]!.value.data as Float32Array)).toBeLessThan(1);
  });

  it('eindH (TimeDistributed Conv1D → LSTM → AttentionWithContext, returning x·a unsummed into an LSTM)', async () => {
    const { m, got } = await runCase('eindh');
    const awc = m.layers.find((l) => l.name === 'attention_with_context_1')!;
    expect(awc).toMatchObject({ runnable: true });
    expect(awc.note).toMatch(/unsummed/);
    expect(rowSumError(got[1]!.value, 15)).toBeLessThan(1e-6);
    // Its custom AttentionLayer (att_weight0/1/2) has no variant yet: main_output cannot be run, and the error says so.
    expect(m.layers.find((l) => l.name === 'attention_layer_1')).toMatchObject({ runnable: false });
    const inputs = await Promise.all(['in0', 'in1', 'in2'].map((f) => readNpyFile(join(CASES, 'eindh', `${f}.npy`))));
    const e = error(() => m.run(inputs, [{ layer: 'main_output', what: 'output' }]));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/attention_layer_1/);
    expect(e.hint).toMatch(/concatenate_1/);
  });

  it('xingxiaoxuan (Conv1D → CuDNNLSTM → Dense(softmax) attention_3d_block): builtin attention, its map sums to 1 over the softmax axis', async () => {
    const { m, got } = await runCase('xingxiaoxuan');
    expect(m.builtinAttention.map((b) => [b.layer, b.kind])).toEqual([['dense_1', 'softmax-weighting']]);
    expect(m.builtinAttention[0]!.reason).toMatch(/Multiply multiply_1/);
    expect(rowSumError(got[1]!.value, 64)).toBeLessThan(1e-6);
  });

  it('dobiasd temp_stateful.h5 (tf.keras GRU, no bias, initial state as an input) and lstm.h5: all 17 outputs (relu/linear recurrences, return_state, initial states)', async () => {
    await runCase('temp_stateful');
    const { m, c } = await runCase('dobiasd_lstm');
    expect(m.inputs.map((i) => i.shape)).toEqual([[17, 4], [1, 10], [null, 4], [12], [12]]);
    expect(m.outputs).toHaveLength(17);
    expect(c.taps.map((t) => t.layer)).toEqual(m.outputs);
  });

  it('yaokui2018 weights-only lstm.h5 with model_lstm.json (Embedding mask_zero → LSTM): the config option, masks, softmax', async () => {
    const { got } = await runCase('yaokui');
    expect(rowSumError(got[1]!.value, 3)).toBeLessThan(1e-6);
    const k = await openKeras(real('yaokui2018-sentiment/model_lstm.h5'));
    opened.push(k);
    const e = error(() => loadModel(k));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toMatch(/to_json/);
  });

  it('praveena (Keras 3.10 .h5 and .keras): the custom ExpandDimsLayer is not runnable; fed at lstm_4, its Dense(1) attention as NumPy', async () => {
    for (const file of ['praveena-lstm-attention/final_model.h5', 'praveena-lstm-attention/final_model.keras']) {
      const { m, got } = await runCase('praveena', file);
      expect(m.layers.find((l) => l.name === 'expand_dims_layer_4')).toMatchObject({ runnable: false });
      expect(rowSumError(got[1]!.value, 50)).toBeLessThan(1e-6);
      const x = await readNpyFile(real('praveena-lstm-attention/X_data.npy'));
      const e = error(() => m.run([x], [{ layer: 'attention_layer_4', what: 'scores' }]));
      expect(e.message).toMatch(/expand_dims_layer_4 \(ExpandDimsLayer\) cannot be run/);
      expect(e.hint).toMatch(/lstm_4/);
    }
  });

  it('kevinlin19 and stylianosioannou: the Lambda layers are named in a clear error; the layers before them run', async () => {
    const k = await model('kevinlin19-thesis/model_attention.h5');
    expect(k.layers.find((l) => l.name === 'dim_reduction')).toMatchObject({ runnable: false, reason: expect.stringMatching(/Lambda.*Python/) });
    const x: Tensor = { dtype: 'float32', shape: [2, 8, 1], data: new Float32Array(16).map((_, i) => i / 16) };
    const e = error(() => k.run([x], [{ layer: 'dense_2', what: 'output' }]));
    expect(e.message).toMatch(/dim_reduction \(Lambda\) cannot be run/);
    expect(e.hint).toMatch(/repeat_vector_1/);
    // The softmax Dense before it is a built-in attention block (through the Lambda to the Merge(mul)).
    expect(k.builtinAttention.map((b) => b.layer)).toEqual(['dense_1']);
    const [a] = k.run([x], [{ layer: 'dense_1', what: 'scores' }]);
    expect(a!.value.shape).toEqual([2, 1, 8]);
    expect(rowSumError(a!.value, 8)).toBeLessThan(1e-6);

    const s = await model('stylianosioannou-inm706/attention_model.h5');
    const seq: Tensor = { dtype: 'float32', shape: [2, 30, 5], data: new Float32Array(300).map((_, i) => Math.sin(i)) };
    const e2 = error(() => s.run([seq], [{ layer: 'attention', what: 'scores' }]));
    expect(e2.message).toMatch(/layer lambda \(Lambda\) cannot be run/);
    expect(e2.hint).toMatch(/attention/);
    // Past it: the GRU runs, and with the Lambda's output fed (the GRU's last step, x[:, -1:, :] as its
    // code computes), the built-in Attention's scores (N, 1, 30) sum to 1 over the GRU's steps.
    const [g] = s.run([seq], [{ layer: 'gru', what: 'output' }]);
    const last = new Float32Array(2 * 50);
    for (let n = 0; n < 2; n++) last.set((g!.value.data as Float32Array).subarray((n * 30 + 29) * 50, (n * 30 + 30) * 50), n * 50);
    const [sc, out] = s.run([seq], [{ layer: 'attention', what: 'scores' }, { layer: 'dense', what: 'output' }], {
      feeds: [{ layer: 'lambda', as: 'output', value: { dtype: 'float32', shape: [2, 1, 50], data: last } }],
    });
    expect(sc!.value.shape).toEqual([2, 1, 30]);
    expect(rowSumError(sc!.value, 30)).toBeLessThan(1e-6);
    expect(out!.value.shape).toEqual([2, 1]);
  });

  it('mschongchulshin (Keras 3.4, 7 LSTMs → a custom class named Attention with a per-step bias): its weights tell it from Keras\'s', async () => {
    const { m, got } = await runCase('mschongchulshin');
    expect(m.builtinAttention).toEqual([]);
    expect(rowSumError(got[1]!.value, 50)).toBeLessThan(1e-6);
  });

  it('mayuefine (Embedding → Conv1D → MaxPooling1D → per-feature Attention_layer): a (T, F) map, each feature normalised over time', async () => {
    const { got } = await runCase('mayuefine');
    const a = got[1]!.value;
    expect(a.shape).toEqual([2, 57, 64]);
    // Σ over t of a[n, t, f] is 1 (up to the layer's ε) for every sample and feature.
    const v = toFloat64(a);
    let worst = 0;
    for (let n = 0; n < 2; n++) for (let f = 0; f < 64; f++) {
      let s = 0;
      for (let t = 0; t < 57; t++) s += v[(n * 57 + t) * 64 + f]!;
      worst = Math.max(worst, Math.abs(s - 1));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('forwardFile streams the samples in batches: the same values batch by batch as in one run', async () => {
    const dir = join(CASES, 'flamingjay');
    const m = await model('flamingjay-han-ids/one_layer_best_model.hdf5');
    const want = await readNpyFile(join(dir, 'expected1.npy'));
    const parts: Float32Array[] = [];
    const n = await forwardFile(m, [join(dir, 'in0.npy')], [{ layer: 'att_layer_1', what: 'scores' }], {
      batchSize: 3,
      onBatch: (start, v) => {
        expect(start).toBe(parts.length * 3);
        parts.push(v[0]!.value.data as Float32Array);
      },
    });
    expect(n).toBe(4);
    expect(parts.map((p) => p.length)).toEqual([30, 10]);
    const all = new Float32Array(40);
    parts.forEach((p, i) => all.set(p, i * 30));
    expect(tensorDiff({ dtype: 'float32', shape: [4, 10], data: all }, want)).toBeLessThan(1e-5);
  });
});
