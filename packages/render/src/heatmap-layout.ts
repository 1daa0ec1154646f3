import { fail, limits, mapCols, mapRows, validateMap, type AttentionMap, type Limits } from '@attnlens/core/tensor';
import type { MeasureText } from './canvas-api.js';
import { createColorizer, type Colorizer } from './colorizer.js';
import { checkColormap } from './colormap.js';
import { checkScaleSpec, finiteRange, formatBound, formatTick, niceTicks, resolveScale, type ScaleSpec } from './scale.js';
import { displayToken, ellipsize, fontSpec, FONT_FAMILY, textDirection, type Direction } from './text.js';

/** Options of `drawHeatmap`, `heatmapSvg` and `renderHeatmapPng`; every field is optional. */
export interface HeatmapOptions {
  /** Colour map name (COLORMAPS); default 'viridis'. */
  colormap?: string;
  /** Reverse the colour map; default false. */
  reverse?: boolean;
  /** Weight range: 'auto' (default: 0..max), 'minmax', or a fixed { min, max } shared across figures. */
  scale?: ScaleSpec;
  /** Padding past validRows/validCols: 'trim' (default) draws only the valid block; 'grey' draws it grey, named in the legend. */
  padding?: 'trim' | 'grey';
  /** Figure title; default the map's name; '' for none. */
  title?: string;
  /** Title of the row axis; default map.rowTitle, else 'Output sequence'. */
  rowTitle?: string;
  /** Title of the column axis; default map.colTitle, else 'Input sequence'. */
  colTitle?: string;
  /** Draw the colour bar; default true. */
  colorbar?: boolean;
  /** Colour-bar label; default 'attention weight'. */
  colorbarLabel?: string;
  /** Cell side in CSS px; default from the matrix size (36 px for small maps down to 9 px so labels fit, less only past maxSize). */
  cellSize?: number;
  /** Largest figure side in CSS px; default 4800 (a 500 x 500 map fits with every label). */
  maxSize?: number;
  /** Longer labels are cut with '…' (full text in the SVG <title>); default 160 px. */
  maxLabelWidth?: number;
  /** Smallest label font in px; below it labels are thinned and the figure says so; default 7. */
  minFontSize?: number;
  /** Print each cell's weight in it: true, false or 'auto' (default: when cells are 24 px or more). */
  showValues?: boolean | 'auto';
  /** 'upper' (default): row 0 at the top; 'lower': row 0 at the bottom (Tacotron style). */
  origin?: 'upper' | 'lower';
  /** CSS font-family list; default FONT_FAMILY (the bundled Noto families first). */
  fontFamily?: string;
  /** Figure background; default '#ffffff'. */
  background?: string;
  /** Size limits over the process-wide ones (core's setLimits): maxHeatmapCells, and for PNGs maxImagePixels. */
  limits?: Partial<Limits>;
}

export interface LabelItem {
  /** Row or column index in the map. */
  index: number;
  /** Text as drawn (maybe ellipsised). */
  text: string;
  /** Full token text (for SVG titles). */
  full: string;
  cut: boolean;
  dir: Direction;
  /** Anchor: for rows the right end at (x, y middle); for columns the cell centre x and the top y of the band. */
  x: number;
  y: number;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  map: AttentionMap;
  /** Rows and columns drawn (the valid block, or everything with padding 'grey'). */
  rows: number;
  cols: number;
  validRows: number;
  validCols: number;
  cell: number;
  origin: 'upper' | 'lower';
  plot: { x: number; y: number; w: number; h: number };
  fontFamily: string;
  background: string;
  labelFont: string;
  rowLabels: LabelItem[];
  colLabels: LabelItem[];
  colRotated: boolean;
  title?: { text: string; full: string; x: number; y: number; font: string };
  rowTitle?: { text: string; x: number; y: number; font: string };
  colTitle?: { text: string; x: number; y: number; font: string };
  colorbar?: {
    x: number; y: number; w: number; h: number;
    ticks: { value: number; y: number; text: string }[];
    tickFont: string;
    label: { text: string; x: number; y: number; font: string };
  };
  /** Legend entries under the figure (non-finite and padding swatches) and notes (thinned labels, clamped values). */
  legend: { x: number; y: number; font: string; items: { kind: 'nan' | 'pad' | 'note'; text: string }[] };
  values?: { font: string; digits: number };
  colorizer: Colorizer;
  /** Any non-finite weight among the drawn valid cells. */
  hasNonFinite: boolean;
}

const PAD = 12;
const TITLE_PX = 15;
const AXIS_PX = 12;
const TICK_PX = 11;
const BAR_W = 14;
const LEGEND_PX = 11;

function num(v: unknown, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    fail('BAD_ARGUMENT', `heatmap option ${name} must be a number from ${lo} to ${hi}, got ${String(v)}`);
  }
  return v;
}

function checkOptions(o: HeatmapOptions): void {
  if (o.colormap !== undefined) checkColormap(o.colormap);
  checkScaleSpec(o.scale);
  if (o.padding !== undefined && o.padding !== 'trim' && o.padding !== 'grey') fail('BAD_ARGUMENT', `heatmap option padding must be 'trim' or 'grey', got ${JSON.stringify(o.padding)}`);
  if (o.origin !== undefined && o.origin !== 'upper' && o.origin !== 'lower') fail('BAD_ARGUMENT', `heatmap option origin must be 'upper' or 'lower', got ${JSON.stringify(o.origin)}`);
  if (o.showValues !== undefined && typeof o.showValues !== 'boolean' && o.showValues !== 'auto') fail('BAD_ARGUMENT', `heatmap option showValues must be true, false or 'auto'`);
}

/** Labels to draw along one axis: every one when `tokens` exist (thinned only past the font floor), else round index ticks. */
function axisLabels(n: number, tokens: readonly string[] | undefined, cell: number, labelPx: number, minPx: number): { indices: number[]; step: number; thinned: boolean } {
  if (tokens && tokens.length) {
    // every token gets its own label as long as the cell is at least the font floor tall
    const step = cell >= minPx ? 1 : Math.ceil(minPx / cell);
    const indices: number[] = [];
    for (let i = 0; i < n; i += step) indices.push(i);
    return { indices, step, thinned: step > 1 };
  }
  // no tokens: index ticks at a round step (indices are not tokens, so thinning hides nothing)
  const digits = String(Math.max(0, n - 1)).length;
  const need = Math.max(labelPx * 1.25, digits * labelPx * 0.62 + 4);
  let step = 1;
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]) {
    step = s;
    if (s * cell >= need) break;
  }
  const indices: number[] = [];
  for (let i = 0; i < n; i += step) indices.push(i);
  return { indices, step, thinned: false };
}

/**
 * The valid block of `m` averaged over fr x fc blocks so that it fits `maxCells` (core's
 * maxHeatmapCells limit: 1000 x 1000 unless raised) and `maxSide` cells a side, or undefined when it already fits. A cell is the mean of its
 * block's finite weights (NaN when it has none); a label is its block's first token.
 */
function reduceForDrawing(m: AttentionMap, maxSide: number, maxCells: number): { map: AttentionMap; note: string } | undefined {
  const is2d = m.shape.length === 2;
  const rows = m.validRows ?? mapRows(m);
  const cols = m.validCols ?? mapCols(m);
  if (rows * cols <= maxCells && Math.max(rows, cols) <= maxSide) return undefined;
  // rows first, to at most sqrt(MAX) a side; then columns take what the cell budget leaves
  const side = Math.max(1, Math.min(maxSide, Math.floor(Math.sqrt(maxCells))));
  const fr = rows > side ? Math.ceil(rows / side) : 1;
  const r2 = Math.ceil(rows / fr);
  const fc = Math.ceil(cols / Math.max(1, Math.min(maxSide, Math.floor(maxCells / r2))));
  const c2 = Math.ceil(cols / fc);
  const stride = mapCols(m);
  const sums = new Float64Array(r2 * c2);
  const counts = new Uint32Array(r2 * c2);
  for (let r = 0; r < rows; r++) {
    const base = ((r / fr) | 0) * c2;
    for (let c = 0; c < cols; c++) {
      const w = m.weights[r * stride + c]!;
      if (!Number.isFinite(w)) continue;
      const k = base + ((c / fc) | 0);
      sums[k] += w;
      counts[k]++;
    }
  }
  const weights = Float32Array.from(sums, (x, k) => (counts[k] ? x / counts[k]! : NaN));
  const pick = (labels: string[] | undefined, n: number, f: number) => (labels?.length ? Array.from({ length: n }, (_, i) => labels[i * f]!) : undefined);
  const map: AttentionMap = { ...m, shape: is2d ? [r2, c2] : [c2], weights, validRows: undefined, validCols: undefined, children: undefined };
  delete map.validRows;
  delete map.validCols;
  delete map.children;
  const cl = pick(m.colLabels, c2, fc);
  const rl = is2d ? pick(m.rowLabels, r2, fr) : undefined;
  if (cl) map.colLabels = cl;
  else delete map.colLabels;
  if (rl) map.rowLabels = rl;
  else delete map.rowLabels;
  const dims = (a: number, b: number) => (is2d ? `${a} x ${b}` : `${b}`);
  const note = `downsampled to draw: the ${dims(rows, cols)} map is shown as ${dims(r2, c2)} cells, each the mean of ${is2d ? `${fr} x ${fc}` : fc} weights (labels: each block's first token)`;
  return { map, note };
}

/** Compute where everything of a heatmap goes. `measure` measures text (canvas) or estimates it (SVG). */
export function layoutHeatmap(source: AttentionMap, opts: HeatmapOptions, measure: MeasureText): HeatmapLayout {
  validateMap(source, source.name ? `map ${JSON.stringify(source.name)}` : 'map');
  checkOptions(opts);
  const maxSize = num(opts.maxSize, 'maxSize', 64, 32768) ?? 4800;
  const maxLabelWidth = num(opts.maxLabelWidth, 'maxLabelWidth', 8, 2000) ?? 160;
  const minPx = num(opts.minFontSize, 'minFontSize', 4, 40) ?? 7;
  const given = num(opts.cellSize, 'cellSize', 1, 400);
  // room the labels and colour bar take around the plot, at most
  const reserve = Math.min(maxLabelWidth + 160, maxSize / 3);
  const maxPlot = maxSize - reserve;
  const reduced = reduceForDrawing(source, Math.floor(maxPlot / (given ?? 1)), Math.max(1, limits(opts.limits).maxHeatmapCells));
  const map = reduced?.map ?? source;
  const fontFamily = opts.fontFamily ?? FONT_FAMILY;
  const fullRows = mapRows(map);
  const fullCols = mapCols(map);
  const validRows = map.validRows ?? fullRows;
  const validCols = map.validCols ?? fullCols;
  const grey = opts.padding === 'grey' && !reduced;
  const rows = grey ? fullRows : validRows;
  const cols = grey ? fullCols : validCols;
  if (rows === 0 || cols === 0) {
    fail('BAD_ARGUMENT', `${map.name ? `map ${JSON.stringify(map.name)}` : 'the map'} has no ${grey ? '' : 'valid '}cells to draw (${rows} x ${cols})`, {
      hint: grey ? 'the map is empty' : 'its validRows/validCols are 0; pass padding: "grey" to see the padded cells',
    });
  }
  const is2d = map.shape.length === 2;
  const rowTokens = is2d && map.rowLabels && map.rowLabels.length ? map.rowLabels : undefined;
  const colTokens = map.colLabels && map.colLabels.length ? map.colLabels : undefined;
  const n = Math.max(rows, cols);
  let cell = given ?? Math.max(Math.min(36, Math.round(600 / n)), rowTokens || colTokens ? minPx + 2 : 2);
  if (n * cell > maxPlot) cell = Math.floor(maxPlot / n);
  if (cell < 1) {
    fail('UNSUPPORTED', `a ${rows} x ${cols} map is too large to draw within ${maxSize} px`, {
      hint: `raise maxSize to at least ${Math.ceil(n + reserve)} or crop the map`,
      details: { rows, cols, maxSize },
    });
  }
  const labelPx = Math.max(minPx, Math.min(13, Math.floor(cell * 0.72)));
  const labelFont = fontSpec(labelPx, fontFamily);
  const tickFont = fontSpec(TICK_PX, fontFamily);
  const axisFont = fontSpec(AXIS_PX, fontFamily);
  const legendFont = fontSpec(LEGEND_PX, fontFamily);
  const notes: string[] = reduced ? [reduced.note] : [];

  const makeLabels = (count: number, tokens: readonly string[] | undefined, which: 'row' | 'column') => {
    const { indices, step, thinned } = axisLabels(count, tokens, cell, labelPx, minPx);
    if (thinned) notes.push(`every ${ordinal(step)} ${which} label shown: ${count} ${which}s at ${cell} px are below the ${minPx} px font floor (raise maxSize)`);
    return indices.map((i): LabelItem => {
      const full = tokens ? displayToken(tokens[i]) : String(i);
      const e = ellipsize(full, maxLabelWidth, labelFont, measure);
      return { index: i, text: e.text, full, cut: e.cut, dir: textDirection(full) ?? 'ltr', x: 0, y: 0 };
    });
  };
  const rowLabels = is2d ? makeLabels(rows, rowTokens, 'row') : [];
  const colLabels = makeLabels(cols, colTokens, 'column');
  const colStep = colLabels.length > 1 ? colLabels[1]!.index - colLabels[0]!.index : 1;
  const rowLabelW = Math.ceil(Math.max(0, ...rowLabels.map((l) => measure(l.text, labelFont))));
  const colLabelW = Math.ceil(Math.max(0, ...colLabels.map((l) => measure(l.text, labelFont))));
  const colRotated = colLabelW > colStep * cell - 3;
  const colBandH = colRotated ? colLabelW + 2 : Math.ceil(labelPx * 1.35);

  // titles
  const titleText = opts.title ?? map.name ?? '';
  const rowTitleText = is2d ? (opts.rowTitle ?? map.rowTitle ?? 'Output sequence') : '';
  const colTitleText = opts.colTitle ?? map.colTitle ?? 'Input sequence';
  const titleFont = fontSpec(TITLE_PX, fontFamily, 600);

  const top = PAD + (titleText ? Math.ceil(TITLE_PX * 1.7) : 0);
  const rowTitleW = rowTitleText ? Math.ceil(AXIS_PX * 1.6) : 0;
  const plot = { x: PAD + rowTitleW + (rowLabelW ? rowLabelW + 6 : 0), y: top, w: cols * cell, h: rows * cell };
  const origin = opts.origin ?? 'upper';

  for (const l of rowLabels) {
    const r = origin === 'upper' ? l.index : rows - 1 - l.index;
    l.x = plot.x - 5;
    l.y = plot.y + (r + 0.5) * cell;
  }
  for (const l of colLabels) {
    l.x = plot.x + (l.index + 0.5) * cell;
    l.y = plot.y + plot.h + 4;
  }
  let bottom = plot.y + plot.h + 4 + colBandH;
  let colTitle: HeatmapLayout['colTitle'];
  if (colTitleText) {
    colTitle = { text: colTitleText, x: plot.x + plot.w / 2, y: bottom + 4 + AXIS_PX * 0.6, font: axisFont };
    bottom += 4 + Math.ceil(AXIS_PX * 1.4);
  }
  let rowTitle: HeatmapLayout['rowTitle'];
  if (rowTitleText) rowTitle = { text: rowTitleText, x: PAD + AXIS_PX * 0.6, y: plot.y + plot.h / 2, font: axisFont };

  // colour scale and bar
  const colorizer = createColorizer({ colormap: opts.colormap ?? 'viridis', reverse: opts.reverse ?? false, scale: resolveScale(source, opts.scale ?? 'auto') }); // the real range, not the averaged one
  let right = plot.x + plot.w;
  let cbarBottom = 0;
  let colorbar: HeatmapLayout['colorbar'];
  if (opts.colorbar !== false) {
    const h = Math.max(plot.h, 100);
    const x = plot.x + plot.w + 16;
    const { min, max } = colorizer.scale;
    const values = niceTicks(min, max, Math.max(2, Math.min(8, Math.floor(h / 36))));
    const ticks = values.map((v) => ({ value: v, y: plot.y + h - ((v - min) / (max - min)) * h, text: formatTick(v, values) }));
    const tickW = Math.ceil(Math.max(0, ...ticks.map((t) => measure(t.text, tickFont))));
    const labelText = opts.colorbarLabel ?? 'attention weight';
    const lx = x + BAR_W + 6 + tickW + 6 + AXIS_PX * 0.6;
    colorbar = { x, y: plot.y, w: BAR_W, h, ticks, tickFont, label: { text: labelText, x: lx, y: plot.y + h / 2, font: axisFont } };
    right = labelText ? lx + AXIS_PX : x + BAR_W + 6 + tickW;
    cbarBottom = plot.y + h;
  }

  // legend and notes
  const range = finiteRange([source]);
  const hasNonFinite = countNonFinite(map, Math.min(rows, validRows), Math.min(cols, validCols)) > 0;
  const items: HeatmapLayout['legend']['items'] = [];
  if (hasNonFinite) items.push({ kind: 'nan', text: 'NaN/Inf' });
  if (grey && (validRows < rows || validCols < cols)) items.push({ kind: 'pad', text: `padding (valid ${is2d ? `${validRows} x ${validCols}` : validCols})` });
  if (typeof opts.scale === 'object' && range && (range[0] < colorizer.scale.min || range[1] > colorizer.scale.max)) {
    notes.push(`weights outside the fixed scale ${formatBound(colorizer.scale.min)}..${formatBound(colorizer.scale.max)} are drawn at its ends (data ${formatBound(range[0])}..${formatBound(range[1])})`);
  }
  for (const t of notes) items.push({ kind: 'note', text: t });
  bottom = Math.max(bottom, cbarBottom);
  const legend = { x: PAD, y: bottom + 6, font: legendFont, items };
  let legendW = 0;
  if (items.length) {
    const swatches = items.filter((i) => i.kind !== 'note');
    if (swatches.length) {
      legendW = swatches.reduce((a, i) => a + 18 + measure(i.text, legendFont) + 14, 0);
      bottom += 6 + LEGEND_PX * 1.6;
    }
    for (const i of items) {
      if (i.kind !== 'note') continue;
      legendW = Math.max(legendW, measure(i.text, legendFont));
      bottom += (swatches.length || i !== items[0] ? 2 : 6) + LEGEND_PX * 1.5;
    }
  }

  let width = Math.max(right + PAD, PAD + legendW + PAD);
  let title: HeatmapLayout['title'];
  if (titleText) {
    const tw = measure(titleText, titleFont);
    if (tw + 2 * PAD > width) width = Math.min(maxSize, Math.ceil(tw + 2 * PAD));
    const e = ellipsize(titleText, width - 2 * PAD, titleFont, measure);
    title = { text: e.text, full: titleText, x: Math.min(Math.max(plot.x + plot.w / 2, PAD + tw / 2), width - PAD - tw / 2), y: PAD + TITLE_PX * 0.75, font: titleFont };
    if (e.cut) title.x = width / 2;
  }
  const height = Math.ceil(bottom + PAD);
  width = Math.ceil(width);

  let values: HeatmapLayout['values'];
  const span = colorizer.scale.max - colorizer.scale.min;
  const digits = Math.max(2, Math.min(4, Math.ceil(-Math.log10(span)) + 2));
  const valuePx = Math.min(11, Math.floor(cell * 0.36));
  const wantValues = opts.showValues === true || ((opts.showValues ?? 'auto') === 'auto' && cell >= 24);
  if (wantValues && valuePx >= 5) {
    const vf = fontSpec(valuePx, fontFamily);
    if (opts.showValues === true || measure((-0).toFixed(digits), vf) <= cell - 4) values = { font: vf, digits };
  }

  return {
    width, height, map, rows, cols, validRows, validCols, cell, origin, plot, fontFamily,
    background: opts.background ?? '#ffffff', labelFont, rowLabels, colLabels, colRotated,
    ...(title ? { title } : {}), ...(rowTitle ? { rowTitle } : {}), ...(colTitle ? { colTitle } : {}),
    ...(colorbar ? { colorbar } : {}), legend, ...(values ? { values } : {}), colorizer, hasNonFinite,
  };
}

function countNonFinite(map: AttentionMap, vr: number, vc: number): number {
  const cols = mapCols(map);
  let n = 0;
  for (let r = 0; r < vr; r++) for (let c = 0; c < vc; c++) if (!Number.isFinite(map.weights[r * cols + c]!)) n++;
  return n;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}

/** The weight of drawn cell (r, c), and whether it is padding. */
export function cellAt(l: HeatmapLayout, r: number, c: number): { w: number; pad: boolean } {
  const cols = mapCols(l.map);
  return { w: l.map.weights[r * cols + c]!, pad: r >= l.validRows || c >= l.validCols };
}

/** Top-left corner of drawn cell (r, c). */
export function cellOrigin(l: HeatmapLayout, r: number, c: number): { x: number; y: number } {
  const vr = l.origin === 'upper' ? r : l.rows - 1 - r;
  return { x: l.plot.x + c * l.cell, y: l.plot.y + vr * l.cell };
}
