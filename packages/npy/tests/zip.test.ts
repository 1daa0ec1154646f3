// The central directory as npy reads it: core's record walker plus the ZIP64 extra field.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCentralDirectory } from '../src/index.js';
import { errorOf } from './helpers.js';

// test/hostile/fixtures/zip64-infozip.npz (Info-ZIP zip -fz): one entry, the central directory
// 87 bytes at 185; Python's zipfile reads a.npy, deflate, 102 bytes, 176 once the ZIP64 extra is read.
const zip = readFileSync(fileURLToPath(new URL('../../../test/hostile/fixtures/zip64-infozip.npz', import.meta.url)));
const cd = () => Uint8Array.from(zip.subarray(185, 185 + 87));

describe('parseCentralDirectory', () => {
  it('takes the sizes that overflowed from the ZIP64 extra field', () => {
    const [e] = parseCentralDirectory(cd(), 1, 'z.npz');
    expect(e).toMatchObject({ name: 'a.npy', method: 8, compressedSize: 102, uncompressedSize: 176, localHeaderOffset: 0 });
  });

  it('refuses a ZIP64 field cut short by its record, and a damaged record, as CORRUPT', () => {
    const short = cd();
    const dv = new DataView(short.buffer);
    dv.setUint16(30, dv.getUint16(30, true) - 4, true); // the extra length no longer holds the 8-byte size
    expect(errorOf(() => parseCentralDirectory(short, 1, 'z.npz'))).toMatchObject({ code: 'CORRUPT', file: 'z.npz', message: expect.stringMatching(/short ZIP64 field/) });
    expect(errorOf(() => parseCentralDirectory(cd(), 2, 'z.npz'))).toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/entry 1 of 2/) });
  });
});
