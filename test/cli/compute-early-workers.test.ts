// `attnlens compute` on an X large enough (≥ 16 MB) that apps/cli/src/cli.ts starts attention's
// worker before loading the CLI (@attnlens/attention/early-workers): the weights are identical
// to the calling thread's alone, and a command that fails before computing still exits at once
// with its one clean line (the unused worker is terminated, not left holding the process).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { cliAsync, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-cli-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIX = join(REPO, 'test', 'cli', 'fixtures', 'compute');
const fx = (f: string) => join(FIX, f);
const p = (f: string) => join(dir, f);
const weights = `${fx('W.npy')},${fx('b.npy')},${fx('u.npy')}`;

const ALONE = `
import { prepareKernel } from '@attnlens/attention';
import { computeFileToNpy } from '@attnlens/attention/node';
import { readNpyFile } from '@attnlens/npy/node';
const [fix, x, out] = process.argv.slice(1);
const [W, b, u] = await Promise.all(['W', 'b', 'u'].map((k) => readNpyFile(fix + '/' + k + '.npy')));
await computeFileToNpy({ kernel: prepareKernel({ variant: 'attlayer', W, b, u }), inputs: x, out, workers: 0 });
`;

/** (n, 100, f) float32 in (-1, 1), seeded: n·100·f·4 bytes. */
async function writeX(file: string, n: number, f: number): Promise<void> {
  let seed = 99;
  const data = Float32Array.from({ length: n * 100 * f }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
  await writeNpyFile(file, { dtype: 'float32', shape: [n, 100, f], data });
}

describe('attnlens compute with the worker started early', () => {
  it('gives byte-identical weights to the calling thread alone (17 MB X)', async () => {
    await writeX(p('x.npy'), 7000, 6); // F = 6 as the fixtures' W
    const r = await cliAsync(['compute', '--weights', weights, '--inputs', p('x.npy'), '--out', p('cli.npy')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The same computation on the calling thread alone (no worker at all), in a Node with the V8
    // flag cli.ts sets (relaxed SIMD's fused multiply-adds round differently from mul + add).
    const alone = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', ALONE, FIX, p('x.npy'), p('alone.npy')], { encoding: 'utf8', cwd: join(REPO, 'test'), timeout: 120_000 });
    expect(alone.stderr).toBe('');
    expect((await readNpyFile(p('cli.npy'))).shape).toEqual([7000, 100]);
    expect(readFileSync(p('cli.npy')).equals(readFileSync(p('alone.npy')))).toBe(true);
  });

  it('an X that does not fit W: one clean line, and the unused worker does not keep the process', async () => {
    await writeX(p('x5.npy'), 8400, 5);
    const r = await cliAsync(['compute', '--weights', weights, '--inputs', p('x5.npy'), '--out', p('o.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/x5\.npy: X is \(8400, 100, 5\) but W is \(6, 4\)/);
  });
});
