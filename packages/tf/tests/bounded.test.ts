// Bounded by what the file holds (issue 12): records skimmed past with keepBytes (CRC still
// checked), a TensorProto's dtype and shape from its first bytes, broadcast value lists.
import { afterEach, describe, expect, it } from 'vitest';
import { resetLimits, tensor } from '@attnlens/core';
import { encodeTensorProto, encodeTFRecords, parseTensorProtoMessage, TFRecordDecoder, tensorValueOf } from '../src/index.js';
import { tensorProtoHead } from '../src/tensor-proto.js';
import { expectError } from './fixtures.js';

afterEach(() => resetLimits());

const big = encodeTensorProto(tensor('float32', [3, 1000], new Float32Array(3000).fill(0.25)));
const small = encodeTensorProto(tensor('int32', [2], Int32Array.of(1, 2)));

describe('TFRecordDecoder with keepBytes', () => {
  it('keeps the first keepBytes of a longer record and its full length, whole records whole', () => {
    const file = encodeTFRecords([big, small]);
    for (const piece of [7, 100, file.length]) {
      const dec = new TFRecordDecoder({ keepBytes: 64 });
      const recs = [];
      for (let i = 0; i < file.length; i += piece) recs.push(...dec.push(file.subarray(i, i + piece)));
      recs.push(...dec.end());
      expect(recs.map((r) => [r.index, r.length ?? r.payload.length, r.payload.length, r.partial ?? false])).toEqual([[0, big.length, 64, true], [1, small.length, small.length, false]]);
      expect(Array.from(recs[0]!.payload)).toEqual(Array.from(big.subarray(0, 64)));
    }
  });
  it('still checks the CRC of a skimmed record', () => {
    const file = encodeTFRecords([big]);
    file[500] ^= 1;
    const dec = new TFRecordDecoder({ keepBytes: 64 });
    expect(() => {
      dec.push(file.subarray(0, 300));
      dec.push(file.subarray(300));
      dec.end();
    }).toThrow(/record 0 \(at byte 0\) has a bad data checksum: its 12\d\d\d payload bytes are damaged/);
  });
});

describe('tensorProtoHead', () => {
  it('reads dtype and shape from the first bytes, as the full parse does', () => {
    expect(tensorProtoHead(big.subarray(0, 32))).toEqual({ dtype: 1, shape: [3, 1000] });
    const m = parseTensorProtoMessage(big);
    expect(m.dtype).toBe(1);
    expect(tensorProtoHead(small)).toEqual({ dtype: 3, shape: [2] });
    expect(tensorProtoHead(big.subarray(0, 3))).toBeUndefined();
  });
});

describe('broadcast value lists', () => {
  it('are checked against maxOutputBytes; tensor_content only against maxArrayBytes', () => {
    const one = parseTensorProtoMessage(encodeTensorProto(tensor('float32', [1], Float32Array.of(1)), { values: 'typed' }));
    one.tensorShape = { dim: [{ size: 1000 }] };
    expect(tensorValueOf(one, 'b.pb', { maxOutputBytes: 4000 }).kind).toBe('numeric');
    const e = expectError(() => tensorValueOf(one, 'b.pb', { maxOutputBytes: 3999 }), 'SIZE_LIMIT');
    expect(e.message).toBe('b.pb: a TensorProto of shape (1000,) (float32), broadcast from the 1 value it holds, needs 4.0 KB (4000 bytes), over the per-output limit of 4.0 KB (3999 bytes)');
    const content = parseTensorProtoMessage(big);
    expect(tensorValueOf(content, 'c.pb', { maxOutputBytes: 10 }).kind).toBe('numeric');
    expectError(() => tensorValueOf(content, 'c.pb', { maxArrayBytes: 11999 }), 'SIZE_LIMIT');
  });
});
