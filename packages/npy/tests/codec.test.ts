// encodeNpy <-> decodeNpy, the npyjs guards, and robustness against damaged bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttnlensError, DTYPES, float32ToFloat16, type DType, type Tensor } from '@attnlens/core';
import { parse as npyjsParse } from 'npyjs';
import { decodeNpy, decodeNpyAll, decodeNpz, encodeNpy, inspectNpz } from '../src/index.js';
import { tsFixtureTensors } from '../scripts/ts-fixture-values.mjs';
import { bytesOf, errorOf, fixture, hexOf } from './helpers.js';

/** Arbitrary tensor data of a dtype, as raw bytes (every bit pattern, NaN payloads included). */
const tensorArb = (dtype: DType) =>
  fc.array(fc.nat({ max: 4 }), { maxLength: 3 }).chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const size = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1 }[dtype];
    return fc.uint8Array({ minLength: n * size, maxLength: n * size }).map((bytes): Tensor => {
      if (dtype === 'bool') bytes = bytes.map((b) => b & 1);
      const buf = new Uint8Array(bytes).buffer;
      const C = { float16: Uint16Array, float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array }[dtype];
      return { dtype, shape, data: new C(buf) } as Tensor;
    });
  });

describe('encodeNpy', () => {
  it.each(DTYPES)('%s: encodeNpy -> decodeNpy gives back every bit', (dtype) => {
    fc.assert(fc.property(tensorArb(dtype), (t) => {
      const back = decodeNpy(encodeNpy(t));
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(hexOf(back)).toBe(hexOf(t));
    }), { numRuns: 60 });
  });
  it('writes the very bytes NumPy checked (tests/fixtures/ts-written, see make-fixtures.py)', () => {
    for (const [name, t] of Object.entries(tsFixtureTensors(float32ToFloat16))) {
      expect(Buffer.from(encodeNpy(t as Tensor)).equals(readFileSync(fixture(`ts-written/${name}`))), name).toBe(true);
    }
  });
  it('writes NumPy-identical bytes for the little-endian C-order fixtures NumPy wrote', () => {
    for (const name of ['dtype-float32-le.npy', 'dtype-int64-le.npy', 'dtype-bool-le.npy', 'scalar-float64.npy', 'empty-int16-3d.npy', 'dtype-float16-le.npy']) {
      const b = bytesOf(name);
      expect(Buffer.from(encodeNpy(decodeNpy(b))).equals(Buffer.from(b)), name).toBe(true);
    }
  });
  it('writes big-endian and Fortran-order input as C-order little-endian', () => {
    const t = decodeNpy(bytesOf('fortran-float64-be-3d.npy'));
    const out = encodeNpy(t);
    const text = new TextDecoder().decode(out.subarray(10, 80));
    expect(text).toContain("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4)");
    expect(hexOf(decodeNpy(out))).toBe(hexOf(t));
  });
  it('stores bool as 0/1 bytes even when given other non-zero bytes', () => {
    const out = encodeNpy({ dtype: 'bool', shape: [3], data: Uint8Array.from([0, 7, 1]) });
    expect([...out.subarray(out.length - 3)]).toEqual([0, 1, 1]);
  });
  it('refuses a tensor whose data does not fit its shape', () => {
    expect(errorOf(() => encodeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array(5) })).code).toBe('SHAPE_MISMATCH');
    expect(errorOf(() => encodeNpy({ dtype: 'int64', shape: [1], data: new Float64Array(1) } as unknown as Tensor)).code).toBe('BAD_ARGUMENT');
  });
});

describe('decodeNpy', () => {
  it('returns a view of the input when it can (no copy), a copy when it must', () => {
    const b = bytesOf('dtype-float32-le.npy');
    expect(decodeNpy(b).data.buffer).toBe(b.buffer);
    const inner = new Uint8Array(b.length + 64);
    inner.set(b, 64);
    expect(decodeNpy(inner.subarray(64)).data.buffer).toBe(inner.buffer);
    const be = bytesOf('dtype-float32-be.npy');
    expect(decodeNpy(be).data.buffer).not.toBe(be.buffer);
  });
  it('decodeNpyAll of a single array is that array, with no warning', () => {
    const warnings: string[] = [];
    const all = decodeNpyAll(bytesOf('dtype-int16-be.npy'), 'x', (m) => warnings.push(m));
    expect(all).toHaveLength(1);
    expect(hexOf(all[0]!)).toBe(hexOf(decodeNpy(bytesOf('dtype-int16-be.npy'))));
    expect(warnings).toEqual([]);
  });
});

// npyjs 1.2 is used only where it is right; these show the failures the guards exist for.
// If one starts failing, npyjs was fixed and decode.ts's guard can be relaxed.
describe('npyjs, and why decodeNpy guards it', () => {
  const whole = (name: string) => new Uint8Array(readFileSync(fixture(name))).buffer;
  it('ignores trailing bytes (they become elements), where decodeNpy refuses', () => {
    // 4 float32 + 21 bytes of text: npyjs cannot even make the view, or makes a longer one
    expect(() => { const r = npyjsParse(whole('trailing-garbage.npy')); if ((r.data as Float32Array).length === 4) throw new Error('right'); }).toThrow();
    expect(errorOf(() => decodeNpy(bytesOf('trailing-garbage.npy'))).code).toBe('CORRUPT');
  });
  it('returns truncated data without a word, where decodeNpy says TRUNCATED', () => {
    const cut = bytesOf('dtype-float32-le.npy').slice(0, -8);
    const r = npyjsParse(cut.buffer);
    expect((r.data as Float32Array).length).toBe(10);
    expect(r.shape).toEqual([3, 4]);
    expect(errorOf(() => decodeNpy(cut)).code).toBe('TRUNCATED');
    expect(errorOf(() => decodeNpy(bytesOf('truncated-data.npy'))).code).toBe('TRUNCATED');
  });
  it('returns Fortran-order data unreordered, where decodeNpy reorders it', () => {
    const r = npyjsParse(whole('fortran-float32-2d.npy'));
    const mine = decodeNpy(bytesOf('fortran-float32-2d.npy'));
    expect(r.fortranOrder).toBe(true);
    expect([...(r.data as Float32Array)]).not.toEqual([...(mine.data as Float32Array)]);
    expect([...(mine.data as Float32Array)]).toEqual([0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5, 15, 16.5]);
  });
  it('refuses big-endian data, which decodeNpy reads', () => {
    expect(() => npyjsParse(whole('dtype-float64-be.npy'))).toThrow(/Unsupported dtype/);
    expect(decodeNpy(bytesOf('dtype-float64-be.npy')).dtype).toBe('float64');
  });
});

describe('damaged bytes never crash, hang or allocate wildly', () => {
  const npyBytes = ['dtype-float64-be.npy', 'fortran-int16-4d.npy', 'three-arrays.npy', 'version-3.npy'].map(bytesOf);
  const zipBytes = ['stored.npz', 'compressed.npz'].map(bytesOf);
  const mutate = (src: Uint8Array) =>
    fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.boolean()).map(([cut, flips, doCut]) => {
      const b = src.slice(0, doCut ? cut % (src.length + 1) : src.length);
      for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
      return b;
    });
  const onlyAttnlensErrors = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof AttnlensError)) throw e;
    }
  };
  it('.npy: every cut or flipped byte gives a tensor or an AttnlensError', () => {
    for (const src of npyBytes) {
      fc.assert(fc.property(mutate(src), (b) => {
        onlyAttnlensErrors(() => decodeNpy(b));
        onlyAttnlensErrors(() => decodeNpyAll(b, 'x', () => undefined));
      }), { numRuns: 300 });
    }
  });
  it('.npz: every cut or flipped byte gives arrays or an AttnlensError', () => {
    for (const src of zipBytes) {
      fc.assert(fc.property(mutate(src), (b) => {
        onlyAttnlensErrors(() => decodeNpz(b));
        onlyAttnlensErrors(() => inspectNpz(b));
      }), { numRuns: 300 });
    }
  });
});
