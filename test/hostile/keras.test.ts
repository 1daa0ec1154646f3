// Hostile Keras files (issue 12): HDF5 external storage and links (refused unless their
// folder is allowed), datasets huge on reading but tiny on disk, and a .keras archive whose
// weights inflate to GBs (bounded, and its temporary copy removed on every exit path).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeras } from '@attnlens/keras/node';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';
import { buildZip, inChild, MIB, zeroBomb } from './craft.js';
import { asyncErrorOf as error } from '../helpers/errors.js';

const FIX = join(import.meta.dirname, 'fixtures');
const fx = (n: string) => join(FIX, n);
const KERNEL = 'dense/dense/kernel:0';
const dir = mkdtempSync(join(tmpdir(), 'attnlens-hostile-keras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readKernel(path: string, opts: Parameters<typeof openKeras>[1] = {}) {
  const k = await openKeras(path, opts);
  try {
    return k.readWeight(KERNEL);
  } finally {
    k.close();
  }
}

describe('HDF5 external raw storage (h5py external=[("/etc/passwd", 0, 64)])', () => {
  it('is refused, naming the other file, and nothing of it is returned', async () => {
    const e = await error(() => readKernel(fx('external-storage.h5')));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toContain('/etc/passwd');
    expect(e.message).toContain('external raw storage');
    expect(e.hint).toBe('only if you trust the file: allow the folder that holds that file');
    expect(e.details).toMatchObject({ option: 'allowExternal' }); // the CLI turns it into --allow-external
  });
  it('inspect still lists the layers (metadata lives in the file)', async () => {
    const k = await openKeras(fx('external-storage.h5'));
    expect(k.layers.map((l) => l.name)).toEqual(['dense']);
    k.close();
  });
  it('is refused even when another folder is allowed', async () => {
    expect((await error(() => readKernel(fx('external-storage.h5'), { allowExternal: FIX }))).code).toBe('NOT_ALLOWED');
  });
  it('the CLI: extract refuses with one line and exit 1, writing nothing', () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const r = cli(['extract', fx('external-storage.h5'), '--array', KERNEL, '--out', join(out, 'p.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('would read another file, /etc/passwd');
    expect(readdirSync(out)).toEqual([]); // no output, no .tmp
  });
});

describe('HDF5 external links', () => {
  it('are refused before HDF5 follows them, naming the target', async () => {
    const e = await error(() => openKeras(fx('external-link.h5')));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toContain('/dense/dense/kernel:0 is an HDF5 external link to /w in another file, /etc/attnlens-target.h5');
  });
});

describe('HDF5 virtual datasets', () => {
  it('whose source is another file are refused when read, naming the source', async () => {
    const e = await error(() => readKernel(fx('virtual.h5')));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toContain('would read another file, /etc/attnlens-vds-source.h5');
  });
});

describe('external storage in an allowed folder', () => {
  // HDF5 resolves the relative name data.bin against the working directory, so these run there.
  const KERAS_NODE = JSON.stringify(join(REPO, 'packages', 'keras', 'dist', 'node.js'));
  const readIn = (cwd: string, allow?: string) => inChild(`
    const { openKeras } = await import(${KERAS_NODE});
    const k = await openKeras('external-allowed.h5'${allow ? `, { allowExternal: ${JSON.stringify(allow)} }` : ''});
    return Array.from(k.readWeight(${JSON.stringify(KERNEL)}).data);`, {}, cwd);
  it('is read when its folder is allowed (NumPy: arange(16) float32), refused when not', () => {
    expect(readIn(FIX, FIX).result).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const r = readIn(FIX);
    expect(r.code).toBe('NOT_ALLOWED');
    expect(r.message).toContain(`another file, ${join(FIX, 'data.bin')}`);
  });
  it('a symlink inside the allowed folder that leads out of it is refused', () => {
    const jail = join(dir, 'jail');
    mkdirSync(jail);
    copyFileSync(fx('external-allowed.h5'), join(jail, 'external-allowed.h5'));
    symlinkSync('/etc/passwd', join(jail, 'data.bin'));
    const r = readIn(jail, jail);
    expect(r.code).toBe('NOT_ALLOWED');
    expect(r.message).toContain(`another file, ${join(jail, 'data.bin')}`);
  });
  it('the CLI: --allow-external DIR', () => {
    const r = cli(['extract', 'external-allowed.h5', '--array', KERNEL, '--out', join(dir, 'allowed.npy'), '--allow-external', '.', '--json'], { cwd: FIX });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dtype: 'float32', shape: [16] });
  });
});

describe('datasets that are tiny on disk and huge when read', () => {
  it('a chunked dataset never written (1.5 GB logical): inspect is cheap; reading is refused above the limit', () => {
    const p = fx('unwritten-chunked.h5');
    const info = inChild(`const { openKeras } = await import('@attnlens/keras/node'); const k = await openKeras(${JSON.stringify(p)}); return k.layers[0].weights.map((w) => w.shape);`);
    expect(info.result).toEqual([[20000, 18750], [4]]);
    expect(info.maxRss).toBeLessThan(250 * MIB);
    const r = inChild(`const { openKeras } = await import('@attnlens/keras/node'); const k = await openKeras(${JSON.stringify(p)}, { limits: { maxArrayBytes: 1e9 } }); k.readWeight(${JSON.stringify(KERNEL)});`);
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.message).toContain('(20000, 18750) float32 needs 1.5 GB (1500000000 bytes), over the per-array limit of 1.0 GB (1000000000 bytes)');
    expect(r.maxRss).toBeLessThan(250 * MIB);
  });
  it('gzip of 16384 x 16384 zeros: refused above the limit; extracted below it with one copy in memory', () => {
    const p = fx('gzip-zeros.h5');
    const refused = cli(['--max-array-bytes', '100M', 'extract', p, '--array', KERNEL, '--out', join(dir, 'z.npy')]);
    expect(isCleanError(refused)).toBe(true);
    expect(refused.stderr).toContain('needs 268.4 MB (268435456 bytes), over the per-array limit of 100.0 MB (100000000 bytes)');
    const r = inChild(`
      const { openKeras } = await import('@attnlens/keras/node');
      const { writeNpyFile } = await import('@attnlens/npy/node');
      const k = await openKeras(${JSON.stringify(p)});
      const t = k.readWeight(${JSON.stringify(KERNEL)});
      await writeNpyFile(${JSON.stringify(join(dir, 'z.npy'))}, t);
      return t.shape;`);
    expect(r.result).toEqual([16384, 16384]);
    expect(r.maxRss).toBeLessThan(268 * MIB + 250 * MIB);
    rmSync(join(dir, 'z.npy'));
  });
});

/** A .keras archive whose model.weights.h5 is `bytes` of zeros (its header saying `claim`). */
function kerasBomb(name: string, bytes: number, claim = bytes): string {
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const p = join(dir, name);
  writeFileSync(p, buildZip([
    { name: 'metadata.json', method: 0, data: json({ keras_version: '3.4.1' }), size: json({ keras_version: '3.4.1' }).length },
    { name: 'config.json', method: 0, data: json({ class_name: 'Functional', config: {} }), size: json({ class_name: 'Functional', config: {} }).length },
    { name: 'model.weights.h5', method: 8, data: zeroBomb(bytes), size: claim },
  ]));
  return p;
}

describe('a .keras archive whose model.weights.h5 inflates to 3 GB', () => {
  const privateTmp = () => mkdtempSync(join(dir, 'tmp-'));
  it('is refused from the size it claims, before inflating, and leaves no temporary folder', () => {
    const p = kerasBomb('bomb-3GB.keras', 2861 * MIB);
    const tmp = privateTmp();
    const r = inChild(`const { openKeras } = await import('@attnlens/keras/node'); await openKeras(${JSON.stringify(p)});`, { TMPDIR: tmp });
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.message).toContain(`needs 3.0 GB (${2861 * MIB} bytes), over the temporary-copy limit of 2.1 GB (${2 ** 31} bytes)`);
    expect(r.maxRss).toBeLessThan(250 * MIB);
    expect(readdirSync(tmp)).toEqual([]);
  });
  it('whose header lies (claims 1 MB): the copy stops at the limit, in flat memory, and is removed', () => {
    const p = kerasBomb('bomb-lies.keras', 3072 * MIB, MIB);
    const tmp = privateTmp();
    const r = inChild(`const { openKeras } = await import('@attnlens/keras/node'); await openKeras(${JSON.stringify(p)}, { limits: { maxTempBytes: 64 * 2 ** 20 } });`, { TMPDIR: tmp });
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.message).toMatch(/its header says 1048576 bytes, but it inflates to at least \d+\), copied out to a temporary file, needs .* over the temporary-copy limit of 67\.1 MB/);
    expect(r.maxRss).toBeLessThan(250 * MIB);
    expect(readdirSync(tmp)).toEqual([]);
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} while the weights are being copied out removes the temporary folder`, async () => {
      const p = kerasBomb(`bomb-${sig}.keras`, 1536 * MIB);
      const tmp = privateTmp();
      const child = spawn(process.execPath, ['--input-type=module', '-e', `const { openKeras } = await import('@attnlens/keras/node'); await openKeras(${JSON.stringify(p)}); console.log('opened');`], { cwd: join(REPO, 'test'), env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
      // Wait (polling, not timing) for the copy to start, then interrupt it.
      for (let i = 0; i < 3000 && !readdirSync(tmp).length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(readdirSync(tmp).length).toBe(1);
      child.kill(sig);
      const end = await exited;
      expect(end.signal).toBe(sig); // it died of the signal, as Node does by default
      expect(readdirSync(tmp)).toEqual([]);
    });
  }
  it('SIGINT in a program that handles it (as compute does): the copy stops with INTERRUPTED and is removed', async () => {
    const p = kerasBomb('bomb-handled.keras', 1536 * MIB);
    const tmp = privateTmp();
    const code = `process.on('SIGINT', () => {});
      const { openKeras } = await import('@attnlens/keras/node');
      try { await openKeras(${JSON.stringify(p)}); console.log('opened'); } catch (e) { console.log(e.code); }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: join(REPO, 'test'), env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    for (let i = 0; i < 3000 && !readdirSync(tmp).length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(tmp).length).toBe(1);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.trim()).toBe('INTERRUPTED');
    expect(readdirSync(tmp)).toEqual([]);
  });
});
