// `attnlens inspect` and `extract` on NumPy files, run as a user would (the built CLI).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '@attnlens/npy';
import { cli, cliAsync, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const FIX = join(REPO, 'packages', 'npy', 'tests', 'fixtures');
const fx = (name: string) => join(FIX, name);
const expected = JSON.parse(readFileSync(fx('expected.json'), 'utf8')) as Record<string, { hex?: string; dtype?: string; shape?: number[]; entries?: Record<string, { hex: string; dtype: string; shape: number[] }>; arrays?: { hex: string; dtype: string; shape: number[] }[] }>;
const dir = mkdtempSync(join(tmpdir(), 'attnlens-npy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hexOf = (b: Uint8Array) => {
  const t = decodeNpy(b);
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');
};

describe('attnlens inspect on .npy/.npz', () => {
  it('--json gives dtype, shape, fortran_order and header version of an .npy', () => {
    const r = cli(['inspect', fx('fortran-float64-be-3d.npy'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ format: 'npy', dtype: 'float64', descr: '>f8', shape: [2, 3, 4], fortran_order: true, header_version: '1.0', byte_order: 'big-endian', data_bytes: 192, trailing_bytes: 0 });
    expect(JSON.parse(cli(['inspect', fx('version-3.npy'), '--json']).stdout)).toMatchObject({ header_version: '3.0', dtype: 'int32', shape: [2, 2] });
    expect(JSON.parse(cli(['inspect', fx('scalar-bool.npy'), '--json']).stdout)).toMatchObject({ dtype: 'bool', shape: [] });
  });
  it('--json lists every entry of an .npz with the same fields and compression', () => {
    for (const [name, compressed] of [['compressed.npz', true], ['stored.npz', false]] as const) {
      const j = JSON.parse(cli(['inspect', fx(name), '--json']).stdout);
      expect(j.format).toBe('npz');
      expect(j.entries.map((e: { name: string }) => e.name)).toEqual(['named', 'layer/attention', 'arr_0', 'arr_1']);
      expect(j.entries[0]).toMatchObject({ name: 'named', dtype: 'int64', descr: '>i8', shape: [2, 3], fortran_order: true, header_version: '1.0', compressed });
      expect(j.entries[3]).toMatchObject({ name: 'arr_1', dtype: 'bool', shape: [3], compressed });
    }
  });
  it('shows every array of a file saved to several times, and the bytes after them', () => {
    const r = cli(['inspect', fx('two-arrays-trailing.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('holding 2 arrays');
    expect(r.stdout).toMatch(/0 {2}float32 \(2, 2\)/);
    expect(r.stdout).toMatch(/1 {2}int64 \(4,\)/);
    expect(r.stdout).toContain('then 3 bytes that are not another array');
    const j = JSON.parse(cli(['inspect', fx('two-arrays-trailing.npy'), '--json']).stdout);
    expect(j.arrays.map((a: { name: string; dtype: string }) => [a.name, a.dtype])).toEqual([['0', 'float32'], ['1', 'int64']]);
    expect(j.trailing_bytes).toBe(3);
  });
  it('describes arrays it will not read instead of failing', () => {
    const r = cli(['inspect', fx('with-strings.npz'), '--json']);
    expect(r.code).toBe(0);
    const tokens = JSON.parse(r.stdout).entries.find((e: { name: string }) => e.name === 'tokens');
    expect(tokens).toMatchObject({ dtype: '<U3', readable: false });
    expect(tokens.problem).toMatch(/unicode strings/);
    const p = cli(['inspect', fx('pickled.npy')]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/\|O \(3,\), not readable: holds Python objects/);
  });
  it('reports a damaged file as one clear line', async () => {
    // (every damaged fixture is checked in packages/npy; here, that the CLI prints one clean line)
    const names = ['bad-header-syntax.npy', 'truncated.npz', 'second-array-truncated.npy'];
    const runs = await Promise.all(names.map((name) => cliAsync(['inspect', fx(name)])));
    runs.forEach((r, i) => {
      expect(isCleanError(r), `${names[i]}: ${r.stderr}`).toBe(true);
      expect(r.stderr).toContain(names[i]);
    });
  });
});

describe('attnlens extract', () => {
  it('writes a big-endian Fortran-order array as C-order little-endian with its dtype and values', () => {
    const out = join(dir, 'f.npy');
    const r = cli(['extract', fx('fortran-float64-be-3d.npy'), '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ out, dtype: 'float64', shape: [2, 3, 4] });
    const b = new Uint8Array(readFileSync(out));
    expect(new TextDecoder().decode(b.subarray(10, 70))).toContain("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4)");
    expect(hexOf(b)).toBe(expected['fortran-float64-be-3d.npy']!.hex);
  });
  it('writes the named .npz entry, and the only one without --array', () => {
    const out = join(dir, 'e.npy');
    expect(cli(['extract', fx('compressed.npz'), '--array', 'layer/attention', '--out', out]).code).toBe(0);
    expect(hexOf(new Uint8Array(readFileSync(out)))).toBe(expected['compressed.npz']!.entries!['layer/attention']!.hex);
    expect(cli(['extract', fx('compressed-single.npz'), '--out', out]).code).toBe(0);
    expect(hexOf(new Uint8Array(readFileSync(out)))).toBe(expected['compressed-single.npz']!.entries!.attention!.hex);
  });
  it('picks one of several arrays saved one after another with --array N', () => {
    const out = join(dir, 'm.npy');
    const r = cli(['extract', fx('three-arrays.npy'), '--array', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('float64 (3, 2)');
    expect(hexOf(new Uint8Array(readFileSync(out)))).toBe(expected['three-arrays.npy']!.arrays![2]!.hex);
  });
  it('warns on stderr about bytes after the last array, and still extracts', () => {
    const out = join(dir, 't.npy');
    const r = cli(['extract', fx('trailing-garbage.npy'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^attnlens: warning: .*21 bytes after the last array/);
    expect(hexOf(new Uint8Array(readFileSync(out)))).toBe(expected['trailing-garbage.npy']!.arrays![0]!.hex);
  });
  it('says which names exist when --array is missing or wrong', () => {
    const amb = cli(['extract', fx('stored.npz'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(amb)).toBe(true);
    expect(amb.stderr).toMatch(/holds 4 entries \(named, layer\/attention, arr_0, arr_1\); say which one/);
    const nf = cli(['extract', fx('stored.npz'), '--array', 'nope', '--out', join(dir, 'x.npy')]);
    expect(isCleanError(nf)).toBe(true);
    expect(nf.stderr).toMatch(/no array named "nope".*it holds named, layer\/attention, arr_0, arr_1/);
    const many = cli(['extract', fx('three-arrays.npy'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(many)).toBe(true);
    expect(many.stderr).toContain('holds 3 arrays saved one after another (0, 1, 2)');
  });
  it('refuses pickles, strings and damaged files with one clear line each', async () => {
    const cases: [string, RegExp, string?][] = [
      ['pickled.npy', /Python objects .* pickle .*hint: .*arbitrary code/],
      ['structured.npy', /structured dtype with fields 'score', 'label'/],
      ['with-strings.npz', /unicode strings/, 'tokens'],
      ['shape-exceeds-file.npy', /4000000000 bytes of data, but only 16/],
      ['bad-crc.npz', /CRC/, 'named'],
      ['empty.npz', /a zip archive that is neither an \.npz/],
    ];
    const runs = await Promise.all(cases.map(([name, , array]) => cliAsync(['extract', fx(name), ...(array ? ['--array', array] : []), '--out', join(dir, 'bad.npy')])));
    runs.forEach((r, i) => {
      const [name, msg] = cases[i]!;
      expect(isCleanError(r), `${name}: ${r.stderr}`).toBe(true);
      expect(r.stderr, name).toMatch(msg);
    });
  });
});
