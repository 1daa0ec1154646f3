// @attnlens/report, browser-safe: documents merged by sample id into rows and columns,
// labels, heatmap planning, chunked rows and the self-contained page. Node writing: ./node.
export { ReportCollector, documentProblem, MemoryCells, NumberColumn } from './collect.js';
export type { ReportModel, CellStore, CollectorOptions } from './collect.js';
export { parseLabels, labelFiller } from './labels.js';
export type { LabelTable } from './labels.js';
export { planHeatmaps, heatmapHref, reportFiles, reportTexts, pageHtml, chunkName, inlines } from './pages.js';
export type { PlannedHeatmap, PageSettings, ReportFiles } from './pages.js';
export { rowText, chunkText, PageIndex } from './rows.js';
export type { RowText } from './rows.js';
export { compactMap, maxWeight, scriptJson, reportHtml } from './page.js';
export type { Compact, PageOptions } from './page.js';
export { reportClient, reportClientScript } from './client.js';
export type { HighlightKit } from './client.js';
export { reportPalette, reportRange, SENTENCE_COLORMAP } from './palette.js';
// The shard policy lives in @attnlens/core (compute and convert use it too); re-exported for the report's callers.
export { idHash, shardOf, parseShard, shardFromEnvironment, shardDocuments } from '@attnlens/core';
export type { Shard } from '@attnlens/core';
