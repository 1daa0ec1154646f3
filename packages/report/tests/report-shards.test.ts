import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncErrorOf } from '../../../test/helpers/errors.js';
import { mergeReports } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-shard-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const refused = async (p: Promise<unknown>, text: string) => expect((await asyncErrorOf(p)).message).toContain(text);

describe('report shard checks', () => {
  it('refuses a report shard whose rows point a heatmap outside its folder, disagree with its record, or are out of order', async () => {
    const settings = { title: 't', cmap: 'Reds', scale: 'per-map', inputs: [], generator: 'g', heatmaps: 1 };
    const shardDir = (name: string, rows: string[], record: Record<string, unknown> = {}) => {
      const d = join(dir, name);
      mkdirSync(join(d, 'data'), { recursive: true });
      writeFileSync(join(d, 'data', 'shard-rows.txt'), rows.map((r) => r + '\n').join(''));
      writeFileSync(join(d, 'data', 'shard.json'), JSON.stringify({ format: 'attnlens-report-shard', shard: 0, count: 1, columns: ['a'], settings, rows: rows.length, heatmapErrors: [], codePoints: 'x', ...record }));
      return d;
    };
    const row = (p: number, href?: string) => `${JSON.stringify([p, `x${p}`, null, null, 1, null, href ? [href] : []])}\t["x${p}",null,null,[null],null]`;
    await refused(mergeReports(join(dir, 'evil-out'), [shardDir('evil', [row(0, 'heatmaps/../../../etc/passwd')])]), 'outside its heatmaps folder');
    await refused(mergeReports(join(dir, 'short-out'), [shardDir('short', [row(0)], { rows: 2 })]), 'holds 1 rows, but its record lists 2');
    await refused(mergeReports(join(dir, 'order-out'), [shardDir('order', [row(3), row(1)])]), 'line 2 is not a row entry in increasing position');
    await refused(mergeReports(join(dir, 'old-out'), [shardDir('old', [], { rows: undefined, entries: [] })]), 'is not a report shard record');
  });
});
