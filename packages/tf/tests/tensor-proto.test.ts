import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DTYPES, float16ToFloat32, float32ToFloat16, tensor, toFloat64, type DType, type Tensor } from '@attnlens/core';
import { decodeTensorProto, encodeStringTensorProto, encodeTensorProto, tensorValueOf, parseTensorProtoMessage } from '../src/index.js';
import { expected, expectError, fixtureBytes } from './fixtures.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (...x: number[]) => Uint8Array.from(x);

function sample(dtype: DType, shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 23) - 7);
  switch (dtype) {
    case 'float16': return tensor('float16', shape, Uint16Array.from(vals, (v) => float32ToFloat16(v / 4)));
    case 'float32': return tensor('float32', shape, Float32Array.from(vals, (v) => v / 8));
    case 'float64': return tensor('float64', shape, Float64Array.from(vals, (v) => v / 3));
    case 'int64': return tensor('int64', shape, BigInt64Array.from(vals, (v) => BigInt(v) * 10n ** 15n));
    case 'uint64': return tensor('uint64', shape, BigUint64Array.from(vals, (v) => BigInt(v + 7) * 2n ** 60n / 16n + 1n));
    case 'bool': return tensor('bool', shape, Uint8Array.from(vals, (v) => (v > 0 ? 1 : 0)));
    case 'uint8': return tensor('uint8', shape, Uint8Array.from(vals, (v) => v + 200));
    case 'uint16': return tensor('uint16', shape, Uint16Array.from(vals, (v) => v + 60000));
    case 'uint32': return tensor('uint32', shape, Uint32Array.from(vals, (v) => v + 4e9));
    case 'int8': return tensor('int8', shape, Int8Array.from(vals));
    case 'int16': return tensor('int16', shape, Int16Array.from(vals, (v) => v * 1000));
    case 'int32': return tensor('int32', shape, Int32Array.from(vals, (v) => v * 100000));
  }
}

describe('TensorProto: the wire bytes TensorFlow writes', () => {
  it('encodes float32 (2, 3) exactly as tf.io.serialize_tensor does (FORMATS.md §4.3)', () => {
    const t = tensor('float32', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6));
    const b = encodeTensorProto(t);
    expect(hex(b.subarray(0, 14))).toBe('0801120812020802120208032218');
    expect(b.length).toBe(14 + 24);
    expect(Array.from(decodeTensorProto(b).data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a scalar float_val 1.5 (08 01 2A 04 00 00 C0 3F) as a rank-0 tensor', () => {
    const t = decodeTensorProto(bytes(0x08, 0x01, 0x2a, 0x04, 0x00, 0x00, 0xc0, 0x3f));
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([]);
    expect(Array.from(t.data as Float32Array)).toEqual([1.5]);
    // TF also writes an empty tensor_shape (12 00): same result
    const t2 = decodeTensorProto(bytes(0x08, 0x01, 0x12, 0x00, 0x2a, 0x04, 0x00, 0x00, 0xc0, 0x3f));
    expect(t2.shape).toEqual([]);
    expect(Array.from(t2.data as Float32Array)).toEqual([1.5]);
  });

  it('reads dims from TensorShapeProto field 2, not field 1', () => {
    // shape field holding only a field-1 varint (unused by TF) must give no dims
    const m = parseTensorProtoMessage(bytes(0x08, 0x01, 0x12, 0x02, 0x08, 0x05));
    expect(m.tensorShape?.dim ?? []).toEqual([]);
  });
});

describe('TensorProto: committed fixtures from scripts/make-fixtures.py', () => {
  it('decodes float16 half_val bit patterns', () => {
    const e = expected['alignment-f16.pb'];
    const t = decodeTensorProto(fixtureBytes('alignment-f16.pb'));
    expect(t.dtype).toBe('float16');
    expect(t.shape).toEqual(e.shape);
    expect(Array.from(t.data as Uint16Array)).toEqual(e.bits);
    // alignment rows sum to ~1 over the encoder axis
    const v = toFloat64(t);
    expect(v[0]! + v[1]! + v[2]! + v[3]!).toBeCloseTo(1, 2);
  });

  it('broadcasts a single unpacked float_val over the shape', () => {
    const e = expected['broadcast.pb'];
    const t = decodeTensorProto(fixtureBytes('broadcast.pb'));
    expect(t.shape).toEqual(e.shape);
    expect(Array.from(t.data as Float32Array)).toEqual(e.values);
  });
});

describe('TensorProto: every dtype round-trips', () => {
  for (const dtype of DTYPES) {
    it(`${dtype} via tensor_content and via the typed field`, () => {
      const t = sample(dtype, [2, 3, 2]);
      for (const values of ['content', 'typed'] as const) {
        const back = decodeTensorProto(encodeTensorProto(t, { values }));
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual([2, 3, 2]);
        expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
      }
    });
  }

  it('keeps arbitrary float32 values and shapes (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 }),
      fc.boolean(),
      (shape, typed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7) * 1e3));
        const t = tensor('float32', shape, data);
        const back = decodeTensorProto(encodeTensorProto(t, { values: typed ? 'typed' : 'content' }));
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data as Float32Array)).toEqual(Array.from(data));
      },
    ));
  });

  it('a compressed typed list (trailing repeats dropped) is padded with its last value', () => {
    const t = tensor('int32', [2, 4], Int32Array.of(5, 6, 7, 7, 7, 7, 7, 7));
    const b = encodeTensorProto(t, { values: 'typed', compress: true });
    expect(parseTensorProtoMessage(b).intVal).toEqual([5, 6, 7]);
    expect(Array.from(decodeTensorProto(b).data as Int32Array)).toEqual([5, 6, 7, 7, 7, 7, 7, 7]);
    const h = tensor('float16', [3], Uint16Array.of(float32ToFloat16(0.5), float32ToFloat16(0.5), float32ToFloat16(0.5)));
    const hb = encodeTensorProto(h, { values: 'typed', compress: true });
    expect(parseTensorProtoMessage(hb).halfVal).toEqual([0x3800]);
    expect(Array.from(decodeTensorProto(hb).data as Uint16Array).map(float16ToFloat32)).toEqual([0.5, 0.5, 0.5]);
  });

  it('no values at all means zeros, as TensorFlow fills', () => {
    const t = decodeTensorProto(bytes(0x08, 0x03, 0x12, 0x04, 0x12, 0x02, 0x08, 0x03));
    expect(Array.from(t.data as Int32Array)).toEqual([0, 0, 0]);
  });

  it('widens bfloat16 (content and half_val) to float32 exactly', () => {
    // bfloat16 of 1.5 is 0x3FC0, of -2 is 0xC000
    const content = bytes(0x08, 14, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x22, 0x04, 0xc0, 0x3f, 0x00, 0xc0);
    expect(Array.from(decodeTensorProto(content).data as Float32Array)).toEqual([1.5, -2]);
    const typed = bytes(0x08, 14, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x6a, 0x03, 0xc0, 0x7f, 0x00);
    expect(Array.from(decodeTensorProto(typed).data as Float32Array)).toEqual([1.5, 0]);
  });

  it('copies tensor_content out of an unaligned position', () => {
    const t = tensor('float64', [3], Float64Array.of(1.25, -2.5, 1e300));
    const b = encodeTensorProto(t);
    const shifted = new Uint8Array(b.length + 1);
    shifted.set(b, 1);
    expect(Array.from(decodeTensorProto(shifted.subarray(1)).data as Float64Array)).toEqual([1.25, -2.5, 1e300]);
  });

  it('reads string tensors as bytes through tensorValueOf', () => {
    const enc = new TextEncoder();
    const v = tensorValueOf(parseTensorProtoMessage(encodeStringTensorProto([2], [enc.encode('a'), enc.encode('bc')])));
    expect(v.kind).toBe('string');
    if (v.kind === 'string') expect(v.values.map((x) => new TextDecoder().decode(x))).toEqual(['a', 'bc']);
  });
});

describe('TensorProto: bad input', () => {
  it('tensor_content of the wrong length', () => {
    const b = encodeTensorProto(tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)));
    // claim shape (2, 3): 24 bytes needed, 16 present
    const bad = new Uint8Array(b);
    bad[11] = 3;
    const e = expectError(() => decodeTensorProto(bad, 'x.pb'), 'CORRUPT');
    expect(e.message).toMatch(/needs 24 bytes of tensor_content, has 16/);
    expect(e.file).toBe('x.pb');
  });

  it('more typed values than elements', () => {
    const e = expectError(() => decodeTensorProto(bytes(0x08, 0x03, 0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x3a, 0x03, 0x01, 0x02, 0x03)), 'CORRUPT');
    expect(e.message).toMatch(/3 values in int_val, more than its 2 elements/);
  });

  it('an unknown (-1) dimension', () => {
    const b = encodeTensorProto(tensor('float32', [1], Float32Array.of(1)));
    const m = parseTensorProtoMessage(b);
    expect(m.tensorShape?.dim?.length).toBe(1);
    const bad = bytes(0x08, 0x01, 0x12, 0x0d, 0x12, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(expectError(() => decodeTensorProto(bad), 'CORRUPT').message).toMatch(/unknown \(-1\)/);
  });

  it('strings, complex numbers and garbage', () => {
    expectError(() => decodeTensorProto(encodeStringTensorProto([1], [new Uint8Array(1)])), 'UNSUPPORTED');
    const complex = bytes(0x08, 0x08, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01, 0x22, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(expectError(() => decodeTensorProto(complex), 'UNSUPPORTED').message).toMatch(/complex64/);
    expectError(() => decodeTensorProto(bytes(0x08, 0x01, 0x12, 0x7f, 0x01)), 'CORRUPT');
  });

  it('a huge shape with no content is refused before allocating', () => {
    // shape (100000, 100000, 100) float32 with a single broadcast value: 4 TB
    const big = encodeTensorProto(tensor('float32', [1], Float32Array.of(1)), { values: 'typed' });
    const m = parseTensorProtoMessage(big);
    m.tensorShape = { dim: [{ size: 100000 }, { size: 100000 }, { size: 100 }] };
    expect(expectError(() => tensorValueOf(m, 'big.pb'), 'SIZE_LIMIT').message).toMatch(/needs 4\.0 TB \(4000000000000 bytes\), over the per-array limit/);
  });
});
