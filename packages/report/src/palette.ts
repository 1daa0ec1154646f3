import type { AttentionMap } from '@attnlens/core';
import { colorScale, resolveScale, rgbHex, textColorFor, type Scale } from '@attnlens/render';

/** The colour of a weight at 256 levels, and the text colour on it, for the report's browser code. */
export function reportPalette(cmap: string, reverse = false): { lut: string[]; ink: string[]; rtl: string } {
  const scale = colorScale(cmap, reverse);
  const lut: string[] = [];
  const ink: string[] = [];
  for (let i = 0; i < 256; i++) {
    const c = scale(i / 255);
    lut.push(rgbHex(c));
    ink.push(textColorFor(c));
  }
  // Strong right-to-left scripts, as @attnlens/render's text.ts decides direction.
  const rtl = '[\\p{Script=Hebrew}\\p{Script=Arabic}\\p{Script=Syriac}\\p{Script=Thaana}\\p{Script=Nko}\\p{Script=Samaritan}\\p{Script=Mandaic}\\p{Script=Adlam}\\p{Script=Hanifi_Rohingya}\\p{Script=Yezidi}]';
  return { lut, ink, rtl };
}

/** The colour range of a map in the report: the shared one, or the renderers' own 'auto' (0..max). */
export function reportRange(m: AttentionMap, shared?: [number, number]): Scale {
  return shared ? { min: shared[0], max: shared[1] } : resolveScale(m, 'auto');
}
