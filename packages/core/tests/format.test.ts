import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeJson, decodeStream, DocumentStreamDecoder, encodeDocumentDelimited, encodeHeader, encodeJson, encodeStream,
  formatFloat32, PROTO_SOURCE, schema, sniff, validateDocument, type AttentionDocument, type AttentionMap,
} from '../src/index.js';

const f32 = fc.float({ noDefaultInfinity: false, noNaN: false });
const token = fc.oneof(fc.string(), fc.constantFrom('我们', 'שלום', 'مرحبا', '👍🏽', '<script>alert(1)</script>', '" onmouseover=x', ''));
const name = fc.option(fc.string({ minLength: 1 }), { nil: undefined });

function mapArb(depth: number): fc.Arbitrary<AttentionMap> {
  const one = fc.integer({ min: 0, max: 6 }).chain((cols) =>
    fc.record(
      {
        shape: fc.constant([cols] as [number]),
        weights: fc.array(f32, { minLength: cols, maxLength: cols }).map((a) => Float32Array.from(a)),
        colLabels: cols ? fc.option(fc.array(token, { minLength: cols, maxLength: cols }), { nil: undefined }) : fc.constant(undefined),
        validCols: fc.option(fc.integer({ min: 0, max: cols }), { nil: undefined }),
        name,
        layer: name,
        variant: fc.option(fc.constantFrom('awc-tf', 'attlayer', 'alignment'), { nil: undefined }),
        children:
          depth > 0 && cols > 0
            ? fc.option(fc.array(mapArb(depth - 1).filter((m) => !m.children), { minLength: cols, maxLength: cols }), { nil: undefined })
            : fc.constant(undefined),
      },
      { requiredKeys: ['shape', 'weights'] },
    ),
  );
  const two = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).chain(([r, c]) =>
    fc.record(
      {
        shape: fc.constant([r, c] as [number, number]),
        weights: fc.array(f32, { minLength: r * c, maxLength: r * c }).map((a) => Float32Array.from(a)),
        rowLabels: r ? fc.option(fc.array(token, { minLength: r, maxLength: r }), { nil: undefined }) : fc.constant(undefined),
        colLabels: c ? fc.option(fc.array(token, { minLength: c, maxLength: c }), { nil: undefined }) : fc.constant(undefined),
        validRows: fc.option(fc.integer({ min: 0, max: r }), { nil: undefined }),
        validCols: fc.option(fc.integer({ min: 0, max: c }), { nil: undefined }),
        rowTitle: name,
        meta: fc.option(fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { minKeys: 1, maxKeys: 2 }), { nil: undefined }),
      },
      { requiredKeys: ['shape', 'weights'] },
    ),
  );
  return fc.oneof(one, two) as fc.Arbitrary<AttentionMap>;
}

const docArb: fc.Arbitrary<AttentionDocument> = fc.record(
  {
    id: fc.string(),
    maps: fc.array(mapArb(1), { maxLength: 3 }),
    trueLabel: fc.option(fc.string(), { nil: undefined }),
    predictedLabel: fc.option(fc.string(), { nil: undefined }),
    provenance: fc.option(fc.record({ sourceFormat: fc.constantFrom('npy', 'keras-h5'), fileName: fc.string({ minLength: 1 }), sha256: fc.constant('ab'.repeat(32)) }), { nil: undefined }),
  },
  { requiredKeys: ['id', 'maps'] },
);

/** Deep equality that treats NaN as NaN and -0 as distinct from 0, as a lossless format must. */
function expectSame(a: unknown, b: unknown): void {
  expect(b).toEqual(a); // absent and undefined fields are the same; "" and undefined are not
  const wa: number[] = [];
  const wb: number[] = [];
  const collect = (x: unknown, out: number[]) => {
    if (x instanceof Float32Array) out.push(...Array.from(x, (v) => (Object.is(v, -0) ? -1e-300 : v)));
    else if (Array.isArray(x)) x.forEach((y) => collect(y, out));
    else if (x && typeof x === 'object') Object.values(x).forEach((y) => collect(y, out));
  };
  collect(a, wa);
  collect(b, wb);
  expect(wb).toEqual(wa);
}

function foldNegativeZero(docs: AttentionDocument[]): AttentionDocument[] {
  const fold = (m: AttentionMap): AttentionMap => ({
    ...m,
    weights: m.weights.map((w) => (Object.is(w, -0) ? 0 : w)),
    ...(m.children ? { children: m.children.map(fold) } : {}),
  });
  return docs.map((d) => ({ ...d, maps: d.maps.map(fold) }));
}

describe('attnlens format', () => {
  it('the embedded schema is the .proto file', () => {
    expect(PROTO_SOURCE).toBe(readFileSync(new URL('../attnlens.proto', import.meta.url), 'utf8'));
  });

  it('round-trips any document through protobuf (NaN, Inf, -0, empty, 1-D, 2-D, hierarchical, unicode)', () => {
    fc.assert(
      fc.property(fc.array(docArb, { maxLength: 4 }), (docs) => {
        docs.forEach((d) => validateDocument(d));
        const back = decodeStream(encodeStream(docs)).documents;
        expectSame(docs, back);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips any document through JSON, and protobufjs reads that JSON to the same bytes', () => {
    const { AttentionFile } = schema();
    fc.assert(
      fc.property(fc.array(docArb, { maxLength: 4 }), (docs) => {
        const text = encodeJson(docs);
        expectSame(docs, decodeJson(text).documents);
        // The canonical proto3 JSON mapping: protobufjs' own reader agrees with ours.
        // (JSON.stringify writes -0 as 0, so this leg compares with -0 folded into 0.)
        const viaProtobufjs = AttentionFile.toObject(AttentionFile.fromObject(JSON.parse(text)), { defaults: false, arrays: false, json: true });
        const reencoded = encodeStream(decodeJson(JSON.stringify(viaProtobufjs)).documents);
        expect(Buffer.from(reencoded).equals(Buffer.from(encodeStream(foldNegativeZero(docs))))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('prints float32 weights in their shortest exact form', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    expect(formatFloat32(NaN)).toBe('"NaN"');
    expect(formatFloat32(-Infinity)).toBe('"-Infinity"');
    fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(Object.is(Math.fround(JSON.parse(formatFloat32(x))), x)).toBe(true);
    }));
  });

  it('decodes a stream fed one byte at a time', () => {
    const docs: AttentionDocument[] = [
      { id: 'a', maps: [{ shape: [3], weights: new Float32Array([0.2, 0.3, 0.5]), colLabels: ['x', 'y', 'z'] }] },
      { id: 'b', maps: [] },
    ];
    const bytes = encodeStream(docs, { generator: 'test' });
    const dec = new DocumentStreamDecoder();
    const got: AttentionDocument[] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...dec.push(bytes.subarray(i, i + 1)));
    dec.end();
    expect(dec.header).toEqual({ version: 1, generator: 'test' });
    expectSame(docs, got);
  });

  it('decodes documents far longer than the chunks, each whole, and counts kept chunks as left over when cut', () => {
    const docs: AttentionDocument[] = [0, 1].map((k) => ({ id: `d${k}`, maps: [{ shape: [50_000], weights: Float32Array.from({ length: 50_000 }, (_, i) => ((i * (k + 7)) % 97) / 97) }] }));
    const bytes = encodeStream(docs);
    const dec = new DocumentStreamDecoder('x.attn.pb');
    const got: AttentionDocument[] = [];
    for (let i = 0; i < bytes.length; i += 4096) got.push(...dec.push(bytes.subarray(i, i + 4096)));
    dec.end();
    expectSame(docs, got);
    const cut = new DocumentStreamDecoder('x.attn.pb');
    const upTo = bytes.length - 10_000;
    for (let i = 0; i < upTo; i += 4096) cut.push(bytes.subarray(i, Math.min(upTo, i + 4096)));
    const e = (() => { try { cut.end(); } catch (err) { return err as Error; } return undefined; })();
    const second = bytes.length - encodeDocumentDelimited(docs[1]!).length;
    expect(e?.message).toBe(`x.attn.pb: stream ends inside document 1 (byte ${second}, ${upTo - second} bytes left over)`);
  });

  it('is sniffed by content', () => {
    expect(sniff(encodeStream([]))).toBe('attnlens');
    expect(sniff(new TextEncoder().encode(encodeJson([])))).toBe('attnlens');
  });

  it('reports a truncated stream with the document index', () => {
    const bytes = encodeStream([{ id: 'a', maps: [{ shape: [2], weights: new Float32Array([1, 0]) }] }]);
    expect(() => decodeStream(bytes.subarray(0, bytes.length - 3), 'x.attn.pb')).toThrow(/x\.attn\.pb: stream ends inside document 0/);
  });

  it('refuses a stream that is not attnlens, and a newer version', () => {
    expect(() => decodeStream(encodeDocumentDelimited({ id: 'a', maps: [] }))).toThrow(/not an \.attn\.pb stream/);
    const h = schema().Header.encodeDelimited({ magic: 'attnlens', version: 99 }).finish();
    expect(() => decodeStream(h, 'new.attn.pb')).toThrow(expect.objectContaining({ code: 'VERSION' }));
    expect(() => decodeJson('{"header":{"magic":"attnlens","version":2}}')).toThrow(/version 2/);
    expect(encodeHeader().length).toBeGreaterThan(10);
  });

  it('rejects malformed JSON documents with the path of the bad field', () => {
    expect(() => decodeJson('{"header":{"magic":"attnlens"},"documents":[{"id":"a","maps":[{"shape":[2],"weights":[1,"x"]}]}]}', 'f.json')).toThrow(
      /f\.json: document 0\.maps\[0\]\.weights\[1\] is not a number/,
    );
    expect(() => decodeJson('{"header":{"magic":"attnlens"},"documents":[{"maps":[{"shape":[1,2,3]}]}]}')).toThrow(/1 or 2 dimensions/);
    expect(() => decodeJson('not json', 'f.json')).toThrow(/f\.json: not valid JSON/);
  });

  it('validates map invariants', () => {
    expect(() => validateDocument({ id: 'a', maps: [{ shape: [2, 2], weights: new Float32Array(3) }] })).toThrow(/needs 4 weights, has 3/);
    expect(() => validateDocument({ id: 'a', maps: [{ shape: [2], weights: new Float32Array(2), colLabels: ['x'] }] })).toThrow(/1 column labels for 2 columns/);
    expect(() => validateDocument({ id: 'a', maps: [{ shape: [2], weights: new Float32Array(2), validCols: 3 }] })).toThrow(/validCols 3/);
  });
});
