// readTFRecordsAt / rangeDump: a dump read by ranges through a ReadAt (as the web viewer reads
// a File) gives the records and documents that the in-memory readers give, with reads no
// larger than asked, and the same errors for damaged and cut files.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskedCrc32c, type AttentionDocument, type SniffedFormat } from '@attnlens/core';
import { bytesDump, dumpDocuments, encodeTFRecords, rangeDump, readTFRecords, readTFRecordsAt, type DumpSource, type TFRecord } from '../src/index.js';
import { decodePngGray } from '../src/node.js';
import { expectRejection, fixtureBytes } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const payloads = ['first', '', 'a somewhat longer third payload', 'x'.repeat(1000)].map(enc);

/** A ReadAt over bytes in memory that records the length of every read. */
function memoryReadAt(bytes: Uint8Array) {
  const reads: number[] = [];
  const read = async (offset: number, length: number) => {
    reads.push(length);
    return bytes.slice(offset, offset + length);
  };
  return { read, reads };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const summary = (recs: TFRecord[]) => recs.map((r) => ({ index: r.index, offset: r.offset, text: dec(r.payload) }));

describe('readTFRecordsAt', () => {
  it('reads the records range by range: aligned on record boundaries and straddling them', async () => {
    const file = encodeTFRecords(payloads); // records at 0, 21, 37, 84; 1100 bytes
    const want = summary([...readTFRecords(file)]);
    expect(want.map((r) => r.offset)).toEqual([0, 21, 37, 84]);
    for (const rangeBytes of [21, 16, 47, 84, 1, 7, 1100, 5000]) {
      const { read, reads } = memoryReadAt(file);
      expect(summary(await collect(readTFRecordsAt(read, file.length, { rangeBytes })))).toEqual(want);
      expect(Math.max(...reads)).toBeLessThanOrEqual(Math.max(rangeBytes, 12));
    }
  });

  it('gives the in-memory reader\'s records for any range size, uncompressed, GZIP and ZLIB (property)', async () => {
    for (const compression of ['none', 'gzip', 'zlib'] as const) {
      const file = encodeTFRecords(payloads, { compression });
      const want = summary([...readTFRecords(file)]);
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (rangeBytes) => {
        const { read } = memoryReadAt(file);
        expect(summary(await collect(readTFRecordsAt(read, file.length, { rangeBytes })))).toEqual(want);
      }), { numRuns: 40 });
    }
  });

  it('reads a large file in ranges of RANGE_BYTES, never whole', async () => {
    const big = encodeTFRecords(Array.from({ length: 40 }, (_, i) => new Uint8Array(100_000).fill(i)));
    const { read, reads } = memoryReadAt(big);
    const recs = await collect(readTFRecordsAt(read, big.length));
    expect(recs.map((r) => r.payload[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(Math.max(...reads)).toBe(1 << 20);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(big.length + 12); // the 12-byte sniff, then each byte once
  });

  it('a cut record is the same TRUNCATED error as in memory, found from the header before the record is allocated', async () => {
    const cut = encodeTFRecords(payloads).subarray(0, 84 + 12 + 500);
    const { read, reads } = memoryReadAt(cut);
    const e = await expectRejection(collect(readTFRecordsAt(read, cut.length, { file: 'cut.tfrecord', rangeBytes: 64 })), 'TRUNCATED');
    expect(e.reason).toBe('record 3 (at byte 84) is cut short: it needs 1016 bytes but the file ends 512 bytes after its start');
    expect(e.file).toBe('cut.tfrecord');
    expect(e.details).toMatchObject({ record: 3, offset: 84, option: 'skipCorrupt' });
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(cut.length + 12); // stopped at record 3's header
    let inMemory = '';
    try {
      [...readTFRecords(cut, { file: 'cut.tfrecord' })];
    } catch (err) {
      inMemory = (err as Error).message;
    }
    expect(e.message).toBe(inMemory);
  });

  it('a valid header claiming 2^40 bytes is TRUNCATED against the file size before anything is allocated', async () => {
    const f = new Uint8Array(12 + 100);
    const dv = new DataView(f.buffer);
    dv.setUint32(4, 256, true); // length 2^40
    dv.setUint32(8, maskedCrc32c(f.subarray(0, 8)), true); // a valid length checksum
    const { read, reads } = memoryReadAt(f);
    const e = await expectRejection(collect(readTFRecordsAt(read, f.length)), 'TRUNCATED');
    expect(e.message).toBe(`record 0 (at byte 0) is cut short: it needs ${2 ** 40 + 16} bytes but the file ends 112 bytes after its start`);
    expect(reads).toEqual([12, 112]);
  });

  it('a damaged record is skipped with skipCorrupt, as in memory', async () => {
    const f = encodeTFRecords(payloads);
    f[37 + 12 + 3]! ^= 0xff;
    const { read } = memoryReadAt(f);
    await expectRejection(collect(readTFRecordsAt(read, f.length, { rangeBytes: 10 })), 'CORRUPT');
    const warnings: string[] = [];
    const recs = await collect(readTFRecordsAt(read, f.length, { rangeBytes: 10, skipCorrupt: true, warn: (m) => warnings.push(m) }));
    expect(recs.map((r) => r.index)).toEqual([0, 1, 3]);
    expect(warnings).toHaveLength(1);
  });

  it('a GZIP stream cut short is TRUNCATED, as in memory', async () => {
    const gz = encodeTFRecords(payloads, { compression: 'gzip' }).subarray(0, -10);
    const e = await expectRejection(collect(readTFRecordsAt(memoryReadAt(gz).read, gz.length, { rangeBytes: 8 })), 'TRUNCATED');
    expect(e.message).toMatch(/GZIP stream around the records is cut short/);
  });

  it('a file that shrinks while read is TRUNCATED', async () => {
    const f = encodeTFRecords(payloads);
    const short = async (offset: number, length: number) => f.slice(offset, Math.min(offset + length, 500));
    const e = await expectRejection(collect(readTFRecordsAt(short, f.length, { rangeBytes: 100, file: 'r.tfrecord' })), 'TRUNCATED');
    expect(e.message).toMatch(/ended at byte 500 while reading up to byte 600/);
  });
});

describe('rangeDump', () => {
  const decodePng = decodePngGray;
  const provenance = { sourceFormat: 'test', framework: 'tensorflow' };
  const docs = async (src: DumpSource) => collect(dumpDocuments(src, { decodePng, provenance })) as Promise<AttentionDocument[]>;
  const plain = (d: AttentionDocument[]) => JSON.parse(JSON.stringify(d, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));

  const cases: [string, SniffedFormat, string][] = [
    ['events.out.tfevents.1500000000.fixture', 'tfevents', 'tfevents'],
    ['alignments.tfrecord.gz', 'gzip', 'tfrecord'],
    ['alignment-f16.pb', 'tensorproto', 'tensorproto'],
  ];
  for (const [name, format, kind] of cases) {
    it(`${name}: the documents bytesDump gives, read in ranges`, async () => {
      const bytes = fixtureBytes(name);
      const { read, reads } = memoryReadAt(bytes);
      const src = await rangeDump(read, bytes.length, format, name);
      expect(src.kind).toBe(kind);
      const got = await docs(src);
      expect(got.length).toBeGreaterThan(0);
      expect(plain(got)).toEqual(plain(await docs(bytesDump(bytes, format, name))));
      if (kind !== 'tensorproto') expect(reads.length).toBeGreaterThan(1);
    });
  }

  it('tells a GZIP event file from a GZIP TFRecord by its first record', async () => {
    const { gzipSync } = await import('fflate');
    const ev = gzipSync(fixtureBytes('events.out.tfevents.1500000000.fixture'));
    expect((await rangeDump(memoryReadAt(ev).read, ev.length, 'gzip', 'ev.gz')).kind).toBe('tfevents');
  });
});
