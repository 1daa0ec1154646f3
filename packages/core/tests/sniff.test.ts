import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c, sniff, zip64EndRecord, zipCentralDirectory, zipCentralRecords, zipEndRecord } from '../src/index.js';

const b = (...x: number[]) => Uint8Array.from(x);
const enc = (s: string) => new TextEncoder().encode(s);

describe('sniff', () => {
  it('names formats by their first bytes', () => {
    expect(sniff(new Uint8Array(0))).toBe('empty');
    expect(sniff(b(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0))).toBe('npy');
    expect(sniff(b(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('hdf5');
    const userBlock = new Uint8Array(600);
    userBlock.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    expect(sniff(userBlock)).toBe('hdf5');
    expect(sniff(b(0x50, 0x4b, 3, 4), ['a.npy', 'arr_0.npy'])).toBe('npz');
    expect(sniff(b(0x50, 0x4b, 3, 4), ['config.json', 'metadata.json', 'model.weights.h5'])).toBe('keras-zip');
    expect(sniff(b(0x50, 0x4b, 3, 4), ['archive/data.pkl'])).toBe('pytorch');
    expect(sniff(b(0x50, 0x4b, 3, 4), ['readme.txt'])).toBe('zip');
    expect(sniff(b(0x1f, 0x8b, 8, 0))).toBe('gzip');
    expect(sniff(b(0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x03))).toBe('tensorproto');
    expect(sniff(enc('hello world, a text file'))).toBe('unknown');
  });
  it('recognises TFRecord framing and event files', () => {
    const rec = (payload: Uint8Array) => {
      const len = new Uint8Array(8);
      new DataView(len.buffer).setBigUint64(0, BigInt(payload.length), true);
      const out = new Uint8Array(16 + payload.length);
      out.set(len);
      new DataView(out.buffer).setUint32(8, maskedCrc32c(len), true);
      out.set(payload, 12);
      return out;
    };
    expect(sniff(rec(enc('some example bytes')))).toBe('tfrecord');
    expect(sniff(rec(enc('\x09........\x1a\x0dbrain.Event:2')))).toBe('tfevents');
  });
  it('computes CRC-32C (RFC 3720 check value)', () => {
    expect(crc32c(enc('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });
});

describe('zipCentralDirectory', () => {
  it('reads the ZIP64 end record when the classic one says 0xffffffff (Info-ZIP zip -fz; NumPy reads it)', () => {
    // test/hostile/fixtures/zip64-infozip.npz, made by test/hostile/make-hostile.py
    const zip = Uint8Array.from(Buffer.from('UEsDBC0AAAAIAKhSgV0tbyIm//////////8FADAAYS5ucHlVVAkAA5ufDmubnw5rdXgLAAEEAAAAAAQAAAAAAQAQALAAAAAAAAAAZgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOgommjoKtQpkAy4GMGiwBxIOQATEDUC8AIgPAPEDIGZwZGAQAGIFIDZwBABQSwECHgMtAAAACACoUoFdLW8iJmYAAAD/////BQAkAAAAAAAAAAAApIEAAAAAYS5ucHlVVAUAA5ufDmt1eAsAAQQAAAAABAAAAAABAAgAsAAAAAAAAABQSwYGLAAAAAAAAAAeAy0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAVwAAAAAAAAC5AAAAAAAAAFBLBgcAAAAAEAEAAAAAAAABAAAAUEsFBgAAAAABAAEAVwAAAP////8AAA==', 'base64'));
    expect(zipCentralDirectory(zip, zip.length)).toEqual({ names: ['a.npy'] });
    expect(sniff(zip.subarray(0, 64), ['a.npy'])).toBe('npz');
  });
  it('says nothing (rather than a range outside the file) for a damaged ZIP64 record', () => {
    const zip = Uint8Array.from(Buffer.from('UEsDBC0AAAAIAKhSgV0tbyIm//////////8FADAAYS5ucHlVVAkAA5ufDmubnw5rdXgLAAEEAAAAAAQAAAAAAQAQALAAAAAAAAAAZgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOgommjoKtQpkAy4GMGiwBxIOQATEDUC8AIgPAPEDIGZwZGAQAGIFIDZwBABQSwECHgMtAAAACACoUoFdLW8iJmYAAAD/////BQAkAAAAAAAAAAAApIEAAAAAYS5ucHlVVAUAA5ufDmt1eAsAAQQAAAAABAAAAAABAAgAsAAAAAAAAABQSwYGLAAAAAAAAAAeAy0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAVwAAAAAAAAC5AAAAAAAAAFBLBgcAAAAAEAEAAAAAAAABAAAAUEsFBgAAAAABAAEAVwAAAP////8AAA==', 'base64'));
    const bad = zip.slice();
    bad.set([0, 0, 0, 0], bad.length - 22 - 20 - 56); // the ZIP64 end record's signature
    expect(zipCentralDirectory(bad, bad.length)).toBeUndefined();
  });
});

describe('zipEndRecord (the end-record parser npy\'s zip reader uses too)', () => {
  // The same Info-ZIP `zip -fz` archive as above: 273 bytes, the central directory 87 bytes at 185.
  const zip = Uint8Array.from(Buffer.from('UEsDBC0AAAAIAKhSgV0tbyIm//////////8FADAAYS5ucHlVVAkAA5ufDmubnw5rdXgLAAEEAAAAAAQAAAAAAQAQALAAAAAAAAAAZgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOgommjoKtQpkAy4GMGiwBxIOQATEDUC8AIgPAPEDIGZwZGAQAGIFIDZwBABQSwECHgMtAAAACACoUoFdLW8iJmYAAAD/////BQAkAAAAAAAAAAAApIEAAAAAYS5ucHlVVAUAA5ufDmt1eAsAAQQAAAAABAAAAAABAAgAsAAAAAAAAABQSwYGLAAAAAAAAAAeAy0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAVwAAAAAAAAC5AAAAAAAAAFBLBgcAAAAAEAEAAAAAAAABAAAAUEsFBgAAAAABAAEAVwAAAP////8AAA==', 'base64'));
  const rec64 = zip.length - 22 - 20 - 56;

  it('reads the ZIP64 record in the tail, or asks for it when the tail starts after it', () => {
    expect(zipEndRecord(zip, 0, zip.length)).toEqual({ count: 1, size: 87, offset: 185 });
    expect(zipEndRecord(zip.subarray(rec64 + 1), rec64 + 1, zip.length)).toEqual({ needZip64: { at: rec64, length: 56 } });
    expect(zip64EndRecord(zip.subarray(rec64, rec64 + 56), zip.length)).toEqual({ count: 1, size: 87, offset: 185 });
  });

  it('names each problem instead of throwing', () => {
    expect(zipEndRecord(zip.subarray(0, 100), 0, 100)).toEqual({ problem: 'no-end-record' });
    const bad = zip.slice();
    bad.set([0, 0, 0, 0], rec64);
    expect(zipEndRecord(bad, 0, bad.length)).toEqual({ problem: 'zip64-damaged' });
    expect(zip64EndRecord(zip.subarray(rec64, rec64 + 56), 200)).toEqual({ problem: 'directory-past-end', directory: { offset: 185, size: 87 } });
    const far = zip.slice();
    new DataView(far.buffer).setUint32(zip.length - 22 - 20 + 8, 10_000, true); // the locator points past the end
    expect(zipEndRecord(far, 0, far.length)).toEqual({ problem: 'zip64-outside-file' });
    new DataView(far.buffer).setUint32(zip.length - 22 - 20 + 12, 0x00400000, true); // ... beyond 2^53
    expect(zipEndRecord(far, 0, far.length)).toEqual({ problem: 'beyond-2^53' });
  });

  it('walks the central directory records, stopping at a damaged one (bounded by its bytes, not its count)', () => {
    const cd = zip.subarray(185, 185 + 87);
    // Python's zipfile: a.npy, deflate, 102 bytes, 176 once the ZIP64 extra (36 bytes) is read (npy's parseCentralDirectory does that)
    const { records, damagedAt } = zipCentralRecords(cd, 1);
    expect(damagedAt).toBeUndefined();
    expect(records.map((r) => [r.name, r.method, r.compressedSize, r.uncompressedSize, r.localHeaderOffset, r.extra.length])).toEqual([['a.npy', 8, 102, 0xffffffff, 0, 36]]);
    expect(zipCentralRecords(cd, 1_000_000)).toMatchObject({ damagedAt: 1 });
    expect(zipCentralRecords(cd.subarray(0, 60), 1)).toEqual({ records: [], damagedAt: 0 });
  });
});
