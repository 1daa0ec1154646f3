// `attnlens inspect` and `extract` on Keras files, run as a user would (the built CLI),
// on the files packages/keras/scripts/make-fixtures.py wrote and on the real corpus.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toFloat64 } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { cli, isCleanError } from '../helpers/cli.js';
import { describeReal, real, REPO } from '../helpers/shared.js';

const fx = (name: string) => join(REPO, 'packages', 'keras', 'tests', 'fixtures', name);
const manifest = JSON.parse(readFileSync(fx('manifest.json'), 'utf8')) as Record<string, Record<string, { shape: number[]; first: (number | null)[]; sum: number }>>;
const dir = mkdtempSync(join(tmpdir(), 'attnlens-keras-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const json = (args: string[]) => {
  const r = cli([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('attnlens inspect on Keras files', () => {
  it('--json: format, versions, layers in order with classes and weights, attention layers with dataset paths', () => {
    const j = json(['inspect', fx('keras2-han.h5')]);
    expect(j).toMatchObject({ format: 'keras-h5', layout: 'legacy full save (model_weights/)', keras_version: '2.2.4', backend: 'tensorflow', model_class: 'Model' });
    expect(j.layers.map((l: { name: string; class_name: string }) => [l.name, l.class_name])).toEqual([
      ['input_2', 'InputLayer'], ['time_distributed_1', 'TimeDistributed'], ['bidirectional_2', 'Bidirectional'], ['dropout_1', 'Dropout'],
      ['att_layer_2', 'AttLayer'], ['attention_layer_1', 'AttentionLayer'], ['dense_1', 'Dense'],
    ]);
    expect(j.layers[6].weights).toEqual([
      { name: 'dense_1/kernel:0', path: 'model_weights/dense_1/dense_1/kernel:0', dtype: 'float32', shape: [6, 2] },
      { name: 'dense_1/bias:0', path: 'model_weights/dense_1/dense_1/bias:0', dtype: 'float32', shape: [2] },
    ]);
    expect(j.attention_layers).toEqual([
      { layer: 'time_distributed_1/att_layer_1', class_name: 'AttLayer', variant: 'attlayer', input_dim: 6, attention_dim: 5, backend: null, reason: expect.stringContaining('AttLayer'),
        weights: { W: 'model_weights/time_distributed_1/att_layer_1/W:0', b: 'model_weights/time_distributed_1/att_layer_1/b:0', u: 'model_weights/time_distributed_1/att_layer_1/u:0' } },
      { layer: 'att_layer_2', class_name: 'AttLayer', variant: 'attlayer', input_dim: 6, attention_dim: 4, backend: null, reason: expect.stringContaining('by order and shape'),
        weights: { W: 'model_weights/att_layer_2/att_layer_2/Variable:0', b: 'model_weights/att_layer_2/att_layer_2/Variable_1:0', u: 'model_weights/att_layer_2/att_layer_2/Variable_2:0' } },
    ]);
    expect(j.unrecognised_attention).toEqual([{ layer: 'attention_layer_1', reason: expect.stringMatching(/match none/) }]);
  });

  it('--json for each layout names it', () => {
    expect(json(['inspect', fx('keras2-theano-weights.h5')])).toMatchObject({ format: 'keras-weights-h5', keras_version: '2.1.5', backend: 'theano', attention_layers: [{ variant: 'awc-th' }, { variant: 'attlayer', weights: { b: null } }] });
    expect(json(['inspect', fx('keras3.weights.h5')])).toMatchObject({ format: 'keras-weights-h5', layout: 'Keras 3 weights (layers/<name>/vars/<i>)', keras_version: null, backend: null });
    expect(json(['inspect', fx('keras3.keras')])).toMatchObject({ format: 'keras-zip', keras_version: '3.4.1', model_class: 'Functional', attention_layers: [{ layer: 'attention_with_context_7', variant: 'awc-tf' }] });
    expect(json(['inspect', fx('really-hdf5.keras')])).toMatchObject({ format: 'keras-h5', keras_version: '2.7.0' });
    expect(json(['inspect', fx('keras3-legacy.h5')])).toMatchObject({ format: 'keras-h5', attention_layers: [{ variant: 'linear', input_dim: 4, attention_dim: 1 }] });
  });

  it('without --json: a readable tree with the attention layers and why', () => {
    const r = cli(['inspect', fx('tfkeras27-full.h5')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Keras HDF5, legacy full save (model_weights/)');
    expect(r.stdout).toContain('Keras 2.7.0, backend tensorflow, model class Functional');
    expect(r.stdout).toContain('layers (5, 4 with weights):');
    expect(r.stdout).toContain('input_1 (InputLayer): no weights');
    expect(r.stdout).toMatch(/attention_with_context\/attention_with_context_W:0 +float32 \(4, 4\)/);
    expect(r.stdout).toContain('attention_with_context (AttentionWithContext): awc-tf, input dim 4, attention dim 4');
    expect(r.stdout).toContain('W /model_weights/attention_with_context/attention_with_context/attention_with_context_W:0');
    expect(r.stdout).toMatch(/why: AttentionWithContext .*x·Wᵀ/);
    const han = cli(['inspect', fx('keras2-han.h5')]).stdout;
    expect(han).toMatch(/look like attention but match no variant \(1\):\n {2}attention_layer_1: /);
  });
});

describe('attnlens extract on Keras files', () => {
  it('writes any weight as .npy with its dtype and h5py\'s values', () => {
    for (const [file, path] of [
      ['keras2-han.h5', 'model_weights/att_layer_2/att_layer_2/Variable:0'],
      ['keras3.keras', 'layers/attention_with_context/vars/0'],
      ['dtypes.h5', 'att_layer/att_layer/u:0'],
    ] as const) {
      const out = join(dir, `${file}.npy`);
      const r = cli(['extract', fx(file), '--array', path, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const t = decodeNpy(readFileSync(out));
      const m = manifest[file === 'keras3.keras' ? 'keras3.keras' : file]![path]!;
      expect([...t.shape]).toEqual(m.shape);
      expect([...toFloat64(t).subarray(0, m.first.length)]).toEqual(m.first);
    }
    expect(decodeNpy(readFileSync(join(dir, 'dtypes.h5.npy'))).dtype).toBe('float64');
  });

  it('keeps float16 as float16', () => {
    const out = join(dir, 'f16.npy');
    expect(cli(['extract', fx('dtypes.h5'), '--array', '/att_layer/att_layer/W:0', '--out', out, '--json']).stdout).toContain('"dtype":"float16"');
    const t = decodeNpy(readFileSync(out));
    expect(t.dtype).toBe('float16');
    expect(t.data[0]).toBe(0x7c00);
  });
});

describe('attnlens on bad Keras input: one clear line, non-zero exit', () => {
  it.each([
    ['truncated.h5', /truncated\.h5: is cut short: 25233 bytes, but its HDF5 superblock says 42056/],
    ['corrupt-middle.h5', /corrupt-middle\.h5: the HDF5 library cannot .*bad symbol table node signature/],
    ['not-hdf5.h5', /not-hdf5\.h5: not a format attnlens reads/],
    ['plain.h5', /plain\.h5: is an HDF5 file but not a Keras file/],
    ['missing-dataset.h5', /missing-dataset\.h5: the layer group \/dense_1 lists the weight dense_1\/bias:0/],
    ['no-weights.keras', /no-weights\.keras: is a \.keras archive without weights/],
    ['npz-weights.keras', /npz-weights\.keras: .*model\.weights\.npz/],
  ])('inspect %s', (name, msg) => {
    const r = cli(['inspect', fx(name)]);
    expect(r.code).toBe(1);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });

  it('a missing file, and --json on an HDF5 file that is not Keras still prints an object', () => {
    const r = cli(['inspect', join(dir, 'nope.h5')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/nope\.h5: no such file/);
    const j = cli(['inspect', fx('plain.h5'), '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ format: 'unknown', error: 'UNKNOWN_FORMAT' });
  });

  it('extract: a missing dataset suggests the full path; no --array says how to name one; nothing is written', () => {
    const out = join(dir, 'never.npy');
    const r = cli(['extract', fx('keras2-han.h5'), '--array', 'att_layer_2/Variable:0', '--out', out]);
    expect(r.code).toBe(1);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('has no dataset /att_layer_2/Variable:0 (hint: did you mean model_weights/att_layer_2/att_layer_2/Variable:0?)');
    const n = cli(['extract', fx('keras2-han.h5'), '--out', out]);
    expect(n.code).toBe(2);
    expect(isCleanError(n)).toBe(true);
    expect(n.stderr).toContain('name one with --array (hint: e.g. --array model_weights/time_distributed_1/att_layer_1/W:0');
    expect(readdirSync(dir)).not.toContain('never.npy');
  });

  it('a .keras cut short', () => {
    const src = readFileSync(fx('keras3.keras'));
    const p = join(dir, 'cut.keras');
    writeFileSync(p, src.subarray(0, 20000));
    const r = cli(['inspect', p]);
    expect(r.code).toBe(1);
    expect(isCleanError(r), r.stderr).toBe(true);
  });
});

describeReal('attnlens on the real Keras files', () => {
  it('refuses the HDF5 file with nothing in it in one line', () => {
    const r = cli(['inspect', real('yaokui2018-sentiment', 'model_bilstm-self-attention.h5')]);
    expect(r.code).toBe(1);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/model_bilstm-self-attention\.h5: is an HDF5 file with nothing in it/);
    expect(r.stdout).toBe('');
  });

  it('inspects every one and finds the attention layers of case.json', () => {
    const files = [
      ['flamingjay-han-ids/one_layer_best_model.hdf5', 'keras-h5', ['att_layer_1:attlayer']],
      ['eindh-at-conv-lstm/model_0025-0.0035.h5', 'keras-h5', ['attention_with_context_1:awc-tf']],
      ['suprobe-at-conv-lstm/model_0002-0.1149.h5', 'keras-h5', []],
      ['praveena-lstm-attention/final_model.h5', 'keras-h5', ['attention_layer_4:linear']],
      ['praveena-lstm-attention/final_model.keras', 'keras-zip', ['attention_layer_4:linear']],
      ['dobiasd-frugally-deep/lstm.h5', 'keras-h5', []],
      ['dobiasd-frugally-deep/temp_stateful.h5', 'keras-h5', []],
      ['aslaskin-digit/model.keras', 'keras-zip', []],
      ['sh2222222-mt/model.weights.h5', 'keras-weights-h5', []],
    ] as const;
    for (const [f, format, att] of files) {
      const j = json(['inspect', real(...f.split('/'))]);
      expect(j.format, f).toBe(format);
      expect(j.attention_layers.map((a: { layer: string; variant: string }) => `${a.layer}:${a.variant}`), f).toEqual(att);
    }
    expect(json(['inspect', real('suprobe-at-conv-lstm', 'model_0002-0.1149.h5')]).unrecognised_attention.map((u: { layer: string }) => u.layer)).toEqual(['attention_layer_1']);
  });

  it('extracts the eindH W equal to expected/eindh-awc/W.npy', () => {
    const out = join(dir, 'eindh-W.npy');
    const r = cli(['extract', real('eindh-at-conv-lstm', 'model_0025-0.0035.h5'), '--array', 'model_weights/attention_with_context_1/attention_with_context_1/attention_with_context_1_W:0', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const theirsPath = join(REPO, '..', 'shared', 'fixtures', 'expected', 'eindh-awc', 'W.npy');
    const ours = decodeNpy(readFileSync(out));
    const theirs = decodeNpy(readFileSync(theirsPath));
    expect(ours.data).toEqual(theirs.data);
    // and without our reader: both files end in the same 15×15 '<f4' C-order bytes NumPy saved
    const payload = (f: string) => readFileSync(f).subarray(-15 * 15 * 4);
    expect(payload(out).equals(payload(theirsPath))).toBe(true);
  });
});
