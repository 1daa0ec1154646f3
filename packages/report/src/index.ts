// @attnlens/report, browser-safe: documents merged by sample id into rows and columns,
// labels, heatmap planning, chunked rows and the self-contained page. Node writing: ./node.
export { ReportCollector, documentProblem } from './collect.js';
export type { ReportModel, ReportSample } from './collect.js';
export { parseLabels, labelFiller } from './labels.js';
export type { LabelTable } from './labels.js';
export { planHeatmaps, heatmapHref, reportFiles, reportTexts, reportEntries, sampleEntry, entryTexts, assembleReport, layoutRows, chunkFiles, failedEntries, layoutHtml } from './pages.js';
export type { PlannedHeatmap, PageSettings, ReportFiles, ReportEntry, RowLayout } from './pages.js';
export { compactMap, maxWeight, scriptJson, chunkScript, reportHtml } from './page.js';
export type { Compact, Row, Meta, PageOptions } from './page.js';
export { reportClient } from './client.js';
export { reportPalette, reportRange } from './palette.js';
// The shard policy lives in @attnlens/core (compute and convert use it too); re-exported for the report's callers.
export { idHash, shardOf, parseShard, shardFromEnvironment, shardDocuments } from '@attnlens/core';
export type { Shard } from '@attnlens/core';
