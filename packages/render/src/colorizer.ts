import { checkColormap, colorScale, rgbHex, textColorFor, type Rgb } from './colormap.js';
import { scalePosition, type Scale } from './scale.js';

/** Fill colours for cells that are not weights: named in every legend that shows them. */
export const NAN_COLOR = '#f0f0f0';
export const NAN_HATCH = '#8c8c8c';
export const PAD_COLOR = '#cfcfcf';

export interface ColorizerOptions {
  /** Colour-map name (see COLORMAPS); `_r` suffix reverses. */
  colormap: string;
  reverse?: boolean;
  scale: Scale;
}

/** Picks the colour for a weight: the one function both the canvas and the HTML paths call. */
export interface Colorizer {
  readonly colormap: string;
  readonly reverse: boolean;
  readonly scale: Scale;
  /** Position on the colour map in [0, 1] (NaN for non-finite weights). */
  position(w: number): number;
  /** The colour of weight w; undefined for NaN/Inf (draw NAN_COLOR with a hatch). */
  rgb(w: number): Rgb | undefined;
  /** `#rrggbb` of weight w, NAN_COLOR for non-finite weights. */
  css(w: number): string;
  /** Black or white text, whichever reads better on the colour of w. */
  text(w: number): string;
  /** Colour at a position t in [0, 1] of the map (for colour bars). */
  at(t: number): Rgb;
}

export function createColorizer(o: ColorizerOptions): Colorizer {
  checkColormap(o.colormap);
  const reverse = o.reverse ?? false;
  const map = colorScale(o.colormap, reverse);
  const scale = { min: o.scale.min, max: o.scale.max };
  const rgb = (w: number): Rgb | undefined => {
    const t = scalePosition(scale, w);
    return Number.isNaN(t) ? undefined : map(t);
  };
  return {
    colormap: o.colormap,
    reverse,
    scale,
    position: (w) => scalePosition(scale, w),
    rgb,
    css: (w) => {
      const c = rgb(w);
      return c ? rgbHex(c) : NAN_COLOR;
    },
    text: (w) => {
      const c = rgb(w);
      return c ? textColorFor(c) : '#000000';
    },
    at: map,
  };
}
