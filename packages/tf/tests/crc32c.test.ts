import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c, maskedCrc32c } from '@attnlens/core';
import { crc32cFast, maskedCrc32cFast } from '../src/crc32c.js';

describe('slicing-by-8 CRC-32C', () => {
  it('matches the RFC 3720 and TensorBoard vectors', () => {
    expect(crc32cFast(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32cFast(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32cFast(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(maskedCrc32cFast(Uint8Array.of(0x1a, 0x11, ...new TextEncoder().encode('CRC test, one two')))).toBe(0x5794d08a);
  });

  it('equals the byte-at-a-time CRC of @attnlens/core at any length and alignment (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.integer({ min: 0, max: 7 }), (bytes, shift) => {
      const buf = new Uint8Array(bytes.length + shift);
      buf.set(bytes, shift);
      const view = buf.subarray(shift);
      expect(crc32cFast(view)).toBe(crc32c(bytes));
      expect(maskedCrc32cFast(view)).toBe(maskedCrc32c(bytes));
    }), { numRuns: 300 });
  });
});
