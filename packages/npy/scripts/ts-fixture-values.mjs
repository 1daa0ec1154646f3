// The tensors scripts/write-ts-fixtures.mjs writes, shared with tests/encode.test.ts.
export function tsFixtureTensors(f16) {
  const f = [0, -0, 1, -2.5, Infinity, -Infinity, NaN, 1 / 3, -1e-3, 65504, 2 ** -24, 3.4e38];
  const t = (dtype, shape, data) => ({ dtype, shape, data });
  return {
    'float64.npy': t('float64', [3, 4], Float64Array.from(f.map((x, i) => (i === 11 ? 1.7976931348623157e308 : x)))),
    'float32.npy': t('float32', [3, 4], Float32Array.from(f)),
    'float16.npy': t('float16', [3, 4], Uint16Array.from(f.map((x) => f16(x)))),
    'int8.npy': t('int8', [3, 4], Int8Array.from([0, 1, -1, -128, 127, 5, -5, 100, 0, 0, 3, -3])),
    'int16.npy': t('int16', [3, 4], Int16Array.from([0, 1, -1, -32768, 32767, 5, -5, 100, 0, 0, 3, -3])),
    'int32.npy': t('int32', [3, 4], Int32Array.from([0, 1, -1, -(2 ** 31), 2 ** 31 - 1, 5, -5, 100, 0, 0, 3, -3])),
    'int64.npy': t('int64', [3, 4], BigInt64Array.from([0n, 1n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -5n, 100n, 0n, 0n, 3n, -3n])),
    'uint8.npy': t('uint8', [3, 4], Uint8Array.from([0, 1, 255, 254, 7, 8, 9, 10, 11, 12, 13, 14])),
    'uint16.npy': t('uint16', [3, 4], Uint16Array.from([0, 1, 65535, 254, 7, 8, 9, 10, 11, 12, 13, 14])),
    'uint32.npy': t('uint32', [3, 4], Uint32Array.from([0, 1, 2 ** 32 - 1, 254, 7, 8, 9, 10, 11, 12, 13, 14])),
    'uint64.npy': t('uint64', [3, 4], BigUint64Array.from([0n, 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n])),
    'bool.npy': t('bool', [2, 3], Uint8Array.from([1, 0, 0, 1, 1, 0])),
    'scalar-float64.npy': t('float64', [], Float64Array.from([-7.5])),
    'empty-float32.npy': t('float32', [0, 3], new Float32Array(0)),
    'vector-int16.npy': t('int16', [5], Int16Array.from([5, 4, 3, 2, 1])),
    'cube-uint8.npy': t('uint8', [2, 2, 3], Uint8Array.from({ length: 12 }, (_, i) => i * 20)),
    'long-axis-float32.npy': t('float32', [123456789012, 0], new Float32Array(0)),
  };
}
