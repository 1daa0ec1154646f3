import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { encodeStream, type AttentionDocument } from '@attnlens/core';
import { BIN, cli, isCleanError, type CliResult } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const vec = (...w: number[]) => Float32Array.from(w);
const doc = (id: string, w: Float32Array, extra: Partial<AttentionDocument> = {}): AttentionDocument => ({
  id,
  maps: [{ name: 'word', shape: [w.length], weights: w, colLabels: Array.from(w, (_, i) => `w${i}`) }],
  ...extra,
});
const hostile = ['../../escape', 'a/b', 'A', 'a', 'CON', '', '<script>alert(1)</script>'];
const docs: AttentionDocument[] = [
  ...hostile.map((id, i) => doc(id, vec(0.1, 0.2, 0.7 - i * 0.01, i * 0.01))),
  doc('nan', vec(0.5, NaN, 0.5)),
  doc('empty', new Float32Array(0)),
  { id: 'matrix', maps: [{ shape: [2, 3], weights: vec(0.1, 0.2, 0.7, 0.6, 0.3, 0.1), rowLabels: ['猫', '坐'], colLabels: ['the', 'cat', 'sat'] }] },
];
const input = join(dir, 'in.attn.pb');
writeFileSync(input, encodeStream(docs));

function files(d: string): string[] {
  return existsSync(d) ? readdirSync(d).sort() : [];
}

/** Every file under a folder, as paths relative to it. */
function tree(d: string): string[] {
  return readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((n) => statSync(join(d, n)).isFile()).sort();
}

describe('attnlens render', () => {
  // Two levels below a folder of its own, so an id like ../../escape that got out
  // would land beside the output folder, where `tree(root)` sees it.
  const root = join(dir, 'render-root');
  const out = join(root, 'a', 'b', 'render');
  let r: CliResult;
  // The first render is every test's input here, so each test holds in any order.
  beforeAll(() => {
    r = cli(['render', input, '--out', out, '--format', 'png,svg,html', '--quiet']);
  });

  it('writes one file per document and format inside the folder, reports bad samples and exits 3', () => {
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sample "nan": map "word" has NaN weights/);
    expect(r.stderr).toMatch(/sample "empty": map "word" has no tokens/);
    const names = files(out);
    // 8 good documents x 3 formats, every name a plain file name, ids that differ only in case kept apart
    expect(names.length).toBe(8 * 3);
    expect(names.every((n) => !n.includes('/') && !n.startsWith('.'))).toBe(true);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(tree(root).every((n) => n.startsWith(join('a', 'b', 'render') + '/'))).toBe(true); // nothing escaped the folder
    expect(tree(root).length).toBe(8 * 3);
    expect(names).toContain('a.png');
    expect(names.filter((n) => /^A-[0-9a-f]{8}\.png$/.test(n)).length).toBe(1); // "A" never meets "a"
    expect(names.filter((n) => /^CON-[0-9a-f]{8}\.png$/.test(n)).length).toBe(1);
    expect(names.filter((n) => /^escape-[0-9a-f]{8}\.png$/.test(n)).length).toBe(1);
    expect(names.filter((n) => /^sample-[0-9a-f]{8}\.png$/.test(n)).length).toBe(1); // the empty id
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('draws a heatmap PNG for a matrix and escapes hostile ids in SVG and HTML', () => {
    const png = PNG.sync.read(readFileSync(join(out, 'matrix.png')));
    expect(png.width).toBeGreaterThan(100);
    expect(png.height).toBeGreaterThan(80);
    const svgName = files(out).find((n) => n.startsWith('script_alert_1_script') && n.endsWith('.svg'))!;
    const svg = readFileSync(join(out, svgName), 'utf8');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    const html = readFileSync(join(out, svgName.replace('.svg', '.html')), 'utf8');
    expect(html).not.toContain('<script>alert');
  });

  it('skips finished files on a rerun and redraws them with --force', () => {
    const f = join(out, 'matrix.png');
    const before = statSync(f);
    expect(cli(['render', input, '--out', out, '--format', 'png', '--quiet']).stderr).toMatch(/0 files written, 8 already there, 2 failed/);
    expect([statSync(f).ino, statSync(f).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(cli(['render', input, '--out', out, '--format', 'png', '--select', 'matrix', '--force', '--quiet']).stderr).toMatch(/1 files written/);
    // a redrawn file is a new one renamed over the old (atomic write): another inode,
    // whatever the file system's mtime resolution
    expect(statSync(f).ino).not.toBe(before.ino);
  });

  it('selects and limits documents', () => {
    const o2 = join(dir, 'limited');
    expect(cli(['render', input, '--out', o2, '--limit', '2', '--quiet']).code).toBe(0);
    expect(files(o2).length).toBe(2);
    const o3 = join(dir, 'selected');
    expect(cli(['render', input, '--out', o3, '--select', 'a,matrix', '--format', 'svg', '--quiet']).code).toBe(0);
    expect(files(o3)).toEqual(['a.svg', 'matrix.svg']);
  });

  it('refuses bad options with one clear line', () => {
    for (const args of [
      ['--format', 'gif'],
      ['--cmap', 'rainbowz'],
      ['--scale', 'global'],
      ['--limit', '-1'],
      ['--workers', '0'],
    ]) {
      const r = cli(['render', input, '--out', join(dir, 'x'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(isCleanError(r), r.stderr).toBe(true);
    }
    const r = cli(['render', join(dir, 'missing.attn.pb'), '--out', join(dir, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.attn\.pb: no such file/);
  });
});

describe('attnlens report', () => {
  it('merges inputs with the same sample ids into side-by-side columns and lists bad samples', () => {
    const a = join(dir, 'model-a.attn.pb');
    const b = join(dir, 'model-b.attn.pb');
    writeFileSync(a, encodeStream([doc('s1', vec(0.1, 0.9), { trueLabel: 'pos', predictedLabel: 'neg' }), doc('s2', vec(0.5, 0.5))].map((d) => ({ ...d, maps: d.maps.map((m) => ({ ...m, name: 'model A' })) }))));
    writeFileSync(b, encodeStream([doc('s1', vec(0.8, 0.2)), doc('s2', vec(NaN, 1))].map((d) => ({ ...d, maps: d.maps.map((m) => ({ ...m, name: 'model B' })) }))));
    const out = join(dir, 'report');
    const r = cli(['report', a, b, '--out', out, '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stdout.trim()).toBe(join(out, 'index.html'));
    expect(r.stderr).toMatch(/sample "s2": input 2: map "model B" has NaN weights/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<th>model A (model-a.attn.pb)</th><th>model B (model-b.attn.pb)</th>');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(files(join(out, 'heatmaps'))).toEqual(['s1.1.png', 's1.2.png']);
  });

  it('--scale shared colours every row over one range; per-map gives each its own', () => {
    const p = join(dir, 'scales.attn.pb');
    writeFileSync(p, encodeStream([doc('x', vec(0.1, 0.9)), doc('y', vec(0.2, 0.3))]));
    const ranges = (scale: string) => {
      const out = join(dir, `scale-${scale}`);
      expect(cli(['report', p, '--out', out, '--scale', scale, '--heatmaps', 'none', '--quiet']).code).toBe(0);
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      return [...html.matchAll(/"lo":([\d.e-]+),"hi":([\d.e-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    };
    expect(ranges('shared')).toEqual([[0, Math.fround(0.9)], [0, Math.fround(0.9)]]);
    expect(ranges('per-map')).toEqual([[0, Math.fround(0.9)], [0, Math.fround(0.3)]]);
  });

  it('limits heatmaps and chunks big reports into data files', () => {
    const many = Array.from({ length: 1200 }, (_, i) => doc(`d${i}`, vec(((i * 37) % 101) / 101, ((i * 53) % 97) / 97, 1)));
    const p = join(dir, 'many.attn.pb');
    writeFileSync(p, encodeStream(many));
    const out = join(dir, 'many');
    const r = cli(['report', p, '--out', out, '--heatmaps', '3', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(files(join(out, 'heatmaps')).length).toBe(3);
    expect(files(join(out, 'data'))).toEqual(['chunk-00000.js', 'chunk-00001.js', 'chunk-00002.js']);
    expect(readFileSync(join(out, 'data', 'chunk-00002.js'), 'utf8')).toMatch(/^window\.__attnlensChunk\(2, \[\["d1000"/);
  });

  it('draws heatmaps while reading, and corrects them when a later document changes the plan', () => {
    const png = (out: string, name: string) => readFileSync(join(out, 'heatmaps', name));
    const run = (name: string, list: AttentionDocument[], extra: string[] = []) => {
      const p = join(dir, `${name}.attn.pb`);
      writeFileSync(p, encodeStream(list));
      const out = join(dir, name);
      const r = cli(['report', p, '--out', out, '--quiet', '--workers', '1', ...extra]);
      return { out, r };
    };
    // A repeated id: its last map is the one shown, so its heatmap is drawn from that map.
    const dup = run('ahead-dup', [doc('a', vec(0.9, 0.1)), doc('b', vec(0.5, 0.5)), doc('a', vec(0.2, 0.8))]);
    expect(dup.r.code, dup.r.stderr).toBe(0);
    const alone = run('ahead-alone', [doc('a', vec(0.2, 0.8))]);
    expect(png(dup.out, 'a.png').equals(png(alone.out, 'a.png'))).toBe(true);
    expect(png(dup.out, 'a.png').equals(png(run('ahead-first', [doc('a', vec(0.9, 0.1))]).out, 'a.png'))).toBe(false);
    // A later document with two maps makes two columns: every heatmap is named NAME.COLUMN.png, none left under the old name.
    const two = { id: 'c', maps: [doc('c', vec(0.3, 0.7)).maps[0]!, { ...doc('c', vec(0.6, 0.4)).maps[0]!, name: 'second' }] };
    const cols = run('ahead-cols', [doc('a', vec(0.9, 0.1)), two]);
    expect(cols.r.code, cols.r.stderr).toBe(0);
    expect(files(join(cols.out, 'heatmaps'))).toEqual(['a.1.png', 'c.1.png', 'c.2.png']);
    // --heatmaps 2: a later failing document of "a" passes its heatmap to "c", whose maps were not kept
    // (read again for it); the heatmap drawn ahead for "a" is removed.
    const moved = run('ahead-moved', [doc('a', vec(0.9, 0.1)), doc('b', vec(0.5, 0.5)), doc('c', vec(0.2, 0.8)), doc('a', vec(NaN, 1))], ['--heatmaps', '2']);
    expect(moved.r.code).toBe(3);
    expect(moved.r.stderr).toMatch(/sample "a": map "word" has NaN weights/);
    expect(moved.r.stderr).toMatch(/2 heatmaps drawn/);
    expect(files(join(moved.out, 'heatmaps'))).toEqual(['b.png', 'c.png']);
    expect(png(moved.out, 'c.png').equals(png(run('ahead-c', [doc('c', vec(0.2, 0.8))]).out, 'c.png'))).toBe(true);
    expect(files(join(moved.out, 'data')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the cell file a killed run left in data/, not one of a run still going', () => {
    const p = join(dir, 'cells.attn.pb');
    writeFileSync(p, encodeStream([doc('x', vec(0.1, 0.9))]));
    const out = join(dir, 'cells');
    expect(cli(['report', p, '--out', out, '--quiet']).code).toBe(0);
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has ended
    const dead = `cells.${gone}.k1ll3d.tmp`;
    const live = `cells.${process.pid}.st1ll.tmp`;
    writeFileSync(join(out, 'data', dead), 'x');
    writeFileSync(join(out, 'data', live), 'x');
    expect(cli(['report', p, '--out', out, '--quiet']).code).toBe(0);
    expect(files(join(out, 'data'))).toEqual([live]);
  });

  it('stops cleanly on Ctrl-C, leaves no partial files, and a rerun finishes the job', async () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ id: `m${i}`, maps: [{ shape: [12, 12] as [number, number], weights: Float32Array.from({ length: 144 }, (_, k) => ((k * 7 + i) % 13) / 13) }] }));
    const p = join(dir, 'slow.attn.pb');
    writeFileSync(p, encodeStream(many));
    const out = join(dir, 'slow');
    const child = spawn(process.execPath, [BIN, 'report', p, '--out', out, '--workers', '1'], { env: { ...process.env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    // Signal on an event, not a time: the first finished heatmap (files appear by an atomic
    // rename, so one that is there is whole). Polling the folder, because the progress
    // line comes every 2 s and fs.watch is not reliable on every file system.
    const firstPng = () => files(join(out, 'heatmaps')).some((f) => f.endsWith('.png'));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (firstPng() || child.exitCode !== null) {
          clearInterval(t);
          resolve();
        }
      }, 2);
    });
    child.kill('SIGINT');
    const code = await closed;
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted after \d+ heatmaps; nothing half-written is left/);
    const partial = files(join(out, 'heatmaps'));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(400);
    expect(partial.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files(join(out, 'data')).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the cells' temporary file too
    for (const f of partial) expect(() => PNG.sync.read(readFileSync(join(out, 'heatmaps', f)))).not.toThrow();
    const again = cli(['report', p, '--out', out, '--quiet']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${400 - partial.length} heatmaps drawn, ${partial.length} already there`));
    expect(files(join(out, 'heatmaps')).length).toBe(400);
  }, 120_000);
});
