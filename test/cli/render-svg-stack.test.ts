// render --format svg of a document with several maps: one SVG, the figures stacked, its size
// the sum of the figures' own sizes (taken from render's layout, not parsed back).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { encodeStream } from '@attnlens/core';
import { heatmapSvg } from '@attnlens/render';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-svg-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('stacks the maps of one document into one SVG whose height is the sum of theirs', () => {
  const maps = [
    { name: 'word', shape: [4] as [number], weights: Float32Array.from([0.1, 0.2, 0.3, 0.4]), colLabels: ['a', 'b', 'c', 'd'] },
    { name: 'cross', shape: [2, 3] as [number, number], weights: Float32Array.from([0.1, 0.2, 0.7, 0.6, 0.3, 0.1]), rowLabels: ['x', 'y'], colLabels: ['p', 'q', 'r'] },
  ];
  writeFileSync(join(dir, 'in.attn.pb'), encodeStream([{ id: 'doc', maps }]));
  const r = cli(['render', join(dir, 'in.attn.pb'), '--out', join(dir, 'out'), '--format', 'svg', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  const [file] = readdirSync(join(dir, 'out'));
  const svg = readFileSync(join(dir, 'out', file!), 'utf8');
  const size = (s: string) => {
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(s)!;
    return [Number(m[1]), Number(m[2])];
  };
  const parts = maps.map((m, i) => size(heatmapSvg(m, { colormap: 'viridis', title: `doc: ${m.name}`, idPrefix: `m${i}` })));
  expect(size(svg)).toEqual([Math.max(parts[0]![0]!, parts[1]![0]!), parts[0]![1]! + parts[1]![1]!]);
  expect(svg.match(/<svg/g)!.length).toBe(3);
  expect(svg).toContain(`<svg y="${parts[0]![1]}"`);
});
