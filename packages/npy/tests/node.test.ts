// Files on disk: streaming rows, the streaming writer, atomic writes, and file errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DType, type Tensor } from '@attnlens/core';
import { atomicWriteFile } from '@attnlens/core/node';
import { decodeNpy, encodeNpy } from '../src/index.js';
import { encodeNpyHeader } from '../src/header.js';
import { createNpyWriter, loadArray, openNpy, readNpyFile, writeNpyFile } from '../src/node.js';
import { asyncErrorOf, hexOf } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'attnlens-npy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic float32 tensor whose every value says where it is. */
function ramp(shape: number[]): Tensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 100003) * 0.5 - 7;
  return { dtype: 'float32', shape, data };
}

/** The same array stored in Fortran order (and optionally big-endian), as NumPy would write it. */
function fortranNpy(t: Tensor<'float32'>, bigEndian = false): Uint8Array {
  const shape = t.shape;
  const n = t.data.length;
  const f = new Float32Array(n);
  const idx = new Array(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    let fo = 0;
    for (let k = shape.length - 1, rem = c; k >= 0; k--) {
      idx[k] = rem % shape[k]!;
      rem = Math.floor(rem / shape[k]!);
    }
    for (let k = 0, s = 1; k < shape.length; k++) {
      fo += idx[k] * s;
      s *= shape[k]!;
    }
    f[fo] = t.data[c]!;
  }
  const text = `{'descr': '${bigEndian ? '>' : '<'}f4', 'fortran_order': True, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const head = encodeNpyHeader('float32', shape);
  const body = new TextEncoder().encode(text.padEnd(head.length - 11) + '\n');
  const bytes = new Uint8Array(head.length + f.byteLength);
  bytes.set(head.subarray(0, 10));
  bytes.set(body, 10);
  const data = new Uint8Array(f.buffer);
  if (bigEndian) for (let i = 0; i < data.length; i += 4) data.subarray(i, i + 4).reverse();
  bytes.set(data, head.length);
  return bytes;
}

describe('openNpy on a file of a few MB', () => {
  const t = ramp([3001, 7, 37]);
  let path: string;
  beforeAll(async () => {
    path = join(dir, 'big.npy');
    await writeNpyFile(path, t);
  });
  it('reads any row range exactly as the whole array holds it', async () => {
    const r = await openNpy(path);
    try {
      expect(r.rows).toBe(3001);
      expect(r.rowShape).toEqual([7, 37]);
      expect(r.header.dataBytes).toBe(3001 * 7 * 37 * 4);
      const row = 7 * 37;
      await fc.assert(fc.asyncProperty(fc.nat({ max: 3001 }), fc.nat({ max: 3001 }), async (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const got = await r.readRows(start, end - start);
        expect(got.shape).toEqual([end - start, 7, 37]);
        expect(Buffer.from((got.data as Float32Array).buffer).equals(Buffer.from(t.data.buffer, start * row * 4, (end - start) * row * 4))).toBe(true);
      }), { numRuns: 40 });
      const seen: number[] = [];
      let total = 0;
      for await (const { start, tensor } of r.chunks(1000)) {
        seen.push(start);
        total += tensor.shape[0]!;
      }
      expect(seen).toEqual([0, 1000, 2000, 3000]);
      expect(total).toBe(3001);
      // stopping early leaves the read-ahead to finish quietly
      for await (const { start } of r.chunks(10)) if (start === 20) break;
    } finally {
      await r.close();
    }
  });
  it('gives a clear error for rows outside the array, bad chunk sizes and reads after close', async () => {
    const r = await openNpy(path);
    expect((await asyncErrorOf(() => r.readRows(3000, 2))).code).toBe('BAD_ARGUMENT');
    expect((await asyncErrorOf(() => r.readRows(-1, 1))).code).toBe('BAD_ARGUMENT');
    expect((await asyncErrorOf(() => r.readRows(0.5, 1))).code).toBe('BAD_ARGUMENT');
    expect((await asyncErrorOf(async () => { for await (const _ of r.chunks(0)) void _; })).code).toBe('BAD_ARGUMENT');
    await r.close();
    await r.close();
    expect((await asyncErrorOf(() => r.readRows(0, 1))).message).toMatch(/after close/);
  });
  it('reads Fortran-order and big-endian files row by row in C order, across several spans', async () => {
    // (600000, 2, 2) float32: columns 2.4 MB apart, so a 4 MB span holds 2 of the 4 runs.
    const ft = ramp([600000, 2, 2]);
    for (const be of [false, true]) {
      const p = join(dir, `fortran-${be}.npy`);
      writeFileSync(p, fortranNpy(ft, be));
      const whole = await readNpyFile(p);
      expect(hexOf(whole)).toBe(hexOf(ft));
      const r = await openNpy(p);
      for (const [start, count] of [[0, 1], [599990, 10], [12345, 54321], [0, 600000]] as const) {
        const got = await r.readRows(start, count);
        expect(Buffer.from((got.data as Float32Array).buffer).equals(Buffer.from(ft.data.buffer, start * 16, count * 16)), `${be} ${start}`).toBe(true);
      }
      await r.close();
    }
    const small = ramp([5, 3, 4]);
    const p = join(dir, 'fortran-small.npy');
    writeFileSync(p, fortranNpy(small));
    expect(hexOf(decodeNpy(new Uint8Array(readFileSync(p))))).toBe(hexOf(small));
  });
  it('streams a 4 GiB array without reading the file (a sparse file: the header says 4 GiB)', async () => {
    const p = join(dir, 'sparse.npy');
    const rows = 2 ** 28;
    const head = encodeNpyHeader('float32', [rows, 4]);
    writeFileSync(p, head);
    truncateSync(p, head.length + rows * 16);
    const r = await openNpy(p);
    expect(r.header.dataBytes).toBe(2 ** 32);
    const last = await r.readRows(rows - 3, 3);
    expect(last.shape).toEqual([3, 4]);
    expect([...(last.data as Float32Array)]).toEqual(new Array(12).fill(0));
    await r.close();
    truncateSync(p, head.length + rows * 16 - 1);
    const e = await asyncErrorOf(() => openNpy(p));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('4294967296 bytes of data, but only 4294967295');
    rmSync(p);
  });
  it('refuses a 0-d array, which has no rows', async () => {
    const p = join(dir, 'scalar.npy');
    await writeNpyFile(p, { dtype: 'float64', shape: [], data: Float64Array.from([2]) });
    expect((await asyncErrorOf(() => openNpy(p))).message).toMatch(/0-d array/);
    expect((await readNpyFile(p)).data[0]).toBe(2);
  });
});

describe('createNpyWriter', () => {
  it('writes rows in blocks to the same bytes encodeNpy writes for the whole', async () => {
    const types: [DType, (n: number) => Tensor['data']][] = [
      ['float32', (n) => Float32Array.from({ length: n }, (_, i) => i / 3)],
      ['int64', (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(2n ** 40n))],
      ['bool', (n) => Uint8Array.from({ length: n }, (_, i) => i % 2)],
      ['float16', (n) => Uint16Array.from({ length: n }, (_, i) => i * 7)],
    ];
    for (const [dtype, make] of types) {
      const path = join(dir, `w-${dtype}.npy`);
      const w = await createNpyWriter(path, dtype, [3, 2]);
      const all = make(17 * 6);
      const sizes = [5, 0, 1, 11];
      let at = 0;
      const pending: Promise<void>[] = [];
      for (const k of sizes) {
        pending.push(w.write({ dtype, shape: [k, 3, 2], data: all.slice(at * 6, (at + k) * 6) } as Tensor));
        at += k;
      }
      await Promise.all(pending);
      expect(existsSync(path)).toBe(false);
      await w.close();
      const want = encodeNpy({ dtype, shape: [17, 3, 2], data: all } as Tensor);
      expect(Buffer.from(readFileSync(path)).equals(Buffer.from(want)), dtype).toBe(true);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('writes a file with no rows', async () => {
    const path = join(dir, 'w-empty.npy');
    const w = await createNpyWriter(path, 'uint8', [4]);
    await w.close();
    expect(decodeNpy(new Uint8Array(readFileSync(path))).shape).toEqual([0, 4]);
  });
  it('refuses rows of another dtype or shape, with both shapes in the message', async () => {
    const path = join(dir, 'w-bad.npy');
    const w = await createNpyWriter(path, 'float32', [3]);
    const e1 = await asyncErrorOf(() => w.write({ dtype: 'float64', shape: [1, 3], data: new Float64Array(3) }));
    expect(e1.code).toBe('BAD_ARGUMENT');
    expect(e1.message).toMatch(/holds float32, but the rows are float64/);
    const e2 = await asyncErrorOf(() => w.write({ dtype: 'float32', shape: [2, 4], data: new Float32Array(8) }));
    expect(e2.code).toBe('SHAPE_MISMATCH');
    expect(e2.message).toContain('(2, 4)');
    expect(e2.message).toContain('(3,)');
    await w.write({ dtype: 'float32', shape: [1, 3], data: Float32Array.from([1, 2, 3]) });
    await w.close();
    expect((await asyncErrorOf(() => w.write({ dtype: 'float32', shape: [1, 3], data: new Float32Array(3) }))).message).toMatch(/closed/);
    expect([...(await readNpyFile(path)).data]).toEqual([1, 2, 3]);
  });
  it('abort leaves nothing behind', async () => {
    const path = join(dir, 'w-abort.npy');
    const w = await createNpyWriter(path, 'int32', []);
    await w.write({ dtype: 'int32', shape: [2], data: Int32Array.from([1, 2]) });
    await w.abort();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('w-abort'))).toEqual([]);
  });
  it('refuses bad arguments and unwritable places clearly', async () => {
    expect((await asyncErrorOf(() => createNpyWriter(join(dir, 'x.npy'), 'complex64' as DType, [1]))).code).toBe('BAD_ARGUMENT');
    expect((await asyncErrorOf(() => createNpyWriter(join(dir, 'x.npy'), 'float32', [-1]))).code).toBe('BAD_ARGUMENT');
    // one failure, one error: both writers go through core's openAtomic, as every attnlens writer does
    const missing = [
      await asyncErrorOf(() => createNpyWriter(join(dir, 'no', 'such', 'x.npy'), 'float32', [1])),
      await asyncErrorOf(() => writeNpyFile(join(dir, 'no', 'x.npy'), ramp([2]))),
      await asyncErrorOf(() => atomicWriteFile(join(dir, 'no', 'x.bin'), 'x')),
    ];
    for (const e of missing) expect([e.code, e.reason]).toEqual(['IO', 'cannot write: its folder does not exist']);
  });
});

describe('writeNpyFile and the readers agree', () => {
  it('writes what encodeNpy writes, atomically, and loadArray reads it back', async () => {
    const t = ramp([4, 5]);
    const path = join(dir, 'atomic.npy');
    await writeNpyFile(path, t);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(encodeNpy(t)))).toBe(true);
    expect(hexOf(await loadArray(path))).toBe(hexOf(t));
    expect((await asyncErrorOf(() => readNpyFile(dir))).code).toBe('FILE_NOT_FOUND');
  });
  it('reads a file that shrank after its header was checked as TRUNCATED, not short data', async () => {
    const path = join(dir, 'shrinks.npy');
    await writeNpyFile(path, ramp([1000, 10]));
    const r = await openNpy(path);
    truncateSync(path, 20000);
    const e = await asyncErrorOf(() => r.readRows(900, 100));
    expect(e.code).toBe('TRUNCATED');
    // chunks() reads one ahead: the error surfaces at the chunk it belongs to
    const starts: number[] = [];
    const e2 = await asyncErrorOf(async () => { for await (const { start } of r.chunks(100)) starts.push(start); });
    expect(e2.code).toBe('TRUNCATED');
    expect(starts).toEqual([0, 100, 200, 300]);
    await r.close();
  });
});

describe('fflate is loaded only for deflated entries (issue 15: start-up)', () => {
  it('the Node entry alone reads and inspects a compressed .npz, loading fflate on the way, and an .npy without it', async () => {
    const { spawnSync } = await import('node:child_process');
    const dist = join(import.meta.dirname, '..', 'dist', 'node.js');
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('fflate')) process.stderr.write('FFLATE\\n'); return r; }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const run = (code: string) => spawnSync(process.execPath, [`--import=data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', code], { encoding: 'utf8' });
    const npz = join(import.meta.dirname, 'fixtures', 'compressed-single.npz');
    const npy = join(import.meta.dirname, 'fixtures', 'dtype-float32-le.npy');
    const z = run(`const n = await import(${JSON.stringify(dist)}); const i = await n.inspectNumpyFile(${JSON.stringify(npz)}); const t = await n.loadArray(${JSON.stringify(npz)}, 'attention'); console.log(JSON.stringify({ format: i.format, entries: i.entries.length, shape: t.shape, n: t.data.length }));`);
    expect(z.status, z.stderr).toBe(0);
    expect(z.stderr).toContain('FFLATE');
    expect(JSON.parse(z.stdout)).toEqual({ format: 'npz', entries: 1, shape: [20, 50], n: 1000 });
    const y = run(`const n = await import(${JSON.stringify(dist)}); const t = await n.readNpyFile(${JSON.stringify(npy)}); const r = await n.openNpy(${JSON.stringify(npy)}); await r.readRows(0, 1); await r.close(); console.log(t.shape.length);`);
    expect(y.status, y.stderr).toBe(0);
    expect(y.stderr).not.toContain('FFLATE');
  });
});
