import { describe, expect, it } from 'vitest';
import { tensor, validateDocument } from '@attnlens/core';
import {
  decodeExample, encodeExample, encodeTensorProto, encodeTFRecords, exampleTensor, exampleTensorKeys, readTFRecords, recordDocuments, recordTensor,
} from '../src/index.js';
import { collect, expected, expectError, fixtureBytes } from './fixtures.js';

describe('tf.train.Example records', () => {
  it('reads the committed fixture: a float list with a shape feature, and a TensorProto in bytes', () => {
    const recs = [...readTFRecords(fixtureBytes('examples.tfrecord'))];
    const e = expected['examples.tfrecord'].records;
    const f0 = decodeExample(recs[0]!.payload);
    expect([...f0.keys()].sort()).toEqual(['alignment', 'alignment_shape', 'id']);
    expect(f0.get('id')).toEqual({ kind: 'bytes', values: [new TextEncoder().encode('first')] });
    expect(exampleTensorKeys(f0)).toEqual(['alignment']);
    recs.forEach((r, i) => {
      const { tensor: t, feature } = recordTensor(r.payload, r.index);
      expect(feature).toBe('alignment');
      expect(t.shape).toEqual(e[i]!.shape);
      Array.from(t.data as Float32Array).forEach((v, j) => expect(v).toBeCloseTo(e[i]!.values[j]!, 6));
    });
  });

  it('round-trips through encodeExample', () => {
    const bytes = encodeExample({
      att: { kind: 'float', values: Float32Array.of(0.5, 0.5, 1, 0) },
      att_shape: { kind: 'int64', values: BigInt64Array.of(2n, 2n) },
      n: { kind: 'int64', values: BigInt64Array.of(-3n, 2n ** 62n) },
    });
    const f = decodeExample(bytes);
    expect(f.get('n')).toEqual({ kind: 'int64', values: BigInt64Array.of(-3n, 2n ** 62n) });
    const { tensor: t } = exampleTensor(f, undefined);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data as Float32Array)).toEqual([0.5, 0.5, 1, 0]);
  });

  it('no tensor feature, several, a missing name or a wrong shape are clear errors', () => {
    const none = decodeExample(encodeExample({ label: { kind: 'int64', values: BigInt64Array.of(1n) } }));
    expect(expectError(() => exampleTensor(none, undefined, 'e.tfrecord', 'record 0'), 'NOT_FOUND').message).toMatch(/record 0 has no feature holding a tensor \(features: label \(int64\)\)/);
    const proto = encodeTensorProto(tensor('float32', [1, 2], Float32Array.of(0.5, 0.5)));
    const two = decodeExample(encodeExample({ a: { kind: 'bytes', values: [proto] }, b: { kind: 'bytes', values: [proto] } }));
    expect(expectError(() => exampleTensor(two, undefined), 'AMBIGUOUS')).toMatchObject({ hint: 'name the feature to read', details: { option: 'array' } });
    expect(exampleTensor(two, 'b').key).toBe('b');
    expect(expectError(() => exampleTensor(two, 'c'), 'NOT_FOUND').hint).toMatch(/a, b/);
    const bad = decodeExample(encodeExample({ a: { kind: 'float', values: Float32Array.of(1, 2, 3) }, a_shape: { kind: 'int64', values: BigInt64Array.of(2n, 2n) } }));
    expect(expectError(() => exampleTensor(bad, 'a'), 'SHAPE_MISMATCH').message).toMatch(/holds 3 values but its shape feature "a_shape" says \(2, 2\) \(4\)/);
  });
});

describe('recordDocuments', () => {
  it('one document per example across records; ids count examples; tokens are taken in order', async () => {
    const recs = readTFRecords(fixtureBytes('alignments.tfrecord.gz'));
    const e = expected['alignments.tfrecord.gz'].records; // (6, 3, 5) and (4, 2, 5)
    const src = [['a'], ['b', 'c'], ['d'], ['e', 'f', 'g'], ['h']];
    const docs = await collect(recordDocuments(recs, { srcTokens: src, file: 'alignments.tfrecord.gz', provenance: { sourceFormat: 'tfrecord' } }));
    expect(docs.map((d) => d.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(docs.map((d) => d.meta?.record)).toEqual(['0', '0', '0', '1', '1']);
    expect(docs.map((d) => d.maps[0]!.shape)).toEqual([[6, 5], [6, 5], [6, 5], [4, 5], [4, 5]]);
    expect(docs[3]!.maps[0]!.colLabels).toEqual(['e', 'f', 'g', '', '']);
    // document 4 = record 1, batch item 1: row t is values[(t * 2 + 1) * 5 ...]
    const v = e[1]!.values;
    expect(Array.from(docs[4]!.maps[0]!.weights.subarray(5, 10))).toEqual(v.slice((1 * 2 + 1) * 5, (1 * 2 + 1) * 5 + 5).map(Math.fround));
    docs.forEach((d) => validateDocument(d));
    expect(docs[0]!.provenance).toEqual({ framework: 'tensorflow', sourceFormat: 'tfrecord' });
  });

  it('too few or too many token lines for the whole file', async () => {
    const short = await collect(recordDocuments(readTFRecords(fixtureBytes('alignments.tfrecord.gz')), { tgtLengths: [1, 1, 1, 1] })).catch((x) => x);
    expect(short.code).toBe('SHAPE_MISMATCH');
    expect(short.message).toMatch(/the target lengths give 4 lines but the dump has more examples \(record 1 needs lines 4 to 5\)/);
    const long = await collect(recordDocuments(readTFRecords(fixtureBytes('alignments.tfrecord.gz')), { tgtLengths: [1, 1, 1, 1, 1, 1] })).catch((x) => x);
    expect(long.message).toMatch(/the target lengths give 6 lines but the dump has 5 examples/);
  });

  it('a wrong layout for the records, and an empty file', async () => {
    const bad = await collect(recordDocuments(readTFRecords(fixtureBytes('alignments.tfrecord.gz')), { layout: 'te' })).catch((x) => x);
    expect(bad.code).toBe('SHAPE_MISMATCH');
    expect(bad.message).toMatch(/shape \(6, 3, 5\) cannot be layout te/);
    const empty = await collect(recordDocuments([], { file: 'e.tfrecord' })).catch((x) => x);
    expect(empty.code).toBe('NOT_FOUND');
  });

  it('a record that is neither a TensorProto nor an Example', async () => {
    const e = await collect(recordDocuments(readTFRecords(encodeTFRecords([Uint8Array.of(0xff, 0xff, 0xff)])))).catch((x) => x);
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/record 0 is not a valid tf.train.Example/);
  });
});
