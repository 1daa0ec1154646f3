import type { AttentionMap } from '@attnlens/core';
import { colorScale, colorSteps, resolveScale, rgbHex, type ColorSteps, type Scale } from '@attnlens/render';

/** Sentence bars are coloured as @attnlens/render's highlights colour them by default. */
export const SENTENCE_COLORMAP = 'Blues';

/**
 * The page's colours: a 256-colour strip for the header's legend, and the step tables with
 * which the client colours tokens and sentence bars (render's colorSteps: the same colour for
 * a weight as buildHighlight gives, see client.ts).
 */
export function reportPalette(cmap: string, reverse = false): { lut: string[]; steps: ColorSteps; sentenceSteps: ColorSteps } {
  const scale = colorScale(cmap, reverse);
  const lut: string[] = [];
  for (let i = 0; i < 256; i++) lut.push(rgbHex(scale(i / 255)));
  return { lut, steps: colorSteps(cmap, reverse), sentenceSteps: colorSteps(SENTENCE_COLORMAP) };
}

/** The colour range of a map in the report: the shared one, or the renderers' own 'auto' (0..max). */
export function reportRange(m: AttentionMap, shared?: [number, number]): Scale {
  return shared ? { min: shared[0], max: shared[1] } : resolveScale(m, 'auto');
}
