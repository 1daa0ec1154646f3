// `attnlens inspect / extract / convert` on TensorFlow dumps: files written by the
// project's own encoders (@attnlens/tf), the committed fixtures of packages/tf (written by
// an independent Python encoder), and the bundled nmt sample.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeJson, decodeStream, tensor } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { encodeEvent, encodeTFRecords, encodeTensorProto } from '@attnlens/tf';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';
import { tempFolder } from '../helpers/temp.js';

const tmp = tempFolder('cli-tf');
const dir = tmp.dir;
const file = tmp.write;
const SAMPLE = join(REPO, 'apps', 'cli', 'samples', 'nmt');
const FIX = join(REPO, 'packages', 'tf', 'tests', 'fixtures');

// [T=3, B=2, E=4] softmax rows
const ALIGN = Float32Array.of(
  0.7, 0.1, 0.1, 0.1, /**/ 0.5, 0.5, 0, 0,
  0.1, 0.7, 0.1, 0.1, /**/ 0.2, 0.8, 0, 0,
  0.1, 0.1, 0.1, 0.7, /**/ 0.9, 0.1, 0, 0,
);
const stack = tensor('float32', [3, 2, 4], ALIGN);

describe('attnlens on TensorProto files', () => {
  const pb = file('align.pb', encodeTensorProto(stack));

  it('inspect --json gives dtype and shape', () => {
    const r = cli(['inspect', pb, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'tensorproto', dtype: 'float32', shape: [3, 2, 4], elements: 24 });
    expect(cli(['inspect', pb]).stdout).toContain('TensorProto, float32 (3, 2, 4), 24 elements');
  });

  it('extract writes the tensor as .npy', () => {
    const out = join(dir, 'align.npy');
    const r = cli(['extract', pb, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ out, dtype: 'float32', shape: [3, 2, 4] });
    const t = decodeNpy(new Uint8Array(readFileSync(out)));
    expect(Array.from(t.data as Float32Array)).toEqual(Array.from(ALIGN));
  });

  it('convert writes one document per batch item, labelled and trimmed', () => {
    const src = file('src.txt', 'a b c d\nx y\n');
    const tgt = file('tgt.txt', 'A B C\nX\n');
    const out = join(dir, 'align.attn.json');
    const r = cli(['convert', pb, '--to', out, '--src-tokens', src, '--tgt-tokens', tgt]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 2 documents');
    const docs = decodeJson(readFileSync(out, 'utf8')).documents;
    expect(docs.map((d) => d.id)).toEqual(['0', '1']);
    const m = docs[1]!.maps[0]!;
    expect(m).toMatchObject({ shape: [3, 4], colLabels: ['x', 'y', '', ''], rowLabels: ['X', '', ''], validRows: 1, validCols: 2, rowTitle: 'Output sequence', colTitle: 'Input sequence' });
    expect(Array.from(m.weights)).toEqual([0.5, 0.5, 0, 0, 0.2, 0.8, 0, 0, 0.9, 0.1, 0, 0].map(Math.fround));
    expect(docs[0]!.provenance).toMatchObject({ sourceFormat: 'tensorproto', fileName: 'align.pb', framework: 'tensorflow' });
  });

  it('a wrong layout is one clear line', () => {
    const r = cli(['convert', pb, '--to', join(dir, 'x.attn.pb'), '--layout', 'te']);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('cannot be layout te');
    const r2 = cli(['convert', pb, '--to', join(dir, 'x.attn.pb'), '--layout', 'xyz']);
    expect(isCleanError(r2)).toBe(true);
    expect(r2.code).toBe(2);
    const tokens = file('three.txt', 'a\nb\nc\n');
    const r3 = cli(['convert', pb, '--to', join(dir, 'x.attn.pb'), '--src-tokens', tokens]);
    expect(isCleanError(r3)).toBe(true);
    expect(r3.stderr).toContain('the source tokens give 3 examples but the array of shape (3, 2, 4) (layout tbe) has 2');
  });

  it('a damaged TensorProto is one clear line', () => {
    const bytes = encodeTensorProto(stack);
    const r = cli(['convert', file('cut.pb', bytes.subarray(0, bytes.length - 8)), '--to', join(dir, 'x.attn.pb')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/cut\.pb: /);
  });
});

describe('attnlens on TFRecord files', () => {
  const recs = [encodeTensorProto(stack), encodeTensorProto(tensor('float32', [2, 1, 4], ALIGN.slice(0, 8)))];
  const plain = file('align.tfrecord', encodeTFRecords(recs));
  const gz = file('align.tfrecord.gz', encodeTFRecords(recs, { compression: 'gzip' }));

  it('inspect --json gives the records count, compression and tensors', () => {
    for (const [p, compression] of [[plain, 'none'], [gz, 'gzip']] as const) {
      const r = cli(['inspect', p, '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ format: 'tfrecord', compression, records: 2, counts: { tensor: 2 }, tensorShapes: { 'float32 (3, 2, 4)': 1, 'float32 (2, 1, 4)': 1 } });
      expect(j.first.map((x: { shape: number[] }) => x.shape)).toEqual([[3, 2, 4], [2, 1, 4]]);
    }
  });

  it('convert numbers documents across records', () => {
    const out = join(dir, 'rec.attn.pb');
    const r = cli(['convert', gz, '--to', out]);
    expect(r.code).toBe(0);
    const docs = decodeStream(readFileSync(out)).documents;
    expect(docs.map((d) => [d.id, d.meta?.record, d.maps[0]!.shape])).toEqual([['0', '0', [3, 4]], ['1', '0', [3, 4]], ['2', '1', [2, 4]]]);
  });

  it('extract a record by index', () => {
    const out = join(dir, 'rec1.npy');
    expect(cli(['extract', plain, '--array', '1', '--out', out]).code).toBe(0);
    expect(decodeNpy(new Uint8Array(readFileSync(out))).shape).toEqual([2, 1, 4]);
    const r = cli(['extract', plain, '--out', out]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/name a TFRecord record by its index, INDEX .* \(--array NAME\)\)$/m);
  });

  it('a bad CRC names the record and offset; --skip-corrupt goes on with a warning', () => {
    const bytes = encodeTFRecords(recs);
    bytes[12 + 30]! ^= 0xff;
    const bad = file('bad.tfrecord', bytes);
    const out = join(dir, 'bad.attn.pb');
    const r = cli(['convert', bad, '--to', out]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('record 0 (at byte 0) has a bad data checksum');
    expect(r.stderr).toContain('--skip-corrupt');
    const s = cli(['convert', bad, '--to', out, '--skip-corrupt']);
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/attnlens: warning: .*record 0 \(at byte 0\) has a bad data checksum.*skipped/);
    expect(decodeStream(readFileSync(out)).documents.map((d) => d.id)).toEqual(['0']);
  });

  it('a bad length CRC and a truncated record are clear errors', () => {
    const bytes = encodeTFRecords(recs);
    const second = 12 + recs[0]!.length + 4;
    const lenBad = new Uint8Array(bytes);
    lenBad[second]! ^= 0x01;
    const r = cli(['convert', file('lenbad.tfrecord', lenBad), '--to', join(dir, 'y.attn.pb')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain(`record 1 (at byte ${second}) has a bad length checksum`);
    const t = cli(['convert', file('trunc.tfrecord', bytes.subarray(0, bytes.length - 5)), '--to', join(dir, 'y.attn.pb')]);
    expect(isCleanError(t)).toBe(true);
    expect(t.stderr).toContain(`record 1 (at byte ${second}) is cut short`);
    const i = cli(['inspect', file('trunc2.tfrecord', bytes.subarray(0, bytes.length - 5)), '--json']);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ records: 1, corrupt: [{ message: expect.stringContaining('is cut short') }] });
  });

  it('a GZIP file that is not TFRecords is refused clearly', () => {
    const r = cli(['inspect', file('notes.gz', gzipSync(Buffer.from('hello, just text here, nothing else')))]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('a GZIP file that does not hold TFRecords');
  });
});

describe('attnlens on event files', () => {
  const png = (rows: number[][]) => {
    const p = new PNG({ width: rows[0]!.length, height: rows.length, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    p.data = Buffer.from(rows.flat());
    return new Uint8Array(PNG.sync.write(p, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
  };
  // nmt writes [encoder, decoder] images
  const img = [[255, 10, 0], [0, 200, 51]];
  const ev = file('events.out.tfevents.1.host', encodeTFRecords([
    encodeEvent({ wallTime: 1, fileVersion: 'brain.Event:2' }),
    encodeEvent({ wallTime: 2, step: 5, summary: [{ tag: 'loss', simpleValue: 1.5 }] }),
    encodeEvent({ wallTime: 3, step: 10, summary: [{ tag: 'attention_images/image/0', image: { height: 2, width: 3, colorspace: 1, encoded: png(img) } }] }),
    encodeEvent({ wallTime: 4, step: 20, summary: [{ tag: 'attention_images/image/0', image: { height: 2, width: 3, colorspace: 1, encoded: png(img) } }] }),
  ]));

  it('inspect --json lists tags with kinds and steps', () => {
    const r = cli(['inspect', ev, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ format: 'tfevents', records: 4, attentionTags: ['attention_images/image/0'] });
    expect(j.tags.map((t: { tag: string; kind: string; steps: number[] }) => [t.tag, t.kind, t.steps])).toEqual([['loss', 'scalar', [5]], ['attention_images/image/0', 'image', [10, 20]]]);
    const text = cli(['inspect', ev]).stdout;
    expect(text).toMatch(/attention_images\/image\/0\s+image\s+2 values\s+steps 10, 20\s+sizes 2x3/);
  });

  it('convert --step turns one image into a map [decoder, encoder], values /255, with the note', () => {
    const out = join(dir, 'ev.attn.json');
    const r = cli(['convert', ev, '--to', out, '--step', '20']);
    expect(r.code).toBe(0);
    const docs = decodeJson(readFileSync(out, 'utf8')).documents;
    expect(docs).toHaveLength(1);
    expect(docs[0]!.id).toBe('attention_images/image/0@20');
    expect(docs[0]!.maps[0]!.shape).toEqual([3, 2]);
    expect(Array.from(docs[0]!.maps[0]!.weights)).toEqual([1, 0, 10 / 255, 200 / 255, 0, 0.2].map(Math.fround));
    expect(docs[0]!.provenance?.note).toMatch(/rescale each image so that its largest value is 255/);
  });

  it('extract an image or a scalar by TAG@STEP', () => {
    const out = join(dir, 'img.npy');
    expect(cli(['extract', ev, '--array', 'attention_images/image/0@10', '--out', out]).code).toBe(0);
    const t = decodeNpy(new Uint8Array(readFileSync(out)));
    expect(t).toMatchObject({ dtype: 'uint8', shape: [2, 3] });
    expect(Array.from(t.data as Uint8Array)).toEqual(img.flat());
    expect(cli(['extract', ev, '--array', 'loss@5', '--out', out]).code).toBe(0);
    expect(Array.from(decodeNpy(new Uint8Array(readFileSync(out))).data as Float32Array)).toEqual([1.5]);
    const r = cli(['extract', ev, '--array', 'nope@1', '--out', out]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('no tag "nope"');
  });

  it('a missing step, a scalar tag, and no attention are clear errors', () => {
    const out = join(dir, 'e.attn.pb');
    const a = cli(['convert', ev, '--to', out, '--step', '7']);
    expect(isCleanError(a)).toBe(true);
    expect(a.stderr).toContain('steps with values: attention_images/image/0: 10, 20');
    const b = cli(['convert', ev, '--to', out, '--tag', 'loss']);
    expect(isCleanError(b)).toBe(true);
    expect(b.stderr).toContain('holds scalar summaries, not attention');
    const only = file('events.out.tfevents.2.host', encodeTFRecords([encodeEvent({ fileVersion: 'brain.Event:2' }), encodeEvent({ step: 1, summary: [{ tag: 'acc', simpleValue: 0.5 }] })]));
    const c = cli(['convert', only, '--to', out]);
    expect(isCleanError(c)).toBe(true);
    expect(c.stderr).toContain('no attention in it: the event file holds only scalar summaries (acc)');
  });

  it('reads the committed fixture written by the independent Python encoder', () => {
    const r = cli(['convert', join(FIX, 'events.out.tfevents.1500000000.fixture'), '--to', join(dir, 'fx.attn.pb')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 8 documents');
  });
});

describe('attnlens on .npy alignment dumps (the bundled nmt sample)', () => {
  const npy = join(SAMPLE, 'alignment_history.npy');
  const args = ['--src-tokens', join(SAMPLE, 'src.txt'), '--tgt-tokens', join(SAMPLE, 'tgt.txt'), '--src-lengths', join(SAMPLE, 'src_lengths.npy'), '--tgt-lengths', join(SAMPLE, 'tgt_lengths.npy')];

  it('convert writes one labelled map per sentence pair, trimmed to the lengths', () => {
    const out = join(dir, 'nmt.attn.json');
    const r = cli(['convert', npy, '--to', out, ...args]);
    expect(r.code).toBe(0);
    const docs = decodeJson(readFileSync(out, 'utf8')).documents;
    expect(docs).toHaveLength(4);
    const m = docs[1]!.maps[0]!;
    expect(m).toMatchObject({ shape: [8, 7], validRows: 4, validCols: 5 });
    expect(m.colLabels).toEqual(['i', 'like', 'green', 'tea', '</s>', '', '']);
    expect(m.rowLabels!.slice(0, 4)).toEqual(['我', '喜欢', '绿茶', '</s>']);
    // decoder step 1 of pair 1, as NumPy reads it (not our reader):
    //   /usr/bin/python3 -c "import numpy as np; print(np.load('apps/cli/samples/nmt/alignment_history.npy')[1, 1].tolist())"
    const numpy = [0.025040889158844948, 0.23288382589817047, 0.4912969768047333, 0.2414861023426056, 0.009292203933000565, 0, 0];
    expect(Array.from(m.weights.subarray(7, 14))).toEqual(numpy);
    expect(docs[0]!.provenance).toMatchObject({ sourceFormat: 'npy', fileName: 'alignment_history.npy', framework: 'tensorflow' });
  });

  it('a layout that does not fit the tokens, or the rank, is a clear error', () => {
    const r = cli(['convert', npy, '--to', join(dir, 'n.attn.pb'), '--layout', 'bet', ...args]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('the source tokens give 4 examples but the array of shape (8, 4, 7) (layout bet) has 8');
    expect(r.stderr).toContain('fits layout tbe; is the array transposed? (--layout)');
    const r2 = cli(['convert', npy, '--to', join(dir, 'n.attn.pb'), '--layout', 'et']);
    expect(isCleanError(r2)).toBe(true);
    expect(r2.stderr).toContain('shape (8, 4, 7) cannot be layout et');
  });
});
