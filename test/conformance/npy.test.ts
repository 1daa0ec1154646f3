// Every .npy in ../shared/fixtures/real reads to the values NumPy gives. The numbers
// below were computed with Debian's NumPy 1.24.2:
//   a = np.load(f); a.dtype.str, a.shape, data offset, float(a.astype(np.float64).sum()),
//   a.ravel()[i].item() for i in (0, 1, n // 2, n - 1)
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { toFloat64, valueAt, type DType } from '@attnlens/core';
import { decodeNpy, parseNpyHeader } from '@attnlens/npy';
import { inspectNumpyFile, loadArray, openNpy, readNpyFile } from '@attnlens/npy/node';
import { describeReal, real } from '../helpers/shared.js';

interface Want { file: string; descr: string; dtype: DType; shape: number[]; offset: number; sum: number; at: [number, number][] }
const WANT: Want[] = [
  { file: 'barronalex-tacotron/test.npy', descr: '<f8', dtype: 'float64', shape: [80, 193], offset: 80, sum: 43156.77319157054,
    at: [[0, 0.17602239828163552], [1, 0.17056383425793756], [7720, 4.987601171470972e-07], [15439, 6.470104300808412e-06]] },
  { file: 'flamingjay-han-ids/test_predicted.npy', descr: '<f4', dtype: 'float32', shape: [81920, 1], offset: 128, sum: 46400.13288148749,
    at: [[0, 0.011641466990113258], [1, 0.001994422171264887], [40960, 0.23282429575920105], [81919, 0.9323591589927673]] },
  { file: 'praveena-lstm-attention/X_data.npy', descr: '<f8', dtype: 'float64', shape: [5000, 50], offset: 128, sum: 51756.27668264352,
    at: [[0, -0.10550100847802468], [1, 0.3763955533238398], [125000, 0.057431356729029936], [249999, -0.04582124950398664]] },
  { file: 'praveena-lstm-attention/attention_weights.npy', descr: '<f4', dtype: 'float32', shape: [1000, 50, 1], offset: 128, sum: 999.9999830670422,
    at: [[0, 0.019240831956267357], [1, 0.01831659860908985], [25000, 0.01627935841679573], [49999, 0.5198085904121399]] },
  { file: 'siddevkota-transformer/attn_weights.npy', descr: '<f4', dtype: 'float32', shape: [20, 32, 32], offset: 128, sum: 640.0000000427281,
    at: [[0, 0.0006769602769054472], [1, 0.18697544932365417], [10240, 0.00014769028348382562], [20479, 0]] },
  { file: 'yijing-sie-attention/generated_logits-39.npy', descr: '<i8', dtype: 'int64', shape: [32, 10], offset: 128, sum: 4335064,
    at: [[0, 15219], [1, 23776], [160, 32846], [319, 800]] },
];

const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);

describeReal('conformance: real .npy files read as NumPy reads them', () => {
  it.each(WANT)('$file', async (w) => {
    const path = real(w.file);
    const h = parseNpyHeader(readFileSync(path), path);
    expect([h.descr, h.headerBytes, h.fortranOrder]).toEqual([w.descr, w.offset, false]);
    for (const t of [await readNpyFile(path), await loadArray(path), decodeNpy(new Uint8Array(readFileSync(path)), path)]) {
      expect(t.dtype).toBe(w.dtype);
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
