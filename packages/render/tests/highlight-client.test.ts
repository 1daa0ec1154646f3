import { describe, expect, it } from 'vitest';
import { barFraction, clipText, colorScale, colorSteps, directionRuns, displayToken, formatWeight, highlightClientSource, MAX_LABEL_CHARS, resolveDirections, rgbHex, scalePosition, stepIndex, textColorFor, textDirection } from '../src/index.js';

// a small deterministic generator, so a failure names the same t every run
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('colorSteps', () => {
  for (const [name, reverse] of [['Reds', false], ['Blues', false], ['viridis', false], ['turbo', false], ['RdBu', true], ['cubehelix', false]] as const) {
    it(`gives colorScale's colour and text colour for every t (${name}${reverse ? ', reversed' : ''})`, () => {
      const steps = colorSteps(name, reverse);
      const map = colorScale(name, reverse);
      expect(steps.bg.length).toBe(steps.at.length + 1);
      const rnd = lcg(7);
      const ts = [0, 1, 0.5, ...Array.from({ length: 100_000 }, rnd)];
      // Both sides of every change point, where a table at some number of levels goes wrong. Not the
      // last few bits around it: d3's spline is not monotone there (two channels rounding over at
      // t ± 1e-16 can come out in either order), so either neighbouring colour is colorScale's there.
      for (const a of steps.at) ts.push(a - 1e-12, a + 1e-12);
      let bad = 0;
      for (const t of ts) {
        if (!(t >= 0 && t <= 1)) continue;
        const c = map(t);
        const k = stepIndex(steps.at, t);
        if (steps.bg[k] !== rgbHex(c) || steps.fg[k] !== textColorFor(c)) bad++;
      }
      expect(bad).toBe(0);
    });
  }

  it('has change points in ascending order and no two equal neighbouring colours', () => {
    const s = colorSteps('Reds');
    for (let k = 1; k < s.at.length; k++) expect(s.at[k]!).toBeGreaterThan(s.at[k - 1]!);
    for (let k = 1; k < s.bg.length; k++) expect(s.bg[k]).not.toBe(s.bg[k - 1]);
    expect(s.bg[0]).toBe(rgbHex(colorScale('Reds')(0)));
    expect(s.bg[s.bg.length - 1]).toBe(rgbHex(colorScale('Reds')(1)));
  });
});

describe('highlightClientSource', () => {
  // The page evaluates this source as its own script; here a Function stands in for the page.
  const kit = new Function(`return ${highlightClientSource()};`)() as {
    scalePosition: typeof scalePosition; stepIndex: typeof stepIndex; barFraction: typeof barFraction;
    textDirection: typeof textDirection; resolveDirections: typeof resolveDirections; directionRuns: typeof directionRuns;
    displayToken: typeof displayToken; clipText: typeof clipText; formatWeight: typeof formatWeight; MAX_LABEL_CHARS: number;
  };

  it('is the functions buildHighlight uses, runnable on their own', () => {
    const scale = { min: -0.2, max: 0.8 };
    for (const w of [-1, -0.2, 0, 0.1, 0.3333, 0.8, 2, NaN, Infinity]) {
      expect(kit.scalePosition(scale, w)).toEqual(scalePosition(scale, w));
      expect(kit.barFraction(scale, w)).toEqual(barFraction(scale, w));
    }
    const toks = ['hello', 'שלום', '42', 'עולם', '!', 'world', 'مرحبا', ''];
    expect(kit.resolveDirections(toks)).toEqual(resolveDirections(toks));
    expect(kit.resolveDirections(['123', 'שלום', 'a'])).toEqual({ base: 'rtl', dirs: ['rtl', 'rtl', 'ltr'] });
    const dirs = resolveDirections(toks).dirs;
    expect(kit.directionRuns(dirs)).toEqual(directionRuns(dirs));
    for (const t of ['', 'a\nb\tc', '\u0007', 'x'.repeat(5000), '👩‍👩‍👧'.repeat(300), 'שלום']) {
      expect(kit.displayToken(t)).toBe(displayToken(t));
      expect(kit.clipText(kit.displayToken(t), kit.MAX_LABEL_CHARS)).toBe(clipText(displayToken(t), MAX_LABEL_CHARS));
    }
    expect(kit.clipText('👩‍👩‍👧'.repeat(300), 200)).toBe('👩‍👩‍👧'.repeat(200) + '…'); // whole clusters
    for (const w of [0, 1e-7, 0.123456, NaN, -Infinity]) expect(kit.formatWeight(w, 4)).toBe(formatWeight(w, 4));
    const at = colorSteps('Reds').at;
    for (const t of [0, 0.25, at[3]!, 1]) expect(kit.stepIndex(at, t)).toBe(stepIndex(at, t));
  });
});
