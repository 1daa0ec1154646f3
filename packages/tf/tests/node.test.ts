import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { tensor } from '@attnlens/core';
import { encodeNpy } from '@attnlens/npy';
import { encodeTFRecords, encodeTensorProto, readTFRecords } from '../src/index.js';
import {
  detectTFFile, extractTFTensor, inspectTFFile, readLabelFiles, readLengthsFile, readTFRecordFile, readTokenFile, tfDocuments,
} from '../src/node.js';
import { collect, expected, expectRejection, fixture, fixtureBytes } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-tf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const EV = fixture('events.out.tfevents.1500000000.fixture');

describe('reading TFRecord files in chunks', () => {
  it('gives the same records as reading the whole file, for any chunk size', async () => {
    for (const name of ['alignments.tfrecord.gz', 'examples.tfrecord', 'events.out.tfevents.1500000000.fixture']) {
      const whole = [...readTFRecords(fixtureBytes(name))];
      for (const chunkBytes of [1, 7, 100, 1 << 20]) {
        const got = await collect(readTFRecordFile(fixture(name), { chunkBytes }));
        expect(got.map((r) => [r.index, r.offset, Buffer.from(r.payload).toString('hex')])).toEqual(whole.map((r) => [r.index, r.offset, Buffer.from(r.payload).toString('hex')]));
      }
    }
  });

  it('a corrupt record names the file, index and offset; skipping warns and goes on', async () => {
    const bytes = fixtureBytes('events.out.tfevents.1500000000.fixture');
    const recs = [...readTFRecords(bytes)];
    const bad = new Uint8Array(bytes);
    bad[recs[4]!.offset + 12 + 10]! ^= 0x55;
    const p = tmp('bad.tfevents', bad);
    const e = await expectRejection(collect(readTFRecordFile(p)), 'CORRUPT');
    expect(e.message).toBe(`${p}: record 4 (at byte ${recs[4]!.offset}) has a bad data checksum: its ${recs[4]!.payload.length} payload bytes are damaged`);
    const warnings: string[] = [];
    const got = await collect(readTFRecordFile(p, { skipCorrupt: true, warn: (m) => warnings.push(m), chunkBytes: 64 }));
    expect(got.map((r) => r.index)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 10]);
    expect(warnings).toEqual([`${p}: record 4 (at byte ${recs[4]!.offset}) has a bad data checksum: its ${recs[4]!.payload.length} payload bytes are damaged; skipped`]);
    // inspect lists it instead of failing
    const info = await inspectTFFile(p);
    expect(info.format).toBe('tfevents');
    if (info.format === 'tfevents') {
      expect(info.records).toBe(10);
      expect(info.corrupt).toHaveLength(1);
    }
  });

  it('a truncated file is TRUNCATED', async () => {
    const bytes = fixtureBytes('examples.tfrecord');
    const p = tmp('cut.tfrecord', bytes.subarray(0, bytes.length - 7));
    const e = await expectRejection(collect(readTFRecordFile(p)), 'TRUNCATED');
    expect(e.message).toMatch(/record 1 \(at byte \d+\) is cut short/);
    await expectRejection(collect(readTFRecordFile(join(dir, 'missing'))), 'FILE_NOT_FOUND');
  });

  it('a GZIP file cut short is TRUNCATED, a damaged one CORRUPT', async () => {
    const gz = fixtureBytes('alignments.tfrecord.gz');
    const e = await expectRejection(collect(readTFRecordFile(tmp('cut.tfrecord.gz', gz.subarray(0, gz.length - 20)))), 'TRUNCATED');
    expect(e.message).toMatch(/GZIP stream around the records is cut short/);
    const bad = new Uint8Array(gz);
    bad[10] = 0x07; // an invalid deflate block type
    expect((await expectRejection(collect(readTFRecordFile(tmp('bad.tfrecord.gz', bad))), 'CORRUPT')).message).toMatch(/GZIP stream around the records is damaged/);
  });
});

describe('detect and inspect', () => {
  it('tells TensorProto, TFRecord and event files apart, GZIP or not', async () => {
    expect((await detectTFFile(fixture('alignment-f16.pb'))).kind).toBe('tensorproto');
    expect(await detectTFFile(fixture('alignments.tfrecord.gz'))).toMatchObject({ kind: 'tfrecord', compression: 'gzip' });
    expect(await detectTFFile(fixture('examples.tfrecord'))).toMatchObject({ kind: 'tfrecord', compression: 'none' });
    expect(await detectTFFile(EV)).toMatchObject({ kind: 'tfevents', compression: 'none' });
    const gzEvents = tmp('events.out.tfevents.gz', gzipSync(fixtureBytes('events.out.tfevents.1500000000.fixture')));
    expect(await detectTFFile(gzEvents)).toMatchObject({ kind: 'tfevents', compression: 'gzip' });
    const e = await expectRejection(detectTFFile(tmp('notes.txt.gz', gzipSync(new TextEncoder().encode('just some text, not records')))), 'UNKNOWN_FORMAT');
    expect(e.message).toMatch(/a GZIP file that does not hold TFRecords/);
  });

  it('lists at most 100 distinct tensor shapes', async () => {
    const recs = Array.from({ length: 105 }, (_, i) => encodeTensorProto(tensor('float32', [1, i + 1], new Float32Array(i + 1))));
    const info = await inspectTFFile(tmp('shapes.tfrecord', encodeTFRecords(recs)));
    expect(info.format).toBe('tfrecord');
    if (info.format === 'tfrecord') {
      expect(Object.keys(info.tensorShapes)).toHaveLength(101);
      expect(info.tensorShapes['other shapes']).toBe(5);
      expect(info.first).toHaveLength(20);
    }
  });

  it('inspects each kind', async () => {
    expect(await inspectTFFile(fixture('alignment-f16.pb'))).toEqual({ format: 'tensorproto', size: 93, dtype: 'float16', shape: [5, 2, 4], elements: 40 });
    const r = await inspectTFFile(fixture('alignments.tfrecord.gz'));
    expect(r).toMatchObject({ format: 'tfrecord', compression: 'gzip', records: 2, counts: { tensor: 2, example: 0, unknown: 0 }, tensorShapes: { 'float32 (6, 3, 5)': 1, 'float32 (4, 2, 5)': 1 }, corrupt: [] });
    const x = await inspectTFFile(fixture('examples.tfrecord'));
    expect(x).toMatchObject({ format: 'tfrecord', records: 2, counts: { example: 2 } });
    if (x.format === 'tfrecord') expect(x.first[1]!.features).toEqual([{ name: 'alignment', kind: 'bytes', length: 1 }, { name: 'id', kind: 'bytes', length: 1 }]);
    const ev = await inspectTFFile(EV);
    expect(ev).toMatchObject({ format: 'tfevents', records: 11, fileVersion: 'brain.Event:2', attentionTags: ['attention_images/image/0', 'alignment_history', 'attention_tf2'] });
  });
});

describe('extract', () => {
  it('a TensorProto file', async () => {
    const t = await extractTFTensor(fixture('alignment-f16.pb'), undefined);
    expect(t.dtype).toBe('float16');
    expect(Array.from(t.data as Uint16Array)).toEqual(expected['alignment-f16.pb'].bits);
    await expectRejection(extractTFTensor(fixture('alignment-f16.pb'), 'x'), 'BAD_ARGUMENT');
  });

  it('a TFRecord record by index, an Example feature by INDEX:FEATURE', async () => {
    const t = await extractTFTensor(fixture('alignments.tfrecord.gz'), '1');
    expect(t.shape).toEqual([4, 2, 5]);
    const x = await extractTFTensor(fixture('examples.tfrecord'), '0:alignment');
    expect(x.shape).toEqual([3, 4]);
    expect(await expectRejection(extractTFTensor(fixture('alignments.tfrecord.gz'), undefined), 'AMBIGUOUS')).toMatchObject({ hint: expect.stringMatching(/^name a TFRecord record by its index, INDEX/), details: { option: 'array' } });
    expect((await expectRejection(extractTFTensor(fixture('alignments.tfrecord.gz'), '5'), 'NOT_FOUND')).message).toMatch(/no record 5: the file holds 2 records \(0 to 1\)/);
    await expectRejection(extractTFTensor(fixture('alignments.tfrecord.gz'), 'first'), 'BAD_ARGUMENT');
    await expectRejection(extractTFTensor(fixture('examples.tfrecord'), '0:nope'), 'NOT_FOUND');
  });

  it('an event value by TAG@STEP[#K]: images as uint8 gray levels, tensors, scalars', async () => {
    const img = await extractTFTensor(EV, 'attention_images/image/0@2#1');
    expect(img.dtype).toBe('uint8');
    expect(img.shape).toEqual([3, 5]);
    expect(Array.from(img.data as Uint8Array)).toEqual(expected['events.out.tfevents.1500000000.fixture'].images[1]!.gray.flat());
    const t = await extractTFTensor(EV, 'alignment_history@4');
    expect(t.shape).toEqual([3, 2, 2]);
    expect(Array.from(t.data as Float32Array)).toEqual(expected['events.out.tfevents.1500000000.fixture'].tensor.values.map(Math.fround));
    expect(Array.from((await extractTFTensor(EV, 'loss@2')).data as Float32Array)).toEqual([2]);
    expect(Array.from((await extractTFTensor(EV, 'lr')).data as Float32Array)).toEqual([1]);
    expect((await extractTFTensor(EV, 'attention_tf2@4')).shape).toEqual([1, 4, 6]);
    expect((await extractTFTensor(EV, 'accuracy@5')).shape).toEqual([]);
    expect((await expectRejection(extractTFTensor(EV, 'loss'), 'AMBIGUOUS')).hint).toMatch(/loss@STEP \(steps: 1, 2\)/);
    expect((await expectRejection(extractTFTensor(EV, 'attention_images/image/0@2#2'), 'NOT_FOUND')).hint).toMatch(/#0 to #1/);
    expect((await expectRejection(extractTFTensor(EV, 'nope@1'), 'NOT_FOUND')).hint).toMatch(/attention_images\/image\/0 \(image/);
    await expectRejection(extractTFTensor(EV, undefined), 'BAD_ARGUMENT');
    expect((await expectRejection(extractTFTensor(EV, 'loss@2#1'), 'NOT_FOUND')).message).toMatch(/tag loss has 1 value at step 2, so there is no #1/);
    expect((await expectRejection(extractTFTensor(EV, 'loss@9'), 'NOT_FOUND')).hint).toMatch(/its steps: 1, 2/);
  });
});

describe('documents from files, with token and length files', () => {
  it('a TensorProto file with tokens and .npy lengths, provenance with the sha256', async () => {
    const src = tmp('src.txt', 'a b c d\ne f\n');
    const lens = tmp('tgt_lengths.npy', encodeNpy(tensor('int32', [2], Int32Array.of(5, 3))));
    const labels = await readLabelFiles({ srcTokens: src, tgtLengths: lens });
    expect(labels).toEqual({ srcTokens: [['a', 'b', 'c', 'd'], ['e', 'f']], tgtLengths: [5, 3] });
    const docs = await collect(tfDocuments(fixture('alignment-f16.pb'), labels));
    expect(docs).toHaveLength(2);
    expect(docs[1]!.maps[0]).toMatchObject({ shape: [5, 4], validRows: 3, validCols: 2, colLabels: ['e', 'f', '', ''] });
    expect(docs[0]!.provenance).toEqual({
      sourceFormat: 'tensorproto', fileName: 'alignment-f16.pb', framework: 'tensorflow',
      sha256: createHash('sha256').update(readFileSync(fixture('alignment-f16.pb'))).digest('hex'),
    });
  });

  it('warns that --tag/--step do not apply outside event files', async () => {
    const warnings: string[] = [];
    const docs = await collect(tfDocuments(fixture('examples.tfrecord'), { tag: 'x', step: 3, warn: (m) => warnings.push(m) }));
    expect(docs).toHaveLength(2);
    expect(warnings).toEqual([`${fixture('examples.tfrecord')}: the tag and step options apply to event files only; ignored`]);
  });

  it('GZIP TFRecords, Examples and events', async () => {
    expect((await collect(tfDocuments(fixture('alignments.tfrecord.gz')))).map((d) => d.maps[0]!.shape)).toEqual([[6, 5], [6, 5], [6, 5], [4, 5], [4, 5]]);
    expect((await collect(tfDocuments(fixture('examples.tfrecord')))).map((d) => d.maps[0]!.shape)).toEqual([[3, 4], [2, 3]]);
    const ev = await collect(tfDocuments(EV, { tag: 'attention_images/image/0' }));
    expect(ev.map((d) => d.maps[0]!.shape)).toEqual([[7, 4], [5, 3], [7, 4]]);
    expect(ev[0]!.provenance?.sourceFormat).toBe('tfevents');
  });

  it('length files: .npy 1-D or (N, 1), or text; anything else is refused', async () => {
    expect(await readLengthsFile(tmp('l1.npy', encodeNpy(tensor('int64', [3, 1], BigInt64Array.of(1n, 2n, 3n)))))).toEqual([1, 2, 3]);
    expect(await readLengthsFile(tmp('l.txt', '4\n5\n'))).toEqual([4, 5]);
    await expectRejection(readLengthsFile(tmp('l2.npy', encodeNpy(tensor('int32', [2, 2], Int32Array.of(1, 2, 3, 4))))), 'SHAPE_MISMATCH');
    await expectRejection(readLengthsFile(tmp('l3.npy', encodeNpy(tensor('float32', [2], Float32Array.of(1.5, 2))))), 'BAD_ARGUMENT');
    await expectRejection(readTokenFile(join(dir, 'none.txt')), 'FILE_NOT_FOUND');
  });

  it('a TensorProto whose layout does not fit fails before writing anything', async () => {
    const p = tmp('a2.pb', encodeTensorProto(tensor('float32', [2, 3], Float32Array.of(0.5, 0.5, 0, 0.2, 0.3, 0.5))));
    const e = await expectRejection(collect(tfDocuments(p, { layout: 'tbe' })), 'SHAPE_MISMATCH');
    expect(e.message).toMatch(/shape \(2, 3\) cannot be layout tbe/);
    const ok = await collect(tfDocuments(tmp('a3.tfrecord', encodeTFRecords([readFileSync(p)])), { layout: 'te' }));
    expect(ok).toHaveLength(1);
  });
});
