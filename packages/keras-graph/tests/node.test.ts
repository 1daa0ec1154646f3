// forwardFile: samples streamed from .npy files in batches, stopped by a signal, inputs checked.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isAttnlensError, toFloat64 } from '@attnlens/core';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
import { readNpyFile } from '@attnlens/npy/node';
import { forwardFile, loadModel } from '../src/node.js';

const dir = fileURLToPath(new URL('./fixtures/tfkeras-shared', import.meta.url));
const opened: KerasFile[] = [];
afterAll(() => opened.forEach((k) => k.close()));

async function model() {
  const k = await openKeras(join(dir, 'weights.h5'));
  opened.push(k);
  return loadModel(k, { config: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) });
}

describe('forwardFile', () => {
  it('batches of 2 give what one run gives (NumPy expected2.npy), in order', async () => {
    const m = await model();
    const got: number[] = [];
    const starts: number[] = [];
    const n = await forwardFile(m, [join(dir, 'in0.npy'), join(dir, 'in1.npy')], [{ layer: 'out', what: 'output' }], {
      batchSize: 2,
      onBatch: (start, v) => {
        starts.push(start);
        got.push(...toFloat64(v[0]!.value));
      },
    });
    expect(n).toBe(3);
    expect(starts).toEqual([0, 2]);
    const want = toFloat64(await readNpyFile(join(dir, 'expected2.npy')));
    expect(Math.max(...got.map((g, i) => Math.abs(g - want[i]!)))).toBeLessThan(1e-5);
  });

  it('an aborted signal stops it with INTERRUPTED; inputs with different sample counts are refused', async () => {
    const m = await model();
    const ac = new AbortController();
    ac.abort();
    const e = await forwardFile(m, [join(dir, 'in0.npy'), join(dir, 'in1.npy')], [{ layer: 'out', what: 'output' }], { signal: ac.signal }).catch((x: unknown) => x);
    expect(isAttnlensError(e) && e.code).toBe('INTERRUPTED');
    const other = fileURLToPath(new URL('./fixtures/keras2-han/in0.npy', import.meta.url));
    const e2 = await forwardFile(m, [join(dir, 'in0.npy'), other], [{ layer: 'out', what: 'output' }]).catch((x: unknown) => x);
    expect(isAttnlensError(e2) && e2.code).toBe('SHAPE_MISMATCH');
    expect((e2 as Error).message).toMatch(/has 2 samples but .*in0.npy has 3/);
    const e3 = await forwardFile(m, [join(dir, 'in0.npy')], [{ layer: 'out', what: 'output' }]).catch((x: unknown) => x);
    expect(isAttnlensError(e3) && e3.code).toBe('BAD_ARGUMENT');
    expect((e3 as Error).message).toMatch(/takes 2 inputs .* but 1 was given/);
  });
});
