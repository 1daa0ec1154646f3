// What the main thread sends a render worker, and what comes back. `root` is the
// output folder the user named: the worker writes nothing outside it or through a link in it.
import { limits, type AttentionDocument, type AttentionMap, type Limits } from '@attnlens/core/tensor';

/**
 * A render worker's workerData: the command line's size limits (--max-highlight-tokens and the
 * rest), since each thread holds its own copy of core's limits (render-worker.ts sets them).
 */
export interface RenderWorkerData {
  limits: Partial<Limits>;
}

/** The workerData for render workers started now (core's runPool passes it to each). */
export function renderWorkerData(): RenderWorkerData {
  return { limits: { ...limits() } };
}

export type RenderFormat = 'png' | 'svg' | 'html';

export interface RenderStyle {
  cmap: string;
  reverse?: boolean;
  /** A fixed colour range shared by every figure; per-figure when absent. */
  range?: [number, number];
  title?: string;
}

export type RenderJob =
  /** One document to `path` in `format` (attnlens render). */
  | { kind: 'document'; id: string; doc: AttentionDocument; path: string; root: string; format: RenderFormat; style: RenderStyle; force: boolean }
  /** One map as a heatmap PNG (attnlens report). */
  | { kind: 'heatmap'; id: string; map: AttentionMap; path: string; root: string; style: RenderStyle; force: boolean };

export type RenderResult = { id: string; path: string; ok: true; skipped: boolean } | { id: string; path: string; ok: false; error: string };
