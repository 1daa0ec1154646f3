import { AttnlensError, fail } from './errors.js';

/**
 * One attention map: a weight vector over input tokens (1-D, shape [cols]) or an
 * alignment matrix (2-D, shape [rows, cols] = output steps x input steps).
 * Weights are float32, row-major; positions past validRows/validCols are padding.
 */
export interface AttentionMap {
  /** Display name: the model or layer this map comes from ("model A", "word attention"). */
  name?: string;
  shape: [number] | [number, number];
  weights: Float32Array;
  /** Input tokens, one per column. */
  colLabels?: string[];
  /** Output tokens, one per row (2-D maps). */
  rowLabels?: string[];
  /** Valid columns after trimming padding (defaults to all). */
  validCols?: number;
  /** Valid rows (2-D) after trimming padding (defaults to all). */
  validRows?: number;
  /** Keras layer name or TF tensor name. */
  layer?: string;
  /** How it was computed: awc-tf, awc-th, attlayer, linear, alignment, image-summary ... */
  variant?: string;
  /** Axis titles, when the producer knows them ("Encoder timestep"). */
  rowTitle?: string;
  colTitle?: string;
  /**
   * Hierarchical attention: a sentence-level map (cols = sentences) has one child per
   * sentence, holding the word-level weights inside that sentence.
   */
  children?: AttentionMap[];
  meta?: Record<string, string>;
}

/** Where a document came from. */
export interface Provenance {
  /** npy, npz, keras-h5, tensorproto, tfrecord, tfevents, attnlens ... */
  sourceFormat?: string;
  fileName?: string;
  sha256?: string;
  framework?: string;
  frameworkVersion?: string;
  /** The tool and version that wrote the document, e.g. "attnlens 0.1.0". */
  generator?: string;
  /** Anything a reader must know to interpret the values (e.g. "rescaled so max = 255"). */
  note?: string;
}

/**
 * A layer (Keras) or module (PyTorch) that looks like attention but that attnlens does not
 * recompute, and why in a sentence: every adapter's inspection lists them in this one shape.
 */
export interface UnrecognisedAttention {
  layer: string;
  reason: string;
}

/** One sample: its maps (several = side by side), labels and provenance. */
export interface AttentionDocument {
  id: string;
  maps: AttentionMap[];
  trueLabel?: string;
  predictedLabel?: string;
  provenance?: Provenance;
  meta?: Record<string, string>;
}

export function mapRows(m: AttentionMap): number {
  return m.shape.length === 2 ? m.shape[0] : 1;
}
export function mapCols(m: AttentionMap): number {
  return m.shape.length === 2 ? m.shape[1] : m.shape[0];
}

/**
 * Deepest nesting of `children` a document may have. attnlens writes at most 2
 * levels (sentences, then words); 16 leaves room for deeper hierarchies (document →
 * section → sentence → word) while keeping every recursive reader far from the stack
 * limit (a crafted file nests 20000 deep in 250 KB).
 */
export const MAX_MAP_DEPTH = 16;

/** The one error for maps nested past MAX_MAP_DEPTH, raised by the decoders and by validateMap. */
export function tooDeep(where: string): never {
  return fail('CORRUPT', `${where}: children are nested more than ${MAX_MAP_DEPTH} levels deep`, {
    hint: `attnlens documents nest at most ${MAX_MAP_DEPTH} levels (sentences, then words, is 2); the producer wrote a malformed hierarchy`,
    details: { maxDepth: MAX_MAP_DEPTH },
  });
}

/** Check the invariants of a map; throws CORRUPT with the map's path on the first violation. */
export function validateMap(m: AttentionMap, where = 'map', depth = 0): void {
  if (depth > MAX_MAP_DEPTH) tooDeep(where);
  const bad = (msg: string): never => fail('CORRUPT', `${where}: ${msg}`, { hint: 'the producer of this document wrote an inconsistent map' });
  if (m.shape.length !== 1 && m.shape.length !== 2) bad(`shape must be 1-D or 2-D, got ${(m.shape as number[]).length}-D`);
  for (const d of m.shape) if (!Number.isInteger(d) || d < 0) bad(`invalid dimension ${d}`);
  const n = m.shape.reduce((a, b) => a * b, 1);
  if (m.weights.length !== n) bad(`shape [${m.shape.join(', ')}] needs ${n} weights, has ${m.weights.length}`);
  const rows = mapRows(m);
  const cols = mapCols(m);
  if (m.colLabels && m.colLabels.length !== 0 && m.colLabels.length !== cols) bad(`${m.colLabels.length} column labels for ${cols} columns`);
  if (m.rowLabels && m.rowLabels.length !== 0 && m.rowLabels.length !== rows) bad(`${m.rowLabels.length} row labels for ${rows} rows`);
  if (m.validCols !== undefined && (m.validCols < 0 || m.validCols > cols)) bad(`validCols ${m.validCols} outside 0..${cols}`);
  if (m.validRows !== undefined && (m.validRows < 0 || m.validRows > rows)) bad(`validRows ${m.validRows} outside 0..${rows}`);
  if (m.children && m.children.length) {
    if (m.shape.length !== 1) bad('only a 1-D (sentence-level) map can have children');
    if (m.children.length !== cols) bad(`${m.children.length} children for ${cols} sentences`);
    m.children.forEach((c, i) => validateMap(c, `${where}.children[${i}]`, depth + 1));
  }
}

export function validateDocument(d: AttentionDocument, where = `document ${JSON.stringify(d.id)}`): void {
  if (typeof d.id !== 'string') fail('CORRUPT', `${where}: id must be a string`);
  d.maps.forEach((m, i) => validateMap(m, `${where}.maps[${i}]`));
}

/**
 * What is wrong with one document for showing it, if anything, in a sentence (null when nothing):
 * invalid, no maps, a map with no tokens, NaN or infinite weights. Batch renderers and the report
 * list the sample with it instead of failing the run; the web page says it for an opened file.
 */
export function documentProblem(d: AttentionDocument): string | null {
  try {
    validateDocument(d);
  } catch (e) {
    return e instanceof AttnlensError ? e.reason : String(e);
  }
  if (!d.maps.length) return 'no attention maps';
  for (const m of d.maps) {
    const what = m.name ? `map "${m.name}"` : 'map';
    if ((m.validCols ?? mapCols(m)) === 0) return `${what} has no tokens`;
    if (trimmed(m).weights.some((w) => Number.isNaN(w))) return `${what} has NaN weights`;
    const [lo, hi] = weightRange(m);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return `${what} has infinite weights`;
  }
  return null;
}

/** The valid (unpadded) block of a map as a dense row-major Float32Array. */
export function trimmed(m: AttentionMap): { rows: number; cols: number; weights: Float32Array } {
  const rows = mapRows(m);
  const cols = mapCols(m);
  const vr = m.validRows ?? rows;
  const vc = m.validCols ?? cols;
  if (vr === rows && vc === cols) return { rows, cols, weights: m.weights };
  const out = new Float32Array(vr * vc);
  for (let r = 0; r < vr; r++) out.set(m.weights.subarray(r * cols, r * cols + vc), r * vc);
  return { rows: vr, cols: vc, weights: out };
}

/** Min and max of the valid weights (NaN ignored); [0, 0] when there are none. */
export function weightRange(m: AttentionMap): [number, number] {
  const { weights } = trimmed(m);
  let lo = Infinity;
  let hi = -Infinity;
  for (const w of weights) {
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}
