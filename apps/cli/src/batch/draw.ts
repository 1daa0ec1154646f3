// The one place the CLI turns a render job into bytes, through @attnlens/render.
import type { AttentionDocument, AttentionMap } from '@attnlens/core';
import { estimateTextWidth, heatmapSvg, layoutHeatmap, type HeatmapOptions, type ScaleSpec, type SvgOptions } from '@attnlens/render';
import { highlightPageWithFonts, renderHeatmapPng, renderHighlightPng } from '@attnlens/render/node';
import type { RenderJob, RenderStyle } from './jobs.js';

function scaleOf(style: RenderStyle): ScaleSpec {
  return style.range ? { min: style.range[0], max: style.range[1] } : 'auto';
}

/**
 * A document's maps as SVG heatmaps stacked vertically in one SVG document. Each figure's
 * size comes from render's own layoutHeatmap with the options heatmapSvg is given (it calls
 * the same layout with estimateTextWidth), rather than by reading the SVG text back; the
 * layout runs twice only for documents of several maps.
 */
function stackedHeatmapsSvg(doc: AttentionDocument, common: HeatmapOptions): string {
  const opts = doc.maps.map((m, i): SvgOptions => ({ ...common, title: m.name ? `${doc.id}: ${m.name}` : doc.id, idPrefix: `m${i}` }));
  if (doc.maps.length === 1) return heatmapSvg(doc.maps[0]!, opts[0]!);
  let y = 0;
  let width = 0;
  const inner = doc.maps.map((m, i) => {
    const { width: w, height: h } = layoutHeatmap(m, opts[i]!, estimateTextWidth);
    const body = heatmapSvg(m, opts[i]!).replace(/^<\?xml[^>]*>\s*/, '').replace(/^<svg/, `<svg y="${y}"`);
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
      return stackedHeatmapsSvg(doc, common);
    case 'html':
      return highlightPageWithFonts([doc], { ...common, pageTitle: doc.id });
  }
}
