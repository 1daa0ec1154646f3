// Bounded by what the archive holds (issue 12): the array limit, overlapping entries, a
// directory that lies about an entry's size. The hostile GB-scale files are in test/hostile.
import { afterEach, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { resetLimits, setLimits } from '@attnlens/core';
import { decodeNpz, encodeNpy, inspectNpz } from '../src/index.js';
import { tensor } from '@attnlens/core';
import { errorOf } from './helpers.js';

afterEach(() => resetLimits());

const npy = encodeNpy(tensor('float32', [64], new Float32Array(64).fill(0.5)));
const CENTRAL = 0x02014b50;

/** Offsets of the central-directory records of a zip made by zipSync. */
function centralRecords(zip: Uint8Array): number[] {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (dv.getUint32(i, true) === CENTRAL) out.push(i);
  return out;
}

describe('.npz limits', () => {
  it('an entry over maxArrayBytes is SIZE_LIMIT, naming its size and the limit', () => {
    const zip = zipSync({ 'a.npy': [npy, { level: 6 }] });
    setLimits({ maxArrayBytes: 100 });
    const e = errorOf(() => decodeNpz(zip, 'x.npz'));
    expect(e.code).toBe('SIZE_LIMIT');
    expect(e.message).toBe(`x.npz (entry a.npy): zip entry a.npy needs ${npy.length} bytes, over the per-array limit of 100 bytes`);
    resetLimits();
    expect(decodeNpz(zip).get('a')!.shape).toEqual([64]);
  });
  it('two directory entries pointing at one member are refused, by inspect too', () => {
    const zip = zipSync({ 'a.npy': [npy, { level: 6 }], 'b.npy': [npy, { level: 6 }] });
    const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const [, second] = centralRecords(zip);
    dv.setUint32(second! + 42, 0, true); // b.npy's local header offset := a.npy's
    for (const f of [() => decodeNpz(zip, 'x.npz'), () => inspectNpz(zip, 'x.npz')]) {
      const e = errorOf(f);
      expect(e.code).toBe('CORRUPT');
      expect(e.message).toMatch(/zip entries (a|b)\.npy and (a|b)\.npy share bytes \(both from byte 0\)/);
    }
  });
  it('a directory claiming fewer bytes than the entry inflates to: CORRUPT with both numbers', () => {
    const zip = zipSync({ 'a.npy': [npy, { level: 6 }] });
    const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const [first] = centralRecords(zip);
    dv.setUint32(first! + 24, 200, true); // uncompressed size 200 instead of 384
    const e = errorOf(() => decodeNpz(zip, 'x.npz'));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('zip entry a.npy inflates to more than 200 bytes, not the 200 its directory says');
  });
});
