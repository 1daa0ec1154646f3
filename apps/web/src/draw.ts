// Drawing through @attnlens/render's one canvas path: the same layout and drawing code as
// the CLI's PNGs (render/node draws into @napi-rs/canvas, this into a browser canvas).
import type { AttentionDocument, AttentionMap } from '@attnlens/core';
import { drawHeatmap, drawHighlight, heatmapSvg, measureHeatmap, measureHighlight, type HeatmapLayout, type HighlightLayout, type ScaleSpec } from '@attnlens/render';

export interface Style {
  colormap: string;
  /** 'auto' per map, or one range shared by every map of the loaded documents. */
  scale: ScaleSpec;
}

/** The figure the CLI's `render --format png` draws for a document (apps/cli/src/batch/draw.ts, drawJob). */
export type Figure = { kind: 'heatmap'; map: AttentionMap; title: string } | { kind: 'highlight'; doc: AttentionDocument; title: string };

export function figureFor(doc: AttentionDocument, map?: AttentionMap): Figure {
  if (map && !map.children?.length) return { kind: 'heatmap', map, title: map.name ? `${doc.id}: ${map.name}` : doc.id };
  if (map) return { kind: 'highlight', doc: { id: doc.id, maps: [map] }, title: doc.id };
  const only = doc.maps.length === 1 ? doc.maps[0]! : undefined;
  return only && only.shape.length === 2 && !only.children?.length ? figureFor(doc, only) : { kind: 'highlight', doc, title: doc.id };
}

export type Drawn = { kind: 'heatmap'; layout: HeatmapLayout } | { kind: 'highlight'; layout: HighlightLayout };

/** Size `canvas` for the figure at `ratio` device pixels per CSS pixel and draw it. */
export function drawFigure(canvas: HTMLCanvasElement, f: Figure, style: Style, ratio: number): Drawn {
  const ctx = canvas.getContext('2d')!;
  const opts = { colormap: style.colormap, reverse: false, scale: style.scale, title: f.title };
  const drawn: Drawn = f.kind === 'heatmap' ? { kind: 'heatmap', layout: measureHeatmap(ctx, f.map, opts) } : { kind: 'highlight', layout: measureHighlight(ctx, f.doc, opts) };
  // Setting the size resets the context (font, transform), so measure first, then size, then draw.
  canvas.width = Math.ceil(drawn.layout.width * ratio);
  canvas.height = Math.ceil(drawn.layout.height * ratio);
  canvas.style.width = `${drawn.layout.width}px`;
  canvas.style.height = `${drawn.layout.height}px`;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  if (drawn.kind === 'heatmap') drawHeatmap(ctx, (f as { map: AttentionMap }).map, opts, drawn.layout);
  else drawHighlight(ctx, (f as { doc: AttentionDocument }).doc, opts, drawn.layout);
  return drawn;
}

/** The SVG of the figure's maps (heatmaps, as the CLI's `render --format svg`). */
export function figureSvg(doc: AttentionDocument, map: AttentionMap | undefined, style: Style): string {
  const m = map ?? doc.maps[0]!;
  return heatmapSvg(m, { colormap: style.colormap, reverse: false, scale: style.scale, title: m.name ? `${doc.id}: ${m.name}` : doc.id });
}
