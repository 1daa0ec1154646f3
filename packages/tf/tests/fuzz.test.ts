// Damaged input must end in an AttnlensError (or a result), never a bare Error or a hang.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAttnlensError, tensor } from '@attnlens/core';
import {
  decodeEvent, decodeExample, decodeTensorProto, encodeEvent, encodeTFRecords, encodeTensorProto, readTFRecords, recordTensor,
} from '../src/index.js';
import { fixtureBytes } from './fixtures.js';

function cleanly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isAttnlensError(e)) throw e;
  }
}

const valid = encodeTensorProto(tensor('float32', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)));
const mutate = (base: Uint8Array) => fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: base.length })).map(([at, v, cut]) => {
  const b = new Uint8Array(base);
  b[at] = v;
  return b.subarray(0, Math.max(1, cut));
});

describe('fuzz: decoders fail cleanly', () => {
  it('random bytes as TensorProto, Event, Example and record payloads', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      cleanly(() => decodeTensorProto(b));
      cleanly(() => decodeEvent(b));
      cleanly(() => decodeExample(b));
      cleanly(() => recordTensor(b, 0));
    }), { numRuns: 500 });
  });

  it('mutated and cut TensorProtos', () => {
    fc.assert(fc.property(mutate(valid), (b) => cleanly(() => decodeTensorProto(b))), { numRuns: 500 });
  });

  it('mutated and cut TFRecord files, with and without --skip-corrupt', () => {
    const file = encodeTFRecords([valid, encodeEvent({ step: 3, summary: [{ tag: 'x', simpleValue: 1 }] }), valid]);
    const gz = fixtureBytes('alignments.tfrecord.gz');
    fc.assert(fc.property(mutate(file), mutate(gz), (a, g) => {
      for (const b of [a, g]) {
        cleanly(() => [...readTFRecords(b)]);
        cleanly(() => [...readTFRecords(b, { skipCorrupt: true, warn: () => {} })]);
      }
    }), { numRuns: 300 });
  });

  it('a flipped byte in a record is always caught by a CRC (never a silently wrong payload)', () => {
    const file = encodeTFRecords([valid, valid]);
    fc.assert(fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const b = new Uint8Array(file);
      b[at]! ^= x;
      let err: unknown;
      try {
        [...readTFRecords(b)];
      } catch (e) {
        err = e;
      }
      expect(isAttnlensError(err)).toBe(true);
    }), { numRuns: 300 });
  });
});
