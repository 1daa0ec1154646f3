// What a browser page needs to colour tokens and sentence bars and to lay out right-to-left
// runs exactly as buildHighlight does, with no bundler: render's own functions as source
// text (Function.prototype.toString of the very functions the model calls) and the colour
// maps as exact step tables. The report page (@attnlens/report) inlines both.
import { colorScale, rgbHex, textColorFor, type Rgb } from './colormap.js';
import { formatWeight, scalePosition, type Scale } from './scale.js';
import { clipText, directionRuns, displayToken, graphemes, graphemeSegmenter, MAX_LABEL_CHARS, MAX_TITLE_CHARS, resolveDirections, RTL_STRONG, STRONG, textDirection } from './text.js';

/**
 * A colour map as a step function, equal to `colorScale(name, reverse)` followed by `rgbHex`
 * and `textColorFor`: the colour at t is `bg[stepIndex(at, t)]` (text colour `fg[...]`).
 * colorScale returns whole-number RGB, so it is constant between the points where it changes;
 * those points are found by bisection down to adjacent doubles, so the table gives the map's
 * colour for every t (not an approximation at some number of levels), except within ~1e-15 of
 * a change point, where d3's spline itself is not monotone in the last bits.
 */
export interface ColorSteps {
  /** Where the colour changes, ascending: colour k holds on [at[k-1], at[k]). */
  at: number[];
  bg: string[];
  fg: string[];
}

const pack = (c: Rgb) => (c[0] << 16) | (c[1] << 8) | c[2];
const cache = new Map<string, ColorSteps>();

/** The step table of a colour map (cached per name and direction). */
export function colorSteps(name: string, reverse = false): ColorSteps {
  const key = `${name}\u0000${reverse}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const map = colorScale(name, reverse);
  const at: number[] = [];
  const colours: Rgb[] = [map(0)];
  // Sample densely, then bisect every interval whose ends differ down to adjacent doubles.
  // A colour that changes and changes back inside one sample interval (1/8192) would be missed;
  // the maps are smooth at that scale (tests check it against colorScale at 100 000 points per map).
  const N = 8192;
  const split = (lo: number, clo: Rgb, hi: number, chi: Rgb): void => {
    for (;;) {
      const mid = (lo + hi) / 2;
      if (mid <= lo || mid >= hi) break;
      const c = map(mid);
      if (pack(c) === pack(clo)) lo = mid;
      else if (pack(c) === pack(chi)) hi = mid;
      else {
        split(lo, clo, mid, c); // a third colour in between: both halves change
        split(mid, c, hi, chi);
        return;
      }
    }
    at.push(hi);
    colours.push(chi);
  };
  let prev = colours[0]!;
  for (let i = 1; i <= N; i++) {
    const t = i / N;
    const c = map(t);
    if (pack(c) !== pack(prev)) split((i - 1) / N, prev, t, c);
    prev = c;
  }
  const steps = { at, bg: colours.map(rgbHex), fg: colours.map(textColorFor) };
  cache.set(key, steps);
  return steps;
}

/** Index of the step holding t (how many change points are at or below it); t is in [0, 1]. */
export function stepIndex(at: readonly number[], t: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Length in [0, 1] of a sentence bar of weight w on scale s (0 for NaN/Inf): from 0, or from s.min when it is below 0. */
export function barFraction(s: Scale, w: number): number {
  if (!Number.isFinite(w)) return 0;
  const f = (w - Math.min(0, s.min)) / (s.max - s.min || 1);
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

/**
 * JavaScript source of an expression whose value is an object of render's functions a page
 * needs to place a highlight: scalePosition, stepIndex, barFraction, formatWeight (colours, bars,
 * hover values), textDirection, resolveDirections, directionRuns (right-to-left runs),
 * displayToken, clipText, graphemes (labels), and MAX_LABEL_CHARS. Built from the functions
 * themselves (their compiled source) and the module constants they read, so the page runs the
 * code buildHighlight runs; no data is ever evaluated.
 */
export function highlightClientSource(): string {
  const fns = [scalePosition, stepIndex, barFraction, formatWeight, textDirection, resolveDirections, directionRuns, displayToken, clipText, graphemes, graphemeSegmenter];
  const consts = [
    `const RTL_STRONG = ${RTL_STRONG.toString()};`,
    `const STRONG = ${STRONG.toString()};`,
    `const MAX_TITLE_CHARS = ${MAX_TITLE_CHARS};`,
    `const MAX_LABEL_CHARS = ${MAX_LABEL_CHARS};`,
    'const segmenter = graphemeSegmenter();',
  ];
  const body = fns.map((f) => f.toString()).join('\n');
  return `(function () {\n${body}\n${consts.join('\n')}\nreturn { ${fns.map((f) => f.name).join(', ')}, MAX_LABEL_CHARS };\n})()`;
}
