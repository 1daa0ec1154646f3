// Attention and AdditiveAttention against keras_ref.py (tests/fixtures/attention.json).
import { describe, expect, it } from 'vitest';
import { additiveAttention, dotProductAttention } from '../src/index.js';
import { type Arr, expectClose, f32, fixture, u8 } from './helpers.js';

interface AttCase {
  name: string; kind: 'dot' | 'additive'; query: Arr; value: Arr; key?: Arr; query_mask?: Arr; value_mask?: Arr;
  causal?: boolean; score_mode?: 'dot' | 'concat'; scale?: number | Arr; concat_score_weight?: number;
  expected: Arr; scores: Arr;
}

describe('built-in attention layers', () => {
  for (const c of fixture<AttCase[]>('attention')) {
    it(`${c.name}: output and scores`, () => {
      const [n, tq, dim] = c.query.shape as [number, number, number];
      const inp = {
        query: f32(c.query), value: f32(c.value), n, tq, tv: c.value.shape[1]!, dim, valueDim: c.value.shape[2]!,
        ...(c.key ? { key: f32(c.key) } : {}),
        ...(c.query_mask ? { queryMask: u8(c.query_mask) } : {}),
        ...(c.value_mask ? { valueMask: u8(c.value_mask) } : {}),
        causal: c.causal ?? false,
      };
      const r = c.kind === 'dot'
        ? dotProductAttention(inp, {
          scoreMode: c.score_mode ?? 'dot',
          ...(typeof c.scale === 'number' ? { scale: c.scale } : {}),
          ...(c.concat_score_weight !== undefined ? { concatScoreWeight: c.concat_score_weight } : {}),
        })
        : additiveAttention(inp, c.scale && typeof c.scale !== 'number' ? { scale: f32(c.scale) } : {});
      expectClose(r.scores, c.scores);
      expectClose(r.output, c.expected);
    });
  }
  it('a fully masked value row attends uniformly, as Keras float32 arithmetic does', () => {
    const q = new Float32Array([1, 2]);
    const v = new Float32Array([1, 0, 0, 1, 3, 3]);
    const r = dotProductAttention({ query: q, value: v, n: 1, tq: 1, tv: 3, dim: 2, valueMask: new Uint8Array(3) });
    expect([...r.scores].map((s) => s.toFixed(6))).toEqual(['0.333333', '0.333333', '0.333333']);
  });
});
