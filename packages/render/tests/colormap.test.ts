import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpolateBlues, interpolateViridis, interpolateRdBu } from 'd3-scale-chromatic';
import { rgb } from 'd3-color';
import { COLORMAPS, colorScale, createColorizer, luminance, rgbHex, textColorFor, NAN_COLOR, type Rgb } from '../src/index.js';
import { expectFail } from './errors.js';

const d3rgb = (s: string): Rgb => {
  const c = rgb(s);
  return [c.r, c.g, c.b];
};
const contrast = (a: Rgb, b: Rgb) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

describe('colorScale', () => {
  it('matches d3-scale-chromatic at known points', () => {
    expect(colorScale('viridis')(0)).toEqual([68, 1, 84]);
    expect(colorScale('viridis')(1)).toEqual([253, 231, 37]);
    expect(colorScale('viridis')(0.5)).toEqual(d3rgb(interpolateViridis(0.5)));
    expect(colorScale('Blues')(0.3)).toEqual(d3rgb(interpolateBlues(0.3)));
    expect(colorScale('rdbu')(0.9)).toEqual(d3rgb(interpolateRdBu(0.9)));
  });

  it('reverses with the flag or a _r suffix, and both together cancel', () => {
    expect(colorScale('viridis', true)(0)).toEqual([253, 231, 37]);
    expect(colorScale('viridis_r')(0)).toEqual([253, 231, 37]);
    expect(colorScale('viridis_r', true)(0)).toEqual([68, 1, 84]);
  });

  it('clamps t outside [0, 1]', () => {
    expect(colorScale('magma')(-3)).toEqual(colorScale('magma')(0));
    expect(colorScale('magma')(7)).toEqual(colorScale('magma')(1));
  });

  it('every listed map yields integer channels in 0..255, and reverse(t) = forward(1 - t)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COLORMAPS), fc.double({ min: 0, max: 1, noNaN: true }), (name, t) => {
        const c = colorScale(name)(t);
        for (const v of c) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
        expect(colorScale(name, true)(t)).toEqual(colorScale(name)(1 - t));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an unknown name with the list of names', () => {
    expectFail(() => colorScale('jet'), 'BAD_ARGUMENT', /unknown colour map "jet"/);
  });
});

describe('text colour and colorizer', () => {
  it('chooses black on light and white on dark backgrounds', () => {
    expect(textColorFor([255, 255, 255])).toBe('#000000');
    expect(textColorFor([0, 0, 0])).toBe('#ffffff');
    expect(textColorFor(colorScale('viridis')(0))).toBe('#ffffff');
    expect(textColorFor(colorScale('viridis')(1))).toBe('#000000');
    expect(textColorFor(colorScale('Reds')(1))).toBe('#ffffff');
  });

  it('always reaches WCAG AA contrast (4.5:1) with the chosen text colour', () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), (bg) => {
        const fg: Rgb = textColorFor(bg as Rgb) === '#000000' ? [0, 0, 0] : [255, 255, 255];
        expect(contrast(bg as Rgb, fg)).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });

  it('maps a weight through the scale to the colour map, NaN to the NaN colour', () => {
    const c = createColorizer({ colormap: 'viridis', scale: { min: 0, max: 0.5 } });
    expect(c.rgb(0.25)).toEqual(colorScale('viridis')(0.5));
    expect(c.rgb(0.5)).toEqual(colorScale('viridis')(1));
    expect(c.rgb(2)).toEqual(colorScale('viridis')(1));
    expect(c.css(0)).toBe(rgbHex(colorScale('viridis')(0)));
    expect(c.rgb(NaN)).toBeUndefined();
    expect(c.css(NaN)).toBe(NAN_COLOR);
    expect(c.position(0.1)).toBeCloseTo(0.2, 12);
  });
});
