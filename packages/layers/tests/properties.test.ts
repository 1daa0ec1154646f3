// Properties that hold for any shape and data (fast-check): the GEMM's register blocks and
// remainders against a plain triple loop, the RNN's time reversal and masking rules, shape ops.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matmul, permute, runRnn, type CellKind, type RnnOptions } from '../src/index.js';

const floats = (n: number) => fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: n, maxLength: n }).map((a) => Float32Array.from(a));

describe('matmul', () => {
  it('equals the textbook triple loop in float64 for every shape up to 9×9×9', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer(),
      (rows, inner, cols, withBias, seed) => {
        let s = seed;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) / 2 ** 31);
        const a = Float32Array.from({ length: rows * inner }, rnd);
        const b = Float32Array.from({ length: inner * cols }, rnd);
        const bias = withBias ? Float32Array.from({ length: cols }, rnd) : undefined;
        const out = matmul(a, rows, inner, b, cols, bias);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            let e = 0;
            for (let k = 0; k < inner; k++) e += a[i * inner + k]! * b[k * cols + j]!;
            expect(out[i * cols + j]).toBe(Math.fround(e + (bias ? bias[j]! : 0)));
          }
        }
      }), { numRuns: 300 });
  });
});

describe('runRnn', () => {
  const setup = fc.record({
    cell: fc.constantFrom<CellKind>('simple', 'gru', 'lstm'), resetAfter: fc.boolean(),
    n: fc.integer({ min: 1, max: 3 }), t: fc.integer({ min: 1, max: 5 }), f: fc.integer({ min: 1, max: 3 }), u: fc.integer({ min: 1, max: 4 }),
  }).chain((c) => {
    const g = { simple: 1, gru: 3, lstm: 4 }[c.cell] * c.u;
    return fc.record({
      c: fc.constant(c),
      x: floats(c.n * c.t * c.f),
      kernel: floats(c.f * g).map((k) => k.map((v) => v * 0.3)),
      rk: floats(c.u * g).map((k) => k.map((v) => v * 0.3)),
      bias: floats(c.cell === 'gru' && c.resetAfter ? 2 * g : g),
      lengths: fc.array(fc.integer({ min: 0, max: c.t }), { minLength: c.n, maxLength: c.n }),
    });
  });
  const opts = (c: { cell: CellKind; resetAfter: boolean; u: number }, extra: Partial<RnnOptions> = {}): RnnOptions => ({
    cell: c.cell, units: c.u, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: c.resetAfter,
    returnSequences: true, goBackwards: false, maskedOutput: 'previous', ...extra,
  });
  const reverseTime = (x: Float32Array, n: number, t: number, d: number) => {
    const out = new Float32Array(x.length);
    for (let b = 0; b < n; b++) for (let s = 0; s < t; s++) out.set(x.subarray((b * t + s) * d, (b * t + s + 1) * d), (b * t + t - 1 - s) * d);
    return out;
  };

  it('go_backwards over time-reversed inputs is the forward run', () => {
    fc.assert(fc.property(setup, ({ c, x, kernel, rk, bias }) => {
      const w = { kernel, recurrentKernel: rk, bias };
      const fw = runRnn(x, c.n, c.t, c.f, undefined, w, opts(c));
      const bw = runRnn(reverseTime(x, c.n, c.t, c.f), c.n, c.t, c.f, undefined, w, opts(c, { goBackwards: true }));
      expect(bw.output).toEqual(fw.output);
      expect(bw.states).toEqual(fw.states);
    }), { numRuns: 100 });
  });

  it('an all-ones mask changes nothing; post-padding leaves the state of the unpadded prefix', () => {
    fc.assert(fc.property(setup, ({ c, x, kernel, rk, bias, lengths }) => {
      const w = { kernel, recurrentKernel: rk, bias };
      const plain = runRnn(x, c.n, c.t, c.f, undefined, w, opts(c));
      expect(runRnn(x, c.n, c.t, c.f, new Uint8Array(c.n * c.t).fill(1), w, opts(c)).output).toEqual(plain.output);
      const mask = new Uint8Array(c.n * c.t);
      lengths.forEach((len, b) => mask.fill(1, b * c.t, b * c.t + len));
      const masked = runRnn(x, c.n, c.t, c.f, mask, w, opts(c));
      lengths.forEach((len, b) => {
        // the final state is the unmasked run's state after `len` steps (zeros when len = 0)
        const want = len === 0 ? new Float32Array(c.u) : plain.output.subarray((b * c.t + len - 1) * c.u, (b * c.t + len) * c.u);
        expect(masked.states[0]!.subarray(b * c.u, (b + 1) * c.u)).toEqual(want);
      });
    }), { numRuns: 100 });
  });
});

describe('permute', () => {
  it('a permutation followed by its inverse is the identity', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((shape) => fc.record({
        shape: fc.constant(shape), perm: fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }),
      })),
      ({ shape, perm }) => {
        const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
        const y = permute(x, shape, perm);
        const inverse = perm.map((_, i) => perm.indexOf(i));
        expect(permute(y, perm.map((p) => shape[p]!), inverse)).toEqual(x);
      }), { numRuns: 200 });
  });
});
