// Every generation of torch.save's format, and safetensors, against the values torch 1.13
// and NumPy wrote (scripts/make-fixtures.py → tests/fixtures/expected.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource, openTorch, openTorchBytes } from '../src/index.js';
import { openTorchFile } from '../src/node.js';
import { expected, fixture, valuesOf } from './helpers.js';

const DTYPE_READ: Record<string, string> = { bfloat16: 'float32' };

describe.each([
  ['layouts-zip.pt', 'torch-zip', 'folder "layouts-zip/"'],
  ['layouts-archive.pt', 'torch-zip', 'folder "archive/"'],
  ['layouts-v2.pt', 'torch-zip', '.storage_alignment 64'],
  ['layouts-deflated.pt', 'torch-zip', 'folder "layouts-zip/"'],
  ['layouts-legacy.pt', 'torch-legacy', 'pickles of protocol 1001, little-endian'],
])('%s', (file, format, detail) => {
  it(`is ${format} and every tensor has torch's dtype, shape and values (offsets, strides, shared storages)`, async () => {
    const f = await openTorchFile(fixture(file));
    try {
      expect(f.format).toBe(format);
      expect(f.detail).toContain(detail);
      const want = expected.layouts as Record<string, { dtype: string; shape: number[]; values: unknown[] }>;
      expect(f.tensors.map((t) => t.name)).toEqual(Object.keys(want));
      for (const [name, w] of Object.entries(want)) {
        expect(f.tensor(name).dtype, name).toBe(w.dtype);
        const t = await f.readTensor(name);
        expect(t.dtype, name).toBe(DTYPE_READ[w.dtype] ?? w.dtype);
        expect(t.shape, name).toEqual(w.shape);
        expect(valuesOf(t), name).toEqual(w.values);
      }
    } finally {
      await f.close();
    }
  });
});

describe('layouts', () => {
  it('keeps the view facts: W.t() strides, a column\'s offset, two tensors in one storage', async () => {
    const f = await openTorchFile(fixture('layouts-zip.pt'));
    expect(f.tensor('transposed')).toMatchObject({ shape: [4, 3], strides: [1, 4], storageOffset: 0 });
    expect(f.tensor('column')).toMatchObject({ shape: [3], strides: [4], storageOffset: 2 });
    expect(f.tensor('rnn.weight_hh_l0').storage).toBe(f.tensor('rnn.weight_ih_l0').storage);
    expect(f.tensor('rnn.weight_hh_l0').storageOffset).toBe(12);
    await f.close();
  });

  it('reads the same from bytes in memory (the browser entry)', async () => {
    const f = await openTorchBytes(new Uint8Array(readFileSync(fixture('layouts-legacy.pt'))), 'x.pt');
    expect(valuesOf(await f.readTensor('bf16'))).toEqual(expected.layouts.bf16.values);
  });

  it('swaps the bytes of a file whose byteorder record says big', async () => {
    const f = await openTorchFile(fixture('bigendian.pt'));
    expect(f.records.byteorder).toBe('big');
    for (const [name, w] of Object.entries(expected.bigendian as Record<string, { values: number[] }>)) expect(valuesOf(await f.readTensor(name))).toEqual(w.values);
    await f.close();
  });
});

describe.each(['checkpoint.pt', 'checkpoint-legacy.pt'])('nested checkpoint %s', (file) => {
  it('names every tensor by its path of keys and keeps the foreign objects as placeholders', async () => {
    const f = await openTorchFile(fixture(file));
    const want = expected.checkpoint as Record<string, { shape: number[]; values: number[] }>;
    expect(f.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    for (const [name, w] of Object.entries(want)) expect(valuesOf(await f.readTensor(name)), name).toEqual(w.values);
    const entry = (n: string) => f.entries.find((e) => e.name === n);
    expect(entry('epoch')).toMatchObject({ type: 'int', value: 7 });
    expect(entry('loss')).toMatchObject({ type: 'float', value: 0.125 });
    expect(entry('losses')?.summary).toBe('list of 3: 1.5, 0.75, 0.125');
    expect(entry('note')?.value).toBe('best so far');
    expect(entry('args')?.type).toBe('argparse.Namespace');
    expect(entry('vocab')?.type).toBe('torchtext.vocab.Vocab');
    expect(entry('optimizer_state_dict/param_groups')?.type).toBe('list');
    expect(entry('best_acc')).toMatchObject({ type: 'numpy.float64', value: 0.875 });
    expect(entry('np_epoch')).toMatchObject({ type: 'numpy.int64', value: '-3' });
    await f.close();
  });
});

describe('safetensors', () => {
  it('reads every dtype, the metadata, a scalar and an empty tensor', async () => {
    const f = await openTorchFile(fixture('dtypes.safetensors'));
    expect(f.format).toBe('safetensors');
    expect(f.metadata).toEqual({ format: 'pt', note: 'every dtype' });
    for (const [name, w] of Object.entries(expected.safetensors as Record<string, { shape: number[]; values: unknown[] }>)) {
      const t = await f.readTensor(name);
      expect(t.shape, name).toEqual(w.shape);
      expect(valuesOf(t), name).toEqual(w.values);
    }
    expect(f.tensor('t_bf16').dtype).toBe('bfloat16');
    expect(Array.from((await f.readTensor('t_scalar')).data as Float32Array)).toEqual([2.5]);
    expect((await f.readTensor('t_empty')).shape).toEqual([0, 2]);
    await f.close();
  });

  it.each(['alignments.pt', 'alignments.safetensors'])('%s: a saved attention tensor', async (file) => {
    const f = await openTorchFile(fixture(file));
    expect(f.tensors.length).toBe(1);
    const t = await f.readTensor(f.tensors[0]!.name);
    expect(t.shape).toEqual(expected.alignments.shape);
    expect(valuesOf(t)).toEqual(expected.alignments.values);
    await f.close();
  });
});

describe('more generations and placements', () => {
  it.each(['cuda.pt', 'cuda-legacy.pt'])('%s: storages saved on cuda:0 are read on the CPU', async (file) => {
    const f = await openTorchFile(fixture(file));
    expect(f.tensor('w').location).toBe('cuda:0');
    expect(valuesOf(await f.readTensor('w'))).toEqual(expected.cuda.w.values);
    await f.close();
  });

  it('a zip with .data/version instead of version', async () => {
    const f = await openTorchFile(fixture('data-version.pt'));
    expect(f.records).toEqual({ '.data/version': '3' });
    expect(f.detail).toBe('folder "old/", .data/version 3');
    expect(valuesOf(await f.readTensor('w'))).toEqual(expected.cuda.w.values);
    await f.close();
  });

  it('a whole nn.Sequential (torch.save(model)): its tensors under their state_dict names', async () => {
    const f = await openTorchFile(fixture('whole-sequential.pt'));
    const want = expected.whole_sequential as Record<string, { values: number[] }>;
    expect(f.tensors.map((t) => t.name)).toEqual(Object.keys(want));
    for (const [name, w] of Object.entries(want)) expect(valuesOf(await f.readTensor(name))).toEqual(w.values);
    expect(f.entries).toEqual([expect.objectContaining({ name: '(root)', type: 'torch.nn.modules.container.Sequential' })]);
    await f.close();
  });

  it('opening reads the directory and data.pkl, never a storage; a tensor reads only its own bytes', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('lazy.pt')));
    let read = 0;
    const inner = bytesSource(bytes, 'lazy.pt');
    const f = await openTorch({ name: 'lazy.pt', size: bytes.length, read: (o, n) => ((read += n), inner.read(o, n)) });
    expect(bytes.length).toBeGreaterThan(400_000);
    expect(f.tensor('big').shape).toEqual([100_000]);
    expect(read).toBeLessThan(bytes.length / 5); // the tail read is ZIP_TAIL_BYTES (64 KiB + 42), the rest is small
    const before = read;
    expect(Array.from((await f.readTensor('small')).data as Float32Array)).toEqual([0, 1, 2, 3]);
    expect(read - before).toBeLessThan(100);
  });
});

describe('torch >= 2.3 pickles', () => {
  it('_rebuild_tensor_v3: a uint16 tensor over an untyped byte storage', async () => {
    const f = await openTorchFile(fixture('rebuild-v3.pt'));
    expect(f.tensor('u16')).toMatchObject({ dtype: 'uint16', shape: [4], storageNumel: 4 });
    expect(Array.from((await f.readTensor('u16')).data as Uint16Array)).toEqual([1, 2, 65535, 300]);
    await f.close();
  });
});
