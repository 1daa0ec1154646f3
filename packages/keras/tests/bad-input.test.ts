// Every bad input gives one clear AttnlensError naming the file, never a crash or an empty answer.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm/node';
import { isAttnlensError, type ErrorCode } from '@attnlens/core';
import { openKeras } from '../src/node.js';
import { fx } from './fixture-files.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-keras-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejects(p: Promise<unknown> | (() => unknown), code: ErrorCode, message: RegExp, file?: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(isAttnlensError(e), String(e)).toBe(true);
    const err = e as Error & { code: string; file?: string; hint?: string };
    expect(err.code, err.message).toBe(code);
    expect(err.message).toMatch(message);
    if (file) expect(err.file).toBe(file);
    expect(err.hint, `${err.message} has a hint`).toBeTruthy();
    return;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

/** A small HDF5 file written with h5wasm, for damage the generator does not cover. */
async function writeH5(name: string, build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<string> {
  await h5wasm.ready;
  const path = join(dir, name);
  const f = new h5wasm.File(path, 'w');
  try {
    build(f);
  } finally {
    f.close();
  }
  return path;
}

/**
 * Run with TMPDIR set to a fresh folder of this test's own, where `temps()` lists what
 * openKeras left: the shared temp folder also holds other tests' and other programs'
 * folders (test/cli makes attnlens-keras-cli-*), which come and go as they run.
 */
async function inPrivateTmp(fn: (temps: () => string[]) => Promise<void>): Promise<void> {
  const t = mkdtempSync(join(dir, 'tmp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = t; // os.tmpdir() reads it on every call
  try {
    await fn(() => readdirSync(t));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

describe('files that are not readable Keras files', () => {
  it('missing file, directory, empty file, text file', async () => {
    await rejects(openKeras(join(dir, 'nope.h5')), 'FILE_NOT_FOUND', /nope\.h5: no such file/);
    mkdirSync(join(dir, 'a-dir.h5'));
    await rejects(openKeras(join(dir, 'a-dir.h5')), 'FILE_NOT_FOUND', /is a directory/);
    writeFileSync(join(dir, 'empty.h5'), '');
    await rejects(openKeras(join(dir, 'empty.h5')), 'UNKNOWN_FORMAT', /file is empty/);
    await rejects(openKeras(fx('not-hdf5.h5')), 'UNKNOWN_FORMAT', /not-hdf5\.h5: is not a format attnlens knows, not a Keras file/, fx('not-hdf5.h5'));
  });

  it('truncated HDF5: says how long it is and how long it should be', async () => {
    try {
      await openKeras(fx('truncated.h5'));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'TRUNCATED', file: fx('truncated.h5'), details: { size: 25233, expected: 42056 } });
      expect((e as Error).message).toMatch(/is cut short: 25233 bytes, but its HDF5 superblock says 42056/);
    }
  });

  it('corrupted in the middle: HDF5 opens it, then cannot list a group; that is an error, not an empty model', async () => {
    await rejects(openKeras(fx('corrupt-middle.h5')), 'CORRUPT', /corrupt-middle\.h5: the HDF5 library cannot (list|look up).*bad symbol table node signature/, fx('corrupt-middle.h5'));
    // the library still works for the next file
    const k = await openKeras(fx('keras2-han.h5'));
    expect(k.attentionLayers).toHaveLength(2);
    k.close();
  });

  it('HDF5 that shows nothing, and HDF5 that is not Keras', async () => {
    // Written here, not committed: an empty file as h5py writes it is byte for byte a file of the real corpus.
    await rejects(openKeras(await writeH5('empty.h5', () => undefined)), 'UNKNOWN_FORMAT', /HDF5 file with nothing in it/);
    await rejects(openKeras(fx('plain.h5')), 'UNKNOWN_FORMAT', /is an HDF5 file but not a Keras file.*it holds g, x/);
  });

  it('weight_names naming a dataset that is not there', async () => {
    await rejects(openKeras(fx('missing-dataset.h5')), 'CORRUPT', /lists the weight dense_1\/bias:0 in weight_names, but \/dense_1\/dense_1\/bias:0 is not a dataset/);
  });

  it('layer_names naming a group that is not there, weight_names holding numbers, a layer group without weight_names', async () => {
    const noGroup = await writeH5('no-group.h5', (f) => {
      f.create_attribute('layer_names', ['dense_1', 'dense_2']);
      const g = f.create_group('dense_1');
      g.create_attribute('weight_names', ['kernel:0']);
      g.create_dataset({ name: 'kernel:0', data: new Float32Array(4), shape: [2, 2] });
    });
    await rejects(openKeras(noGroup), 'CORRUPT', /layer_names lists the layer dense_2 but there is no group \/dense_2/);
    const numbers = await writeH5('numbers.h5', (f) => {
      f.create_attribute('layer_names', ['dense_1']);
      f.create_group('dense_1').create_attribute('weight_names', new Int32Array([1, 2]));
    });
    await rejects(openKeras(numbers), 'CORRUPT', /weight_names of \/dense_1 should list names but holds numbers/);
    const noNames = await writeH5('no-weight-names.h5', (f) => {
      f.create_attribute('layer_names', ['dense_1']);
      f.create_group('dense_1');
    });
    await rejects(openKeras(noNames), 'CORRUPT', /\/dense_1 has no weight_names attribute/);
  });

  it('model_config that is not JSON, and a model_config without weights', async () => {
    const bad = await writeH5('bad-config.h5', (f) => {
      f.create_attribute('model_config', '{"class_name": "Model", "config": ');
      f.create_group('model_weights').create_attribute('layer_names', ['a']);
      (f.get('model_weights') as any).create_group('a').create_attribute('weight_names', new Float64Array(0));
    });
    await rejects(openKeras(bad), 'CORRUPT', /model_config is not valid JSON/);
    const noWeights = await writeH5('config-only.h5', (f) => f.create_attribute('model_config', '{"class_name": "Sequential", "config": []}'));
    await rejects(openKeras(noWeights), 'NOT_FOUND', /holds a Keras model_config but no weights/);
  });

  it('a weight that holds strings', async () => {
    const strings = await writeH5('strings.h5', (f) => {
      f.create_attribute('layer_names', ['tok']);
      const g = f.create_group('tok');
      g.create_attribute('weight_names', ['vocab:0']);
      g.create_dataset({ name: 'vocab:0', data: ['a', 'b'] });
    });
    await rejects(openKeras(strings), 'UNSUPPORTED', /dataset \/tok\/vocab:0 holds string values/);
  });
});

describe('bad .keras archives', () => {
  it('without weights: lists what it holds', async () => {
    await rejects(openKeras(fx('no-weights.keras')), 'NOT_FOUND', /is a \.keras archive without weights: it holds metadata\.json, config\.json but no model\.weights\.h5/);
  });

  it('weights in npz: unsupported, said plainly', async () => {
    await rejects(openKeras(fx('npz-weights.keras')), 'UNSUPPORTED', /model\.weights\.npz/);
  });

  it('cut short: no central directory', async () => {
    const src = readFileSync(fx('keras3.keras'));
    const p = join(dir, 'cut.keras');
    writeFileSync(p, src.subarray(0, src.length - 400));
    await rejects(openKeras(p), 'TRUNCATED', /zip archive without its central directory/);
  });

  it('damaged weights inside the archive: an HDF5 error naming the .keras, and no temporary file left behind', () => inPrivateTmp(async (temps) => {
    const src = Buffer.from(readFileSync(fx('keras3.keras')));
    const at = src.indexOf(Buffer.from([0x89, 0x48, 0x44, 0x46])); // the HDF5 signature of model.weights.h5
    expect(at).toBeGreaterThan(0);
    src.fill(0, at + 8, at + 200); // its superblock
    const p = join(dir, 'damaged.keras');
    writeFileSync(p, src);
    await rejects(openKeras(p), 'CORRUPT', /damaged\.keras: has an HDF5 signature but the HDF5 library cannot open it/, p);
    expect(temps()).toEqual([]);
  }));

  it('nowhere to put the temporary copy: an IO error naming the directory', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(dir, 'no-such-dir');
    try {
      await rejects(openKeras(fx('keras3.keras')), 'IO', /keras3\.keras: cannot write a temporary copy of model\.weights\.h5 in .*no-such-dir \(ENOENT\)/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('a zip that is not a .keras archive', async () => {
    const npz = fx('npz-weights.keras');
    const p = join(dir, 'other.zip');
    // same bytes with config.json renamed: no longer a Keras archive by its entries
    writeFileSync(p, Buffer.from(readFileSync(npz).toString('latin1').replaceAll('config.json', 'configx.txt'), 'latin1'));
    await rejects(openKeras(p), 'UNKNOWN_FORMAT', /zip archive but not a Keras \.keras file/);
  });
});

describe('asking for what is not there', () => {
  it('layer(): nested names work, unknown names list the layers', async () => {
    const k = await openKeras(fx('keras2-han.h5'));
    try {
      expect(k.layer('time_distributed_1/att_layer_1').weights.map((w) => w.name)).toEqual(['att_layer_1/W:0', 'att_layer_1/b:0', 'att_layer_1/u:0']);
      expect(k.layer('att_layer_1').name).toBe('time_distributed_1/att_layer_1');
      expect(k.layer('time_distributed_1/att_layer_1').className).toBe('AttLayer');
      await rejects(() => k.layer('att_layer_9'), 'NOT_FOUND', /has no layer named att_layer_9/, fx('keras2-han.h5'));
      try {
        k.layer('att_layer_9');
      } catch (e) {
        expect((e as { hint: string }).hint).toMatch(/input_2, time_distributed_1, bidirectional_2, dropout_1, att_layer_2, attention_layer_1, dense_1/);
      }
    } finally {
      k.close();
    }
  });

  it('readWeight(): a missing path suggests the full one; a group is not a dataset; a closed file says so', async () => {
    const k = await openKeras(fx('keras2-han.h5'));
    await rejects(() => k.readWeight('att_layer_2/Variable:0'), 'NOT_FOUND', /has no dataset \/att_layer_2\/Variable:0/);
    try {
      k.readWeight('att_layer_2/Variable:0');
    } catch (e) {
      expect((e as { hint: string }).hint).toBe('did you mean model_weights/att_layer_2/att_layer_2/Variable:0?');
    }
    await rejects(() => k.readWeight('model_weights/att_layer_2'), 'NOT_FOUND', /has no dataset/);
    await rejects(() => k.readWeight(''), 'NOT_FOUND', /empty path/);
    k.close();
    k.close(); // twice is fine
    await rejects(() => k.readWeight('model_weights/att_layer_2/att_layer_2/Variable:0'), 'BAD_ARGUMENT', /closed/);
  });

  it('a .keras file removes its temporary copy on close', () => inPrivateTmp(async (temps) => {
    const k = await openKeras(fx('keras3.keras'));
    expect(temps()).toEqual([expect.stringMatching(/^attnlens-keras-/)]);
    expect(k.readWeight('layers/dense_1/vars/0').shape).toEqual([3, 1]);
    k.close();
    expect(temps()).toEqual([]);
  }));
});

describe('the generated bad files are what the generator says', () => {
  it('truncated.h5 is a prefix of keras2-han.h5 and corrupt-middle.h5 has its size', () => {
    const han = readFileSync(fx('keras2-han.h5'));
    const cut = readFileSync(fx('truncated.h5'));
    expect(han.subarray(0, cut.length).equals(cut)).toBe(true);
    expect(readFileSync(fx('corrupt-middle.h5')).length).toBe(han.length);
  });
});
