// `render` and `report` under hostile input (issue 12): links inside the output folder,
// outputs that are files, children nested 20000 deep, a 1 MB token, a 1-D map of 10^7
// weights, a 3000 x 3000 map. The crafted documents are written here, in the test.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { DEFAULT_LIMITS, encodeStream, MAX_MAP_DEPTH, type AttentionDocument } from '@attnlens/core';
import { MAX_LABEL_CHARS } from '@attnlens/render';
import { BIN, cli, isCleanError } from '../helpers/cli.js';
import { deepJson, deepPb } from '../../packages/core/tests/deep-documents.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-render-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);
const write = (name: string, docs: AttentionDocument[]) => {
  const p = join(dir, name);
  writeFileSync(p, encodeStream(docs));
  return p;
};
const small = write('small.attn.pb', [
  { id: 'a', maps: [{ shape: [2, 2], weights: Float32Array.of(0.1, 0.9, 0.6, 0.4), rowLabels: ['x', 'y'], colLabels: ['p', 'q'] }] },
  { id: 'b', maps: [{ shape: [3], weights: Float32Array.of(0.2, 0.3, 0.5), colLabels: ['u', 'v', 'w'] }] },
  { id: 'nan', maps: [{ shape: [2], weights: Float32Array.of(NaN, 1) }] },
]);

describe('nothing is written outside the output folder', () => {
  it('report refuses a heatmaps folder that links elsewhere, naming the link, and writes nothing there', () => {
    const out = join(dir, 'linked-report');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(out);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(out, 'heatmaps'));
    const r = cli(['report', small, '--out', out, '--quiet']);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/linked-report\/heatmaps: is a symbolic link inside the output folder; attnlens does not write through links/);
    expect(files(elsewhere)).toEqual([]);
    expect(files(out)).toEqual(['heatmaps']);
  });

  it('render does not write through a link planted at an output file name, even with --force', () => {
    const out = join(dir, 'linked-render');
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'keep me');
    mkdirSync(out);
    symlinkSync(target, join(out, 'b.png'));
    const r = cli(['render', small, '--out', out, '--force', '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sample "b": .*b\.png: is a symbolic link inside the output folder/);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(files(out)).toEqual(['a.png', 'b.png']); // b.png is still the link, a.png was drawn
  });

  it('an output that is a file is one clear line, not an internal error', () => {
    const f = join(dir, 'not-a-folder');
    writeFileSync(f, 'x');
    for (const cmd of ['report', 'render']) {
      const r = cli([cmd, small, '--out', f, '--quiet']);
      expect(isCleanError(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/not-a-folder: is a file, not a folder/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });

  it.skipIf(process.getuid?.() === 0)('a read-only output folder is one clear line (root may write anywhere: skipped as root)', () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = cli(['report', small, '--out', ro, '--quiet']);
    chmodSync(ro, 0o755);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/read-only\/heatmaps: cannot write: permission denied|read-only: cannot write: permission denied/);
  });
});

describe('one failure count', () => {
  it("render's last progress line and its summary count the same failed documents", () => {
    const r = cli(['render', small, '--out', join(dir, 'counts'), '--format', 'png,svg,html']);
    expect(r.code).toBe(3);
    // 3 documents x 3 formats on the progress line; 1 document failed (all three of its files), counted once
    expect(r.stderr).toMatch(/render: 9\/9 \(100%\), [\d.]+\/s, 1 failed\n/);
    expect(r.stderr).toMatch(/render: 3 documents, 6 files written, 0 already there, 1 failed\n/);
  });
});

describe('children nested 20000 deep', () => {
  it('are one clear error from .attn.pb and .attn.json, not "Maximum call stack size exceeded"', () => {
    const pb = join(dir, 'deep.attn.pb');
    writeFileSync(pb, deepPb(20000));
    const json = join(dir, 'deep.attn.json');
    writeFileSync(json, deepJson(20000));
    for (const [cmd, input] of [['render', pb], ['report', json], ['render', json]] as const) {
      const r = cli([cmd, input, '--out', join(dir, `deep-${cmd}`), '--quiet']);
      expect(isCleanError(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(new RegExp(`children are nested more than ${MAX_MAP_DEPTH} levels deep`));
    }
  });
});

describe('a 1 MB token', () => {
  const huge = 'x'.repeat(1 << 20);
  const input = write('huge-token.attn.pb', [
    { id: 'flat', maps: [{ shape: [3], weights: Float32Array.of(0.2, 0.5, 0.3), colLabels: ['a', huge, 'c'] }] },
    { id: 'matrix', maps: [{ shape: [2, 3], weights: Float32Array.of(0.2, 0.5, 0.3, 0.1, 0.1, 0.8), rowLabels: [huge, 'y'], colLabels: ['a', huge, 'c'] }] },
  ]);

  it('is drawn ellipsised in every format, and the files stay small', () => {
    const out = join(dir, 'huge-render');
    const r = cli(['render', input, '--out', out, '--format', 'png,svg,html', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(files(out)).toEqual(['flat.html', 'flat.png', 'flat.svg', 'matrix.html', 'matrix.png', 'matrix.svg']);
    for (const f of files(out)) expect(statSync(join(out, f)).size, f).toBeLessThan(200_000);
    const html = readFileSync(join(out, 'flat.html'), 'utf8');
    expect(html).toContain(`>${'x'.repeat(MAX_LABEL_CHARS)}…</span>`);
    expect(PNG.sync.read(readFileSync(join(out, 'matrix.png'))).width).toBeLessThan(1000);
  });

  it('gives a report that opens: tokens cut for the page, the heatmap drawn', () => {
    const out = join(dir, 'huge-report');
    const r = cli(['report', input, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(out, 'index.html')).size).toBeLessThan(200_000);
    expect(files(join(out, 'heatmaps'))).toEqual(['flat.png', 'matrix.png']);
  });

  it('Ctrl-C stops between slow heatmaps and leaves no temp file and no half-written PNG', async () => {
    // Four 3000 x 3000 maps, ~2 CPU s each: SIGINT goes out when the first PNG exists (an
    // event, not a clock), so the job is interrupted with work left whatever the machine's speed.
    const n = 3000;
    const docs: AttentionDocument[] = Array.from({ length: 4 }, (_, d) => {
      const w = new Float32Array(n * n);
      for (let i = 0; i < w.length; i++) w[i] = ((i + d) % 997) / 997;
      return { id: `slow${d}`, maps: [{ shape: [n, n] as [number, number], weights: w }] };
    });
    const p = write('slow.attn.pb', docs);
    const out = join(dir, 'slow-render');
    const child = spawn(process.execPath, [BIN, 'render', p, '--out', out, '--workers', '1'], { env: { ...process.env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    while (!exited && !files(out).some((f) => f.endsWith('.png'))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await new Promise<number>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (c) => resolve(c ?? -1))));
    expect(code, stderr).toBe(130);
    const done = /interrupted after (\d+) files?; nothing half-written is left/.exec(stderr);
    expect(done, stderr).not.toBeNull();
    const written = files(out);
    expect(written.length).toBe(Number(done![1]));
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(docs.length);
    for (const f of written) {
      expect(f).toMatch(/^slow\d\.png$/); // no temp files
      expect(PNG.sync.read(readFileSync(join(out, f))).width).toBeGreaterThan(0); // each one whole
    }
  }, 240_000);
});

describe('big maps', () => {
  // Memory is checked by running under a heap limit far below what the old code took (5 GB, 8 GB).
  const env = { NODE_OPTIONS: '--max-old-space-size=1024' };

  it('a 1-D map of 10^7 weights converts to .attn.pb and .attn.json, and renders as a downsampled heatmap or a clear size error', () => {
    const n = 10_000_000;
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = (i % 1000) / 1000;
    const input = write('vec.attn.pb', [{ id: 'vec', maps: [{ shape: [n], weights: w }] }]);
    expect(statSync(input).size).toBeLessThan(4 * n + 100);
    const json = join(dir, 'vec.attn.json');
    const c = cli(['convert', input, '--to', json], { env });
    expect(c.code, c.stderr).toBe(0);
    expect(readFileSync(json, 'utf8').slice(-200)).toMatch(/0\.997, 0\.998, 0\.999\]\n {8}\}\n {6}\]\n {4}\}\n {2}\]\n\}\n$/);
    const out = join(dir, 'vec-render');
    const r = cli(['render', input, '--out', out, '--format', 'svg,png', '--quiet'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`sample "vec": png: document "vec" has ${n} tokens, over the highlight token limit of ${DEFAULT_LIMITS.maxHighlightTokens} tokens`));
    expect(files(out)).toEqual(['vec.svg']);
    expect(readFileSync(join(out, 'vec.svg'), 'utf8')).toMatch(/downsampled to draw: the 10000000 map is shown as \d+ cells, each the mean of \d+ weights/);
    const rep = cli(['report', input, '--out', join(dir, 'vec-report'), '--quiet'], { env });
    expect(rep.code).toBe(3);
    expect(rep.stderr).toMatch(/sample "vec": document "vec" has 10000000 tokens, over the highlight token limit/);
    expect(statSync(join(dir, 'vec-report', 'index.html')).size).toBeLessThan(200_000);
  }, 240_000);

  it('a 3000 x 3000 map is reported with a downsampled heatmap and without its weights in the page', () => {
    const n = 3000;
    const w = new Float32Array(n * n);
    for (let i = 0; i < w.length; i++) w[i] = ((i * 31) % 1009) / 1009;
    const input = write('mat.attn.pb', [{ id: 'mat', maps: [{ shape: [n, n], weights: w }] }]);
    const out = join(dir, 'mat-report');
    const r = cli(['report', input, '--out', out, '--quiet'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(out, 'index.html')).size).toBeLessThan(200_000);
    const png = PNG.sync.read(readFileSync(join(out, 'heatmaps', 'mat.png')));
    expect(png.width).toBeLessThan(2 * 1400);
    expect(png.height).toBeLessThan(2 * 1400);
  }, 240_000);
});
