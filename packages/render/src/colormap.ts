import * as chromatic from 'd3-scale-chromatic';
import { rgb as parseColor } from 'd3-color';
import { fail } from '@attnlens/core/tensor';

/** An sRGB colour with 0..255 integer channels. */
export type Rgb = [number, number, number];

// The colour maps come from d3-scale-chromatic (ColorBrewer and matplotlib's
// perceptual maps); we only name them and turn their CSS strings into numbers.
const INTERPOLATORS: Record<string, (t: number) => string> = {
  viridis: chromatic.interpolateViridis,
  magma: chromatic.interpolateMagma,
  inferno: chromatic.interpolateInferno,
  plasma: chromatic.interpolatePlasma,
  cividis: chromatic.interpolateCividis,
  turbo: chromatic.interpolateTurbo,
  warm: chromatic.interpolateWarm,
  cool: chromatic.interpolateCool,
  cubehelix: chromatic.interpolateCubehelixDefault,
  blues: chromatic.interpolateBlues,
  greens: chromatic.interpolateGreens,
  greys: chromatic.interpolateGreys,
  oranges: chromatic.interpolateOranges,
  purples: chromatic.interpolatePurples,
  reds: chromatic.interpolateReds,
  bugn: chromatic.interpolateBuGn,
  bupu: chromatic.interpolateBuPu,
  gnbu: chromatic.interpolateGnBu,
  orrd: chromatic.interpolateOrRd,
  pubu: chromatic.interpolatePuBu,
  pubugn: chromatic.interpolatePuBuGn,
  purd: chromatic.interpolatePuRd,
  rdpu: chromatic.interpolateRdPu,
  ylgn: chromatic.interpolateYlGn,
  ylgnbu: chromatic.interpolateYlGnBu,
  ylorbr: chromatic.interpolateYlOrBr,
  ylorrd: chromatic.interpolateYlOrRd,
  brbg: chromatic.interpolateBrBG,
  prgn: chromatic.interpolatePRGn,
  piyg: chromatic.interpolatePiYG,
  puor: chromatic.interpolatePuOr,
  rdbu: chromatic.interpolateRdBu,
  rdgy: chromatic.interpolateRdGy,
  rdylbu: chromatic.interpolateRdYlBu,
  rdylgn: chromatic.interpolateRdYlGn,
  spectral: chromatic.interpolateSpectral,
};

/** Names accepted by `colorScale` (case-insensitive; a `_r` suffix reverses, as in matplotlib). */
export const COLORMAPS: readonly string[] = [
  'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo', 'warm', 'cool', 'cubehelix',
  'Blues', 'Greens', 'Greys', 'Oranges', 'Purples', 'Reds',
  'BuGn', 'BuPu', 'GnBu', 'OrRd', 'PuBu', 'PuBuGn', 'PuRd', 'RdPu', 'YlGn', 'YlGnBu', 'YlOrBr', 'YlOrRd',
  'BrBG', 'PRGn', 'PiYG', 'PuOr', 'RdBu', 'RdGy', 'RdYlBu', 'RdYlGn', 'Spectral',
];

/** The interpolator for a colour-map name, and whether the name asked for reversal (`viridis_r`). */
function lookup(name: string): { interp: (t: number) => string; reversedByName: boolean } {
  const key = String(name).trim().toLowerCase();
  const reversedByName = key.endsWith('_r');
  const interp = INTERPOLATORS[reversedByName ? key.slice(0, -2) : key];
  if (!interp) {
    fail('BAD_ARGUMENT', `unknown colour map ${JSON.stringify(name)}`, {
      hint: `use one of ${COLORMAPS.join(', ')} (add _r to reverse)`,
      details: { colormap: name, choices: COLORMAPS },
    });
  }
  return { interp, reversedByName };
}

/** Throws BAD_ARGUMENT unless `name` is a known colour map. */
export function checkColormap(name: string): void {
  lookup(name);
}

/**
 * The colour map `name` as a function from t in [0, 1] to an sRGB triple; t outside
 * [0, 1] is clamped. `reverse` (or a `_r` suffix; both together cancel) flips it.
 * Every colour attnlens draws for a weight comes from here, in PNG, SVG and HTML alike.
 */
export function colorScale(name: string, reverse = false): (t: number) => Rgb {
  const { interp, reversedByName } = lookup(name);
  const flip = reverse !== reversedByName;
  return (t: number): Rgb => {
    let u = t > 1 ? 1 : t >= 0 ? t : 0; // NaN -> 0; callers draw NaN separately
    if (flip) u = 1 - u;
    const c = parseColor(interp(u));
    return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
  };
}

/** `#rrggbb` for an sRGB triple. */
export function rgbHex([r, g, b]: Rgb): string {
  return '#' + ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
}

/** WCAG relative luminance of an sRGB colour (0 = black, 1 = white). */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black or white, whichever has the higher WCAG contrast ratio against `bg`. */
export function textColorFor(bg: Rgb): '#000000' | '#ffffff' {
  const l = luminance(bg);
  // contrast with black = (l + 0.05) / 0.05, with white = 1.05 / (l + 0.05)
  return (l + 0.05) * (l + 0.05) >= 0.05 * 1.05 ? '#000000' : '#ffffff';
}
