// Every layout Keras has written, on files the project's generator wrote in that layout
// (scripts/make-fixtures.py): layout, versions, layer order, weight order, and values
// equal to what h5py reads (manifest.json).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { valueAt } from '@attnlens/core';
import { openKeras } from '../src/node.js';
import { Hdf5File, readBlock } from '../src/hdf5-file.js';
import type { KerasFile } from '../src/types.js';
import { expectMatches, fx, manifest } from './fixture-files.js';

const open: KerasFile[] = [];
async function load(name: string): Promise<KerasFile> {
  const k = await openKeras(fx(name));
  open.push(k);
  return k;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
  vi.restoreAllMocks();
});

const names = (k: KerasFile) => k.layers.map((l) => l.name);
const weightNames = (k: KerasFile, layer: string) => k.layer(layer).weights.map((w) => w.name);

/** Every weight the file lists has h5py's dtype and shape, and readWeight gives h5py's values. */
function expectAllWeightsMatch(k: KerasFile, file: string): void {
  const m = manifest[file]!;
  let n = 0;
  for (const l of k.layers) {
    for (const w of l.weights) {
      const e = m[w.path];
      expect(e, `${w.path} in the manifest`).toBeDefined();
      expect([...w.shape]).toEqual(e!.shape);
      expectMatches(k.readWeight(w.path), e!, w.path);
      n++;
    }
  }
  expect(n).toBeGreaterThan(0);
}

describe('legacy HDF5 (model.save / save_weights)', () => {
  it('Keras 1.2.2 full save: no backend, flat names dense_1_W:0, 9-array GRU, unnamed param_i', async () => {
    const k = await load('keras1-full.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', detail: 'legacy full save (model_weights/)', kerasVersion: '1.2.2' });
    expect(k.backend).toBeUndefined();
    expect(names(k)).toEqual(['embedding_1', 'gru_1', 'attlayer_1', 'dense_1']);
    expect(k.layers.map((l) => l.className)).toEqual(['Embedding', 'GRU', 'AttLayer', 'Dense']);
    expect(weightNames(k, 'gru_1')).toEqual(['z', 'r', 'h'].flatMap((g) => [`gru_1_W_${g}:0`, `gru_1_U_${g}:0`, `gru_1_b_${g}:0`]));
    expect(weightNames(k, 'dense_1')).toEqual(['dense_1_W:0', 'dense_1_b:0']);
    expect(k.layer('dense_1').weights[0]!.path).toBe('model_weights/dense_1/dense_1_W:0');
    expect(k.attentionLayers).toMatchObject([{ layer: 'attlayer_1', className: 'AttLayer', variant: 'attlayer', inputDim: 3, attentionDim: 2,
      weights: { W: 'model_weights/attlayer_1/param_0', b: 'model_weights/attlayer_1/param_1', u: 'model_weights/attlayer_1/param_2' } }]);
    expectAllWeightsMatch(k, 'keras1-full.h5');
  });

  it('pre-1.0 weights: nb_layers, layer_k, param_p', async () => {
    const k = await load('keras0-legacy.h5');
    expect(k).toMatchObject({ layout: 'keras-weights-h5', detail: 'pre-1.0 Keras weights (nb_layers, layer_k/param_p)' });
    expect(k.layers.map((l) => [l.name, l.weights.map((w) => w.shape)])).toEqual([
      ['layer_0', [[4, 3], [3]]], ['layer_1', []], ['layer_2', [[3, 1]]],
    ]);
    expectAllWeightsMatch(k, 'keras0-legacy.h5');
  });

  it('Keras 2.2.4 HAN: fixed-length attrs, weight order from weight_names, TimeDistributed nesting, Bidirectional forward then backward', async () => {
    const k = await load('keras2-han.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.2.4', backend: 'tensorflow' });
    expect(names(k)).toEqual(['input_2', 'time_distributed_1', 'bidirectional_2', 'dropout_1', 'att_layer_2', 'attention_layer_1', 'dense_1']);
    const gru = (s: string) => [`${s}/kernel:0`, `${s}/recurrent_kernel:0`, `${s}/bias:0`];
    expect(weightNames(k, 'time_distributed_1')).toEqual([
      'embedding_1/embeddings:0', ...gru('bidirectional_1/forward_gru_1'), ...gru('bidirectional_1/backward_gru_1'),
      'att_layer_1/W:0', 'att_layer_1/b:0', 'att_layer_1/u:0',
    ]);
    // kernel before bias, as weight_names says, though HDF5 lists bias:0 first
    expect(weightNames(k, 'dense_1')).toEqual(['dense_1/kernel:0', 'dense_1/bias:0']);
    expect(k.layer('input_2').weights).toEqual([]);
    expect(k.layer('dropout_1')).toMatchObject({ className: 'Dropout', weights: [] });
    expect(k.layer('time_distributed_1').weights.at(-1)!.path).toBe('model_weights/time_distributed_1/att_layer_1/u:0');
    expectAllWeightsMatch(k, 'keras2-han.h5');
  });

  it('tf.keras 2.7: vlen UTF-8 and ASCII attributes, NaN/Infinity in model_config, top_level_model_weights left out when empty', async () => {
    const k = await load('tfkeras27-full.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '2.7.0', backend: 'tensorflow' });
    expect(names(k)).toEqual(['input_1', 'embedding', 'bidirectional', 'attention_with_context', 'dense']);
    expect(weightNames(k, 'bidirectional')[3]).toBe('bidirectional/backward_lstm/lstm_cell_2/kernel:0');
    const cfg = k.modelConfig as { class_name: string; config: { layers: { config: Record<string, any> }[] } };
    expect(cfg.class_name).toBe('Functional');
    expect(cfg.config.layers[3]!.config.W_constraint.config.max_value).toBe(Infinity);
    expect(cfg.config.layers[4]!.config.kernel_regularizer.config.l1).toBeNaN();
    expect(cfg.config.layers[4]!.config.kernel_regularizer.config.l2).toBe(-Infinity);
    expectAllWeightsMatch(k, 'tfkeras27-full.h5');
  });

  it('save_weights on Theano: layer_names0/1 and weight_names0/1 chunks, 1-element backend, fixed scalar version, UTF-8 names', async () => {
    const k = await load('keras2-theano-weights.h5');
    expect(k).toMatchObject({ layout: 'keras-weights-h5', detail: 'legacy save_weights (layer_names at the root)', kerasVersion: '2.1.5', backend: 'theano' });
    expect(names(k)).toEqual(['input_1', 'bidirectional_1', 'dropout_1', 'attention_with_context_1', 'att_layer_1', 'couche_é_1', 'dense_1']);
    expect(weightNames(k, 'bidirectional_1')).toEqual(['forward', 'backward'].flatMap((d) => ['kernel', 'recurrent_kernel', 'bias'].map((w) => `bidirectional_1/${d}_gru_1/${w}`)));
    expect(k.layer('couche_é_1').weights.map((w) => w.path)).toEqual(['couche_é_1/couche_é_1/kernel']);
    expectAllWeightsMatch(k, 'keras2-theano-weights.h5');
  });

  it('Keras 3 legacy .h5: names without ":0", a UTF-8 layer name', async () => {
    const k = await load('keras3-legacy.h5');
    expect(k).toMatchObject({ layout: 'keras-h5', kerasVersion: '3.10.0', backend: 'jax' });
    expect(names(k)).toEqual(['input_layer', 'lstm', 'attention_layer', 'dense_é']);
    expect(weightNames(k, 'lstm')).toEqual(['lstm/lstm_cell/kernel', 'lstm/lstm_cell/recurrent_kernel', 'lstm/lstm_cell/bias']);
    expectAllWeightsMatch(k, 'keras3-legacy.h5');
  });

  it('a .keras name that is really HDF5 is read by content', async () => {
    const k = await load('really-hdf5.keras');
    expect(k.layout).toBe('keras-h5');
    expect(names(k)).toEqual(['input_1', 'embedding', 'bidirectional', 'attention_with_context', 'dense']);
  });
});

describe('Keras 3 native layouts', () => {
  it('.weights.h5: layers/<name>/vars/<i> sorted numerically (vars/10 after vars/9, dense_10 after dense_2)', async () => {
    const k = await load('keras3.weights.h5');
    expect(k).toMatchObject({ layout: 'keras-weights-h5', detail: 'Keras 3 weights (layers/<name>/vars/<i>)' });
    expect(names(k)).toEqual(['attention_with_context', 'dense', 'dense_1', 'dense_2', 'dense_10', 'embedding', 'input_layer', 'many_vars']);
    const many = k.layer('many_vars').weights;
    expect(many.map((w) => w.name)).toEqual(Array.from({ length: 12 }, (_, i) => `vars/${i}`));
    expect(many.map((w) => w.shape[0])).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(names(k)).not.toContain('optimizer');
    expectAllWeightsMatch(k, 'keras3.weights.h5');
  });

  it('tf.keras 2.13 .weights.h5 with _layer_checkpoint_dependencies', async () => {
    const k = await load('tfkeras213.weights.h5');
    expect(k.detail).toMatch(/_layer_checkpoint_dependencies/);
    expect(names(k)).toEqual(['att_layer', 'dense']);
    expectAllWeightsMatch(k, 'tfkeras213.weights.h5');
  });

  for (const file of ['keras3.keras', 'keras3-deflate64.keras']) {
    it(`.keras zip (${file.includes('deflate') ? 'deflated, ZIP64' : 'stored'}): layer names and classes from config.json by position`, async () => {
      const k = await load(file);
      expect(k).toMatchObject({ layout: 'keras-zip', kerasVersion: '3.4.1', path: fx(file) });
      expect(k.detail).toMatch(/\.keras archive/);
      expect(k.layers.map((l) => [l.name, l.className, l.group])).toEqual([
        ['input_layer_2', 'InputLayer', 'layers/input_layer'],
        ['embedding_3', 'Embedding', 'layers/embedding'],
        ['bidirectional_1', 'Bidirectional', 'layers/bidirectional'],
        ['attention_with_context_7', 'AttentionWithContext', 'layers/attention_with_context'],
        ['dense_9', 'Dense', 'layers/dense'],
        ['dense_10', 'Dense', 'layers/dense_1'],
      ]);
      expect((k.modelConfig as any).config.layers[3].config.eps).toBeNaN();
      expectAllWeightsMatch(k, 'keras3.keras');
    });
  }
});

describe('dataset types', () => {
  it('float16 comes back as raw bits, big-endian values as their values, bfloat16 widened, ints, bool and 0-d', async () => {
    const k = await load('dtypes.h5');
    expectAllWeightsMatch(k, 'dtypes.h5');
    const W = k.readWeight('att_layer/att_layer/W:0');
    expect(W.dtype).toBe('float16');
    expect(W.data[0]).toBe(0x7c00); // +inf
    expect(W.data[1]).toBe(0x8000); // -0
    expect(valueAt(W, 2)).toBeCloseTo(6.1e-5, 7);
    expect(k.readWeight('/misc/misc/i32be:0').data).toEqual(new Int32Array([-2, 70000, 1 << 30]));
    expect(k.readWeight('misc/misc/u64be:0').data).toEqual(new BigUint64Array([1n << 60n]));
    expect(k.readWeight('misc/misc/i64:0').data).toEqual(new BigInt64Array([-(1n << 40n), 5n]));
    expect(k.readWeight('misc/misc/flag:0')).toMatchObject({ dtype: 'bool', data: new Uint8Array([1, 0, 1]) });
    expect(k.readWeight('misc/misc/iterations:0')).toMatchObject({ dtype: 'int64', shape: [] });
    expect(k.readWeight('misc/misc/bf16:0').data).toEqual(new Float32Array([1, -2.5, 0.15625, 2.9907629905160607e38]));
  });

  it('reads any dataset, not only listed weights (optimizer_weights)', async () => {
    const k = await load('keras2-han.h5');
    expect(k.readWeight('optimizer_weights/Adam/iterations:0').data).toEqual(new BigInt64Array([42n]));
  });
});

describe('laziness', () => {
  it('opening and classifying reads no dataset; readWeight reads one', async () => {
    const spy = vi.spyOn(Hdf5File.prototype, 'readDataset');
    const k = await load('keras2-han.h5');
    expect(k.attentionLayers.length).toBe(2);
    expect(spy).not.toHaveBeenCalled();
    k.readWeight(k.attentionLayers[0]!.weights.W);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('reads a dataset in row blocks with the same values as one read', async () => {
    const k = await load('keras2-han.h5');
    const m = manifest['keras2-han.h5']!;
    const paths = ['model_weights/time_distributed_1/embedding_1/embeddings:0', 'model_weights/bidirectional_2/bidirectional_2/forward_gru_2/bias:0'];
    const whole = paths.map((p) => k.readWeight(p));
    const saved = readBlock.bytes;
    try {
      for (const bytes of [1, 16, 40]) {
        readBlock.bytes = bytes; // 1 row per block, 1 row, 2 rows (the last block short)
        paths.forEach((p, i) => {
          const t = k.readWeight(p);
          expect(t.data).toEqual(whole[i]!.data);
          expectMatches(t, m[p]!, p);
        });
      }
    } finally {
      readBlock.bytes = saved;
    }
  });
});
