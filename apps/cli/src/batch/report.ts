// attnlens report: inputs → rows merged by sample id → heatmaps drawn on all cores →
// index.html + data chunks. Writes are atomic; a rerun redraws only what is missing.
import { readdir, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { AttnlensError, GENERATOR, trimmed, validateDocument, weightRange, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import { atomicWriteFile, prepareOutputFolder, removeTempFiles } from '@attnlens/core/node';
import type { ConvertOptions } from '../formats/index.js';
import { documentsFrom } from './inputs.js';
import type { RenderJob, RenderResult, RenderStyle } from './jobs.js';
import { SafeNames } from './names.js';
import { runPool } from './pool.js';
import { progress } from './progress.js';
import { chunkScript, compactMap, maxWeight, reportHtml, type Compact, type Meta, type Row } from './report-page.js';
import { paletteFor, SharedRange } from './draw.js';
import { checkHighlightSize, clipText, FONT_FAMILY, MAX_TITLE_CHARS } from '@attnlens/render';
import { fontFaceCss } from '@attnlens/render/node';

export interface ReportOptions {
  inputs: string[];
  out: string;
  cmap: string;
  reverse?: boolean;
  scale: 'shared' | 'per-map';
  /** How many rows get heatmap PNGs: a number, or Infinity for all. */
  heatmaps: number;
  workers?: number;
  force?: boolean;
  quiet?: boolean;
  title?: string;
  pageSize?: number;
  chunkRows?: number;
  convert: ConvertOptions;
  /** Applied to every document as it is read (e.g. labels from a file). */
  transform?: (d: AttentionDocument) => AttentionDocument;
  signal?: AbortSignal;
}

export interface ReportSummary {
  index: string;
  samples: number;
  failed: { id: string; error: string }[];
  heatmaps: { drawn: number; skipped: number; failed: number };
  aborted: boolean;
}

interface Sample {
  id: string;
  trueLabel: string | null;
  predictedLabel: string | null;
  maps: (AttentionMap | null)[]; // by column
  raw: [number, number, AttentionMap][]; // (input, position, map) until columns are known
  inputs: Set<number>;
  error: string | null;
  max: number;
}

/**
 * Columns: one per (input, map position) when inputs share sample ids (two models,
 * or word vs POS attention, side by side); when their ids are disjoint, inputs just
 * add rows and share columns by map position.
 */
class Columns {
  readonly keys: string[] = [];
  readonly names: string[] = [];
  constructor(private readonly inputs: string[], private readonly byInput: boolean) {}
  index(k: number, j: number, m: AttentionMap): number {
    const key = this.byInput ? `${k}:${j}` : `${j}`;
    let i = this.keys.indexOf(key);
    if (i < 0) {
      i = this.keys.push(key) - 1;
      const label = m.name ?? m.layer;
      const base = basename(this.inputs[k]!);
      this.names.push(label ? (this.byInput ? `${label} (${base})` : label) : this.byInput ? base : j ? `map ${j + 1}` : 'attention');
    } else if (!this.byInput) {
      const label = m.name ?? m.layer;
      if (label && !this.names[i]!.split(' / ').includes(label)) this.names[i] += ` / ${label}`;
    }
    return i;
  }
}

/** What is wrong with one document, if anything: its text goes into the report instead of failing the run. */
export function problem(d: AttentionDocument): string | null {
  try {
    validateDocument(d);
  } catch (e) {
    return e instanceof AttnlensError ? e.reason : String(e);
  }
  if (!d.maps.length) return 'no attention maps';
  for (const m of d.maps) {
    const what = m.name ? `map "${m.name}"` : 'map';
    if ((m.validCols ?? (m.shape.length === 2 ? m.shape[1] : m.shape[0])) === 0) return `${what} has no tokens`;
    if (trimmed(m).weights.some((w) => Number.isNaN(w))) return `${what} has NaN weights`;
    const [lo, hi] = weightRange(m);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return `${what} has infinite weights`;
  }
  return null;
}

/** A document with more tokens than the page shows is listed with the size error instead of its weights. */
function tooBigForPage(d: AttentionDocument): string | null {
  try {
    checkHighlightSize(d);
    return null;
  } catch (e) {
    if (e instanceof AttnlensError) return e.reason;
    throw e;
  }
}

export async function buildReport(o: ReportOptions): Promise<ReportSummary> {
  // First, so that an output that is a file, read-only or holds links fails before any work.
  await prepareOutputFolder(o.out, ['heatmaps', 'data']);
  const names = new SafeNames();
  const samples = new Map<string, Sample>();
  for (const [k, input] of o.inputs.entries()) {
    for await (const raw of documentsFrom(input, o.convert)) {
      if (o.signal?.aborted) break;
      const d = o.transform ? o.transform(raw) : raw;
      let s = samples.get(d.id);
      if (!s) {
        s = { id: d.id, trueLabel: d.trueLabel ?? null, predictedLabel: d.predictedLabel ?? null, maps: [], raw: [], inputs: new Set(), error: null, max: 0 };
        samples.set(d.id, s);
      }
      s.trueLabel ??= d.trueLabel ?? null;
      s.predictedLabel ??= d.predictedLabel ?? null;
      const err = problem(d) ?? tooBigForPage(d);
      if (err) s.error = s.error ? `${s.error}; ${err}` : `${o.inputs.length > 1 ? `input ${k + 1}: ` : ''}${err}`;
      s.inputs.add(k);
      if (!err) {
        d.maps.forEach((m, j) => s!.raw.push([k, j, m]));
        s.max = Math.max(s.max, maxWeight(d));
      }
    }
  }
  const shared = [...samples.values()].some((s) => s.inputs.size > 1);
  const columns = new Columns(o.inputs, shared);
  for (const s of samples.values()) {
    for (const [k, j, m] of s.raw) s.maps[columns.index(k, j, m)] = m;
    s.raw = [];
  }

  let range: [number, number] | undefined;
  if (o.scale === 'shared') {
    const shared = new SharedRange();
    for (const s of samples.values()) for (const m of s.maps) if (m) shared.add(m);
    range = shared.get();
  }

  const style: RenderStyle = { cmap: o.cmap, ...(o.reverse ? { reverse: true } : {}), ...(range ? { range } : {}) };

  // Heatmaps: one PNG per (sample, column) for the first `heatmaps` samples.
  const hrefs = new Map<string, string>();
  const jobs: RenderJob[] = [];
  let budget = o.heatmaps;
  for (const s of samples.values()) {
    if (budget <= 0) break;
    if (s.error) continue;
    budget--;
    s.maps.forEach((m, k) => {
      if (!m) return;
      const file = `${names.get(s.id)}${columns.keys.length > 1 ? `.${k + 1}` : ''}.png`;
      hrefs.set(`${s.id}\u0000${k}`, `heatmaps/${file}`);
      jobs.push({ kind: 'heatmap', id: s.id, map: m, path: join(o.out, 'heatmaps', file), root: o.out, style: { ...style, title: s.id }, force: Boolean(o.force) });
    });
  }
  const counts = { drawn: 0, skipped: 0, failed: 0 };
  const failedHeatmaps = new Map<string, string>();
  const bar = progress('heatmaps', jobs.length, { quiet: o.quiet });
  const { aborted } = await runPool(new URL('./render-worker.js', import.meta.url), jobs, {
    size: o.workers,
    signal: o.signal,
    onAbandon: (job) => removeTempFiles((job as RenderJob).path),
    onResult(r) {
      const res = r as RenderResult;
      if (!res.ok) {
        counts.failed++;
        failedHeatmaps.set(res.id, res.error);
        bar.fail();
      } else {
        counts[res.skipped ? 'skipped' : 'drawn']++;
        bar.tick();
      }
    },
  });
  bar.done();
  if (aborted) return { index: join(o.out, 'index.html'), samples: samples.size, failed: [], heatmaps: counts, aborted: true };

  // Rows and chunks.
  const chunkRows = o.chunkRows ?? 500;
  const meta: Meta[] = [];
  const chunks: Row[][] = [];
  const failed: { id: string; error: string }[] = [];
  for (const s of samples.values()) {
    const err = s.error ?? (failedHeatmaps.has(s.id) ? `heatmap failed: ${failedHeatmaps.get(s.id)}` : null);
    if (err) failed.push({ id: s.id, error: err });
    const k = Math.floor(meta.length / chunkRows);
    meta.push([s.id, s.trueLabel, s.predictedLabel, Number(s.max.toPrecision(4)), k, s.error ? 1 : 0]);
    const cells: (Compact | null)[] = columns.keys.map((_, c) => {
      const m = s.maps[c];
      return m ? compactMap(m, range, hrefs.get(`${s.id}\u0000${c}`)) : null;
    });
    (chunks[k] ??= []).push([s.id, s.trueLabel, s.predictedLabel, cells, s.error]);
  }
  const inline = meta.length <= (o.pageSize ?? 100) * 5;
  // Remove chunk files of an earlier, larger run so the folder holds one report.
  for (const f of await readdir(join(o.out, 'data'))) if (/^chunk-\d+\.js$/.test(f)) await rm(join(o.out, 'data', f), { force: true });
  if (!inline) for (const [k, rows] of chunks.entries()) await atomicWriteFile(join(o.out, 'data', `chunk-${String(k).padStart(5, '0')}.js`), chunkScript(k, rows), { root: o.out });
  const palette = paletteFor(o.cmap, o.reverse);
  const texts = new Set<string>([o.title ?? '', ...columns.names]);
  const addTexts = (m: AttentionMap) => {
    m.colLabels?.forEach((t) => texts.add(clipText(t, MAX_TITLE_CHARS)));
    m.rowLabels?.forEach((t) => texts.add(clipText(t, MAX_TITLE_CHARS)));
    m.children?.forEach(addTexts);
  };
  for (const s of samples.values()) {
    texts.add(s.id);
    if (s.trueLabel) texts.add(s.trueLabel);
    if (s.predictedLabel) texts.add(s.predictedLabel);
    s.maps.forEach((m) => m && addTexts(m));
  }
  const html = reportHtml({
    title: o.title ?? 'attnlens report',
    fontCss: fontFaceCss(texts),
    fontFamily: FONT_FAMILY,
    columns: columns.names,
    ...palette,
    pageSize: o.pageSize ?? 100,
    chunks: chunks.length,
    inline: inline ? chunks : null,
    meta,
    summary: {
      samples: samples.size,
      failed: failed.length,
      heatmaps: counts.drawn + counts.skipped,
      inputs: o.inputs.map((i) => relative(o.out, i) || i),
      cmap: o.cmap + (o.reverse ? ' (reversed)' : ''),
      scale: o.scale,
      generator: GENERATOR,
    },
  });
  const index = join(o.out, 'index.html');
  await atomicWriteFile(index, html, { root: o.out });
  return { index, samples: samples.size, failed, heatmaps: counts, aborted: false };
}
