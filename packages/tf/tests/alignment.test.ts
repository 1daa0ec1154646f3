import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { float32ToFloat16, tensor, validateDocument, type Tensor } from '@attnlens/core';
import { alignmentDocuments, distributionAxes, layoutAxes, parseTokenLines, parseLengths, LabelCursor } from '../src/index.js';
import { expectError } from './fixtures.js';

/** A softmax alignment [T, B, E]: row (t, b) peaks at encoder step (t + b) % E, padded past srcLen[b]. */
function stack(T: number, B: number, E: number, srcLen = Array(B).fill(E)): Float32Array {
  const a = new Float32Array(T * B * E);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const L = srcLen[b]!;
      let s = 0;
      for (let e = 0; e < L; e++) s += Math.exp(-Math.abs(e - ((t + b) % L)));
      for (let e = 0; e < L; e++) a[(t * B + b) * E + e] = Math.exp(-Math.abs(e - ((t + b) % L))) / s;
    }
  }
  return a;
}

/** Reorder a [T, B, E] array into another layout. */
function permute(a: Float32Array, T: number, B: number, E: number, layout: string): Tensor {
  const dims: Record<string, number> = { t: T, b: B, e: E };
  const shape = [...layout].map((c) => dims[c]!);
  const out = new Float32Array(a.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let e = 0; e < E; e++) {
    const idx: Record<string, number> = { t, b, e };
    let flat = 0;
    for (const c of layout) flat = flat * dims[c]! + idx[c]!;
    out[flat] = a[(t * B + b) * E + e]!;
  }
  return tensor('float32', shape, out);
}

describe('alignmentDocuments', () => {
  it('one [T_dec, T_enc] map per batch item from the stacked [T, B, E] array', () => {
    const a = stack(4, 3, 5);
    const docs = alignmentDocuments(tensor('float32', [4, 3, 5], a));
    expect(docs.map((d) => d.id)).toEqual(['0', '1', '2']);
    for (const [b, d] of docs.entries()) {
      validateDocument(d);
      const m = d.maps[0]!;
      expect(m.shape).toEqual([4, 5]);
      expect(m.rowTitle).toBe('Decoder timestep');
      expect(m.colTitle).toBe('Encoder timestep');
      expect(m.variant).toBe('alignment');
      for (let t = 0; t < 4; t++) expect(Array.from(m.weights.subarray(t * 5, t * 5 + 5))).toEqual(Array.from(a.subarray((t * 3 + b) * 5, (t * 3 + b) * 5 + 5)));
      expect(d.provenance?.framework).toBe('tensorflow');
      expect(d.meta).toMatchObject({ layout: 'tbe', batchIndex: String(b) });
    }
  });

  it('every layout of the same data gives the same maps (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 }),
      fc.constantFrom('tbe', 'bte', 'bet', 'teb', 'ebt', 'etb'),
      (T, B, E, layout) => {
        const a = stack(T, B, E);
        const ref = alignmentDocuments(tensor('float32', [T, B, E], a));
        const got = alignmentDocuments(permute(a, T, B, E, layout), { layout });
        expect(got.map((d) => d.maps[0]!.shape)).toEqual(ref.map((d) => d.maps[0]!.shape));
        expect(got.map((d) => Array.from(d.maps[0]!.weights))).toEqual(ref.map((d) => Array.from(d.maps[0]!.weights)));
      },
    ));
  });

  it('2-D te and et are one example', () => {
    const a = stack(3, 1, 4);
    const te = alignmentDocuments(tensor('float32', [3, 4], a));
    expect(te).toHaveLength(1);
    expect(te[0]!.maps[0]!.shape).toEqual([3, 4]);
    const et = alignmentDocuments(permute(a, 3, 1, 4, 'et'), { layout: 'et' });
    expect(Array.from(et[0]!.maps[0]!.weights)).toEqual(Array.from(te[0]!.maps[0]!.weights));
  });

  it('labels axes with tokens and trims to lengths or token counts', () => {
    const a = stack(5, 2, 4, [4, 3]);
    const t = tensor('float32', [5, 2, 4], a);
    const docs = alignmentDocuments(t, {
      srcTokens: parseTokenLines('the cat sat </s>\ni like </s>\n'),
      tgtTokens: parseTokenLines('猫 坐 </s>\n我 喜欢 绿茶 </s>\n'),
    });
    const [m0, m1] = docs.map((d) => d.maps[0]!);
    expect(m0!.colLabels).toEqual(['the', 'cat', 'sat', '</s>']);
    expect(m0!.rowLabels).toEqual(['猫', '坐', '</s>', '', '']);
    expect(m0!.validRows).toBe(3);
    expect(m0!.validCols).toBe(4);
    expect(m1!.colLabels).toEqual(['i', 'like', '</s>', '']);
    expect(m1!.validRows).toBe(4);
    expect(m1!.validCols).toBe(3);
    expect(m0!.rowTitle).toBe('Output sequence');
    expect(m0!.colTitle).toBe('Input sequence');
    docs.forEach((d) => validateDocument(d));
    // explicit lengths win over token counts
    const withLen = alignmentDocuments(t, { srcLengths: [2, 3], tgtLengths: [5, 1] });
    expect(withLen.map((d) => [d.maps[0]!.validRows, d.maps[0]!.validCols])).toEqual([[5, 2], [1, 3]]);
    expect(withLen[0]!.maps[0]!.colLabels).toBeUndefined();
  });

  it('reads float16 and float64 arrays', () => {
    const a = stack(2, 2, 3);
    const h = tensor('float16', [2, 2, 3], Uint16Array.from(a, float32ToFloat16));
    const d = tensor('float64', [2, 2, 3], Float64Array.from(a));
    const mh = alignmentDocuments(h)[1]!.maps[0]!.weights;
    const md = alignmentDocuments(d)[1]!.maps[0]!.weights;
    for (let i = 0; i < 6; i++) {
      expect(mh[i]).toBeCloseTo(a[((i / 3 | 0) * 2 + 1) * 3 + (i % 3)]!, 3);
      expect(md[i]).toBe(a[((i / 3 | 0) * 2 + 1) * 3 + (i % 3)]);
    }
  });

  it('ids continue from firstId with a prefix, provenance passes through', () => {
    const docs = alignmentDocuments(tensor('float32', [2, 2, 3], stack(2, 2, 3)), { firstId: 10, idPrefix: 'r/', provenance: { sourceFormat: 'npy', fileName: 'a.npy' } });
    expect(docs.map((d) => d.id)).toEqual(['r/10', 'r/11']);
    expect(docs[0]!.provenance).toEqual({ framework: 'tensorflow', sourceFormat: 'npy', fileName: 'a.npy' });
  });
});

describe('alignmentDocuments: wrong layouts and labels', () => {
  const t = tensor('float32', [5, 2, 4], stack(5, 2, 4));

  it('a rank the layout cannot have', () => {
    const e = expectError(() => alignmentDocuments(tensor('float32', [5, 4], stack(5, 1, 4)), { layout: 'tbe', file: 'a.npy' }), 'SHAPE_MISMATCH');
    expect(e.reason).toBe('an array of shape (5, 4) cannot be layout tbe, which needs a 3-D array [decoder steps, batch, encoder steps]');
    expect(e.hint).toMatch(/use layout te or et/);
    expect(e.details).toMatchObject({ option: 'layout' }); // no CLI flag in the package: the CLI adds --layout
    expect(e.file).toBe('a.npy');
    const e4 = expectError(() => alignmentDocuments(tensor('float32', [2, 4, 5, 1], new Float32Array(40))), 'SHAPE_MISMATCH');
    expect(e4.hint).toMatch(/squeeze/);
    expectError(() => alignmentDocuments(t, { layout: 'te' }), 'SHAPE_MISMATCH');
  });

  it('a layout that is not one', () => {
    for (const layout of ['tbx', 'tt', 'tbeb', '', 'tb']) expectError(() => layoutAxes([5, 2, 4], layout), 'BAD_ARGUMENT');
    expect(expectError(() => layoutAxes([5, 2, 4], 'tbx'), 'BAD_ARGUMENT').message).toMatch(/^layout "tbx" is not a layout/);
  });

  it('token files with a different number of examples', () => {
    const e = expectError(() => alignmentDocuments(t, { srcTokens: [['a'], ['b'], ['c']] }), 'SHAPE_MISMATCH');
    expect(e.message).toBe('the source tokens give 3 examples but the array of shape (5, 2, 4) (layout tbe) has 2');
    expect(e.details).toMatchObject({ option: 'srcTokens' });
  });

  it('tokens or lengths longer than the axis, with a layout hint when another fits', () => {
    const e = expectError(() => alignmentDocuments(t, { tgtTokens: [['a', 'b', 'c', 'd', 'e', 'f'], ['x']] }), 'SHAPE_MISMATCH');
    expect(e.message).toMatch(/example 0 has 6 target tokens but the decoder axis .* has only 5/);
    const e2 = expectError(() => alignmentDocuments(t, { srcLengths: [4, 5] }), 'SHAPE_MISMATCH');
    expect(e2.message).toMatch(/the source lengths: example 1 has 5 steps but the encoder axis/);
    // a Tacotron [B, E, T] array read as the default tbe: 2 examples of 4 source tokens fit bet
    const bet = permute(stack(5, 2, 4), 5, 2, 4, 'bet');
    const e3 = expectError(() => alignmentDocuments(bet, { layout: 'tbe', noLayoutCheck: true, srcTokens: [['a', 'b', 'c', 'd'], ['e']] }), 'SHAPE_MISMATCH');
    expect(e3.hint).toMatch(/fits layout bet/);
    expectError(() => alignmentDocuments(t, { srcLengths: [1, -1] }), 'BAD_ARGUMENT');
  });

  it('the default layout on a transposed array fails; an explicit one warns', () => {
    const bet = permute(stack(6, 3, 4), 6, 3, 4, 'bet'); // shape (3, 4, 6): rows along axis 1 sum to 1
    expect(distributionAxes(bet)).toEqual([false, true, false]);
    const e = expectError(() => alignmentDocuments(bet, { file: 'taco.npy' }), 'SHAPE_MISMATCH');
    expect(e.message).toMatch(/rows along axis 2 .* do not sum to 1, but the rows along axis 1 do: the array looks like layout bet/);
    expect(e.hint).toBe('choose layout bet (or choose tbe to keep the default)');
    const warnings: string[] = [];
    const docs = alignmentDocuments(bet, { layout: 'tbe', warn: (m) => warnings.push(m) });
    expect(docs).toHaveLength(4);
    expect(warnings[0]).toMatch(/looks like layout bet; using layout tbe as asked/);
    expect(alignmentDocuments(bet, { layout: 'bet' })).toHaveLength(3);
    // 2-D: a Tacotron single example (E, T) read as te
    const et = permute(stack(6, 1, 4), 6, 1, 4, 'ebt');
    const e2 = expectError(() => alignmentDocuments(tensor('float32', [4, 6], et.data as Float32Array)), 'SHAPE_MISMATCH');
    expect(e2.hint).toMatch(/choose layout et/);
  });
});

describe('token and length files', () => {
  it('one example a line, split on whitespace', () => {
    expect(parseTokenLines('\ufeffa  b\tc\r\n\nd\n')).toEqual([['a', 'b', 'c'], [], ['d']]);
    expect(parseTokenLines('')).toEqual([]);
    expect(parseTokenLines('x y')).toEqual([['x', 'y']]);
  });
  it('lengths as text', () => {
    expect(parseLengths('3 4\n5,6\n')).toEqual([3, 4, 5, 6]);
    expectError(() => parseLengths('3 x'), 'BAD_ARGUMENT');
    expectError(() => parseLengths('2.5'), 'BAD_ARGUMENT');
  });
  it('a cursor hands out lines in order and checks the total', () => {
    const c = new LabelCursor({ srcTokens: [['a'], ['b'], ['c']] });
    expect(c.take(2, 'record 0').srcTokens).toEqual([['a'], ['b']]);
    expect(expectError(() => c.take(2, 'record 1'), 'SHAPE_MISMATCH').message).toMatch(/give 3 lines but the dump has more examples \(record 1 needs lines 3 to 4\)/);
    const c2 = new LabelCursor({ tgtLengths: [1, 2, 3] });
    c2.take(2, 'r');
    expect(expectError(() => c2.finish(), 'SHAPE_MISMATCH').message).toBe('the target lengths give 3 lines but the dump has 2 examples');
  });
});
