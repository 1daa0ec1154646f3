// Attention documents from a model's inputs, batch by batch, for any row source (arrays in
// memory in the browser, .npy files read by rows in ./node). Browser-safe: the one
// implementation of the forward path's maps, which ./node re-exports.
import { AttnlensError, fail, formatShape, isAttnlensError, type AttentionDocument, type Provenance, type Tensor } from '@attnlens/core';
import { attentionDocuments, checkSamples, computeAttention, hierarchicalDocuments, masksFromIds, type Kernel, type Mask } from '@attnlens/attention';
import { forwardBatches, type Batch, type BatchOptions, type KerasModel, type RowSource } from '@attnlens/keras-graph';
import { addOriginals, type EncodedTexts } from '@attnlens/text';
import { builtinMaps, maskOf } from './maps.js';
import { renameToSamples, selectRows, selectTexts } from './samples.js';
import type { AttentionPlan } from './plan.js';

export interface AttentionRun {
  model: KerasModel;
  plan: AttentionPlan;
  /** The prepared kernels of the plan's layers (recompute plans). */
  kernels?: { word: Kernel; sentence?: Kernel };
  sources: readonly RowSource[];
  /** The texts the ids came from: labels, and the words as written. */
  texts?: EncodedTexts;
  /** Mask steps holding this id instead of using the mask Keras passed the layer. */
  padId?: number;
  provenance?: Provenance;
  /** The ids file, named in mask errors. */
  file?: string;
  /**
   * Only these samples (increasing sample numbers, e.g. a document shard's from
   * @attnlens/attention's shardSamples): the model runs on them alone; documents keep their ids.
   */
  samples?: ArrayLike<number>;
}

/** Attention documents, one per sample, streamed batch by batch. */
export async function* attentionFromInputs(whole: AttentionRun, o: BatchOptions = {}): AsyncGenerator<AttentionDocument> {
  const { plan } = whole;
  if (whole.texts && whole.texts.shape[0] !== whole.sources[0]?.rows) fail('SHAPE_MISMATCH', `the texts give ${whole.texts.shape[0]} samples but the ids hold ${whole.sources[0]?.rows}`);
  const run = chosenSamples(whole);
  for await (const b of namingInputFiles(forwardBatches(run.model, run.sources, plan.taps, o), run.model, run.sources)) {
    let docs: AttentionDocument[];
    if (plan.kind === 'builtin') {
      docs = builtinMaps(b.values[0]!, b.start, { layer: plan.attention.layer, kind: plan.attention.kind, ...(run.provenance ? { provenance: run.provenance } : {}) });
    } else {
      docs = plan.sentence ? hierarchicalBatch(run, b) : flatBatch(run, b);
      if (run.texts) {
        addOriginals(docs, run.texts, b.start);
        if (plan.sentence) labelSentences(docs, run.texts, b.start);
      }
    }
    if (run.samples) renameToSamples(docs, run.samples, b.start);
    yield* docs;
  }
}

/** The run over its chosen samples only (sources and texts narrowed to them), or the run as it is. */
function chosenSamples(run: AttentionRun): AttentionRun {
  const { samples, sources } = run;
  const rows = sources[0]?.rows ?? 0;
  // Sources of different lengths are left whole, for forwardBatches to refuse by name.
  if (!samples || sources.some((s) => s.rows !== rows)) return { ...run, samples: undefined };
  checkSamples(samples, rows, 'the samples to run');
  return { ...run, sources: sources.map((s) => selectRows(s, samples)), ...(run.texts ? { texts: selectTexts(run.texts, samples) } : {}) };
}

/**
 * The batches, with an input of the wrong shape blamed on the file it came from: the model
 * checks its inputs and names the model file, but what the user must fix is the ids file.
 */
export async function* namingInputFiles<T>(batches: AsyncIterable<T>, model: Pick<KerasModel, 'inputs'>, sources: readonly RowSource[]): AsyncGenerator<T> {
  try {
    yield* batches;
  } catch (e) {
    const input = isAttnlensError(e) && e.code === 'SHAPE_MISMATCH' ? e.details?.input : undefined;
    const at = model.inputs.findIndex((i) => i.name === input);
    const file = at >= 0 ? sources[at]?.file : undefined;
    if (!file || !isAttnlensError(e) || e.file === file) throw e;
    throw new AttnlensError({ code: e.code, message: e.reason, file, hint: `${e.hint ? `${e.hint}; ` : ''}the model is ${e.file ?? 'the model file'}`, details: { ...e.details, model: e.file }, cause: e });
  }
}

function kernels(run: AttentionRun): { word: Kernel; sentence?: Kernel } {
  return run.kernels ?? fail('BAD_ARGUMENT', 'no kernels were prepared for the attention layers to recompute');
}

function flatBatch(run: AttentionRun, b: Batch): AttentionDocument[] {
  const k = kernels(run).word;
  const x = b.values[0]!;
  const mask = run.padId !== undefined ? masksFromIds(b.inputs[0]!, run.padId, run.file) : maskOf(x);
  const T = x.value.shape[x.value.shape.length - 2]!;
  const weights = computeAttention(k, x.value, mask, { maskFile: run.file });
  const layer = run.plan.kind === 'recompute' ? run.plan.word.layer : undefined;
  return attentionDocuments(weights, b.count, T, {
    ...(run.texts ? { tokens: run.texts.labels } : {}),
    ...(mask ? { mask } : {}),
    kernel: k,
    ...(layer ? { layer } : {}),
    ...(run.provenance ? { provenance: run.provenance } : {}),
    first: b.start,
  });
}

function hierarchicalBatch(run: AttentionRun, b: Batch): AttentionDocument[] {
  const ks = kernels(run);
  if (!ks.sentence || run.plan.kind !== 'recompute' || !run.plan.sentence) return fail('BAD_ARGUMENT', 'a hierarchical run needs the sentence-level kernel');
  const [wx, sx] = [b.values[0]!, b.values[1]!];
  const [N, S, T] = wx.value.shape as number[];
  if (wx.value.shape.length !== 4 || sx.value.shape.length !== 3 || sx.value.shape[1] !== S) {
    fail('SHAPE_MISMATCH', `the word attention's input is ${formatShape(wx.value.shape)} and the sentence attention's ${formatShape(sx.value.shape)}, not (N, S, T, F) and (N, S, F')`, { hint: 'the word level must sit inside TimeDistributed and the sentence level after it' });
  }
  const masks = run.padId !== undefined ? idMasks(b.inputs[0]!, run.padId, S!, T!, run.file) : { word: maskOf(wx), sentence: maskOf(sx) };
  const tokens = run.texts && Array.from({ length: N! }, (_, i) => Array.from({ length: S! }, (_, s) => run.texts!.labels[(b.start + i) * S! + s]!));
  return hierarchicalDocuments(
    { kernel: ks.word, x: wx.value, ...(masks.word ? { mask: masks.word } : {}), layer: run.plan.word.layer },
    { kernel: ks.sentence, x: sx.value, ...(masks.sentence ? { mask: masks.sentence } : {}), layer: run.plan.sentence.layer },
    { ...(tokens ? { tokens } : {}), id: (i) => String(b.start + i), ...(run.provenance ? { provenance: run.provenance } : {}) },
  );
}

/** A sentence-level map's columns are its sentences: label each with its words as the model saw them ('' for padding). */
function labelSentences(docs: AttentionDocument[], texts: EncodedTexts, first: number): void {
  const S = texts.shape[1]!;
  docs.forEach((d, i) => {
    const top = d.maps[0]!;
    top.colLabels = Array.from({ length: S }, (_, s) => texts.labels[(first + i) * S + s]!.filter((t) => t !== '').join(' '));
  });
}

/** Word steps holding `padId` are masked; a sentence of padding only is masked at the sentence level. */
function idMasks(ids: Tensor, padId: number, S: number, T: number, file?: string): { word: Mask; sentence: Mask } {
  const word = masksFromIds(ids, padId, file) as { mask: Uint8Array };
  const n = word.mask.length / T;
  const sentence = new Uint8Array(n);
  for (let s = 0; s < n; s++) sentence[s] = word.mask.subarray(s * T, (s + 1) * T).some((v) => v !== 0) ? 1 : 0;
  return { word, sentence: { mask: sentence, shape: [n / S, S] } };
}
