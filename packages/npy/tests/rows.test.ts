// openNpyRows through a ReadAt over bytes in memory, as the web viewer reads a File's
// slices: every NumPy fixture with rows gives NumPy's values (scripts/make-fixtures.py),
// whether the reads come back aligned or not, and reads only the header and the rows asked.
import { describe, expect, it } from 'vitest';
import { openNpyRows, type ReadAt } from '../src/index.js';
import { asyncErrorOf, bytesOf, EXPECTED, expectTensor, hexOf, type Described } from './helpers.js';

const single = Object.entries(EXPECTED).filter((e): e is [string, Described] => 'hex' in e[1] && e[1].shape.length > 0);

/** A ReadAt over `bytes`, recording the ranges read; `odd` returns each read at an odd offset of a bigger buffer. */
function reader(bytes: Uint8Array, odd: boolean): { read: ReadAt; ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  const read: ReadAt = async (offset, length) => {
    const part = bytes.subarray(offset, Math.min(bytes.length, offset + length));
    ranges.push([offset, offset + part.length]);
    if (!odd) return part.slice();
    const big = new Uint8Array(part.length + 1);
    big.set(part, 1);
    return big.subarray(1);
  };
  return { read, ranges };
}

describe('openNpyRows over a ReadAt (the browser File path)', () => {
  it.each(single)('%s: rows by ranges give NumPy\'s values, aligned reads or not', async (name, want) => {
    const bytes = bytesOf(name);
    for (const odd of [false, true]) {
      const { read } = reader(bytes, odd);
      const r = await openNpyRows(read, bytes.length, name, { warn: () => undefined });
      expect(r.rows).toBe(want.shape[0]);
      let hex = '';
      for await (const { tensor } of r.chunks(2)) hex += hexOf(tensor);
      expect(hex).toBe(want.hex);
      expectTensor(await r.readRows(0, r.rows), want);
    }
  });

  it('reads the header and then only the bytes of the rows asked for', async () => {
    const bytes = bytesOf('dtype-float32-le.npy');
    const { read, ranges } = reader(bytes, false);
    const r = await openNpyRows(read, bytes.length, 'x.npy', { warn: () => undefined });
    ranges.length = 0;
    const rowBytes = r.rowShape.reduce((a, b) => a * b, 1) * 4;
    await r.readRows(1, 1);
    expect(ranges).toEqual([[r.header.headerBytes + rowBytes, r.header.headerBytes + 2 * rowBytes]]);
  });

  it('a file that shrank under the reader is TRUNCATED, naming it', async () => {
    const bytes = bytesOf('dtype-float32-le.npy');
    const { read } = reader(bytes, false);
    const r = await openNpyRows(read, bytes.length, 'x.npy', { warn: () => undefined });
    const short: ReadAt = async (o, l) => (await read(o, l)).subarray(0, Math.max(0, l - 1));
    const s = await openNpyRows(async (o, l) => (o === 0 ? read(o, l) : short(o, l)), bytes.length, 'x.npy', { warn: () => undefined });
    expect(r.rows).toBeGreaterThan(1);
    const e = await asyncErrorOf(() => s.readRows(0, 1));
    expect([e.code, e.message]).toEqual(['TRUNCATED', expect.stringMatching(/^x\.npy: ended at byte \d+ while reading up to byte \d+/)]);
  });
});
