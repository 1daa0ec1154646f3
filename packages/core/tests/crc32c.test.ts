import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c, maskedCrc32c } from '../src/index.js';

/** CRC-32C one bit at a time (reflected polynomial 0x82f63b78), with no table: the reference. */
function bitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('slicing-by-8 CRC-32C', () => {
  it('matches the RFC 3720 and TensorBoard vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(maskedCrc32c(Uint8Array.of(0x1a, 0x11, ...new TextEncoder().encode('CRC test, one two')))).toBe(0x5794d08a);
  });

  it('equals the bit-by-bit CRC at any length and alignment, and continues a running CRC (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.integer({ min: 0, max: 7 }), fc.nat(), (bytes, shift, cut) => {
      const buf = new Uint8Array(bytes.length + shift);
      buf.set(bytes, shift);
      const view = buf.subarray(shift);
      expect(crc32c(view)).toBe(bitwise(bytes));
      const k = bytes.length ? cut % bytes.length : 0;
      expect(crc32c(view.subarray(k), crc32c(view.subarray(0, k)))).toBe(bitwise(bytes));
    }), { numRuns: 300 });
  });
});
