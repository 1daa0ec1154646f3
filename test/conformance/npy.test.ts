// Every .npy in ../shared/fixtures/real reads to the values NumPy gives. The numbers
// are NumPy's own, in fixtures/npy-numpy.json, written by scripts/npy-values.py:
//   /usr/bin/python3 test/conformance/scripts/npy-values.py   (rerun to regenerate)
// (a.dtype.str, a.shape, data offset, float(a.astype(np.float64).sum()),
//  a.ravel()[i].item() for i in (0, 1, n // 2, n - 1))
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { toFloat64, valueAt, type DType } from '@attnlens/core';
import { decodeNpy, parseNpyHeader } from '@attnlens/npy';
import { inspectNumpyFile, loadArray, openNpy, readNpyFile } from '@attnlens/npy/node';
import { describeReal, real } from '../helpers/shared.js';

interface Want { file: string; descr: string; shape: number[]; offset: number; sum: number; at: [number, number][] }
const NUMPY = JSON.parse(readFileSync(new URL('fixtures/npy-numpy.json', import.meta.url), 'utf8')) as { numpy: string; arrays: Want[] };
const WANT = NUMPY.arrays;
/** The attnlens dtype of each NumPy dtype string these files hold. */
const DTYPE: Record<string, DType> = { '<f8': 'float64', '<f4': 'float32', '<i8': 'int64' };

const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);

describeReal('conformance: real .npy files read as NumPy reads them', () => {
  it('NumPy described six arrays', () => expect(WANT.map((w) => w.file)).toHaveLength(6));

  it.each(WANT)('$file', async (w) => {
    const path = real(w.file);
    const h = parseNpyHeader(readFileSync(path), path);
    expect([h.descr, h.headerBytes, h.fortranOrder]).toEqual([w.descr, w.offset, false]);
    for (const t of [await readNpyFile(path), await loadArray(path), decodeNpy(new Uint8Array(readFileSync(path)), path)]) {
      expect(t.dtype).toBe(DTYPE[w.descr]);
      expect(t.shape).toEqual(w.shape);
      for (const [i, v] of w.at) expect(valueAt(t, i)).toBe(v);
      // NumPy sums pairwise, this sums in order: equal to within a few ulps of the total.
      expect(Math.abs(sum(toFloat64(t)) - w.sum)).toBeLessThanOrEqual(Math.abs(w.sum) * 1e-12);
    }
    const r = await openNpy(path);
    let streamed = 0;
    let rows = 0;
    for await (const { tensor } of r.chunks(777)) {
      streamed += sum(toFloat64(tensor));
      rows += tensor.shape[0]!;
    }
    await r.close();
    expect(rows).toBe(w.shape[0]);
    expect(Math.abs(streamed - w.sum)).toBeLessThanOrEqual(Math.abs(w.sum) * 1e-12);
  });

  it('refuses the pickled object array with the clear error, and inspect still describes it', async () => {
    const path = real('yijing-sie-attention/attention.npy');
    for (const read of [() => readNpyFile(path), () => loadArray(path), async () => decodeNpy(readFileSync(path), path)]) {
      const e = await read().then(() => undefined, (x: unknown) => x as { code: string; message: string; hint: string; file: string });
      expect(e?.code).toBe('UNSUPPORTED');
      expect(e?.message).toMatch(/holds Python objects \(dtype \|O\), stored as a pickle/);
      expect(e?.hint).toMatch(/needs pickle .* arbitrary code/);
      expect(e?.file).toBe(path);
    }
    const info = await inspectNumpyFile(path);
    expect(info.format).toBe('npy');
    if (info.format === 'npy') expect([info.arrays[0]!.info.descr, info.arrays[0]!.info.shape]).toEqual(['|O', [10]]);
  });
});
