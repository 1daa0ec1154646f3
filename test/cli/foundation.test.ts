import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson, decodeStream, encodeStream, type AttentionDocument } from '@attnlens/core';
import { cli, isCleanError } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const docs: AttentionDocument[] = [
  { id: 'r1', trueLabel: 'pos', predictedLabel: 'neg', maps: [{ name: 'word', shape: [3], weights: new Float32Array([0.2, 0.3, 0.5]), colLabels: ['很', 'good', 'שלום'] }] },
  { id: 'r2', maps: [{ shape: [2, 3], weights: new Float32Array([0.1, 0.2, 0.7, NaN, 0.5, 0.5]), validRows: 1 }] },
];

describe('attnlens CLI: foundation', () => {
  it('--help lists every command', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: attnlens \[options\] \[command\]$/m);
    // The description alone says "recompute", "render" and "reports": only a command's own
    // line in the Commands section (two spaces, its name and its arguments) proves it is listed.
    const commands = r.stdout.slice(r.stdout.indexOf('\nCommands:\n'));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of ['inspect [options] <file>', 'extract [options] <file>', 'compute [options]', 'convert [options] <in>', 'render [options] <in>', 'report [options] [in...]', 'merge [options] <shards...>', 'demo [options]']) {
      expect(commands, line).toMatch(new RegExp(`^  ${line.replace(/[[\].]/g, '\\$&')} +\\S`, 'm'));
    }
  });

  it('--help of each command lists its own options', () => {
    for (const [cmd, options] of [
      ['inspect', ['--json']],
      ['compute', ['--model <file>', '--weights <W,b,u>', '--inputs <X>', '--out <file>']],
      ['render', ['--out <dir>', '--format <list>', '--workers <n>', '--force']],
      ['report', ['--out <dir>', '--heatmaps <n>', '--scale <mode>']],
    ] as const) {
      const r = cli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: attnlens ${cmd} \\[options\\]`, 'm'));
      for (const o of options) expect(r.stdout, `${cmd} ${o}`).toMatch(new RegExp(`^  ${o.replace(/[[\].]/g, '\\$&')} +\\S`, 'm'));
    }
  });

  it('converts .attn.pb to .attn.json and back losslessly', () => {
    const pb = join(dir, 'a.attn.pb');
    writeFileSync(pb, encodeStream(docs));
    const js = join(dir, 'a.attn.json');
    expect(cli(['convert', pb, '--to', js]).code).toBe(0);
    const viaJson = decodeJson(readFileSync(js, 'utf8')).documents;
    expect(viaJson).toEqual(docs);
    const pb2 = join(dir, 'b.attn.pb');
    expect(cli(['convert', js, '--to', pb2]).code).toBe(0);
    expect(decodeStream(readFileSync(pb2)).documents).toEqual(docs);
  });

  it('inspects a document file', () => {
    const pb = join(dir, 'c.attn.pb');
    writeFileSync(pb, encodeStream(docs));
    const r = cli(['inspect', pb, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ format: 'attnlens', encoding: 'pb', documents: 2, map_shapes: { '3': 1, '2x3': 1 } });
  });

  it('exits non-zero with one clear line on an empty file, a random file and a missing path', () => {
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    const random = join(dir, 'random.bin');
    writeFileSync(random, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 251)));
    for (const [f, msg] of [
      [empty, /empty\.bin: file is empty/],
      [random, /random\.bin: not a format attnlens reads/],
      [join(dir, 'nope.npy'), /nope\.npy: no such file/],
      [dir, /is a directory/],
    ] as const) {
      const r = cli(['inspect', f]);
      expect(r.code).toBe(1);
      expect(isCleanError(r)).toBe(true);
      expect(r.stderr).toMatch(msg);
    }
    const j = cli(['inspect', random, '--json']);
    expect(JSON.parse(j.stdout).format).toBe('unknown');
  });

  it('refuses a bad output name and an unknown option as usage errors', () => {
    const pb = join(dir, 'd.attn.pb');
    writeFileSync(pb, encodeStream(docs));
    const r = cli(['convert', pb, '--to', join(dir, 'out.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name the output \*\.attn\.pb/);
    expect(cli(['inspect', pb, '--frobnicate']).code).toBe(2);
  });

  it('says clearly when the output folder does not exist', () => {
    const pb = join(dir, 'e.attn.pb');
    writeFileSync(pb, encodeStream(docs));
    for (const out of [join(dir, 'no', 'such', 'x.attn.pb'), join(dir, 'no', 'such', 'x.attn.json')]) {
      const r = cli(['convert', pb, '--to', out]);
      expect(isCleanError(r), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/cannot write: its folder does not exist/);
    }
  });

  it('reports a truncated document stream clearly', () => {
    const pb = join(dir, 't.attn.pb');
    const bytes = encodeStream(docs);
    writeFileSync(pb, bytes.subarray(0, bytes.length - 5));
    const r = cli(['convert', pb, '--to', join(dir, 't.attn.json')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/t\.attn\.pb: stream ends inside document 1/);
  });
});
