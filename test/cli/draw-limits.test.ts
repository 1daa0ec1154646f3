// The drawing limits are core's size limits, set from the command line for render and report,
// and they reach the worker threads that draw (each thread has its own copy of core's limits).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeStream } from '@attnlens/core';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-draw-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);
const tokens = Array.from({ length: 20 }, (_, i) => `t${i}`);
const input = join(dir, 'twenty.attn.pb');
writeFileSync(input, encodeStream([{ id: 'twenty', maps: [{ shape: [20], weights: Float32Array.from(tokens, (_, i) => (i + 1) / 210), colLabels: tokens }] }]));
const grid = join(dir, 'grid.attn.pb');
writeFileSync(grid, encodeStream([{ id: 'grid', maps: [{ shape: [30, 30], weights: Float32Array.from({ length: 900 }, (_, i) => (i % 11) / 11) }] }]));

describe('drawing limits on the command line', () => {
  it('--max-highlight-tokens below a document refuses it in the render workers, naming its size and the limit; at its size it is drawn', () => {
    const low = cli(['render', input, '--out', join(dir, 'low'), '--format', 'png,html', '--quiet', '--max-highlight-tokens', '10']);
    expect(low.code, low.stderr).toBe(3);
    // one line for the document, its formats' errors joined in the order they finished
    expect(low.stderr).toMatch(/sample "twenty": (png|html): document "twenty" has 20 tokens, over the highlight token limit of 10 tokens/);
    expect(low.stderr).toMatch(/png: document "twenty" has 20 tokens, over the highlight token limit of 10 tokens \(hint: crop the map to the tokens of interest, or draw it as a heatmap \(SVG\), which averages it down to fit, or raise the highlight token limit \(--max-highlight-tokens\)\)/);
    expect(low.stderr).toMatch(/html: document "twenty" has 20 tokens/);
    expect(files(join(dir, 'low'))).toEqual([]);
    const ok = cli(['render', input, '--out', join(dir, 'ok'), '--format', 'png', '--quiet', '--max-highlight-tokens', '20']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(files(join(dir, 'ok'))).toEqual(['twenty.png']);
  });

  it('--max-highlight-tokens applies to report rows (read on the main thread)', () => {
    const r = cli(['report', input, '--out', join(dir, 'rep'), '--quiet', '--max-highlight-tokens', '19']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/sample "twenty": document "twenty" has 20 tokens, over the highlight token limit of 19 tokens/);
  });

  it('--max-heatmap-cells averages a 30 x 30 map down in the worker; by default every cell is drawn', () => {
    const small = cli(['render', grid, '--out', join(dir, 'cells'), '--format', 'svg', '--quiet', '--max-heatmap-cells', '100']);
    expect(small.code, small.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cells', 'grid.svg'), 'utf8')).toMatch(/downsampled to draw: the 30 x 30 map is shown as 10 x 10 cells/);
    const full = cli(['render', grid, '--out', join(dir, 'cells-full'), '--format', 'svg', '--quiet']);
    expect(full.code, full.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cells-full', 'grid.svg'), 'utf8')).not.toMatch(/downsampled/);
  });

  it('--max-image-pixels refuses a PNG over it before drawing; the default draws it', () => {
    const no = cli(['render', grid, '--out', join(dir, 'px'), '--format', 'png', '--quiet', '--max-image-pixels', '1000']);
    expect(no.code, no.stderr).toBe(3);
    expect(no.stderr).toMatch(/sample "grid": a \d+ x \d+ px image has \d+ pixels, over the image pixel limit of 1000 pixels/);
    const yes = cli(['render', grid, '--out', join(dir, 'px-ok'), '--format', 'png', '--quiet']);
    expect(yes.code, yes.stderr).toBe(0);
    expect(PNG.sync.read(readFileSync(join(dir, 'px-ok', 'grid.png'))).width).toBeGreaterThan(30);
  });

  it('a count that is not a number is refused in its unit', () => {
    const r = cli(['render', input, '--out', join(dir, 'bad'), '--max-highlight-tokens', 'many']);
    expect(r.stderr.trim()).toBe('attnlens: --max-highlight-tokens takes a number of tokens (e.g. 200000, 2M), not "many"');
  });
});
