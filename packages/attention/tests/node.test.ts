// computeFile: streaming X from disk through worker threads gives exactly what
// computeAttention gives in memory, whatever the worker count and block size.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttnlensError, tensor } from '@attnlens/core';
import { encodeNpy } from '@attnlens/npy';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { writeFileSync } from 'node:fs';
import { computeAttention, maskFromLengths, prepareKernel } from '../src/index.js';
import { computeFile, computeFileAll, computeFileToNpy } from '../src/node.js';
import { randomF32, rng } from './reference.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-attention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = rng(11);
const F = 6;
const A = 5;
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [F, A], randomF32(F * A, r)), b: tensor('float32', [A], randomF32(A, r)), u: tensor('float32', [A], randomF32(A, r)) });

async function rejects(p: Promise<unknown>): Promise<AttnlensError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AttnlensError) return e;
    throw e;
  }
  throw new Error('expected an AttnlensError');
}

describe('computeFile', () => {
  it('gives the in-memory result for any worker count and block size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2000 }), fc.integer(), fc.boolean(), async (N, T, workers, chunkBytes, seed, callingThreadComputes) => {
        const x = tensor('float32', [N, T, F], randomF32(N * T * F, rng(seed)));
        const lengths = Array.from({ length: N }, (_, i) => Math.abs(seed + i * 7) % (T + 1));
        const path = join(dir, `x-${N}-${T}.npy`);
        await writeNpyFile(path, x);
        const mask = maskFromLengths(lengths);
        // callingThreadComputes false: with workers, every block is theirs; with none, this thread computes all.
        const got = await computeFileAll({ kernel: k, inputs: path, mask, workers, chunkBytes, callingThreadComputes });
        expect(got.shape).toEqual([N, T]);
        expect([...got.weights]).toEqual([...computeAttention(k, x, mask)]);
      }),
      { numRuns: 25 },
    );
  });

  it('streams (N, S, T, F) in blocks of rows and writes an (N, S, T) float32 .npy', async () => {
    const x = tensor('float64', [7, 3, 4, F], Float64Array.from(randomF32(7 * 3 * 4 * F, r)));
    const path = join(dir, 'nstf.npy');
    await writeNpyFile(path, x);
    const out = join(dir, 'nstf-out.npy');
    const res = await computeFileToNpy({ kernel: k, inputs: path, out, workers: 2, chunkBytes: 2 * 3 * 4 * F * 8 });
    expect(res).toEqual({ shape: [7, 3, 4], workers: 2, rows: [0, 7], totalRows: 7 });
    const back = await readNpyFile(out);
    expect(back.dtype).toBe('float32');
    expect(back.shape).toEqual([7, 3, 4]);
    expect([...(back.data as Float32Array)]).toEqual([...computeAttention(k, x)]);
  });

  it('gives (1, T) for a (T, F) input, as han_ref.py does', async () => {
    const x = tensor('float32', [9, F], randomF32(9 * F, r));
    const path = join(dir, 'tf.npy');
    await writeNpyFile(path, x);
    const s = await computeFile({ kernel: k, inputs: path, workers: 1 });
    expect(s.outputShape).toEqual([1, 9]);
    const chunks = [];
    for await (const c of s.chunks()) chunks.push(c);
    expect(chunks.length).toBe(1);
    expect([...chunks[0]!.weights]).toEqual([...computeAttention(k, x)]);
  });

  it('reads X from one of several arrays saved one after another', async () => {
    const x = tensor('float32', [3, 4, F], randomF32(3 * 4 * F, r));
    const path = join(dir, 'two.npy');
    const a = encodeNpy(tensor('int32', [1], Int32Array.from([1])));
    const b = encodeNpy(x);
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    writeFileSync(path, both);
    const got = await computeFileAll({ kernel: k, inputs: path, array: '1', workers: 0 });
    expect([...got.weights]).toEqual([...computeAttention(k, x)]);
    // Without a name the first array is streamed, with a warning; here it is not float.
    const warnings: string[] = [];
    const e = await rejects(computeFileAll({ kernel: k, inputs: path, workers: 0, warn: (m) => warnings.push(m) }));
    expect(warnings.join()).toMatch(/holds more arrays after the first/);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/X \(1,\) has dtype int32/);
  });

  it('names the first NaN in X even when later blocks on other workers fail first', async () => {
    const N = 60;
    const T = 5;
    const data = randomF32(N * T * F, r);
    data[(51 * T + 2) * F + 1] = NaN;
    data[(13 * T + 4) * F + 5] = Infinity;
    const path = join(dir, 'nan.npy');
    await writeNpyFile(path, tensor('float32', [N, T, F], data));
    for (const [workers, callingThreadComputes] of [[0, true], [1, true], [2, true], [1, false], [2, false]] as const) {
      const e = await rejects(computeFileAll({ kernel: k, inputs: path, workers, chunkBytes: T * F * 4 * 3, callingThreadComputes }));
      expect(e.code).toBe('NON_FINITE');
      expect(e.message).toBe(`${path}: X (60, 5, 6) holds +Inf at [13, 4, 5]`);
    }
  });

  it("refuses X whose F does not fit W, lengths that don't fit X, and non-NumPy files, naming the file", async () => {
    const path = join(dir, 'wrongF.npy');
    await writeNpyFile(path, tensor('float32', [2, 3, 4], new Float32Array(24)));
    let e = await rejects(computeFile({ kernel: k, inputs: path }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe(`${path}: X is (2, 3, 4) but W is (6, 5): X's last axis (F = 4) must equal W's axis 0 (x·W) = 6`);
    const ok = join(dir, 'ok.npy');
    await writeNpyFile(ok, tensor('float32', [2, 3, F], new Float32Array(2 * 3 * F)));
    e = await rejects(computeFile({ kernel: k, inputs: ok, mask: maskFromLengths([3, 4]), maskFile: 'L.npy' }));
    expect(e.message).toBe('L.npy: lengths[1] = 4 is longer than T = 3 (lengths is (2,), X is (2, 3, 6))');
    const txt = join(dir, 'x.txt');
    writeFileSync(txt, 'hello');
    e = await rejects(computeFile({ kernel: k, inputs: txt }));
    expect(e.code).toBe('UNKNOWN_FORMAT');
    e = await rejects(computeFile({ kernel: k, inputs: join(dir, 'missing.npy') }));
    expect(e.code).toBe('FILE_NOT_FOUND');
    e = await rejects(computeFile({ kernel: k, inputs: ok, workers: -1 }));
    expect(e.code).toBe('BAD_ARGUMENT');
  });

  it('stops at the next block when interrupted, leaving no output file behind', async () => {
    const path = join(dir, 'intr.npy');
    await writeNpyFile(path, tensor('float32', [40, 4, F], randomF32(40 * 4 * F, r)));
    const ac = new AbortController();
    const out = join(dir, 'intr-out.npy');
    const p = computeFileToNpy({ kernel: k, inputs: path, out, workers: 1, chunkBytes: 4 * F * 4 * 5, signal: ac.signal, warn: () => undefined });
    ac.abort();
    const e = await rejects(p);
    expect(e.code).toBe('INTERRUPTED');
    expect(e.message).toMatch(/interrupted after \d+ of 40 rows of X/);
    expect(readdirSync(dir).filter((f) => f.startsWith('intr-out'))).toEqual([]);
  });

  it('gives the same on workers that open X themselves (big-endian, Fortran order) or share it loaded (one array of several)', async () => {
    const N = 30;
    const T = 4;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const want = [...computeAttention(k, x)];
    const be = join(dir, 'be.npy');
    // NumPy's '>f4' and fortran_order True, by hand: header then the bytes as NumPy lays them out.
    const bytes = (descr: string, fortran: boolean, data: Uint8Array) => {
      let h = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${N}, ${T}, ${F}), }`;
      h += ' '.repeat(63 - ((10 + h.length) % 64)) + '\n';
      const out = new Uint8Array(10 + h.length + data.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]);
      out.set(new TextEncoder().encode(h), 10);
      out.set(data, 10 + h.length);
      return out;
    };
    const swapped = new Uint8Array(x.data.buffer.slice(0));
    for (let i = 0; i < swapped.length; i += 4) swapped.subarray(i, i + 4).reverse();
    writeFileSync(be, bytes('>f4', false, swapped));
    const fo = join(dir, 'fortran.npy');
    const f = new Float32Array(N * T * F);
    for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let c = 0; c < F; c++) f[n + N * (t + T * c)] = (x.data as Float32Array)[(n * T + t) * F + c]!;
    writeFileSync(fo, bytes('<f4', true, new Uint8Array(f.buffer)));
    // Two arrays in one .npy: X is loaded whole (x-source.ts), and shared with the workers.
    const two = join(dir, 'two-shared.npy');
    writeFileSync(two, Buffer.concat([encodeNpy(tensor('int32', [1], Int32Array.from([1]))), encodeNpy(x)]));
    for (const [path, array] of [[be], [fo], [two, '1']] as const) {
      for (const callingThreadComputes of [true, false]) {
        const got = await computeFileAll({ kernel: k, inputs: path, array, workers: 2, chunkBytes: T * F * 4 * 2, callingThreadComputes });
        expect([...got.weights], path).toEqual(want);
      }
    }
  });

  it('holds a bounded window of blocks for a slow consumer, and hands every block on in order', async () => {
    const N = 300;
    const T = 3;
    const x = tensor('float32', [N, T, F], randomF32(N * T * F, r));
    const path = join(dir, 'slow.npy');
    await writeNpyFile(path, x);
    // One sequence per block: 300 blocks through a window of a few slots, so slots are reused many times over.
    const s = await computeFile({ kernel: k, inputs: path, workers: 2, chunkBytes: T * F * 4 });
    const got = new Float32Array(N * T);
    let next = 0;
    for await (const c of s.chunks()) {
      expect(c.start).toBe(next);
      got.set(c.weights, c.start * T);
      next += c.count;
      if (next % 50 === 0) await new Promise((res) => setTimeout(res, 5));
    }
    expect(next).toBe(N);
    expect([...got]).toEqual([...computeAttention(k, x)]);
  });

  it('stops cleanly when the consumer stops early', async () => {
    const path = join(dir, 'early.npy');
    await writeNpyFile(path, tensor('float32', [50, 4, F], randomF32(50 * 4 * F, r)));
    const s = await computeFile({ kernel: k, inputs: path, workers: 2, chunkBytes: 4 * F * 4 * 2 });
    let n = 0;
    for await (const c of s.chunks()) {
      n += c.count;
      if (n >= 6) break;
    }
    expect(n).toBe(6);
    await s.close();
  });
});
