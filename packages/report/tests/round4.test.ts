// The page's 4-digit weights: page.ts's arithmetic round4 gives exactly what
// Number(w.toPrecision(4)) gives (the engine's own decimal rounding, the truth here) for float32
// values across every binade it takes, around each power of ten, at ties, negative and special.
import { describe, expect, it } from 'vitest';
import { round4 } from '../src/page.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bits = (b: number) => ((u32[0] = b >>> 0), f32[0]!);
const truth = (w: number) => (Number.isFinite(w) ? Number(w.toPrecision(4)) : w);

function mismatches(values: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const w of values) if (!Object.is(round4(w), truth(w)) && bad.length < 5) bad.push(`${w}: ${round4(w)} vs ${truth(w)}`);
  return bad;
}

describe('round4', () => {
  // Only where round4 computes (1e-8 ≤ |w| < 1e4): elsewhere it is toPrecision itself.
  const bitsOf = (x: number) => ((f32[0] = x), u32[0]!);
  it('equals Number(w.toPrecision(4)) on float32 values from 1e-8 to 1e4, every 331st bit pattern', () => {
    function* strided() {
      for (let b = bitsOf(1e-8) + 1; b < bitsOf(1e4); b += 331) {
        const w = bits(b);
        yield w;
        yield -w;
      }
    }
    expect(mismatches(strided())).toEqual([]);
  });

  it('equals it on the 20 000 float32 values around each power of ten inside that range, and at exact ties', () => {
    function* near() {
      for (let e = -7; e <= 3; e++) {
        const b0 = bitsOf(10 ** e);
        for (let d = -10000; d <= 10000; d++) yield bits(b0 + d);
      }
      // Ties in the fifth digit that a float32 holds exactly (n + 0.5 at 4 digits).
      for (const w of [1.0625, 1.3125, 2.0625, 0.0078125, 0.00048828125, 1234.5, 9999.5, 0.99995, 999.95, 12.5625]) yield w;
    }
    expect(mismatches(near())).toEqual([]);
  });

  it('keeps 0, -0, NaN and the infinities, and rounds 1 - 1e-5 up to 1', () => {
    expect(Object.is(round4(0), 0)).toBe(true);
    expect(Object.is(round4(-0), -0)).toBe(true);
    expect(round4(NaN)).toBeNaN();
    expect(round4(Infinity)).toBe(Infinity);
    expect(round4(-Infinity)).toBe(-Infinity);
    expect(round4(Math.fround(0.99999))).toBe(1);
    expect(round4(Math.fround(0.123456))).toBe(0.1235);
  });
});
