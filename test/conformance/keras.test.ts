// Every Keras file of ../shared/fixtures/real, inspected with @attnlens/keras. Values
// are spot-checked against numbers h5py 3.7 read from the same files (written down
// here, and each checked against fixtures/keras-h5py.json, which
// `/usr/bin/python3 test/conformance/scripts/keras-h5py.py` makes), and the two files with W/b/u are classified exactly as
// ../shared/fixtures/expected/*/case.json says, their weights equal to its .npy files.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AttnlensError, toFloat64 } from '@attnlens/core';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
import { loadArray } from '@attnlens/npy/node';
import { describeReal, expected, real, REAL } from '../helpers/shared.js';

const opened: KerasFile[] = [];
async function open(...p: string[]): Promise<KerasFile> {
  const k = await openKeras(real(...p));
  opened.push(k);
  return k;
}
afterAll(() => opened.forEach((k) => k.close()));

/** h5py's dtype, shape, first values and float64 sum of one dataset. */
interface Spot { path: string; shape: number[]; first: number[]; sum: number }
const H5PY = JSON.parse(readFileSync(new URL('fixtures/keras-h5py.json', import.meta.url), 'utf8')) as { spots: Record<string, Record<string, Omit<Spot, 'path'>>> };
function expectSpot(k: KerasFile, s: Spot): void {
  // the numbers written here are h5py's: the script's output says the same
  const rel = relative(REAL, k.path);
  expect({ shape: s.shape, first: s.first, sum: s.sum }, `${rel} ${s.path} in keras-h5py.json`).toEqual(H5PY.spots[rel]?.[s.path]);
  const t = k.readWeight(s.path);
  expect([...t.shape], s.path).toEqual(s.shape);
  const v = toFloat64(t);
  expect([...v.subarray(0, s.first.length)], s.path).toEqual(s.first);
  const sum = v.reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - s.sum), `${s.path} sum ${sum} vs h5py ${s.sum}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(s.sum)));
}

const layerNames = (k: KerasFile) => k.layers.map((l) => l.name);
const weightCount = (k: KerasFile) => k.layers.reduce((n, l) => n + l.weights.length, 0);

describeReal('Keras conformance: the real files', () => {
  it('flamingjay HAN (Keras 2.2.4): AttLayer with W/b/u named Variable:0.., classified as case.json says', async () => {
    const k = await open('flamingjay-han-ids', 'one_layer_best_model.hdf5');
    expect(k).toMatchObject({ layout: 'keras-h5', detail: 'legacy full save (model_weights/)', kerasVersion: '2.2.4', backend: 'tensorflow' });
    expect(layerNames(k)).toEqual(['input_1', 'bidirectional_1', 'dropout_1', 'bidirectional_2', 'dropout_2', 'att_layer_1', 'dense_1', 'dense_2']);
    expect(k.layer('att_layer_1').className).toBe('AttLayer');
    expect(weightCount(k)).toBe(19);
    const c = JSON.parse(readFileSync(expected('flamingjay-attlayer', 'case.json'), 'utf8'));
    expect(k.attentionLayers).toHaveLength(1);
    const a = k.attentionLayers[0]!;
    expect(a).toMatchObject({ layer: 'att_layer_1', variant: c.variant, inputDim: 24, attentionDim: 10 });
    expect([a.weights.W, a.weights.b, a.weights.u]).toEqual(c.weights_in_order.map((n: string) => `${c.layer_group}/${n}`));
    expect(k.layer('att_layer_1').weights.map((w) => w.path)).toEqual(c.weights_in_order.map((n: string) => `${c.layer_group}/${n}`));
    expect(k.unrecognisedAttention).toEqual([]);
    for (const role of ['W', 'b', 'u'] as const) {
      const ours = k.readWeight(a.weights[role]!);
      const theirs = await loadArray(expected('flamingjay-attlayer', `${role}.npy`));
      expect([...ours.shape]).toEqual([...theirs.shape]);
      expect(ours.data).toEqual(theirs.data);
    }
    expectSpot(k, { path: 'model_weights/att_layer_1/att_layer_1/Variable:0', shape: [24, 10], first: [0.04608320817351341, 0.10750523954629898, 0.0136231929063797], sum: 0.13377529932768084 });
    expectSpot(k, { path: 'model_weights/att_layer_1/att_layer_1/Variable_2:0', shape: [10, 1], first: [-0.043065156787633896, -0.005175890401005745, -0.014331777580082417], sum: 0.03346382241579704 });
    expectSpot(k, { path: 'model_weights/bidirectional_1/bidirectional_1/backward_gru_1/kernel:0', shape: [196, 96], first: [0.10142351686954498, -0.0694684311747551, -0.12143352627754211], sum: -114.07346539753053 });
  });

  it('eindH AT-Conv-LSTM (Keras 2.3.1): AttentionWithContext → awc-tf as case.json says; the att_weight0/1/2 layer unrecognised', async () => {
    const k = await open('eindh-at-conv-lstm', 'model_0025-0.0035.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.3.1', backend: 'tensorflow' });
    expect(k.layers).toHaveLength(19);
    expect(layerNames(k).slice(0, 7)).toEqual(['main_input', 'time_distributed_1', 'time_distributed_2', 'time_distributed_3', 'dense_1', 'lstm_1', 'attention_with_context_1']);
    const c = JSON.parse(readFileSync(expected('eindh-awc', 'case.json'), 'utf8'));
    expect(k.attentionLayers).toHaveLength(1);
    const a = k.attentionLayers[0]!;
    expect(a).toMatchObject({ layer: 'attention_with_context_1', className: 'AttentionWithContext', variant: c.variant, inputDim: 15, attentionDim: 15, backend: 'tensorflow' });
    expect(a.reason).toMatch(/tensorflow backend.*x·Wᵀ/);
    expect([a.weights.W, a.weights.b, a.weights.u]).toEqual(c.weights_in_order.map((n: string) => `${c.layer_group}/${n}`));
    for (const role of ['W', 'b', 'u'] as const) {
      const ours = k.readWeight(a.weights[role]!);
      const theirs = await loadArray(expected('eindh-awc', `${role}.npy`));
      expect([...ours.shape]).toEqual([...theirs.shape]);
      expect(ours.data).toEqual(theirs.data);
    }
    expect(k.unrecognisedAttention).toEqual([{ layer: 'attention_layer_1', reason: expect.stringMatching(/AttentionLayer layer has weights att_weight0:0 \(15, 15\), att_weight1:0 \(15, 15\), att_weight2:0 \(15, 15\), which match none/) }]);
    expectSpot(k, { path: 'model_weights/attention_with_context_1/attention_with_context_1/attention_with_context_1_W:0', shape: [15, 15], first: [-0.09310414642095566, -0.27678030729293823, 0.4913504421710968], sum: 10.757050302345306 });
    expectSpot(k, { path: 'model_weights/attention_layer_1/attention_layer_1/att_weight2:0', shape: [15, 15], first: [-0.037047915160655975, -0.012009475380182266, -0.09839564561843872], sum: -0.23469599780219141 });
    expectSpot(k, { path: 'model_weights/time_distributed_1/time_distributed_1/kernel:0', shape: [3, 1, 15], first: [-0.3309307396411896, -0.038362324237823486, 0.08746428042650223], sum: 0.4557317914441228 });
  });

  it('suprobe AT-Conv-LSTM (Keras 2.2.4): no attention to recompute, the att_weight layer reported unrecognised', async () => {
    const k = await open('suprobe-at-conv-lstm', 'model_0002-0.1149.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.4', backend: 'tensorflow' });
    expect(k.layers).toHaveLength(18);
    expect(k.attentionLayers).toEqual([]);
    expect(k.unrecognisedAttention.map((u) => u.layer)).toEqual(['attention_layer_1']);
    expectSpot(k, { path: 'model_weights/attention_layer_1/attention_layer_1/att_weight0:0', shape: [15, 15], first: [-0.022819219157099724, 0.02117798663675785, 0.07572939246892929], sum: 0.00677699844527524 });
    expectSpot(k, { path: 'model_weights/main_output/main_output/kernel:0', shape: [10, 1], first: [0.12431169301271439, -5.7875200582202524e-05, -8.692310802871361e-05], sum: 0.28215898301277775 });
  });

  it('praveena Keras 3.10 legacy .h5 and .keras: the same weights, the Dense(1) scorer found as linear in both', async () => {
    const h = await open('praveena-lstm-attention', 'final_model.h5');
    const z = await open('praveena-lstm-attention', 'final_model.keras');
    expect(h).toMatchObject({ layout: 'keras-h5', kerasVersion: '3.10.0', backend: 'tensorflow' });
    expect(z).toMatchObject({ layout: 'keras-zip', kerasVersion: '3.10.0' });
    for (const k of [h, z]) {
      expect(layerNames(k)).toEqual(['input_layer_5', 'expand_dims_layer_4', 'lstm_4', 'attention_layer_4', 'dense_12']);
      expect(k.layers.map((l) => l.className)).toEqual(['InputLayer', 'ExpandDimsLayer', 'LSTM', 'AttentionLayer', 'Dense']);
      expect(k.attentionLayers).toEqual([expect.objectContaining({ layer: 'attention_layer_4', className: 'AttentionLayer', variant: 'linear', inputDim: 64, attentionDim: 1 })]);
      expect(k.unrecognisedAttention).toEqual([]);
    }
    expect(h.attentionLayers[0]!.weights).toEqual({ W: 'model_weights/attention_layer_4/attention_layer_4/dense_11/kernel', b: 'model_weights/attention_layer_4/attention_layer_4/dense_11/bias' });
    expect(z.attentionLayers[0]!.weights).toEqual({ W: 'layers/attention_layer/score_dense/vars/0', b: 'layers/attention_layer/score_dense/vars/1' });
    expect(h.layer('lstm_4').weights.map((w) => w.name)).toEqual(['lstm_4/lstm_cell/kernel', 'lstm_4/lstm_cell/recurrent_kernel', 'lstm_4/lstm_cell/bias']);
    expect(z.layer('lstm_4').weights.map((w) => w.path)).toEqual(['layers/lstm/cell/vars/0', 'layers/lstm/cell/vars/1', 'layers/lstm/cell/vars/2']);
    const kernel = { shape: [64, 1], first: [-0.16962675750255585, -0.34158360958099365, -0.3606271743774414], sum: -2.7362963596824557 };
    const bias = { shape: [1], first: [9.480737935518846e-05], sum: 9.480737935518846e-05 };
    const rec = { shape: [64, 256], first: [0.05949723720550537, -0.04824407771229744, 0.01327521726489067], sum: -32.9289902971359 };
    expectSpot(h, { path: h.attentionLayers[0]!.weights.W, ...kernel });
    expectSpot(h, { path: h.attentionLayers[0]!.weights.b!, ...bias });
    expectSpot(h, { path: 'model_weights/lstm_4/lstm_4/lstm_cell/recurrent_kernel', ...rec });
    expectSpot(z, { path: z.attentionLayers[0]!.weights.W, ...kernel });
    expectSpot(z, { path: z.attentionLayers[0]!.weights.b!, ...bias });
    expectSpot(z, { path: 'layers/lstm/cell/vars/1', ...rec });
  });

  it('dobiasd lstm.h5 (Keras 2.2.5) and temp_stateful.h5 (tf.keras 2.2.4-tf): many RNNs, no attention', async () => {
    const l = await open('dobiasd-frugally-deep', 'lstm.h5');
    expect(l).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.5', backend: 'tensorflow' });
    expect(l.layers).toHaveLength(20);
    expect(weightCount(l)).toBe(63);
    expect(l.attentionLayers).toEqual([]);
    expect(l.unrecognisedAttention).toEqual([]);
    expect(l.layer('bidirectional_6').weights.map((w) => w.name)).toEqual(['forward', 'backward'].flatMap((d) => ['kernel', 'recurrent_kernel', 'bias'].map((x) => `bidirectional_6/${d}_lstm_14/${x}:0`)));
    expectSpot(l, { path: 'model_weights/lstm_15/lstm_15/kernel:0', shape: [4, 48], first: [-0.12604759633541107, -0.06114865094423294, 0.0792495384812355], sum: 2.4387121708132327 });
    expectSpot(l, { path: 'model_weights/bidirectional_6/bidirectional_6/backward_lstm_14/bias:0', shape: [12], first: [-0.014212867245078087, -0.015020623803138733, -0.015041138045489788], sum: 2.95862038154155 });
    const s = await open('dobiasd-frugally-deep', 'temp_stateful.h5');
    expect(s).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.4-tf', backend: 'tensorflow' });
    expect(layerNames(s)).toEqual(['input_1', 'input_2', 'gru_1']);
    expect(s.layer('gru_1').weights.map((w) => w.name)).toEqual(['gru_1/kernel:0', 'gru_1/recurrent_kernel:0']);
    expectSpot(s, { path: 'model_weights/gru_1/gru_1/kernel:0', shape: [1, 3], first: [1, -2, 3], sum: 2 });
    expectSpot(s, { path: 'model_weights/gru_1/gru_1/recurrent_kernel:0', shape: [1, 3], first: [-0.5, 2, -1.100000023841858], sum: 0.3999999761581421 });
  });

  it('aslaskin model.keras (Keras 3.4.1 Sequential): layer names from config.json, InputLayer left out as Keras does', async () => {
    const k = await open('aslaskin-digit', 'model.keras');
    expect(k).toMatchObject({ layout: 'keras-zip', kerasVersion: '3.4.1' });
    expect(k.layers.map((l) => [l.name, l.className, l.group])).toEqual([
      ['conv2d_8', 'Conv2D', 'layers/conv2d'], ['max_pooling2d_8', 'MaxPooling2D', 'layers/max_pooling2d'],
      ['conv2d_9', 'Conv2D', 'layers/conv2d_1'], ['max_pooling2d_9', 'MaxPooling2D', 'layers/max_pooling2d_1'],
      ['flatten_4', 'Flatten', 'layers/flatten'], ['dropout_4', 'Dropout', 'layers/dropout'], ['dense_4', 'Dense', 'layers/dense'],
    ]);
    expect(k.attentionLayers).toEqual([]);
    expectSpot(k, { path: 'layers/dense/vars/0', shape: [1600, 10], first: [0.12576067447662354, -0.0453234538435936, 0.031337227672338486], sum: -399.01568339087135 });
    expectSpot(k, { path: 'layers/conv2d_1/vars/1', shape: [64], first: [-0.05882030725479126, -0.07074079662561417, -0.005618236027657986], sum: -3.1475866849068552 });
  });

  it('sh2222222 model.weights.h5 (Keras 3, no root attributes): layers from the vars name attributes, optimizer left out', async () => {
    const k = await open('sh2222222-mt', 'model.weights.h5');
    expect(k).toMatchObject({ layout: 'keras-weights-h5', detail: 'Keras 3 weights (layers/<name>/vars/<i>)' });
    expect(k.kerasVersion).toBeUndefined();
    expect(layerNames(k)).toEqual(['dense', 'embedding', 'embedding_1', 'input_layer', 'input_layer_1', 'lstm', 'lstm_1']);
    expect(k.layer('lstm_1').weights.map((w) => [w.name, w.shape])).toEqual([['cell/vars/0', [64, 512]], ['cell/vars/1', [128, 512]], ['cell/vars/2', [512]]]);
    expect(k.attentionLayers).toEqual([]);
    expectSpot(k, { path: 'layers/lstm_1/cell/vars/2', shape: [512], first: [0.29924532771110535, 0.10907507687807083, 0.2710130512714386], sum: 201.79957257467322 });
    expectSpot(k, { path: 'layers/embedding_1/vars/0', shape: [357, 64], first: [0.029003266245126724, -0.03345710039138794, 0.033583346754312515], sum: -35.825952696076456 });
    expect(k.readWeight('optimizer/vars/0')).toMatchObject({ dtype: 'int64', shape: [], data: new BigInt64Array([21550n]) });
  });
});

// The Keras files of the second search (the ten folders from mayuefine-amps on). Layer
// names, counts and classes here were read with h5py (test/conformance/scripts/keras-h5py.py
// writes the spot values); the attention layers are classified as the README table of
// ../shared/fixtures says, each with the evidence that decided in its reason.
describeReal('Keras conformance: the second search', () => {
  it('mayuefine c_AMPs (Keras 2.2.4 Sequential): Attention_layer W (64,64), b (64,), no u → per-feature', async () => {
    const k = await open('mayuefine-amps', 'att.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.4', backend: 'tensorflow' });
    expect(k.layers.map((l) => [l.name, l.className])).toEqual([
      ['embedding_7', 'Embedding'], ['conv1d_7', 'Conv1D'], ['max_pooling1d_7', 'MaxPooling1D'], ['dropout_7', 'Dropout'], ['attention_layer_7', 'Attention_layer'], ['dense_7', 'Dense'],
    ]);
    expect(weightCount(k)).toBe(7);
    expect(k.attentionLayers).toEqual([expect.objectContaining({
      layer: 'attention_layer_7', className: 'Attention_layer', variant: 'per-feature', inputDim: 64, attentionDim: 64,
      weights: { W: 'model_weights/attention_layer_7/attention_layer_7/attention_layer_7_W:0', b: 'model_weights/attention_layer_7/attention_layer_7/attention_layer_7_b:0' },
      reason: expect.stringMatching(/^per-feature attention \(W \(64, 64\), b \(64,\), no context vector u; weights named\): exp\(tanh\(x·W \+ b\)\) normalised over time for each feature/),
    })]);
    expect(k.unrecognisedAttention).toEqual([]); // the sigmoid Dense(1) output is not attention
    expectSpot(k, { path: 'model_weights/attention_layer_7/attention_layer_7/attention_layer_7_W:0', shape: [64, 64], first: [-0.14193716645240784, 0.1255132555961609, -0.017159106209874153], sum: -22.715380155379535 });
    expectSpot(k, { path: 'model_weights/attention_layer_7/attention_layer_7/attention_layer_7_b:0', shape: [64], first: [-0.08647426217794418, -0.04006112739443779, -0.12174727767705917], sum: -12.81727144215256 });
    expectSpot(k, { path: 'model_weights/conv1d_7/conv1d_7/kernel:0', shape: [16, 128, 64], first: [0.26805126667022705, -0.10345526039600372, 0.3835619390010834], sum: -1136.3842504756376 });
  });

  it("mschongchulshin fatigue (Keras 3.4.1): a custom layer named like the built-in Attention, told apart by att_weight/att_bias → step-bias", async () => {
    const k = await open('mschongchulshin-fatigue', 'fatigue_life_model.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '3.4.1', backend: 'tensorflow' });
    const lstms = [49, 50, 51, 52, 53, 54, 55];
    expect(layerNames(k)).toEqual(['input_layer', ...lstms.flatMap((n, i) => [`lstm_${n}`, `dropout_${56 + i}`]), 'attention', 'dense_14', 'dropout_63', 'dense_15']);
    expect(k.layer('attention').className).toBe('Attention');
    expect(weightCount(k)).toBe(27);
    expect(k.attentionLayers).toHaveLength(1);
    const a = k.attentionLayers[0]!;
    expect(a).toMatchObject({ layer: 'attention', className: 'Attention', variant: 'step-bias', inputDim: 64, attentionDim: 1,
      weights: { W: 'model_weights/attention/attention/att_weight', b: 'model_weights/attention/attention/att_bias' } });
    expect(a.reason).toMatch(/one bias per time step, T = 50; weights named; its class_name Attention is also Keras's built-in layer, but that one holds no weights \(at most a scalar scale\), so its weights make this a custom layer; the model outputs its weights/);
    expect(k.unrecognisedAttention).toEqual([]);
    expectSpot(k, { path: a.weights.W, shape: [64, 1], first: [0.08016300201416016, -0.01084059663116932, -0.24742162227630615], sum: -2.1778059350326657 });
    expectSpot(k, { path: a.weights.b!, shape: [50, 1], first: [0.002736201975494623, 0.0036990847438573837, 0.004596709739416838], sum: -0.13637740560807288 });
    expectSpot(k, { path: 'model_weights/lstm_55/lstm_55/lstm_cell/bias', shape: [256], first: [-0.007423024624586105, -0.0015232000732794404, -0.02654862217605114], sum: 62.406761775462655 });
  });

  it('xingxiaoxuan anomaly (Keras 2.2.0): attention built from built-in layers (Dense softmax over features → Permute): unrecognised, saying so', async () => {
    const k = await open('xingxiaoxuan-anomaly', 'attention_model.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.0', backend: 'tensorflow' });
    expect(k.layers.map((l) => [l.name, l.className])).toEqual([
      ['input_1', 'InputLayer'], ['cnn1', 'Conv1D'], ['dropout_1', 'Dropout'], ['lstm', 'CuDNNLSTM'], ['dropout_2', 'Dropout'], ['dense_1', 'Dense'],
      ['attention_vec', 'Permute'], ['multiply_1', 'Multiply'], ['flatten_1', 'Flatten'], ['dense_2', 'Dense'],
    ]);
    expect(weightCount(k)).toBe(9);
    expect(k.layer('lstm').weights.map((w) => [w.name, w.shape])).toEqual([['lstm/kernel:0', [64, 256]], ['lstm/recurrent_kernel:0', [64, 256]], ['lstm/bias:0', [512]]]);
    expect(k.attentionLayers).toEqual([]);
    expect(k.unrecognisedAttention).toEqual([{ layer: 'attention_vec', reason: 'Permute layer has no weights (it reads dense_1 (Dense with softmax over its last axis, 64 units): attention built from built-in layers): parameter-free attention is computed from activations, which a weights file does not hold' }]);
    expectSpot(k, { path: 'model_weights/dense_1/dense_1/kernel:0', shape: [64, 64], first: [0.053734589368104935, -0.09425923973321915, -0.03296424075961113], sum: -6.463667381778578 });
    expectSpot(k, { path: 'model_weights/lstm/lstm/bias:0', shape: [512], first: [0.2049117386341095, 0.16246068477630615, 0.045558083802461624], sum: 87.72227945475606 });
  });

  it('kevinlin19 thesis (Keras 2.1.6): Permute → Dense softmax → Lambda → … → Merge(mul): unrecognised, naming the Lambda', async () => {
    const k = await open('kevinlin19-thesis', 'model_attention.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.1.6', backend: 'tensorflow' });
    expect(k.layers.map((l) => [l.name, l.className])).toEqual([
      ['input_1', 'InputLayer'], ['permute_1', 'Permute'], ['dense_1', 'Dense'], ['dim_reduction', 'Lambda'], ['repeat_vector_1', 'RepeatVector'],
      ['attention_vec', 'Permute'], ['attention_mul', 'Merge'], ['lstm_1', 'LSTM'], ['dense_2', 'Dense'],
    ]);
    expect(weightCount(k)).toBe(7);
    expect(k.attentionLayers).toEqual([]);
    expect(k.unrecognisedAttention.map((u) => u.layer)).toEqual(['attention_vec', 'attention_mul']);
    for (const u of k.unrecognisedAttention) expect(u.reason).toMatch(/dense_1 \(Dense with softmax over its last axis, 8 units\) → dim_reduction \(Lambda: Python code, not in the file\) → repeat_vector_1 \(RepeatVector\)/);
    expectSpot(k, { path: 'model_weights/dense_1/dense_1/kernel:0', shape: [8, 8], first: [-0.3643428385257721, -1.0092283487319946, -0.5999957919120789], sum: -3.528251315932721 });
    expectSpot(k, { path: 'model_weights/lstm_1/lstm_1/kernel:0', shape: [1, 120], first: [-0.7096676826477051, -0.4127459228038788, -4.258780479431152], sum: -32.57504583732225 });
  });

  it("stylianosioannou INM706 (Keras 3.9.1): Keras's built-in Attention (no weights) is unrecognised as such", async () => {
    const k = await open('stylianosioannou-inm706', 'attention_model.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '3.9.1', backend: 'tensorflow' });
    expect(k.layers.map((l) => [l.name, l.className])).toEqual([
      ['input_layer', 'InputLayer'], ['gru', 'GRU'], ['lambda', 'Lambda'], ['attention', 'Attention'], ['reshape', 'Reshape'], ['dropout', 'Dropout'], ['dense', 'Dense'],
    ]);
    expect(weightCount(k)).toBe(5);
    expect(k.attentionLayers).toEqual([]);
    expect(k.unrecognisedAttention).toEqual([{ layer: 'attention', reason: "Attention is Keras's built-in layer (score_mode dot, use_scale false) and holds no weights: it scores a query against values (lambda, gru) from their activations at run time, which a weights file does not hold" }]);
    expectSpot(k, { path: 'model_weights/gru/gru/gru_cell/bias', shape: [2, 150], first: [0.1466333270072937, 0.23177915811538696, -0.3779543340206146], sum: 7.1130035526812465 });
    expectSpot(k, { path: 'model_weights/dense/dense/kernel', shape: [50, 1], first: [-0.08566562086343765, 0.448655366897583, -0.4190053939819336], sum: -5.076816436601803 });
  });

  it('yaokui2018 sentiment: the Keras 2.6 weights-only save is read (no attention); the empty HDF5 is refused clearly', async () => {
    const k = await open('yaokui2018-sentiment', 'model_lstm.h5');
    expect(k).toMatchObject({ layout: 'keras-weights-h5', detail: 'legacy save_weights (layer_names at the root)', kerasVersion: '2.6.0', backend: 'tensorflow' });
    expect(k.modelConfig).toBeUndefined();
    expect(layerNames(k)).toEqual(['embedding', 'lstm', 'dropout', 'dense', 'activation']);
    expect(k.layer('lstm').weights.map((w) => [w.name, w.shape])).toEqual([['lstm/lstm_cell/kernel:0', [100, 200]], ['lstm/lstm_cell/recurrent_kernel:0', [50, 200]], ['lstm/lstm_cell/bias:0', [200]]]);
    expect(weightCount(k)).toBe(6);
    expect(k.attentionLayers).toEqual([]);
    expect(k.unrecognisedAttention).toEqual([]);
    expectSpot(k, { path: 'lstm/lstm/lstm_cell/recurrent_kernel:0', shape: [50, 200], first: [0.059425968676805496, -0.02786790393292904, 0.09568843990564346], sum: -16.862071586201637 });
    expectSpot(k, { path: 'dense/dense/kernel:0', shape: [50, 3], first: [-0.362908273935318, 0.4284154176712036, 0.10475245118141174], sum: -2.5243339568842202 });
    const e = await openKeras(real('yaokui2018-sentiment', 'model_bilstm-self-attention.h5')).then(
      (x) => (x.close(), undefined),
      (err: unknown) => err as AttnlensError,
    );
    expect(e).toBeInstanceOf(AttnlensError);
    expect(e!.code).toBe('UNKNOWN_FORMAT');
    expect(e!.message).toMatch(/model_bilstm-self-attention\.h5: is an HDF5 file with nothing in it/);
  });
});
