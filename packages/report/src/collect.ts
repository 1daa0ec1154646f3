// Documents from one or more inputs merged by sample id into the report's rows and columns,
// in memory that stays small per sample: a million samples must fit. Each map becomes its page
// cell's JSON text at once and goes to a CellStore (a temporary file in Node, see ./cells-file.ts);
// a sample keeps only a few numbers in typed arrays (labels as indexes into a table, its first
// position, its largest weight, its cells), and maps are kept only for the samples that may get a
// heatmap. The rows are rebuilt from the stored texts when the page is written (./rows.ts).
import { AttnlensError, documentProblem, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import { checkHighlightSize, clipText, MAX_TITLE_CHARS, SharedRange } from '@attnlens/render';
import { compactMap, maxWeight, scriptJson } from './page.js';

/** Where the cells' texts go while the input is read. */
export interface CellStore {
  /** Keeps one cell's text; returns its handle. */
  put(text: string): number;
  /** The texts of `handles`, in that order. */
  get(handles: readonly number[]): string[];
  /** Forgets everything (removes a temporary file). */
  close(): void;
}

/** Cells kept in memory (a browser, tests, small reports). */
export class MemoryCells implements CellStore {
  private readonly texts: string[] = [];
  put(text: string): number {
    return this.texts.push(text) - 1;
  }
  get(handles: readonly number[]): string[] {
    return handles.map((h) => this.texts[h]!);
  }
  close(): void {
    this.texts.length = 0;
  }
}

/** A growable typed array of numbers (doubling), so a million samples cost bytes each, not objects. */
export class NumberColumn {
  private a: Float64Array | Int32Array;
  length = 0;
  constructor(private readonly kind: 'f64' | 'i32' = 'i32') {
    this.a = kind === 'f64' ? new Float64Array(1024) : new Int32Array(1024);
  }
  push(v: number): number {
    if (this.length === this.a.length) {
      const b = this.kind === 'f64' ? new Float64Array(this.a.length * 2) : new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length] = v;
    return this.length++;
  }
  get(i: number): number {
    return this.a[i]!;
  }
  set(i: number, v: number): void {
    this.a[i] = v;
  }
}

/** Strings as small integers (labels, column names): -1 stands for none. */
class Interned {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(v: string | null | undefined): number {
    if (v === null || v === undefined) return -1;
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.push(v) - 1;
      this.ids.set(v, i);
    }
    return i;
  }
  value(i: number): string | null {
    return i < 0 ? null : this.values[i]!;
  }
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

/**
 * Columns: one per (input, map position) when inputs share sample ids (two models,
 * or word vs POS attention, side by side); when their ids are disjoint, inputs just
 * add rows and share columns by map position.
 */
class Columns {
  private readonly keys = new Map<string, number>();
  readonly names: string[] = [];
  constructor(private readonly inputs: readonly string[], private readonly byInput: boolean) {}
  index(k: number, j: number, label: string | null): number {
    const key = this.byInput ? `${k}:${j}` : `${j}`;
    let i = this.keys.get(key);
    if (i === undefined) {
      i = this.names.length;
      this.keys.set(key, i);
      const base = baseName(this.inputs[k]!);
      this.names.push(label ? (this.byInput ? `${label} (${base})` : label) : this.byInput ? base : j ? `map ${j + 1}` : 'attention');
    } else if (!this.byInput && label && !this.names[i]!.split(' / ').includes(label)) {
      this.names[i] += ` / ${label}`;
    }
    return i;
  }
}

// documentProblem is core's (beside the document type: render, the report and the page validate alike); re-exported here.
export { documentProblem };

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
 * Under a shared scale the colour range is known only once every document is read, so cells
 * are stored with this stand-in range and the real one is put in when rows are written
 * (compactMap writes it as `"lo":…,"hi":…` in every cell and child cell). No float32 weight
 * and no finite range of one reaches 1e300, so the text cannot occur otherwise.
 */
export const RANGE_STANDIN: [number, number] = [-1.5e300, 1.5e300];
export const RANGE_STANDIN_TEXT = `"lo":${JSON.stringify(RANGE_STANDIN[0])},"hi":${JSON.stringify(RANGE_STANDIN[1])}`;

export interface CollectorOptions {
  /** 'shared': one colour range over every map shown; 'per-map' (default): each its own 0..max. */
  scale?: 'shared' | 'per-map';
  /** Where cell texts go (default: memory). */
  cells?: CellStore;
  /** Maps are kept (for heatmaps) for the first this many samples that can be shown; default all. */
  keepMaps?: number;
}

/** The report's rows once every document is read: samples in first-seen order, by index. */
export interface ReportModel {
  /** Column headings. */
  columns: string[];
  /** The shared colour range, when one scale covers every map. */
  range?: [number, number];
  /** How many samples (rows). */
  size: number;
  id(i: number): string;
  trueLabel(i: number): string | null;
  predictedLabel(i: number): string | null;
  /** Why the sample cannot be shown, if it cannot. */
  error(i: number): string | null;
  /** Largest valid weight over its maps (the page's "max attention" filter). */
  max(i: number): number;
  /** Where the sample was first seen in the whole input (across shards): the order of the page. */
  position(i: number): number;
  /** Its maps by column (null where it has none), if kept (see CollectorOptions.keepMaps). */
  maps(i: number): (AttentionMap | null)[] | undefined;
  /** Its cells' stored texts by column (null where it has none). */
  cells(i: number): (string | null)[];
  /** Every code point of the page's texts (ids, labels, tokens as shown), for font subsetting. */
  codePoints: Set<number>;
}

/**
 * Gathers documents input by input (`add(k, doc)`, k the input's position in `inputs`,
 * whose names head the columns), then `finish` gives the samples in first-seen order.
 */
export class ReportCollector {
  private readonly byId = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly labels = new Interned();
  private readonly trueLabels = new NumberColumn();
  private readonly predLabels = new NumberColumn();
  private readonly positions = new NumberColumn('f64');
  private readonly maxes = new NumberColumn('f64');
  private readonly firstInput = new NumberColumn();
  private readonly multi = new Set<number>(); // samples seen in more than one input
  private readonly errors = new Map<number, string>();
  // Cells: a linked list per sample (first, last, next), in the order they were added.
  private readonly firstCell = new NumberColumn();
  private readonly lastCell = new NumberColumn();
  private readonly nextCell = new NumberColumn();
  private readonly cellInput = new NumberColumn();
  private readonly cellIndex = new NumberColumn();
  private readonly cellLabel = new NumberColumn();
  private readonly cellHandle = new NumberColumn('f64');
  private readonly cellNames = new Interned();
  /** Kept maps by sample: (column key "k:j" order as cells) for samples that may get heatmaps. */
  private readonly kept = new Map<number, AttentionMap[]>();
  private keptShown = 0;
  private readonly range = new SharedRange();
  private readonly codePoints = new Set<number>();
  private readonly seenTexts = new Set<string>();
  private readonly scale: 'shared' | 'per-map';
  private readonly store: CellStore;
  private readonly keepMaps: number;
  private seen = 0;

  constructor(private readonly inputs: readonly string[], opts: CollectorOptions = {}) {
    this.scale = opts.scale ?? 'per-map';
    this.store = opts.cells ?? new MemoryCells();
    this.keepMaps = opts.keepMaps ?? Infinity;
  }

  get size(): number {
    return this.ids.length;
  }

  private text(t: string): void {
    if (this.seenTexts.has(t)) return;
    if (this.seenTexts.size < 200_000) this.seenTexts.add(t);
    for (const ch of t) this.codePoints.add(ch.codePointAt(0)!);
  }

  private mapTexts(m: AttentionMap): void {
    m.colLabels?.forEach((t) => this.text(clipText(t, MAX_TITLE_CHARS)));
    m.rowLabels?.forEach((t) => this.text(clipText(t, MAX_TITLE_CHARS)));
    m.children?.forEach((c) => this.mapTexts(c));
  }

  private sampleOf(k: number, d: AttentionDocument, position: number): number {
    let i = this.byId.get(d.id);
    if (i === undefined) {
      i = this.ids.push(d.id) - 1;
      this.byId.set(d.id, i);
      this.trueLabels.push(this.labels.id(d.trueLabel));
      this.predLabels.push(this.labels.id(d.predictedLabel));
      this.positions.push(position);
      this.maxes.push(0);
      this.firstInput.push(k);
      this.firstCell.push(-1);
      this.lastCell.push(-1);
      this.text(d.id);
    } else {
      if (this.trueLabels.get(i) < 0) this.trueLabels.set(i, this.labels.id(d.trueLabel));
      if (this.predLabels.get(i) < 0) this.predLabels.set(i, this.labels.id(d.predictedLabel));
      if (this.firstInput.get(i) !== k) this.multi.add(i);
    }
    if (d.trueLabel) this.text(d.trueLabel);
    if (d.predictedLabel) this.text(d.predictedLabel);
    return i;
  }

  private addCell(i: number, k: number, j: number, m: AttentionMap): void {
    const c = this.cellInput.push(k);
    this.cellIndex.push(j);
    this.cellLabel.push(this.cellNames.id(m.name ?? m.layer));
    this.cellHandle.push(this.store.put(scriptJson(compactMap(m, this.scale === 'shared' ? RANGE_STANDIN : undefined))));
    this.nextCell.push(-1);
    if (this.firstCell.get(i) < 0) this.firstCell.set(i, c);
    else this.nextCell.set(this.lastCell.get(i), c);
    this.lastCell.set(i, c);
  }

  /**
   * Keeps a shown document's maps for heatmaps: always for a sample already kept (in the order
   * of its cells), and for a new sample while fewer than keepMaps kept samples can be shown.
   */
  private keep(i: number, fresh: boolean, d: AttentionDocument): void {
    const kept = this.kept.get(i);
    if (kept) kept.push(...d.maps);
    else if (fresh && this.keptShown < this.keepMaps) {
      this.kept.set(i, [...d.maps]);
      this.keptShown++;
    }
  }

  /**
   * `position`: the document's place in the whole input when this collector sees a shard of it
   * (default: the order of add). Returns whether the document can be shown (no problem found).
   */
  add(k: number, d: AttentionDocument, position = this.seen): boolean {
    this.seen = position + 1;
    const fresh = !this.byId.has(d.id);
    const i = this.sampleOf(k, d, position);
    const err = documentProblem(d) ?? tooBigForPage(d);
    if (err) {
      const had = this.errors.get(i);
      this.errors.set(i, had ? `${had}; ${err}` : `${this.inputs.length > 1 ? `input ${k + 1}: ` : ''}${err}`);
      if (!had && this.kept.has(i)) this.keptShown--; // it no longer takes a heatmap
      return false;
    }
    d.maps.forEach((m, j) => {
      this.addCell(i, k, j, m);
      if (this.scale === 'shared') this.range.add(m); // the one colour range, only a shared scale uses
      this.mapTexts(m);
    });
    this.maxes.set(i, Math.max(this.maxes.get(i), maxWeight(d)));
    this.keep(i, fresh, d);
    return true;
  }

  /**
   * A document of another shard: not a row here, but under one shared scale its maps count
   * toward the colour range as add counts them, so every shard's range is the whole run's
   * (every shard reads every document) and a merged report equals an unsharded one.
   */
  addToRange(d: AttentionDocument): void {
    if (this.scale !== 'shared' || (documentProblem(d) ?? tooBigForPage(d))) return;
    for (const m of d.maps) this.range.add(m);
  }

  /**
   * Maps for samples finish found without kept maps although the plan reaches them (a later
   * document with their id failed and gave its heatmap to a sample whose maps were not kept):
   * the caller reads those documents again and gives them here.
   */
  restore(d: AttentionDocument): void {
    const i = this.byId.get(d.id);
    if (i === undefined || (documentProblem(d) ?? tooBigForPage(d))) return;
    const kept = this.kept.get(i);
    if (kept) kept.push(...d.maps);
    else this.kept.set(i, [...d.maps]);
  }

  /** The samples with their columns; a shared scale also gives the one colour range over all maps. */
  finish(): ReportModel {
    const n = this.ids.length;
    const columns = new Columns(this.inputs, this.multi.size > 0);
    // Each cell's column, in sample order then add order, as the column headings are made.
    const cellColumn = new Int32Array(this.cellInput.length);
    for (let i = 0; i < n; i++) {
      for (let c = this.firstCell.get(i); c >= 0; c = this.nextCell.get(c)) {
        cellColumn[c] = columns.index(this.cellInput.get(c), this.cellIndex.get(c), this.cellNames.value(this.cellLabel.get(c)));
      }
    }
    const width = columns.names.length;
    const byColumn = <T>(i: number, of: (c: number) => T): (T | null)[] => {
      const row: (T | null)[] = new Array<T | null>(width).fill(null);
      for (let c = this.firstCell.get(i); c >= 0; c = this.nextCell.get(c)) row[cellColumn[c]!] = of(c); // a later map of a column replaces an earlier one
      return row;
    };
    const self = this;
    return {
      columns: columns.names,
      // Over every shown document's maps as read (a map a later document of the same id replaced counts too).
      ...(this.scale === 'shared' ? { range: this.range.get() } : {}),
      size: n,
      id: (i) => self.ids[i]!,
      trueLabel: (i) => self.labels.value(self.trueLabels.get(i)),
      predictedLabel: (i) => self.labels.value(self.predLabels.get(i)),
      error: (i) => self.errors.get(i) ?? null,
      max: (i) => self.maxes.get(i),
      position: (i) => self.positions.get(i),
      maps(i) {
        const kept = self.kept.get(i);
        if (!kept) return undefined;
        let next = 0;
        return byColumn(i, () => kept[next++] ?? null);
      },
      cells(i) {
        const handles: number[] = [];
        const row = byColumn(i, (c) => handles.push(self.cellHandle.get(c)) - 1);
        const texts = self.store.get(handles);
        return row.map((h) => (h === null ? null : texts[h]!));
      },
      codePoints: this.codePoints,
    };
  }
}
