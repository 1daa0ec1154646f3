import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttnlensError, cStrides, float16ToFloat32, float32ToFloat16, firstNonFinite, gatherStrided, shapeSize, tensor, toFloat64, unravel } from '../src/index.js';

describe('Tensor', () => {
  it('checks data length against shape', () => {
    expect(tensor('float32', [2, 3], new Float32Array(6)).shape).toEqual([2, 3]);
    expect(() => tensor('float32', [2, 3], new Float32Array(5))).toThrow(/needs 6 elements, got 5/);
    expect(() => tensor('int64', [1], new Float32Array(1) as never)).toThrow(/BigInt64Array/);
  });
  it('rejects sizes that overflow rather than wrapping', () => {
    expect(() => shapeSize([2 ** 30, 2 ** 30, 2 ** 30])).toThrow(AttnlensError);
    expect(() => shapeSize([-1])).toThrow(/invalid dimension -1/);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([0, 5])).toBe(0);
  });
  it('decodes float16 exactly and round-trips every half', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x7bff)).toBe(65504);
    expect(float16ToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16ToFloat32(0x7c00)).toBe(Infinity);
    expect(Number.isNaN(float16ToFloat32(0x7e00))).toBe(true);
    const mismatches: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const f = float16ToFloat32(h);
      if (!Number.isNaN(f) && float32ToFloat16(f) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
    fc.assert(fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
      const back = float16ToFloat32(float32ToFloat16(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
    }));
  });
  it('converts int64 and float16 to float64', () => {
    expect(Array.from(toFloat64(tensor('int64', [2], BigInt64Array.from([-3n, 5n]))))).toEqual([-3, 5]);
    expect(Array.from(toFloat64(tensor('float16', [1], Uint16Array.from([0x3800]))))).toEqual([0.5]);
  });
  it('finds the first non-finite value with its n-d index', () => {
    expect(firstNonFinite(tensor('float32', [2, 2], Float32Array.from([1, 2, NaN, 4])))).toEqual([1, 0]);
    expect(firstNonFinite(tensor('float32', [2], Float32Array.from([1, 2])))).toBeUndefined();
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
  });
});

describe('cStrides and gatherStrided (the one strided gather of npy, layers and torch)', () => {
  it('gathers a transpose, a Fortran-order array, an offset view with a stride 0, and empty shapes', () => {
    expect(cStrides([2, 3, 4])).toEqual([12, 4, 1]);
    const x = Float64Array.from({ length: 6 }, (_, i) => i); // (2, 3) C order: [[0,1,2],[3,4,5]]
    // np.arange(6).reshape(2, 3).T.ravel() = [0, 3, 1, 4, 2, 5]
    expect([...gatherStrided(x, 0, [3, 2], [1, 3], new Float64Array(6))]).toEqual([0, 3, 1, 4, 2, 5]);
    // np.arange(6).reshape((2, 3), order='F') is [[0,2,4],[1,3,5]]: strides (1, 2)
    expect([...gatherStrided(x, 0, [2, 3], [1, 2], new Float64Array(6))]).toEqual([0, 2, 4, 1, 3, 5]);
    // torch.arange(6).as_strided((2, 2), (0, 2), 1): [[1,3],[1,3]] (values checked with NumPy/torch 1.13)
    expect([...gatherStrided(x, 1, [2, 2], [0, 2], new Float64Array(4))]).toEqual([1, 3, 1, 3]);
    expect([...gatherStrided(x, 4, [], [], new Float64Array(1))]).toEqual([4]);
    expect([...gatherStrided(x, 0, [2, 0], [3, 1], new Float64Array(0))]).toEqual([]);
  });
});
