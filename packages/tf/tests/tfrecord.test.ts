import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskedCrc32c } from '@attnlens/core';
import { gzipSync } from 'fflate';
import { TFRecordDecoder, encodeTFRecord, encodeTFRecords, readTFRecords, decodeTensorProto, type TFRecord } from '../src/index.js';
import { expected, expectError, fixtureBytes } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const payloads = ['first', '', 'a somewhat longer third payload', 'x'.repeat(1000)].map(enc);

/** Feed `bytes` to a decoder in the given chunk sizes. */
function chunked(bytes: Uint8Array, sizes: number[], opts = {}): TFRecord[] {
  const d = new TFRecordDecoder(opts);
  const out: TFRecord[] = [];
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(...d.push(bytes.subarray(at, at + n)));
    at += n;
  }
  out.push(...d.end());
  return out;
}

describe('TFRecord framing', () => {
  it('matches the CRC test vectors of FORMATS.md §4.4 (TensorBoard masked_crc.rs)', () => {
    const payload = Uint8Array.of(0x1a, 0x11, ...enc('CRC test, one two'));
    expect(maskedCrc32c(payload)).toBe(0x5794d08a);
    const r = encodeTFRecord(payload);
    expect(hex(r.subarray(0, 8))).toBe('1300000000000000');
    expect(new DataView(r.buffer).getUint32(8, true)).toBe(0x1b32910c);
    expect(new DataView(r.buffer).getUint32(12 + 19, true)).toBe(0x5794d08a);
  });

  it('reads what it writes, uncompressed, GZIP and ZLIB, with offsets', () => {
    for (const compression of ['none', 'gzip', 'zlib'] as const) {
      const file = encodeTFRecords(payloads, { compression });
      const recs = [...readTFRecords(file)];
      expect(recs.map((r) => dec(r.payload))).toEqual(payloads.map(dec));
      expect(recs.map((r) => r.index)).toEqual([0, 1, 2, 3]);
      expect(recs.map((r) => r.offset)).toEqual([0, 21, 37, 84]);
    }
  });

  it('gives the same records whatever the chunk sizes (property)', () => {
    const file = encodeTFRecords(payloads);
    const gz = encodeTFRecords(payloads, { compression: 'gzip' });
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes) => {
      for (const f of [file, gz]) {
        const recs = chunked(f, sizes);
        expect(recs.map((r) => dec(r.payload))).toEqual(payloads.map(dec));
        expect(recs.map((r) => r.offset)).toEqual([0, 21, 37, 84]);
      }
    }));
  });

  it('reads the committed GZIP fixture written by the Python generator', () => {
    const recs = [...readTFRecords(fixtureBytes('alignments.tfrecord.gz'))];
    const e = expected['alignments.tfrecord.gz'].records;
    expect(recs.length).toBe(2);
    recs.forEach((r, i) => {
      const t = decodeTensorProto(r.payload);
      expect(t.shape).toEqual(e[i]!.shape);
      Array.from(t.data as Float32Array).forEach((v, j) => expect(v).toBeCloseTo(e[i]!.values[j]!, 6));
    });
  });

  it('an empty input has no records', () => {
    expect([...readTFRecords(new Uint8Array(0))]).toEqual([]);
  });
});

describe('TFRecord: damaged files', () => {
  const file = () => encodeTFRecords(payloads);

  it('a bad data CRC names the record and its byte offset', () => {
    const f = file();
    f[37 + 12 + 3]! ^= 0xff; // inside record 2's payload
    const e = expectError(() => [...readTFRecords(f, { file: 'r.tfrecord' })], 'CORRUPT');
    expect(e.message).toMatch(/record 2 \(at byte 37\) has a bad data checksum/);
    expect(e.hint).toBe('the file was damaged; skip the damaged records and keep the rest');
    expect(e.details).toMatchObject({ record: 2, offset: 37, field: 'data', option: 'skipCorrupt' }); // the CLI names its flag
  });

  it('--skip-corrupt carries on past a bad data CRC, warning once', () => {
    const f = file();
    f[37 + 12 + 3]! ^= 0xff;
    const warnings: string[] = [];
    const recs = [...readTFRecords(f, { skipCorrupt: true, warn: (m) => warnings.push(m) })];
    expect(recs.map((r) => r.index)).toEqual([0, 1, 3]);
    expect(dec(recs[2]!.payload)).toBe('x'.repeat(1000));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/record 2 \(at byte 37\).*skipped/);
  });

  it('a bad length CRC fails; skipping, the reader finds the next valid header', () => {
    const f = file();
    f[21]! ^= 0x01; // record 1's length field
    const e = expectError(() => [...readTFRecords(f)], 'CORRUPT');
    expect(e.message).toMatch(/record 1 \(at byte 21\) has a bad length checksum/);
    const warnings: string[] = [];
    const recs = chunked(f, [5, 7, 3], { skipCorrupt: true, warn: (m: string) => warnings.push(m) });
    expect(recs.map((r) => dec(r.payload))).toEqual(['first', 'a somewhat longer third payload', 'x'.repeat(1000)]);
    expect(recs.map((r) => r.offset)).toEqual([0, 37, 84]);
    expect(warnings.join('\n')).toMatch(/found the next valid record header at byte 37, 16 bytes after/);
  });

  it('a record cut short is TRUNCATED with its index and offset, early when the size is known', () => {
    const f = file().subarray(0, 84 + 12 + 500);
    const e = expectError(() => [...readTFRecords(f, { file: 'cut.tfrecord' })], 'TRUNCATED');
    expect(e.message).toMatch(/record 3 \(at byte 84\) is cut short: it needs 1016 bytes but the file ends 512 bytes after its start/);
    // streamed without knowing the size: found at the end
    const e2 = expectError(() => chunked(f, [64]), 'TRUNCATED');
    expect(e2.message).toMatch(/record 3 \(at byte 84\) is cut short/);
    // cut inside a header
    const e3 = expectError(() => [...readTFRecords(file().subarray(0, 84 + 5))], 'TRUNCATED');
    expect(e3.message).toMatch(/record 3 \(at byte 84\) is cut short: the file ends 5 bytes into its 12-byte header/);
    // skipping keeps the records before it
    const warnings: string[] = [];
    expect(chunked(f, [64], { skipCorrupt: true, warn: (m: string) => warnings.push(m) }).length).toBe(3);
    expect(warnings).toHaveLength(1);
  });

  it('a GZIP stream cut short is TRUNCATED', () => {
    const gz = encodeTFRecords(payloads, { compression: 'gzip' });
    const e = expectError(() => [...readTFRecords(gz.subarray(0, gz.length - 10))], 'TRUNCATED');
    expect(e.message).toMatch(/GZIP stream around the records is cut short/);
  });

  it('a GZIP stream with damaged deflate data is CORRUPT', () => {
    const gz = gzipSync(encodeTFRecords(payloads), { level: 0 });
    gz[10] = 0x07; // invalid block type
    expectError(() => [...readTFRecords(gz)], 'CORRUPT');
  });

  it('a length over the limit is refused before allocating', () => {
    const e = expectError(() => [...readTFRecords(encodeTFRecords([new Uint8Array(2000)]), { maxRecordBytes: 1000 })], 'UNSUPPORTED');
    expect(e.message).toMatch(/holds 2000 bytes, more than attnlens reads as one record \(1000\)/);
  });
});
