// Documents from one or more inputs merged by sample id into the report's samples and columns.
import { AttnlensError, trimmed, validateDocument, weightRange, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import { checkHighlightSize, SharedRange } from '@attnlens/render';
import { maxWeight } from './page.js';

export interface ReportSample {
  id: string;
  trueLabel: string | null;
  predictedLabel: string | null;
  /** Maps by column; null where this sample has none. */
  maps: (AttentionMap | null)[];
  /** Why the sample cannot be shown, if it cannot. */
  error: string | null;
  /** Largest valid weight over its maps (the page's "max attention" filter). */
  max: number;
  /** Where the sample was first seen in the whole input (across shards): the order of the page. */
  position: number;
}

export interface ReportModel {
  samples: ReportSample[];
  /** Column headings, one per column of `ReportSample.maps`. */
  columns: string[];
  /** The shared colour range, when one scale covers every map. */
  range?: [number, number];
}

interface Pending extends ReportSample {
  raw: [number, number, AttentionMap][]; // (input, position, map) until columns are known
  inputs: Set<number>;
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

/**
 * Columns: one per (input, map position) when inputs share sample ids (two models,
 * or word vs POS attention, side by side); when their ids are disjoint, inputs just
 * add rows and share columns by map position.
 */
class Columns {
  readonly keys: string[] = [];
  readonly names: string[] = [];
  constructor(private readonly inputs: readonly string[], private readonly byInput: boolean) {}
  index(k: number, j: number, m: AttentionMap): number {
    const key = this.byInput ? `${k}:${j}` : `${j}`;
    let i = this.keys.indexOf(key);
    const label = m.name ?? m.layer;
    if (i < 0) {
      i = this.keys.push(key) - 1;
      const base = baseName(this.inputs[k]!);
      this.names.push(label ? (this.byInput ? `${label} (${base})` : label) : this.byInput ? base : j ? `map ${j + 1}` : 'attention');
    } else if (!this.byInput && label && !this.names[i]!.split(' / ').includes(label)) {
      this.names[i] += ` / ${label}`;
    }
    return i;
  }
}

/** What is wrong with one document, if anything: its text goes into the report instead of failing the run. */
export function documentProblem(d: AttentionDocument): string | null {
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

/**
 * Gathers documents input by input (`add(k, doc)`, k the input's position in `inputs`,
 * whose names head the columns), then `finish` gives the samples in first-seen order.
 */
export class ReportCollector {
  private readonly samples = new Map<string, Pending>();
  /** The shared colour range, over the maps of every document that can be shown, as they are read. */
  private readonly range = new SharedRange();
  constructor(private readonly inputs: readonly string[]) {}

  private seen = 0;

  /**
   * `position`: the document's place in the whole input when this collector sees a shard of it
   * (default: the order of add). Returns whether the document can be shown (no problem found).
   */
  add(k: number, d: AttentionDocument, position = this.seen): boolean {
    this.seen = position + 1;
    let s = this.samples.get(d.id);
    if (!s) {
      s = { id: d.id, trueLabel: d.trueLabel ?? null, predictedLabel: d.predictedLabel ?? null, maps: [], raw: [], inputs: new Set(), error: null, max: 0, position };
      this.samples.set(d.id, s);
    }
    s.trueLabel ??= d.trueLabel ?? null;
    s.predictedLabel ??= d.predictedLabel ?? null;
    const err = documentProblem(d) ?? tooBigForPage(d);
    if (err) s.error = s.error ? `${s.error}; ${err}` : `${this.inputs.length > 1 ? `input ${k + 1}: ` : ''}${err}`;
    s.inputs.add(k);
    if (err) return false;
    const sample = s;
    d.maps.forEach((m, j) => {
      sample.raw.push([k, j, m]);
      this.range.add(m);
    });
    s.max = Math.max(s.max, maxWeight(d));
    return true;
  }

  /**
   * A document of another shard: not a row here, but under one shared scale its maps count
   * toward the colour range as add counts them, so every shard's range is the whole run's
   * (every shard reads every document) and a merged report equals an unsharded one.
   */
  addToRange(d: AttentionDocument): void {
    if (documentProblem(d) ?? tooBigForPage(d)) return;
    for (const m of d.maps) this.range.add(m);
  }

  get size(): number {
    return this.samples.size;
  }

  /** The samples with their columns; `scale: 'shared'` also gives the one colour range over all maps. */
  finish(scale: 'shared' | 'per-map'): ReportModel {
    const all = [...this.samples.values()];
    const columns = new Columns(this.inputs, all.some((s) => s.inputs.size > 1));
    const samples: ReportSample[] = all.map(({ raw, inputs: _inputs, ...s }) => {
      for (const [k, j, m] of raw) s.maps[columns.index(k, j, m)] = m;
      return s;
    });
    if (scale !== 'shared') return { samples, columns: columns.names };
    // Over every shown document's maps as read (a map a later document of the same id replaced counts too).
    return { samples, columns: columns.names, range: this.range.get() };
  }
}
