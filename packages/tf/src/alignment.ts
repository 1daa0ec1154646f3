// A stacked alignment_history array -> one AttentionDocument per batch item
// (shared docs FORMATS.md §4.1–4.2). Axis letters: t = decoder (output) steps,
// b = batch, e = encoder (input) steps. `stack()` gives tbe; Tacotron keeps bet.
import {
  fail, formatShape, toFloat32,
  type AttentionDocument, type AttentionMap, type Provenance, type Tensor,
} from '@attnlens/core';
import { LABEL_NAMES, type ExampleLabels } from './labels.js';

export const DEFAULT_LAYOUT_3D = 'tbe';
export const DEFAULT_LAYOUT_2D = 'te';
export const LAYOUT_HELP = 'tbe = [decoder steps, batch, encoder steps] (alignment_history.stack(), the default for 3-D), bte, bet = [batch, encoder, decoder] (Tacotron), te (default for 2-D) or et for one example';

export interface Axes {
  layout: string;
  /** Axis index of decoder steps, encoder steps and (3-D) batch in the array's shape. */
  t: number;
  e: number;
  b?: number;
}

/** Parse `layout` for an array of `shape`; SHAPE_MISMATCH when the shape cannot be that layout. */
export function layoutAxes(shape: readonly number[], layout?: string, file?: string): Axes {
  const rank = shape.length;
  const name = (layout ?? (rank === 2 ? DEFAULT_LAYOUT_2D : DEFAULT_LAYOUT_3D)).toLowerCase();
  const letters = [...name];
  const valid = (letters.length === 3 || letters.length === 2) && new Set(letters).size === letters.length &&
    letters.includes('t') && letters.includes('e') && letters.every((c) => c === 't' || c === 'b' || c === 'e');
  if (!valid) {
    fail('BAD_ARGUMENT', `layout ${JSON.stringify(layout)} is not a layout: give the axis order with the letters t (decoder steps), b (batch), e (encoder steps)`, {
      file,
      hint: LAYOUT_HELP,
      details: { option: 'layout' },
    });
  }
  if (rank !== letters.length) {
    const needs = letters.length === 3 ? `a 3-D array [${letters.map(axisWord).join(', ')}]` : `a 2-D array [${letters.map(axisWord).join(', ')}] (one example)`;
    fail('SHAPE_MISMATCH', `an array of shape ${formatShape(shape)} cannot be layout ${name}, which needs ${needs}`, {
      file,
      hint: rank === 2 ? 'for one example use layout te or et'
        : rank === 3 ? 'for a batch use layout tbe, bte or bet'
        : rank === 4 && shape[3] === 1 ? 'it looks like an image batch [batch, encoder, decoder, 1]; drop the last axis (np.squeeze) and use layout bet'
        : `attnlens reads 2-D (one example) or 3-D (a batch) alignments; ${LAYOUT_HELP}`,
      details: { shape: [...shape], layout: name, option: 'layout' },
    });
  }
  return { layout: name, t: letters.indexOf('t'), e: letters.indexOf('e'), ...(letters.includes('b') ? { b: letters.indexOf('b') } : {}) };
}

/** Every 3-D layout, the ones TF users produce first (stack(), batch-major, Tacotron). */
const LAYOUTS_3D = ['tbe', 'bte', 'bet', 'teb', 'ebt', 'etb'];
const COMMON = ['tbe', 'bte', 'bet', 'te', 'et'];

const axisWord = (c: string) => (c === 't' ? 'decoder steps' : c === 'e' ? 'encoder steps' : 'batch');

/**
 * Which axes of `x` hold distributions: for each axis, whether the (non-zero, finite)
 * lines along it sum to 1 (softmax attention over the encoder does). Used to catch an
 * array read in the wrong layout before it turns into silently transposed maps.
 */
const MAX_LINES_CHECKED = 1024;

export function distributionAxes(x: Tensor): boolean[] {
  const shape = x.shape;
  const data = toFloat32(x);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return shape.map((len, axis) => {
    if (len < 2) return false;
    const stride = strides[axis]!;
    const total = data.length / len; // lines along this axis
    // A sample of lines, evenly spread, is enough to tell (and keeps big arrays cheap).
    const step = Math.max(1, Math.floor(total / MAX_LINES_CHECKED));
    let lines = 0;
    let ok = 0;
    for (let line = 0; line < total; line += step) {
      const o = Math.floor(line / stride);
      const base = o * len * stride + (line % stride);
      let s = 0;
      let nonzero = false;
      for (let k = 0; k < len; k++) {
        const v = data[base + k * stride]!;
        s += v;
        if (v !== 0) nonzero = true;
      }
      if (!nonzero || !Number.isFinite(s)) continue;
      lines++;
      if (Math.abs(s - 1) < 0.02) ok++;
    }
    return lines > 0 && ok >= 0.9 * lines;
  });
}

export interface AlignmentOptions {
  /** Axis order (see LAYOUT_HELP); default tbe for 3-D, te for 2-D. */
  layout?: string;
  /** Tokens per example (one line of a token file each): label the encoder and decoder axes. */
  srcTokens?: string[][];
  tgtTokens?: string[][];
  /** Valid encoder / decoder steps per example (trims padding and rows TF wrote after the end). */
  srcLengths?: number[];
  tgtLengths?: number[];
  file?: string;
  provenance?: Provenance;
  /** Document ids are idPrefix + String(firstId + batch index) (default "" and 0: the line number in token files). */
  firstId?: number;
  idPrefix?: string;
  /** Map name (default "alignment") and layer (e.g. the tensor's tag). */
  name?: string;
  layer?: string;
  /** Extra document meta. */
  meta?: Record<string, string>;
  /** Skip the check that rows along the encoder axis sum to 1 (for non-softmax attention). */
  noLayoutCheck?: boolean;
  warn?: (message: string) => void;
}

/** One alignment document per batch item (see iterateAlignmentDocuments). */
export function alignmentDocuments(t: Tensor, opts: AlignmentOptions = {}): AttentionDocument[] {
  return [...iterateAlignmentDocuments(t, opts)];
}

/**
 * One AttentionDocument per batch item of an alignment array: a map of shape
 * [decoder steps, encoder steps] (rows = output steps), labelled with tokens when given,
 * with validRows/validCols from the lengths (or the token counts).
 */
export function* iterateAlignmentDocuments(t: Tensor, opts: AlignmentOptions = {}): Generator<AttentionDocument, void, undefined> {
  const { file } = opts;
  const axes = layoutAxes(t.shape, opts.layout, file);
  const shape = t.shape;
  const T = shape[axes.t]!;
  const E = shape[axes.e]!;
  const B = axes.b === undefined ? 1 : shape[axes.b]!;
  checkLabels(t, axes, opts);
  if (!opts.noLayoutCheck) checkDistribution(t, axes, opts);

  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const st = strides[axes.t]!;
  const se = strides[axes.e]!;
  const sb = axes.b === undefined ? 0 : strides[axes.b]!;
  const data = toFloat32(t);
  const provenance: Provenance = { framework: 'tensorflow', ...opts.provenance };
  for (let b = 0; b < B; b++) {
    const w = new Float32Array(T * E);
    for (let i = 0; i < T; i++) {
      const row = b * sb + i * st;
      if (se === 1) w.set(data.subarray(row, row + E), i * E);
      else for (let j = 0; j < E; j++) w[i * E + j] = data[row + j * se]!;
    }
    const src = opts.srcTokens?.[b];
    const tgt = opts.tgtTokens?.[b];
    const map = alignmentMap(w, T, E, 'alignment', opts);
    if (tgt) map.rowLabels = padLabels(tgt, T);
    if (src) map.colLabels = padLabels(src, E);
    const vr = opts.tgtLengths?.[b] ?? tgt?.length;
    const vc = opts.srcLengths?.[b] ?? src?.length;
    if (vr !== undefined) map.validRows = vr;
    if (vc !== undefined) map.validCols = vc;
    const doc: AttentionDocument = { id: `${opts.idPrefix ?? ''}${(opts.firstId ?? 0) + b}`, maps: [map], provenance };
    const meta: Record<string, string> = { ...opts.meta, layout: axes.layout };
    if (axes.b !== undefined) meta.batchIndex = String(b);
    doc.meta = meta;
    yield doc;
  }
}

function padLabels(tokens: string[], n: number): string[] {
  return tokens.length === n ? tokens : [...tokens, ...new Array<string>(n - tokens.length).fill('')];
}

/** Token and length lists must match the batch and fit the axes. */
function checkLabels(t: Tensor, axes: Axes, opts: AlignmentOptions): void {
  const { file } = opts;
  const B = axes.b === undefined ? 1 : t.shape[axes.b]!;
  const T = t.shape[axes.t]!;
  const E = t.shape[axes.e]!;
  const lists: [keyof ExampleLabels, { length: number } | undefined, number, 'encoder' | 'decoder', boolean][] = [
    ['srcTokens', opts.srcTokens, E, 'encoder', true],
    ['tgtTokens', opts.tgtTokens, T, 'decoder', true],
    ['srcLengths', opts.srcLengths, E, 'encoder', false],
    ['tgtLengths', opts.tgtLengths, T, 'decoder', false],
  ];
  const where = `the array of shape ${formatShape(t.shape)} (layout ${axes.layout})`;
  for (const [flag, list] of lists) {
    if (list && list.length !== B) {
      const other = suggestLayout(t, opts, axes.layout);
      fail('SHAPE_MISMATCH', `${LABEL_NAMES[flag]} give ${list.length} example${list.length === 1 ? '' : 's'} but ${where} has ${B}`, {
        file,
        hint: other ?? `give one line (or one length) per example, in batch order`,
        // the choice to make: the layout when another one fits, else the list
        details: { shape: [...t.shape], layout: axes.layout, examples: B, given: list.length, option: other ? 'layout' : flag },
      });
    }
  }
  for (const [flag, list, axisLen, axisName, isTokens] of lists) {
    if (!list) continue;
    for (let b = 0; b < B; b++) {
      const n = isTokens ? (list as string[][])[b]!.length : (list as number[])[b]!;
      if (!isTokens && (!Number.isInteger(n) || n < 0)) {
        fail('BAD_ARGUMENT', `${LABEL_NAMES[flag]}: example ${b} has length ${n}, not a non-negative integer`, { file, hint: 'lengths are counts of valid steps', details: { option: flag } });
      }
      if (n > axisLen) {
        const other = suggestLayout(t, opts, axes.layout);
        fail('SHAPE_MISMATCH', `${LABEL_NAMES[flag]}: example ${b} has ${n} ${isTokens ? `${axisName === 'encoder' ? 'source' : 'target'} tokens` : 'steps'} but the ${axisName} axis of ${where} has only ${axisLen}`, {
          file,
          hint: other ?? (isTokens ? 'check that the token file belongs to this dump and is in the same order' : 'check that the lengths belong to this dump'),
          details: { shape: [...t.shape], layout: axes.layout, example: b, given: n, axis: axisLen, option: other ? 'layout' : flag },
        });
      }
    }
  }
}

/** A layout of this rank under which all the given tokens and lengths fit, as a hint. */
function suggestLayout(t: Tensor, opts: AlignmentOptions, current: string): string | undefined {
  // Layouts whose encoder axis holds distributions first: they are the likelier reading.
  const sums = distributionAxes(t);
  const candidates = (t.shape.length === 3 ? LAYOUTS_3D : t.shape.length === 2 ? ['te', 'et'] : [])
    .map((l, i) => ({ l, rank: (sums[l.indexOf('e')] ? 0 : 10) + i }))
    .sort((a, b) => a.rank - b.rank)
    .map((c) => c.l);
  for (const l of candidates) {
    if (l === current) continue;
    const ax = layoutAxes(t.shape, l);
    const B = ax.b === undefined ? 1 : t.shape[ax.b]!;
    const T = t.shape[ax.t]!;
    const E = t.shape[ax.e]!;
    const fits = (list: { length: number } | undefined, axis: number, tokens: boolean) =>
      !list || (list.length === B && Array.from({ length: B }, (_, b) => (tokens ? (list as string[][])[b]!.length : (list as number[])[b]!)).every((n) => n <= axis));
    if (fits(opts.srcTokens, E, true) && fits(opts.tgtTokens, T, true) && fits(opts.srcLengths, E, false) && fits(opts.tgtLengths, T, false)) {
      return `the shape fits layout ${l}; is the array transposed?`;
    }
  }
  return undefined;
}

/**
 * Softmax attention sums to 1 over the encoder axis. When it clearly does not, but does
 * over exactly one other axis, the layout is wrong: fail when the layout was assumed,
 * warn when the user chose it.
 */
function checkDistribution(t: Tensor, axes: Axes, opts: AlignmentOptions): void {
  const sums = distributionAxes(t);
  if (sums[axes.e]) return;
  const others = sums.map((ok, i) => (ok && i !== axes.e ? i : -1)).filter((i) => i >= 0);
  if (others.length !== 1) return;
  const e = others[0]!;
  const rank = t.shape.length;
  const all = (rank === 3 ? LAYOUTS_3D : ['te', 'et']).filter((l) => l.indexOf('e') === e);
  const common = all.filter((l) => COMMON.includes(l));
  const fitting = common.length ? common : all;
  const msg = `the rows along axis ${axes.e} (the encoder axis of layout ${axes.layout}) do not sum to 1, but the rows along axis ${e} do: the array looks like layout ${fitting.join(' or ')}`;
  if (opts.layout) {
    opts.warn?.(`${opts.file ? `${opts.file}: ` : ''}${msg}; using layout ${axes.layout} as asked`);
    return;
  }
  fail('SHAPE_MISMATCH', `${msg}, not the default ${axes.layout}`, {
    file: opts.file,
    hint: `choose layout ${fitting[0]} (or choose ${axes.layout} to keep the default)`,
    details: { shape: [...t.shape], layout: axes.layout, suggested: fitting, option: 'layout' },
  });
}

/** One [T_dec, T_enc] alignment map with the axis titles and names both array and image dumps use. */
export function alignmentMap(weights: Float32Array, T: number, E: number, variant: string, opts: { srcTokens?: unknown; tgtTokens?: unknown; name?: string; layer?: string }): AttentionMap {
  const withTokens = !!(opts.srcTokens || opts.tgtTokens);
  const map: AttentionMap = {
    name: opts.name ?? 'alignment',
    shape: [T, E],
    weights,
    variant,
    rowTitle: withTokens ? 'Output sequence' : 'Decoder timestep',
    colTitle: withTokens ? 'Input sequence' : 'Encoder timestep',
  };
  if (opts.layer) map.layer = opts.layer;
  return map;
}
