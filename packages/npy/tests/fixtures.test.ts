// Every fixture NumPy wrote (scripts/make-fixtures.py) reads to exactly the values
// NumPy gives, through each reading path; every bad one fails with the expected error.
import { describe, expect, it } from 'vitest';
import { decodeNpy, decodeNpyAll, decodeNpz, extractZipEntry, inspectNpz, listNpz } from '../src/index.js';
import { inspectNumpyFile, loadArray, openNpy, readNpyFile } from '../src/node.js';
import {
  asyncErrorOf, bytesOf, EXPECTED, errorOf, expectTensor, fixture, hexOf, unalignedBytesOf, type Described, type Expected,
} from './helpers.js';

const entries = Object.entries(EXPECTED);
const single = entries.filter((e): e is [string, Described] => 'hex' in e[1]);
const multi = entries.filter((e): e is [string, Extract<Expected, { arrays: unknown }>] => 'arrays' in e[1]);
const errors = entries.filter((e): e is [string, Extract<Expected, { error: string }>] => 'error' in e[1]);
const npz = entries.filter((e): e is [string, Extract<Expected, { order: string[] }>] => 'order' in e[1]);

describe('fixtures cover what the issue lists', () => {
  it('has every dtype in both byte orders, Fortran order, versions 1-3, 0-d and zero-size', () => {
    const names = single.map(([n]) => n);
    for (const d of ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']) {
      expect(names).toContain(`dtype-${d}-le.npy`);
      if (!['int8', 'uint8', 'bool'].includes(d)) expect(names).toContain(`dtype-${d}-be.npy`);
    }
    expect(names.filter((n) => n.startsWith('fortran-')).length).toBeGreaterThanOrEqual(5);
    expect(names).toEqual(expect.arrayContaining(['version-2.npy', 'version-3.npy', 'scalar-float64.npy', 'empty-int16-3d.npy']));
    expect(single.length).toBeGreaterThan(40);
    expect(errors.length).toBeGreaterThan(25);
  });
});

describe('single arrays', () => {
  it.each(single)('%s: decodeNpy gives NumPy\'s values', (name, want) => {
    expectTensor(decodeNpy(bytesOf(name), name), want);
    expectTensor(decodeNpy(unalignedBytesOf(name), name), want);
  });
  it.each(single)('%s: readNpyFile and loadArray give NumPy\'s values', async (name, want) => {
    expectTensor(await readNpyFile(fixture(name)), want);
    expectTensor(await loadArray(fixture(name)), want);
    expectTensor(await loadArray(fixture(name), '0'), want);
  });
  it.each(single.filter(([, w]) => w.shape.length > 0))('%s: readRows into one reused buffer gives the same rows', async (name, want) => {
    const r = await openNpy(fixture(name));
    try {
      // Room for any two rows of any fixture, filled with junk that must not show through.
      const into = new Uint8Array(1 << 16).fill(0xa5);
      let hex = '';
      for (let start = 0; start < r.rows; start += 2) {
        const t = await r.readRows(start, Math.min(2, r.rows - start), into);
        expect(t.shape).toEqual([Math.min(2, r.rows - start), ...want.shape.slice(1)]);
        // C-order rows land in `into` itself (Fortran-order ones are gathered elsewhere).
        if (!(r.header.fortranOrder && r.rowShape.length > 0) && t.data.byteLength > 0) expect(t.data.buffer).toBe(into.buffer);
        hex += hexOf(t);
      }
      expect(hex).toBe(want.hex);
    } finally {
      await r.close();
    }
  });
  it.each(single.filter(([, w]) => w.shape.length > 0))('%s: openNpy streams the same rows', async (name, want) => {
    const r = await openNpy(fixture(name));
    try {
      expect(r.rows).toBe(want.shape[0]);
      expect(r.rowShape).toEqual(want.shape.slice(1));
      for (const per of [1, 2, 1000]) {
        let hex = '';
        let next = 0;
        for await (const { start, tensor } of r.chunks(per)) {
          expect(start).toBe(next);
          expect(tensor.shape).toEqual([Math.min(per, want.shape[0]! - start), ...want.shape.slice(1)]);
          next += tensor.shape[0]!;
          hex += hexOf(tensor);
        }
        expect(next).toBe(want.shape[0]);
        expect(hex).toBe(want.hex);
      }
    } finally {
      await r.close();
    }
  });
});

describe('several arrays in one file', () => {
  it.each(multi)('%s: decodeNpyAll reads each, warning about trailing bytes', (name, want) => {
    const warnings: string[] = [];
    const all = decodeNpyAll(bytesOf(name), name, (m) => warnings.push(m));
    expect(all.length).toBe(want.arrays.length);
    all.forEach((t, i) => expectTensor(t, want.arrays[i]!));
    if (want.trailingBytes) {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${want.trailingBytes} bytes after the last array`);
    } else expect(warnings).toEqual([]);
    const unaligned = decodeNpyAll(unalignedBytesOf(name), name, () => undefined);
    unaligned.forEach((t, i) => expectTensor(t, want.arrays[i]!));
  });
  it.each(multi)('%s: decodeNpy and readNpyFile refuse rather than drop data', async (name, want) => {
    const code = want.arrays.length > 1 ? 'AMBIGUOUS' : 'CORRUPT';
    expect(errorOf(() => decodeNpy(bytesOf(name), name)).code).toBe(code);
    expect((await asyncErrorOf(() => readNpyFile(fixture(name)))).code).toBe(code);
  });
  it.each(multi)('%s: loadArray picks each by name "0", "1", ...', async (name, want) => {
    const warnings: string[] = [];
    for (let i = 0; i < want.arrays.length; i++) expectTensor(await loadArray(fixture(name), String(i), { warn: (m) => warnings.push(m) }), want.arrays[i]!);
    expect(warnings.length).toBe(want.trailingBytes ? want.arrays.length : 0);
    const missing = await asyncErrorOf(() => loadArray(fixture(name), '9'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.hint).toContain(want.arrays.map((_, i) => i).join(', '));
    if (want.arrays.length > 1) expect((await asyncErrorOf(() => loadArray(fixture(name)))).code).toBe('AMBIGUOUS');
  });
  it.each(multi)('%s: inspectNumpyFile lists every array and the trailing bytes', async (name, want) => {
    const info = await inspectNumpyFile(fixture(name));
    if (info.format !== 'npy') throw new Error('not npy');
    expect(info.arrays.map((a) => a.info.header?.dtype)).toEqual(want.arrays.map((a) => a.dtype));
    expect(info.arrays.map((a) => a.info.shape)).toEqual(want.arrays.map((a) => a.shape));
    expect(info.trailingBytes).toBe(want.trailingBytes ?? 0);
  });
  it('openNpy streams the first array and warns about the rest', async () => {
    const warnings: string[] = [];
    const r = await openNpy(fixture('three-arrays.npy'), { warn: (m) => warnings.push(m) });
    expect(r.header.shape).toEqual([2, 3]);
    await r.close();
    expect(warnings[0]).toMatch(/more arrays after the first/);
  });
});

describe('bad input is a clear AttnlensError', () => {
  it.each(errors)('%s', async (name, want) => {
    const path = fixture(name);
    if (name.startsWith('second-array')) {
      // A damaged second array: the readers of all arrays say so; the strict one-array readers refuse the file anyway.
      for (const e of [errorOf(() => decodeNpyAll(bytesOf(name), name)), await asyncErrorOf(() => loadArray(path, '0')), await asyncErrorOf(() => inspectNumpyFile(path))]) {
        expect(e.code).toBe(want.error);
        expect(e.message).toContain(want.match);
      }
      expect(['AMBIGUOUS', 'CORRUPT']).toContain(errorOf(() => decodeNpy(bytesOf(name), name)).code);
    } else if (name.endsWith('.npy')) {
      for (const e of [errorOf(() => decodeNpy(bytesOf(name), name)), await asyncErrorOf(() => readNpyFile(path))]) {
        expect(e.code).toBe(want.error);
        expect(e.message).toContain(want.match);
        expect(e.file).toContain(name);
        expect(e.hint).toBeTruthy();
      }
      if (name !== 'not-npy.npy') {
        const e = await asyncErrorOf(() => loadArray(path));
        expect(e.code).toBe(want.error);
        expect(e.message).toContain(want.match);
      }
    } else {
      const e = errorOf(() => decodeNpz(bytesOf(name), name));
      expect(e.code).toBe(want.error);
      expect(e.message).toContain(want.match);
      const f = await asyncErrorOf(async () => {
        const info = await inspectNumpyFile(path);
        if (info.format === 'npz') for (const x of info.entries) await loadArray(path, x.name);
      });
      expect(f.code).toBe(want.error);
    }
  });
  it('an unrecognised file is UNKNOWN_FORMAT for loadArray', async () => {
    expect((await asyncErrorOf(() => loadArray(fixture('not-npy.npy')))).code).toBe('UNKNOWN_FORMAT');
    expect((await asyncErrorOf(() => loadArray(fixture('no-such-file.npy')))).code).toBe('FILE_NOT_FOUND');
    expect((await asyncErrorOf(() => loadArray(fixture('')))).code).toBe('FILE_NOT_FOUND');
  });
  it('the pickled array says why it is refused', () => {
    const e = errorOf(() => decodeNpy(bytesOf('pickled.npy'), 'pickled.npy'));
    expect(e.message).toMatch(/Python objects \(dtype \|O\), stored as a pickle/);
    expect(e.hint).toMatch(/can run arbitrary code/);
  });
  it('refused dtypes are still described by inspectNumpyFile', async () => {
    for (const [name, descr] of [['pickled.npy', '|O'], ['unicode.npy', '<U3'], ['structured.npy', "[('score', '<f4'), ('label', '<i4')]"]] as const) {
      const info = await inspectNumpyFile(fixture(name));
      if (info.format !== 'npy') throw new Error('not npy');
      expect(info.arrays[0]!.info.descr).toBe(descr);
      expect(info.arrays[0]!.info.unsupported?.code).toBe('UNSUPPORTED');
    }
  });
});

describe('.npz', () => {
  it.each(npz)('%s: decodeNpz gives every entry by np.load\'s names', (name, want) => {
    if (want.unsupported) {
      const e = errorOf(() => decodeNpz(bytesOf(name), name));
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.file).toContain(`${Object.keys(want.unsupported)[0]}.npy`);
      return;
    }
    const m = decodeNpz(bytesOf(name), name);
    expect([...m.keys()]).toEqual(want.order);
    for (const [k, d] of Object.entries(want.entries)) expectTensor(m.get(k)!, d);
    const m2 = decodeNpz(unalignedBytesOf(name), name);
    for (const [k, d] of Object.entries(want.entries)) expectTensor(m2.get(k)!, d);
  });
  it.each(npz)('%s: listNpz and inspectNpz give headers and compression without reading data', (name, want) => {
    const info = inspectNpz(bytesOf(name), name);
    expect(info.map((x) => x.name)).toEqual(want.order);
    for (const x of info) {
      expect(x.compressed).toBe(want.compressed);
      if (want.entries[x.name]) {
        expect(x.info.header?.dtype).toBe(want.entries[x.name]!.dtype);
        expect(x.info.shape).toEqual(want.entries[x.name]!.shape);
      } else expect(x.info.unsupported?.message).toContain(want.unsupported![x.name]);
    }
    if (!want.unsupported) expect(listNpz(bytesOf(name), name).map((x) => [x.name, x.header.shape, x.compressed])).toEqual(info.map((x) => [x.name, x.info.shape, x.compressed]));
    else expect(errorOf(() => listNpz(bytesOf(name), name)).code).toBe('UNSUPPORTED');
  });
  it.each(npz)('%s: loadArray reads one entry by range; inspectNumpyFile agrees', async (name, want) => {
    for (const [k, d] of Object.entries(want.entries)) expectTensor(await loadArray(fixture(name), k), d);
    if (want.order.length > 1) expect((await asyncErrorOf(() => loadArray(fixture(name)))).code).toBe('AMBIGUOUS');
    const nf = await asyncErrorOf(() => loadArray(fixture(name), 'nope'));
    expect(nf.code).toBe('NOT_FOUND');
    for (const k of want.order) expect(nf.hint).toContain(k);
    const info = await inspectNumpyFile(fixture(name));
    if (info.format !== 'npz') throw new Error('not npz');
    expect(info.entries.map((x) => [x.name, x.compressed, x.info.shape])).toEqual(inspectNpz(bytesOf(name)).map((x) => [x.name, x.compressed, x.info.shape]));
  });
  it('loadArray with no name reads the only entry', async () => {
    const want = EXPECTED['compressed-single.npz'] as Extract<Expected, { order: string[] }>;
    expectTensor(await loadArray(fixture('compressed-single.npz')), want.entries.attention!);
  });
  it('an unsupported entry does not stop reading the others', async () => {
    const want = EXPECTED['with-strings.npz'] as Extract<Expected, { order: string[] }>;
    expectTensor(await loadArray(fixture('with-strings.npz'), 'attention'), want.entries.attention!);
    const e = await asyncErrorOf(() => loadArray(fixture('with-strings.npz'), 'tokens'));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/unicode strings/);
  });
  it('reads the .npz inside a Keras 3 archive (weights_format="npz")', () => {
    const want = EXPECTED['keras-npz-weights.keras'] as Extract<Expected, { inner: string }>;
    const inner = extractZipEntry(bytesOf('keras-npz-weights.keras'), want.inner, 'keras-npz-weights.keras');
    const m = decodeNpz(inner, 'model.weights.npz');
    expect([...m.keys()].sort()).toEqual(Object.keys(want.entries).sort());
    for (const [k, d] of Object.entries(want.entries)) expectTensor(m.get(k)!, d);
    const e = errorOf(() => extractZipEntry(bytesOf('keras-npz-weights.keras'), 'model.weights.h5'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('model.weights.npz');
  });
});
