import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttnlensError, type AttentionDocument } from '@attnlens/core';
import { prepareOutputFolder } from '@attnlens/core/node';
import { documentProblem, labelFiller, parseLabels, planHeatmaps, ReportCollector, reportFiles, rowText, scriptJson } from '../src/index.js';
import { readLabels, SafeNames, writeReport } from '../src/node.js';

const doc = (id: string, w: number[], extra: Partial<AttentionDocument> = {}, name?: string): AttentionDocument => ({
  id,
  maps: [{ shape: [w.length], weights: Float32Array.from(w), colLabels: w.map((_, i) => `t${i}`), ...(name ? { name } : {}) }],
  ...extra,
});
const settings = { title: 't', cmap: 'Reds', scale: 'per-map' as const, inputs: ['a'], generator: 'g', heatmaps: 0, fontCss: '' };

describe('labels', () => {
  it('reads tabs or commas, skips a header, and fills only labels a document lacks', () => {
    const t = parseLabels('id\ttrue\tpred\ns1\tpos\tneg\ns2,neg\n\n', 'labels.tsv');
    expect([...t]).toEqual([['s1', ['pos', 'neg']], ['s2', ['neg', undefined]]]);
    const fill = labelFiller(t);
    expect(fill(doc('s1', [1]))).toMatchObject({ trueLabel: 'pos', predictedLabel: 'neg' });
    expect(fill(doc('s1', [1], { trueLabel: 'mine' }))).toMatchObject({ trueLabel: 'mine', predictedLabel: 'neg' });
    expect(fill(doc('zz', [1])).trueLabel).toBeUndefined();
  });
  it('names the file and line of a line with no label', () => {
    try {
      parseLabels('s1\tpos\nlonely\n', 'labels.tsv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AttnlensError);
      expect((e as AttnlensError).file).toBe('labels.tsv');
      expect((e as AttnlensError).message).toContain('line 2 has no label');
    }
  });
});

describe('collecting samples', () => {
  it('puts inputs that share sample ids side by side, one column each', () => {
    const c = new ReportCollector(['runs/a.attn.pb', 'runs/b.attn.pb']);
    c.add(0, doc('s1', [0.2, 0.8], {}, 'word'));
    c.add(1, doc('s1', [0.5, 0.5], {}, 'word'));
    c.add(1, doc('s2', [0.1, 0.9], {}, 'word'));
    const m = c.finish();
    expect(m.columns).toEqual(['word (a.attn.pb)', 'word (b.attn.pb)']);
    expect(m.maps(0)!.map((x) => x?.weights[0])).toEqual([Math.fround(0.2), 0.5]);
    expect(m.maps(1)![0]).toBeNull();
    expect(m.maps(1)![1]?.weights[0]).toBe(Math.fround(0.1));
    expect(JSON.parse(m.cells(1)[1]!)).toMatchObject({ s: [2], w: [0.1, 0.9], lo: 0, hi: Math.fround(0.9) });
    expect(m.range).toBeUndefined();
  });
  it('lets inputs with disjoint ids add rows under shared columns, and gives one range with a shared scale', () => {
    const c = new ReportCollector(['a', 'b'], { scale: 'shared' });
    c.add(0, doc('s1', [0.2, 0.4]));
    c.add(1, doc('s2', [0.1, 0.6]));
    const m = c.finish();
    expect(m.columns).toEqual(['attention']);
    expect([m.max(0), m.max(1)]).toEqual([Math.fround(0.4), Math.fround(0.6)]);
    expect(m.range).toEqual([0, Math.fround(0.6)]);
    // Every cell is coloured over the one range once the rows are written.
    const row = JSON.parse(rowText(m, 0, new Map()).text) as [string, null, null, { lo: number; hi: number }[], null];
    expect(row[3][0]).toMatchObject({ lo: 0, hi: Math.fround(0.6) });
  });
  it('keeps a bad document as a row with its problem instead of failing', () => {
    expect(documentProblem(doc('x', [0.5, NaN]))).toBe('map has NaN weights');
    expect(documentProblem({ id: 'x', maps: [] })).toBe('no attention maps');
    const c = new ReportCollector(['a', 'b']);
    c.add(1, doc('x', [Infinity, 1], {}, 'w'));
    expect(c.finish().error(0)).toBe('input 2: map "w" has infinite weights');
  });
});

describe('pages', () => {
  const many = () => {
    const c = new ReportCollector(['a']);
    for (let i = 0; i < 12; i++) c.add(0, doc(`s${i}`, [i / 12, 1 - i / 12], i === 3 ? { trueLabel: 'x' } : {}));
    c.add(0, doc('bad', [NaN]));
    return c.finish();
  };
  it('plans heatmaps for the first N samples that can be shown, named by id', () => {
    const plan = planHeatmaps(many(), 3, (id) => `n-${id}`);
    expect(plan.map((p) => p.href)).toEqual(['heatmaps/n-s0.png', 'heatmaps/n-s1.png', 'heatmaps/n-s2.png']);
  });
  it('inlines small reports and splits large ones into chunks of chunkRows rows', () => {
    const m = many();
    expect(reportFiles(m, settings, new Map(), new Map()).chunks).toEqual([]);
    const big = reportFiles(m, { ...settings, pageSize: 2, chunkRows: 5 }, new Map(), new Map([['s4', 'disk full']]));
    expect(big.chunks.map((c) => c.name)).toEqual(['chunk-00000.js', 'chunk-00001.js', 'chunk-00002.js']);
    expect(big.chunks[2]!.text.startsWith('window.__attnlensChunk(2, [["s10"')).toBe(true);
    expect(big.failed).toEqual([{ id: 's4', error: 'heatmap failed: disk full' }, { id: 'bad', error: 'map has NaN weights' }]);
    expect(big.html).toContain('13 samples');
    expect(big.html).toContain('<span class="failed">2 failed</span>');
  });
});

describe('node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlens-report-pkg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('gives every id a safe, distinct, stable file name', () => {
    const n = new SafeNames();
    expect(n.get('plain-id')).toBe('plain-id');
    const a = n.get('A');
    expect(a).toMatch(/^A-[0-9a-f]{8}$/);
    expect(n.get('a')).toBe('a');
    expect(new SafeNames().get('../../etc/passwd')).toMatch(/^etc_passwd-[0-9a-f]{8}$/);
    expect(n.get('A')).toBe(a);
  });
  it('reads a labels file and writes index.html, replacing chunks of an earlier larger run', async () => {
    writeFileSync(join(dir, 'l.tsv'), 's1\tpos\n');
    expect((await readLabels(join(dir, 'l.tsv')))(doc('s1', [1])).trueLabel).toBe('pos');
    await expect(readLabels(join(dir, 'missing.tsv'))).rejects.toBeInstanceOf(AttnlensError);
    const out = join(dir, 'r');
    await prepareOutputFolder(out, ['heatmaps', 'data']);
    writeFileSync(join(out, 'data', 'chunk-00009.js'), 'old');
    const c = new ReportCollector(['a']);
    c.add(0, doc('s1', [0.3, 0.7]));
    const w = await writeReport(out, c.finish(), settings, new Map(), new Map());
    expect(readdirSync(join(out, 'data'))).toEqual([]);
    expect(readFileSync(w.index, 'utf8')).toContain('<title>t</title>');
  });
});

describe('scriptJson', () => {
  // The reference: the replacer on every value, as scriptJson wrote it before its fast path.
  const slow = (v: unknown) =>
    JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity') : x))
      .replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  it('writes what the replacer on every value wrote, non-finite numbers and script-breaking text included', () => {
    const values: unknown[] = [
      'plain', '</script><!--', 'a\u2028b\u2029c', 0.25, NaN, -Infinity, null,
      ['id', null, 'pos', [{ s: [3], w: [0.1, NaN, 0.5], lo: 0, hi: 0.5, t: ['<b>', 'x'] }, null], null],
      { a: { b: [1, [2, [Infinity]]] } }, { s: [2], w: [0.5, 0.5], lo: 0, hi: 0.5, c: [{ s: [1], w: [1], lo: 0, hi: 1 }] },
    ];
    for (const v of values) expect(scriptJson(v)).toBe(slow(v));
    expect(scriptJson([NaN])).toBe('["NaN"]');
  });
});
