// Hostile .npz files (issue 12): entries that claim or inflate to GBs, a directory whose 600
// entries share one member, and valid ZIP64 archives. Built here, a few MB at most.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectNumpyFile, loadArray } from '@attnlens/npy/node';
import { cli, isCleanError } from '../helpers/cli.js';
import { buildZip, inChild, MIB, npyHeader, zeroBomb } from './craft.js';
import { asyncErrorOf as error } from '../helpers/errors.js';
import { tempFolder } from '../helpers/temp.js';

const tmp = tempFolder('hostile-npz');
const dir = tmp.dir;
const GB39 = 3720 * MIB; // 3.9 GB of zeros
const at = tmp.write;

// float32 (975175680,) = 3.9 GB after its 128-byte header; the directory tells the truth.
const head = npyHeader('<f4', [GB39 / 4]);
const honest = at('inflates-3.9GB.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(GB39, head), size: head.length + GB39 }]));

describe('an .npz entry that inflates to 3.9 GB', () => {
  it('is refused before inflating: SIZE_LIMIT naming the size and the limit', async () => {
    const e = await error(loadArray(honest));
    expect(e.code).toBe('SIZE_LIMIT');
    expect(e.message).toContain(`${head.length + GB39} bytes`);
    expect(e.message).toContain(`${2 ** 31} bytes`);
    expect(e.details).toMatchObject({ option: 'maxArrayBytes' }); // the CLI turns it into --max-array-bytes
    expect(e.hint).not.toMatch(/--/);
  });
  it('peak memory stays far below the entry size', () => {
    const r = inChild(`const { loadArray } = await import('@attnlens/npy/node'); await loadArray(${JSON.stringify(honest)});`);
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.maxRss).toBeLessThan(300 * MIB);
  });
  it('inspect reads the header only', async () => {
    const r = inChild(`const { inspectNumpyFile } = await import('@attnlens/npy/node'); const i = await inspectNumpyFile(${JSON.stringify(honest)}); return i.entries[0].info.shape;`);
    expect(r.result).toEqual([GB39 / 4]);
    expect(r.maxRss).toBeLessThan(300 * MIB);
  });
  it('the CLI says so in one line', () => {
    const r = cli(['extract', honest, '--out', join(dir, 'out.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/needs 3\.9 GB \(\d+ bytes\), over the per-array limit of 2\.1 GB/);
  });
  it('the CLI limit option takes sizes like 4G and 3GiB, and refuses nonsense as bad usage', () => {
    const ok = cli(['extract', honest, '--out', join(dir, 'out.npy'), '--max-array-bytes', '3GiB']);
    expect(ok.stderr).toContain('over the per-array limit of 3.2 GB (3221225472 bytes)');
    const bad = cli(['--max-array-bytes', 'lots', 'inspect', honest]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('attnlens: --max-array-bytes takes a size in bytes (e.g. 4000000000, 4G, 4GiB), not "lots"');
  });
  it('a raised limit is honoured (the option names the limit)', async () => {
    const e = await error(loadArray(honest, undefined, { limits: { maxArrayBytes: 100 } }));
    expect(e.message).toContain('over the per-array limit of 100 bytes');
  });
});

describe('an .npz entry whose directory lies', () => {
  it('claims 10 GB: SIZE_LIMIT, not "Invalid typed array length"', async () => {
    // 10.7 MB of deflate, enough for 10 GB, so the claim passes the deflate-ratio check.
    const h = npyHeader('<f4', [2.5e9]);
    const p = at('claims-10GB.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(10240 * MIB, h), size: 1e10 + h.length }]));
    const e = await error(loadArray(p));
    expect(e.code).toBe('SIZE_LIMIT');
    expect(e.message).toContain(`${1e10 + h.length} bytes`);
    // A claim no deflate stream of that length can meet is damage.
    const q = at('claims-10GB-tiny.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(MIB, h), size: 1e10 + h.length }]));
    expect((await error(loadArray(q))).message).toMatch(/claims 10000000128 bytes from \d+ compressed bytes, more than deflate can produce/);
    const r = cli(['extract', p, '--out', join(dir, 'o.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).not.toContain('internal error');
  });
  it('claims 1 KB but inflates to 3.9 GB: stops at once, and the message has its number', async () => {
    const h = npyHeader('<u1', [1024 - 128]);
    const p = at('lies-small.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(GB39, h), size: 1024 }]));
    const e = await error(loadArray(p));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('inflates to more than 1024 bytes, not the 1024 its directory says');
    const r = inChild(`const { loadArray } = await import('@attnlens/npy/node'); await loadArray(${JSON.stringify(p)});`);
    expect(r.code).toBe('CORRUPT');
    expect(r.maxRss).toBeLessThan(300 * MIB);
  });
});

describe('an .npz whose 600 directory entries point at one deflated member', () => {
  it('inspect refuses the overlap without inflating anything', async () => {
    const h = npyHeader('<f4', [256 * MIB]);
    const aliases = Array.from({ length: 599 }, (_, i) => [`a${i}.npy`, 0] as [string, number]);
    const p = at('overlap-600.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(1024 * MIB, h), size: h.length + 1024 * MIB }], aliases));
    const e = await error(inspectNumpyFile(p));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/zip entries \S+ and \S+ share bytes \(both from byte 0\)/);
    const r = inChild(`const { inspectNumpyFile } = await import('@attnlens/npy/node'); await inspectNumpyFile(${JSON.stringify(p)});`);
    expect(r.code).toBe('CORRUPT');
    expect(r.maxRss).toBeLessThan(300 * MIB);
  });
});

describe('ZIP64 .npz files NumPy reads', () => {
  // Info-ZIP `zip -fz` and Python's zipfile with ZIP64_LIMIT=0 (scripts in make-hostile.py).
  for (const name of ['zip64-infozip.npz', 'zip64-python.npz']) {
    it(`${name} is inspected and read`, async () => {
      const p = join(import.meta.dirname, 'fixtures', name);
      const a = await loadArray(p, 'a');
      expect(a.shape).toEqual([3, 4]);
      expect(Array.from(a.data as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      const r = cli(['inspect', p, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).format).toBe('npz');
    });
  }
  it('a ZIP64 directory entry past 4 GiB is refused by the limit, not misread', async () => {
    const h = npyHeader('<f4', [1280 * MIB]);
    const p = at('zip64-5GB.npz', buildZip([{ name: 'w.npy', method: 8, data: zeroBomb(5120 * MIB, h), size: 5120 * MIB + h.length, crc: 0 }]));
    const e = await error(loadArray(p));
    expect(e.code).toBe('SIZE_LIMIT');
    expect(e.message).toContain(`${5120 * MIB + h.length} bytes`);
    const info = await inspectNumpyFile(p);
    expect(info.format === 'npz' && info.entries[0]!.info.shape).toEqual([1280 * MIB]);
  });
});
