// Tap values → what the engine and the documents take: the Keras mask a layer saw, and
// the maps of attention made of built-in layers.
import type { AttentionDocument, AttentionMap, Provenance } from '@attnlens/core';
import type { Mask } from '@attnlens/attention';
import type { TapValue } from '@attnlens/keras-graph';

/**
 * The mask Keras passed to the tapped layer (one byte per position of every axis but the
 * last), as an engine mask; undefined when Keras passed none: the layer then attended
 * over padding too, and so does the recomputation.
 */
export function maskOf(v: TapValue): Mask | undefined {
  return v.mask ? { mask: v.mask, shape: v.value.shape.slice(0, -1) } : undefined;
}

/**
 * One document per sample from a built-in attention's weights (N, ...): a softmax output
 * or keras.layers.Attention's scores, normalised over the last axis by the layer itself.
 * (N, C) gives a map over C columns; (N, R, C) (or more axes, folded into rows) an R×C map.
 */
export function builtinMaps(v: TapValue, first: number, o: { layer: string; kind: string; provenance?: Provenance }): AttentionDocument[] {
  const [N, ...rest] = v.value.shape as number[];
  const cols = rest.length ? rest[rest.length - 1]! : 1;
  const rows = rest.slice(0, -1).reduce((a, b) => a * b, 1);
  const per = rows * cols;
  const data = v.value.data as ArrayLike<number>;
  const docs: AttentionDocument[] = [];
  for (let n = 0; n < N!; n++) {
    const weights = Float32Array.from({ length: per }, (_, i) => Number(data[n * per + i]));
    const m: AttentionMap = { name: o.layer, shape: rest.length > 1 ? [rows, cols] : [cols], weights, layer: o.layer, variant: o.kind, meta: { normalise: 'by the layer (softmax over the last axis)' } };
    const d: AttentionDocument = { id: String(first + n), maps: [m] };
    if (o.provenance) d.provenance = o.provenance;
    docs.push(d);
  }
  return docs;
}
