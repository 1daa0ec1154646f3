// The one place the CLI turns a render job into bytes, through @attnlens/render.
import type { AttentionDocument, AttentionMap } from '@attnlens/core';
import { colorScale, finiteRange, heatmapSvg, resolveScale, rgbHex, scaleFromRange, textColorFor, type Scale, type ScaleSpec } from '@attnlens/render';
import { highlightPageWithFonts, renderHeatmapPng, renderHighlightPng } from '@attnlens/render/node';
import type { RenderJob, RenderStyle } from './jobs.js';

/** The colour of a weight at 256 levels, and the text colour on it, for the report's browser code. */
export function paletteFor(cmap: string, reverse = false): { lut: string[]; ink: string[]; rtl: string } {
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

/** The one colour range of `--scale shared`, gathered map by map (inputs are streamed), by the renderers' 'auto' rule. */
export class SharedRange {
  private lo = Infinity;
  private hi = -Infinity;
  add(m: AttentionMap): void {
    const r = finiteRange([m]);
    if (!r) return;
    this.lo = Math.min(this.lo, r[0]);
    this.hi = Math.max(this.hi, r[1]);
  }
  get(): [number, number] {
    const s = scaleFromRange(this.lo <= this.hi ? [this.lo, this.hi] : undefined, 'auto');
    return [s.min, s.max];
  }
}

function scaleOf(style: RenderStyle): ScaleSpec {
  return style.range ? { min: style.range[0], max: style.range[1] } : 'auto';
}

/** Several SVG figures stacked vertically in one SVG document. */
function stackSvg(parts: string[]): string {
  if (parts.length === 1) return parts[0]!;
  let y = 0;
  let width = 0;
  const inner = parts.map((svg) => {
    const w = Number(/<svg[^>]*\swidth="([\d.]+)/.exec(svg)?.[1] ?? 0);
    const h = Number(/<svg[^>]*\sheight="([\d.]+)/.exec(svg)?.[1] ?? 0);
    const body = svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<svg/, `<svg y="${y}"`);
    y += h;
    width = Math.max(width, w);
    return body;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">\n${inner.join('\n')}\n</svg>\n`;
}

function mapPng(m: AttentionMap, style: RenderStyle, title: string): Buffer {
  const common = { colormap: style.cmap, reverse: Boolean(style.reverse), scale: scaleOf(style) };
  // A hierarchical map reads best as highlighted sentences; a flat vector or a matrix as a heatmap.
  if (m.children?.length) return renderHighlightPng({ id: title, maps: [m] }, { ...common, title });
  return renderHeatmapPng(m, { ...common, title: m.name ? `${title}: ${m.name}` : title });
}

export async function drawJob(job: RenderJob): Promise<Uint8Array | string> {
  const style = job.style;
  const common = { colormap: style.cmap, reverse: Boolean(style.reverse), scale: scaleOf(style) };
  if (job.kind === 'heatmap') return mapPng(job.map, style, style.title ?? job.id);
  const doc: AttentionDocument = job.doc;
  switch (job.format) {
    case 'png':
      return doc.maps.length === 1 && doc.maps[0]!.shape.length === 2 ? mapPng(doc.maps[0]!, style, doc.id) : renderHighlightPng(doc, { ...common, title: doc.id });
    case 'svg':
      return stackSvg(doc.maps.map((m, i) => heatmapSvg(m, { ...common, title: m.name ? `${doc.id}: ${m.name}` : doc.id, idPrefix: `m${i}` })));
    case 'html':
      return highlightPageWithFonts([doc], { ...common, pageTitle: doc.id });
  }
}
