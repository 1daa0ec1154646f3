// The page's rows as text, built from the collector's stored cells one row at a time, and the
// page index (what index.html keeps of every row for filters and pagination) in typed arrays.
// The texts are what scriptJson gives for the row arrays, piece by piece, so chunk files and
// merged reports are byte-equal to serializing whole rows.
import { RANGE_STANDIN_TEXT, NumberColumn, type ReportModel } from './collect.js';
import { round4, scriptJson } from './page.js';

/** One row of the page: its text and what the page index keeps of it. */
export interface RowText {
  position: number;
  id: string;
  trueLabel: string | null;
  predictedLabel: string | null;
  /** Largest weight, at 4 significant digits as the filter shows it. */
  max: number;
  /** The sample's own problem (the row shows it), if any. */
  error: string | null;
  /** Its heatmaps' hrefs (heatmaps/NAME.png). */
  hrefs: string[];
  /** The row array's JSON text: [id, true, predicted, cells, error]. */
  text: string;
}

/** A stored cell's text with the shared range put in and its heatmap link added (before its child cells). */
function cellText(text: string, range: [number, number] | undefined, href: string | undefined): string {
  let t = range ? text.split(RANGE_STANDIN_TEXT).join(`"lo":${scriptJson(range[0])},"hi":${scriptJson(range[1])}`) : text;
  if (href !== undefined) {
    // compactMap's keys come in the order s, w, lo, hi, t, r, n, m, h, c: "h" goes before "c" (the
    // first `,"c":[` outside strings is this cell's own, since JSON strings escape their quotes).
    const c = t.indexOf(',"c":[');
    const at = c >= 0 ? c : t.length - 1;
    t = `${t.slice(0, at)},"h":${scriptJson(href)}${t.slice(at)}`;
  }
  return t;
}

/** Sample `i` of the model as a page row; `hrefs` maps "id\0column" to each planned heatmap's href. */
export function rowText(model: ReportModel, i: number, hrefs: ReadonlyMap<string, string>): RowText {
  const id = model.id(i);
  const links: string[] = [];
  const cells = model.cells(i).map((t, c) => {
    if (t === null) return 'null';
    const href = hrefs.get(`${id}\u0000${c}`);
    if (href !== undefined) links.push(href);
    return cellText(t, model.range, href);
  });
  const trueLabel = model.trueLabel(i);
  const predictedLabel = model.predictedLabel(i);
  const error = model.error(i);
  return {
    position: model.position(i),
    id,
    trueLabel,
    predictedLabel,
    max: round4(model.max(i)),
    error,
    hrefs: links,
    text: `[${scriptJson(id)},${scriptJson(trueLabel)},${scriptJson(predictedLabel)},[${cells.join(',')}],${scriptJson(error)}]`,
  };
}

/** A chunk file's text from its rows' texts. */
export function chunkText(k: number, rows: readonly string[]): string {
  return `window.__attnlensChunk(${k}, [${rows.join(',')}]);\n`;
}

/**
 * What index.html keeps of every row, in page order: ids and labels (as indexes into a table),
 * the largest weight and whether it failed, in typed arrays (a million rows are a few bytes each
 * beside their ids), plus the failed samples with why.
 */
export class PageIndex {
  private readonly ids: string[] = [];
  private readonly labelTable: string[] = [];
  private readonly labelIds = new Map<string, number>();
  private readonly trueLabels = new NumberColumn();
  private readonly predLabels = new NumberColumn();
  private readonly maxes = new NumberColumn('f64');
  private readonly bad = new NumberColumn();
  /** The rows' own problems, by row. */
  private readonly errors = new Map<number, string>();

  constructor(readonly chunkRows: number) {}

  private label(v: string | null): number {
    if (v === null) return -1;
    let i = this.labelIds.get(v);
    if (i === undefined) {
      i = this.labelTable.push(v) - 1;
      this.labelIds.set(v, i);
    }
    return i;
  }

  /** The next row. */
  add(r: Pick<RowText, 'id' | 'trueLabel' | 'predictedLabel' | 'max' | 'error'>): void {
    const i = this.ids.push(r.id) - 1;
    this.trueLabels.push(this.label(r.trueLabel));
    this.predLabels.push(this.label(r.predictedLabel));
    this.maxes.push(r.max);
    this.bad.push(r.error ? 1 : 0);
    if (r.error) this.errors.set(i, r.error);
  }

  /** Samples listed as failed, in page order: their own problem, or else their heatmap's (`heatmapErrors` by id). */
  failed(heatmapErrors: ReadonlyMap<string, string> = new Map()): { id: string; error: string }[] {
    const out: { id: string; error: string }[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i]!;
      const own = this.errors.get(i);
      if (own) out.push({ id, error: own });
      else if (heatmapErrors.size && heatmapErrors.has(id)) out.push({ id, error: `heatmap failed: ${heatmapErrors.get(id)}` });
    }
    return out;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Chunk files the rows take. */
  get chunks(): number {
    return Math.ceil(this.ids.length / this.chunkRows);
  }

  private labelOf(i: number): string | null {
    return i < 0 ? null : this.labelTable[i]!;
  }

  /** The distinct true and predicted labels, sorted (the filters' choices). */
  labelChoices(): { labels: string[]; preds: string[] } {
    const pick = (col: NumberColumn) => {
      const seen = new Set<number>();
      for (let i = 0; i < col.length; i++) if (col.get(i) >= 0) seen.add(col.get(i));
      return [...seen].map((j) => this.labelTable[j]!).sort();
    };
    return { labels: pick(this.trueLabels), preds: pick(this.predLabels) };
  }

  /** The meta array's JSON text: [id, true, predicted, max, chunk, failed] per row. */
  metaJson(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const k = Math.floor(i / this.chunkRows);
      parts.push(`[${scriptJson(this.ids[i]!)},${scriptJson(this.labelOf(this.trueLabels.get(i)))},${scriptJson(this.labelOf(this.predLabels.get(i)))},${scriptJson(this.maxes.get(i))},${k},${this.bad.get(i)}]`);
    }
    return `[${parts.join(',')}]`;
  }
}
