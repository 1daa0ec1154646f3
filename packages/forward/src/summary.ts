// What `inspect` says about a Keras file, as data: the layers and weights (shape, dtype),
// the attention layers and the evidence that classified them, and what the forward pass
// can run. The CLI prints it (as JSON or text) and the web viewer draws it: one summary.
import { allocate, isAttnlensError, shapeSize, tensor, type Tensor } from '@attnlens/core';
import type { KerasFile } from '@attnlens/keras';
import { loadModel } from '@attnlens/keras-graph';
import { attentionReadiness } from './readiness.js';

export interface ForwardSummary {
  /** Every layer runs from the file. */
  runs: boolean;
  /** Why the model could not be built (then `layers` is absent). */
  why?: string;
  hint?: string;
  layers?: { name: string; class_name: string; runnable: boolean; reason: string | null }[];
  attention?: { layer: string; kind: string; from_inputs: boolean; from_ids: boolean; why: string | null }[];
}

export interface KerasSummary {
  format: KerasFile['layout'];
  file: string;
  layout: string;
  keras_version: string | null;
  backend: string | null;
  model_class: string | null;
  layers: { name: string; class_name: string | null; group: string | null; weights: { name: string; path: string; dtype: string; shape: number[] }[] }[];
  attention_layers: {
    layer: string;
    class_name: string | null;
    variant: string;
    weights: { W: string; b: string | null; u: string | null };
    input_dim: number;
    attention_dim: number;
    backend: string | null;
    reason: string;
  }[];
  unrecognised_attention: KerasFile['unrecognisedAttention'];
  forward: ForwardSummary;
  [key: string]: unknown;
}

/** The model's class name from its saved config ("Model", "Sequential", "Functional"), if recorded. */
export function modelClass(k: KerasFile): string | undefined {
  const c = k.modelConfig as { class_name?: unknown } | undefined;
  return typeof c?.class_name === 'string' ? c.class_name : undefined;
}

/**
 * The file seen through its metadata: readWeight gives zeros of each weight's recorded dtype and shape
 * instead of reading the dataset. Binding the model (keras-graph's bindLayer) reads every weight, but
 * the summary needs only which layers bind and run, never a value (issue 15: reading them cost ~60 ms
 * of `inspect` on a 1 MB file). A path the metadata does not list goes to the real readWeight, so a
 * missing dataset still fails as it would in the forward pass.
 */
export function shapesOnly(k: KerasFile): KerasFile {
  const byPath = new Map(k.layers.flatMap((l) => l.weights.map((w) => [w.path, w] as const)));
  const readWeight = (datasetPath: string): Tensor => {
    const w = byPath.get(datasetPath.replace(/^\/+/, ''));
    return w ? tensor(w.dtype, w.shape, allocate(w.dtype, shapeSize(w.shape))) : k.readWeight(datasetPath);
  };
  // Object.create keeps every other member (and its `this`) as the open file has it.
  return Object.assign(Object.create(k) as KerasFile, { readWeight });
}

/** What the forward pass can run (keras-graph) and which attention it reaches (readiness.ts's policy). */
export function forwardSummary(k: KerasFile): ForwardSummary {
  return summaryOfModel(k, shapesOnly(k));
}

/**
 * The summary of `k` with the model built from `from`: forwardSummary builds it from the weights'
 * shapes only; from `k` itself it reads every weight (the tests compare the two).
 */
export function summaryOfModel(k: KerasFile, from: KerasFile): ForwardSummary {
  try {
    const model = loadModel(from);
    return {
      runs: model.layers.every((l) => l.runnable),
      layers: model.layers.map((l) => ({ name: l.name, class_name: l.className, runnable: l.runnable, reason: l.reason ?? null })),
      attention: attentionReadiness(k, model).map((a) => ({ layer: a.layer, kind: a.kind, from_inputs: a.fromInputs, from_ids: a.fromIds, why: a.why ?? null })),
    };
  } catch (e) {
    // A model that cannot be built is a fact about the file, reported, not an error of the summary.
    if (!isAttnlensError(e)) throw e;
    return { runs: false, why: e.reason, ...(e.hint ? { hint: e.hint } : {}) };
  }
}

/** The whole summary of an open Keras file (`attnlens inspect --json` prints exactly this). */
export function kerasSummary(k: KerasFile): KerasSummary {
  return {
    format: k.layout,
    file: k.path,
    layout: k.detail,
    keras_version: k.kerasVersion ?? null,
    backend: k.backend ?? null,
    model_class: modelClass(k) ?? null,
    layers: k.layers.map((l) => ({
      name: l.name,
      class_name: l.className ?? null,
      group: l.group ?? null,
      weights: l.weights.map((w) => ({ name: w.name, path: w.path, dtype: w.dtype, shape: w.shape })),
    })),
    attention_layers: k.attentionLayers.map((a) => ({
      layer: a.layer,
      class_name: a.className ?? null,
      variant: a.variant,
      weights: { W: a.weights.W, b: a.weights.b ?? null, u: a.weights.u ?? null },
      input_dim: a.inputDim,
      attention_dim: a.attentionDim,
      backend: a.backend ?? null,
      reason: a.reason,
    })),
    unrecognised_attention: k.unrecognisedAttention,
    forward: forwardSummary(k),
  };
}
