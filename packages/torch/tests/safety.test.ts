// Hostile and damaged files: refused with an AttnlensError naming what was wrong, never run,
// never a crash or a hang. The hostile pickles were written by scripts/make-fixtures.py,
// which checked that Python's own pickle.loads does run them (it creates the marker).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAttnlensError, resetLimits, setLimits } from '@attnlens/core';
import { openTorchBytes } from '../src/index.js';
import { openTorchFile } from '../src/node.js';
import { errorOf, expected, fixture, valuesOf } from './helpers.js';

const hostile = expected.hostile as Record<string, { global: string; marker: string }>;

describe('hostile pickles', () => {
  it.each(Object.entries(hostile).map(([f, h]) => [f, h.global, h.marker] as const))('%s is refused naming %s, and nothing ran', async (file, global, marker) => {
    const e = await errorOf(openTorchFile(fixture(file)));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.reason).toContain(global);
    expect(e.reason).toContain('ran nothing');
    expect(e.details?.global).toBe(global);
    // the marker is relative: it would land in the working folder, or beside the fixture
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(fixture(marker))).toBe(false);
  });

  it('says a dangerous global would run code, and an unknown class is not needed', async () => {
    expect((await errorOf(openTorchFile(fixture('hostile-os-system.pt')))).reason).toMatch(/would run code/);
    expect((await errorOf(openTorchFile(fixture('hostile-unknown-class.pt')))).reason).toMatch(/__main__\.Evil, a class or function a checkpoint of tensors does not need/);
  });
});

describe('damaged files', () => {
  it.each([
    ['truncated-zip.pt', 'TRUNCATED', /end-of-central-directory/],
    ['truncated-legacy.pt', 'TRUNCATED', /storage|cut short|ends/],
    ['bad-header-long.safetensors', 'TRUNCATED', /header of 1000000 bytes but the file is only 96 bytes/],
    ['bad-header-json.safetensors', 'CORRUPT', /not JSON/],
    ['bad-offsets.safetensors', 'CORRUPT', /needs 64 bytes but its data_offsets span 16/],
    ['bad-dtype.safetensors', 'UNSUPPORTED', /dtype C64/],
    ['bad-overlap.safetensors', 'CORRUPT', /tensor b overlapping the one before it/],
    ['torchscript.pt', 'UNSUPPORTED', /TorchScript archive/],
  ])('%s: %s', async (file, code, message) => {
    const e = await errorOf(openTorchFile(fixture(file)));
    expect(e.code).toBe(code);
    expect(e.reason).toMatch(message);
    expect(e.file).toBe(fixture(file));
    expect(e.hint).toBeTruthy();
  });

  it('a storage shorter than its tensor claims: listed, then refused when read', async () => {
    const f = await openTorchFile(fixture('short-storage.pt'));
    expect(f.tensors.map((t) => t.shape)).toEqual([[4, 4]]);
    const e = await errorOf(f.readTensor('w'));
    expect(e.code).toBe('CORRUPT');
    expect(e.reason).toMatch(/storage 0 needs 64 bytes but holds 24/);
    await f.close();
  });

  it('an unknown tensor name lists the names', async () => {
    const f = await openTorchFile(fixture('att-linear.pt'));
    const e = await errorOf(f.readTensor('attn.wieght'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('attn.weight');
    await f.close();
  });

  it.each(['layouts-zip.pt', 'layouts-legacy.pt', 'checkpoint-legacy.pt', 'dtypes.safetensors'])('%s cut at every 97th byte or with a flipped byte: an AttnlensError or a good read, never a crash', async (file) => {
    const full = new Uint8Array(readFileSync(fixture(file)));
    const tries: Uint8Array[] = [];
    for (let n = 0; n < full.length; n += 97) tries.push(full.subarray(0, n));
    for (let at = 0; at < full.length; at += 61) {
      const b = full.slice();
      b[at] ^= 0x5a;
      tries.push(b);
    }
    for (const bytes of tries) {
      try {
        const f = await openTorchBytes(bytes, file);
        for (const t of f.tensors) await f.readTensor(t.name).catch((e: unknown) => {
          if (!isAttnlensError(e)) throw e;
        });
      } catch (e) {
        if (!isAttnlensError(e)) throw new Error(`${file} (${bytes.length} bytes): ${(e as Error).stack}`);
      }
    }
  });
});

describe('size limits', () => {
  it('a broadcast view (stride 0) reads its one stored element into every place', async () => {
    const f = await openTorchFile(fixture('broadcast.pt'));
    expect(f.tensor('b').strides).toEqual([0, 0]);
    for (const name of ['b', 'r']) expect(valuesOf(await f.readTensor(name)), name).toEqual(expected.broadcast[name].values);
    await f.close();
  });

  it('a broadcast view yielding more than the output limit is refused before allocating', async () => {
    setLimits({ maxOutputBytes: 64 });
    try {
      const f = await openTorchFile(fixture('broadcast.pt'));
      const e = await errorOf(f.readTensor('b'));
      expect(e.code).toBe('SIZE_LIMIT');
      expect(e.reason).toMatch(/broadcast view of 1 stored elements/);
      await f.close();
    } finally {
      resetLimits();
    }
  });

  it('a tensor over the per-array limit is refused, naming it', async () => {
    setLimits({ maxArrayBytes: 1000 });
    try {
      const f = await openTorchFile(fixture('lazy.pt'));
      const e = await errorOf(f.readTensor('big'));
      expect(e.code).toBe('SIZE_LIMIT');
      expect(e.reason).toContain('tensor big (100000,) float32');
      expect(Array.from((await f.readTensor('small')).data as Float32Array)).toEqual([0, 1, 2, 3]);
      await f.close();
    } finally {
      resetLimits();
    }
  });
});
