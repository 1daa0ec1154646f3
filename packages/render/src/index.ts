// @attnlens/render: heatmaps (canvas, SVG) and token highlighting (HTML, canvas)
// from AttentionMaps. Browser-safe: no Node imports here (Node helpers: ./node).
export type { Canvas2D, CanvasLike, MeasureText, TextAlign, TextBaseline, TextDirection } from './canvas-api.js';
export { COLORMAPS, colorScale, checkColormap, rgbHex, luminance, textColorFor } from './colormap.js';
export type { Rgb } from './colormap.js';
export { createColorizer, NAN_COLOR, NAN_HATCH, PAD_COLOR } from './colorizer.js';
export type { Colorizer, ColorizerOptions } from './colorizer.js';
export { resolveScale, scaleFromRange, scalePosition, finiteRange, niceTicks, formatTick, formatWeight, formatBound, checkScaleSpec, SharedRange } from './scale.js';
export type { Scale, ScaleSpec } from './scale.js';
export { FONT_FAMILY, fontSpec, textDirection, hasRtl, resolveDirections, directionRuns, visualOrder, displayToken, clipText, MAX_LABEL_CHARS, MAX_TITLE_CHARS, graphemes, graphemeSegmenter, ellipsize, estimateTextWidth, escapeHtml, isolateBidi } from './text.js';
export type { Direction } from './text.js';
export { layoutHeatmap, cellAt, cellOrigin } from './heatmap-layout.js';
export type { HeatmapOptions, HeatmapLayout, LabelItem } from './heatmap-layout.js';
export { drawHeatmap, measureHeatmap, canvasMeasure, hatchCell } from './heatmap-canvas.js';
export { heatmapSvg } from './heatmap-svg.js';
export type { SvgOptions } from './heatmap-svg.js';
export { buildHighlight, checkHighlightSize, highlightTokens, hierarchicalWordScale } from './highlight-model.js';
export { colorSteps, stepIndex, barFraction, highlightClientSource } from './highlight-client.js';
export type { ColorSteps } from './highlight-client.js';
export type { HighlightOptions, HighlightModel, Block, AlignedBlock, HierarchicalBlock, MatrixBlock, Sentence, TokenCell, CellKind, LegendEntry } from './highlight-model.js';
export { highlightHtml, highlightPage, highlightCss } from './highlight-html.js';
export type { PageOptions } from './highlight-html.js';
export { layoutHighlight, measureHighlight, drawHighlight } from './highlight-canvas.js';
export type { HighlightCanvasOptions, HighlightLayout, DrawItem, TokenBox } from './highlight-canvas.js';
