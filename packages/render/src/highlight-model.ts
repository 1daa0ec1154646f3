import { checkSize, fail, mapCols, validateDocument, type AttentionDocument, type AttentionMap, type Limits } from '@attnlens/core/tensor';
import { createColorizer, NAN_COLOR, PAD_COLOR, type Colorizer } from './colorizer.js';
import { checkColormap } from './colormap.js';
import type { HeatmapOptions } from './heatmap-layout.js';
import { barFraction } from './highlight-client.js';
import { checkScaleSpec, formatWeight, resolveScale, scaleFromRange, type Scale, type ScaleSpec } from './scale.js';
import { clipText, displayToken, MAX_LABEL_CHARS, resolveDirections, type Direction } from './text.js';

/** Options of `highlightHtml`, `highlightPage`, `drawHighlight` and `renderHighlightPng`; every field is optional. */
export interface HighlightOptions {
  /** Colour map of token weights; default 'Reds' (white for 0, so text stays readable). */
  colormap?: string;
  reverse?: boolean;
  /** Weight range of token colours: 'auto' (default: 0..max per map), 'minmax', or a fixed { min, max } shared across documents. */
  scale?: ScaleSpec;
  /** One range over all maps of the document instead of one per map (side-by-side comparison); default false. Ignored with a fixed scale. */
  shareScale?: boolean;
  /** Colour map of the sentence bars of hierarchical maps; default 'Blues'. */
  sentenceColormap?: string;
  /** Weight range of sentence bars; default 'auto'. */
  sentenceScale?: ScaleSpec;
  /**
   * Word colour in hierarchical maps: 'word' (default) the word weight; 'sentence-scaled'
   * √(sentence weight) · word weight, the HAN paper's convention, which fades words of unimportant sentences.
   */
  wordWeighting?: 'word' | 'sentence-scaled';
  /** Padding tokens past validCols: 'trim' (default) or 'grey'. */
  padding?: 'trim' | 'grey';
  /** Heading of the document; default its id; '' for none. */
  title?: string;
  /** Digits of weights in hover text; default 4. */
  digits?: number;
  /** CSS font-family list; default FONT_FAMILY. */
  fontFamily?: string;
  /** Options for 2-D maps of the document, drawn as heatmaps. */
  heatmap?: HeatmapOptions;
  /** Size limits over the process-wide ones (core's setLimits): maxHighlightTokens, and for PNGs maxImagePixels. */
  limits?: Partial<Limits>;
}

export type CellKind = 'weight' | 'nan' | 'pad';

export interface TokenCell {
  /** Token as displayed (newlines and empty tokens made visible). */
  text: string;
  weight: number;
  kind: CellKind;
  /** Background and text colours (#rrggbb). */
  bg: string;
  fg: string;
  /** Hover text: token, map and weight. */
  title: string;
  /** Short hover text for the CSS tooltip: map and weight. */
  tip: string;
}

export interface LegendEntry {
  label: string;
  colorizer: Colorizer;
}

export interface AlignedBlock {
  kind: 'aligned';
  /** One name per map (row of the grid). */
  names: string[];
  /** cells[position][map]; undefined where a map is shorter. */
  cells: (TokenCell | undefined)[][];
  dirs: Direction[];
  base: Direction;
}

export interface Sentence {
  label: string;
  weight: number;
  /** Bar length in [0, 1] and colour. */
  fraction: number;
  color: string;
  title: string;
  words: TokenCell[];
  dirs: Direction[];
  base: Direction;
  pad: boolean;
}

export interface HierarchicalBlock {
  kind: 'hierarchical';
  name: string;
  sentences: Sentence[];
}

export interface MatrixBlock {
  kind: 'matrix';
  name: string;
  map: AttentionMap;
  index: number;
}

export type Block = AlignedBlock | HierarchicalBlock | MatrixBlock;

export interface HighlightModel {
  id: string;
  title: string;
  trueLabel?: string;
  predictedLabel?: string;
  /** True when both labels are present and differ. */
  misclassified?: boolean;
  blocks: Block[];
  legend: LegendEntry[];
  hasNaN: boolean;
  hasPad: boolean;
}

function checkOptions(o: HighlightOptions): void {
  if (o.colormap !== undefined) checkColormap(o.colormap);
  if (o.sentenceColormap !== undefined) checkColormap(o.sentenceColormap);
  checkScaleSpec(o.scale);
  checkScaleSpec(o.sentenceScale);
  if (o.wordWeighting !== undefined && o.wordWeighting !== 'word' && o.wordWeighting !== 'sentence-scaled') fail('BAD_ARGUMENT', `highlight option wordWeighting must be 'word' or 'sentence-scaled', got ${JSON.stringify(o.wordWeighting)}`);
  if (o.padding !== undefined && o.padding !== 'trim' && o.padding !== 'grey') fail('BAD_ARGUMENT', `highlight option padding must be 'trim' or 'grey', got ${JSON.stringify(o.padding)}`);
  if (o.digits !== undefined && !(Number.isInteger(o.digits) && o.digits >= 0 && o.digits <= 10)) fail('BAD_ARGUMENT', `highlight option digits must be an integer from 0 to 10, got ${String(o.digits)}`);
}

const isHier = (m: AttentionMap) => m.shape.length === 1 && !!m.children && m.children.length > 0;
const isFlat = (m: AttentionMap) => m.shape.length === 1 && !isHier(m);

/** Weights of the tokens shown: the valid ones, plus padding when `grey`. */
function shownCount(m: AttentionMap, grey: boolean): number {
  return grey ? mapCols(m) : (m.validCols ?? mapCols(m));
}

function cell(token: string, w: number, pad: boolean, mapName: string, c: Colorizer, digits: number, note = ''): TokenCell {
  const full = displayToken(token);
  const text = clipText(full, MAX_LABEL_CHARS); // the label; the title keeps up to MAX_TITLE_CHARS
  if (pad) return { text, weight: w, kind: 'pad', bg: PAD_COLOR, fg: '#444444', title: `${full} · ${mapName}: padding`, tip: `${mapName}: padding` };
  const value = formatWeight(w, digits) + note;
  const kind: CellKind = Number.isFinite(w) ? 'weight' : 'nan';
  return { text, weight: w, kind, bg: kind === 'nan' ? NAN_COLOR : c.css(w), fg: c.text(w), title: `${full} · ${mapName}: ${value}`, tip: `${mapName}: ${value}` };
}

/**
 * What a highlighted document shows, independent of the medium: the HTML and the
 * canvas renderers both draw this, so they agree on every colour and label.
 */
/** How many token boxes a highlight of `maps` needs (1-D maps and their children). */
export function highlightTokens(maps: readonly AttentionMap[]): number {
  let n = 0;
  for (const m of maps) if (m.shape.length === 1) n += mapCols(m) + highlightTokens(m.children ?? []);
  return n;
}

/**
 * Fail with SIZE_LIMIT when a document has more tokens than a highlight shows (core's maxHighlightTokens;
 * 2-D maps are heatmaps and are averaged down instead). Every token is a box with its own label.
 */
export function checkHighlightSize(doc: AttentionDocument, lim?: Partial<Limits>): void {
  checkSize(highlightTokens(doc.maps), `document ${JSON.stringify(clipText(doc.id, 80))}`, 'maxHighlightTokens', {
    limits: lim,
    instead: 'crop the map to the tokens of interest, or draw it as a heatmap (SVG), which averages it down to fit',
  });
}

export function buildHighlight(doc: AttentionDocument, opts: HighlightOptions = {}): HighlightModel {
  validateDocument(doc);
  checkOptions(opts);
  checkHighlightSize(doc, opts.limits); // before a cell is built
  const grey = opts.padding === 'grey';
  const digits = opts.digits ?? 4;
  const colormap = opts.colormap ?? 'Reds';
  const spec = opts.scale ?? 'auto';
  const names = doc.maps.map((m, i) => m.name ?? (doc.maps.length > 1 ? `map ${i + 1}` : 'attention'));
  const legend: LegendEntry[] = [];
  let hasNaN = false;
  let hasPad = false;

  const flat = doc.maps.filter(isFlat);
  const shared = opts.shareScale && typeof spec !== 'object' ? resolveScale(flat, spec) : undefined;
  if (shared && flat.length) legend.push({ label: flat.length > 1 ? 'token weight (shared scale)' : 'token weight', colorizer: createColorizer({ colormap, reverse: opts.reverse ?? false, scale: shared }) });
  const colorizerFor = (m: AttentionMap, name: string): Colorizer => {
    if (shared) return legend[0]!.colorizer;
    const c = createColorizer({ colormap, reverse: opts.reverse ?? false, scale: resolveScale(m, spec) });
    legend.push({ label: name, colorizer: c });
    return c;
  };

  const blocks: Block[] = [];
  doc.maps.forEach((m, i) => {
    const name = names[i]!;
    if (m.shape.length === 2) {
      blocks.push({ kind: 'matrix', name, map: m, index: i });
      return;
    }
    if (isHier(m)) {
      blocks.push(hierarchical(m, name, opts, grey, digits, legend));
      return;
    }
    const c = colorizerFor(m, name);
    const n = shownCount(m, grey);
    const valid = m.validCols ?? mapCols(m);
    const cells: TokenCell[] = [];
    for (let k = 0; k < n; k++) {
      const tok = m.colLabels?.[k] ?? String(k);
      const cl = cell(tok, m.weights[k]!, k >= valid, name, c, digits);
      if (cl.kind === 'nan') hasNaN = true;
      if (cl.kind === 'pad') hasPad = true;
      cells.push(cl);
    }
    // consecutive flat maps share one grid, aligned token by token
    const prev = blocks[blocks.length - 1];
    const prevMap = i > 0 ? doc.maps[i - 1] : undefined;
    if (prev && prev.kind === 'aligned' && prevMap && isFlat(prevMap)) {
      prev.names.push(name);
      const rowsBefore = prev.names.length - 1;
      for (let k = 0; k < Math.max(prev.cells.length, cells.length); k++) {
        prev.cells[k] ??= new Array(rowsBefore).fill(undefined);
        prev.cells[k]!.push(cells[k]);
      }
    } else {
      blocks.push({ kind: 'aligned', names: [name], cells: cells.map((x) => [x]), dirs: [], base: 'ltr' });
    }
  });
  for (const b of blocks) {
    if (b.kind !== 'aligned') continue;
    // a position's direction comes from the first map with a token there
    const tokens = b.cells.map((col) => col.find((x) => x !== undefined)?.text ?? '');
    const r = resolveDirections(tokens);
    b.dirs = r.dirs;
    b.base = r.base;
  }
  for (const b of blocks) {
    if (b.kind === 'hierarchical') for (const s of b.sentences) for (const w of s.words) { if (w.kind === 'nan') hasNaN = true; if (w.kind === 'pad') hasPad = true; }
  }
  const model: HighlightModel = { id: doc.id, title: opts.title ?? doc.id, blocks, legend, hasNaN, hasPad };
  if (doc.trueLabel !== undefined) model.trueLabel = String(doc.trueLabel);
  if (doc.predictedLabel !== undefined) model.predictedLabel = String(doc.predictedLabel);
  if (model.trueLabel !== undefined && model.predictedLabel !== undefined) model.misclassified = model.trueLabel !== model.predictedLabel;
  return model;
}

/** Word colour values of a hierarchical map: raw, or √(p_s)·p_w under 'sentence-scaled'. */
function wordValue(m: AttentionMap, weighting: HighlightOptions['wordWeighting']): (s: number, w: number) => number {
  return weighting === 'sentence-scaled' ? (s, w) => Math.sqrt(Math.max(0, m.weights[s]!)) * w : (_s, w) => w;
}

/**
 * The colour scale of a hierarchical map's words: the fixed `opts.scale`, or one range over the
 * valid words of its valid sentences (so sentences compare), by the 'auto'/'minmax' rule.
 */
export function hierarchicalWordScale(m: AttentionMap, opts: Pick<HighlightOptions, 'scale' | 'wordWeighting'> = {}): Scale {
  const spec = opts.scale ?? 'auto';
  if (typeof spec === 'object') return { min: spec.min, max: spec.max };
  const eff = wordValue(m, opts.wordWeighting);
  const validS = m.validCols ?? mapCols(m);
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = 0; s < validS; s++) {
    const ch = m.children![s]!;
    const vc = ch.validCols ?? mapCols(ch);
    for (let k = 0; k < vc; k++) {
      const v = eff(s, ch.weights[k]!);
      if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  return scaleFromRange(lo <= hi ? [lo, hi] : undefined, spec);
}

function hierarchical(m: AttentionMap, name: string, opts: HighlightOptions, grey: boolean, digits: number, legend: LegendEntry[]): HierarchicalBlock {
  const nS = shownCount(m, grey);
  const validS = m.validCols ?? mapCols(m);
  const sc = createColorizer({ colormap: opts.sentenceColormap ?? 'Blues', scale: resolveScale(m, opts.sentenceScale ?? 'auto') });
  const scaled = opts.wordWeighting === 'sentence-scaled';
  const eff = wordValue(m, opts.wordWeighting);
  const wordScale = hierarchicalWordScale(m, opts);
  const wc = createColorizer({ colormap: opts.colormap ?? 'Reds', reverse: opts.reverse ?? false, scale: wordScale });
  legend.push({ label: `${name}: sentence weight`, colorizer: sc });
  legend.push({ label: `${name}: ${scaled ? '√sentence · word weight' : 'word weight'}`, colorizer: wc });
  const sentences: Sentence[] = [];
  for (let s = 0; s < nS; s++) {
    const ch = m.children![s]!;
    const sw = m.weights[s]!;
    const pad = s >= validS;
    const label = m.colLabels?.[s] !== undefined ? displayToken(m.colLabels[s]) : `sentence ${s + 1}`;
    const n = shownCount(ch, grey);
    const vc = ch.validCols ?? mapCols(ch);
    const words: TokenCell[] = [];
    for (let k = 0; k < n; k++) {
      const w = ch.weights[k]!;
      const e = eff(s, w);
      const note = scaled ? ` (word ${formatWeight(w, digits)}, sentence ${formatWeight(sw, digits)})` : '';
      words.push(cell(ch.colLabels?.[k] ?? String(k), e, pad || k >= vc, name, wc, digits, note));
    }
    const r = resolveDirections(words.map((w) => w.text));
    const fraction = barFraction(sc.scale, sw);
    sentences.push({
      label, weight: sw, fraction, color: pad ? PAD_COLOR : sc.css(sw), pad,
      title: `${label} · ${name}: ${pad ? 'padding' : formatWeight(sw, digits)}`, words, dirs: r.dirs, base: r.base,
    });
  }
  return { kind: 'hierarchical', name, sentences };
}
