// Which layers a forward pass runs to and taps, for attention from a model's own inputs:
// a HAN's word attention (nested in TimeDistributed) and sentence attention, one
// attention layer, or attention made of built-in layers (model.builtinAttention).
import { fail } from '@attnlens/core';
import type { AttentionLayerInfo, KerasFile } from '@attnlens/keras';
import type { BuiltinAttention, KerasModel, Tap } from '@attnlens/keras-graph';
import { kerasLayerSource } from './layer-source.js';
import { findAttentionLayer, lookupAttentionLayer, noAttentionLayer, pickAttentionLayers, type LayerOption } from './pick-layers.js';

export type AttentionPlan =
  | { kind: 'recompute'; word: AttentionLayerInfo; sentence?: AttentionLayerInfo; taps: Tap[] }
  | { kind: 'builtin'; attention: BuiltinAttention; taps: Tap[] };

export interface PlanOptions {
  /** The attention layer (a HAN's word level); default: the only one, or the nested one of a HAN. */
  layer?: string;
  /** A HAN's sentence-level attention layer; default: the one outside the wrapper. */
  sentenceLayer?: string;
}

const last = (name: string) => name.split('/').pop()!;
const nested = (i: AttentionLayerInfo) => i.layer.includes('/');
const list = (infos: { layer: string }[]) => infos.map((i) => i.layer).join(', ');

/**
 * A HAN: one input of (S, T) per sample, an attention layer nested in a wrapper (the word
 * level, inside TimeDistributed) and one outside it (the sentence level).
 */
export function isHierarchical(kf: KerasFile, model: KerasModel): boolean {
  return model.inputs.length === 1 && model.inputs[0]!.shape.length === 2 && kf.attentionLayers.some(nested) && kf.attentionLayers.some((i) => !nested(i));
}

/** The model's path for a layer the Keras file names (outer/inner, or the inner name alone when unique). */
export function modelLayerPath(model: KerasModel, name: string, file?: string): string {
  if (model.layers.some((l) => l.name === name)) return name;
  const hits = model.layers.filter((l) => last(l.name) === last(name) && l.name.startsWith(name.split('/')[0]!));
  if (hits.length === 1) return hits[0]!.name;
  const anywhere = model.layers.filter((l) => last(l.name) === last(name));
  if (anywhere.length === 1) return anywhere[0]!.name;
  return fail(anywhere.length ? 'AMBIGUOUS' : 'NOT_FOUND', anywhere.length ? `several layers are named ${last(name)}: ${list(anywhere.map((l) => ({ layer: l.name })))}` : `the model has no layer ${name}`, {
    file,
    hint: anywhere.length ? 'name it as outer/inner' : `its layers are ${model.layers.map((l) => l.name).slice(0, 16).join(', ')}`,
  });
}

/** A named layer: one attnlens recomputes, else attention made of built-in layers, else the shared lookup's error. */
function findInfo(kf: KerasFile, model: KerasModel, name: string, option: LayerOption): AttentionLayerInfo | BuiltinAttention {
  const src = kerasLayerSource(kf);
  const hit = lookupAttentionLayer(src, name);
  if (hit) return hit;
  const builtin = model.builtinAttention.find((b) => b.layer === name || last(b.layer) === name);
  return builtin ?? findAttentionLayer(src, name, option);
}

const isBuiltin = (x: AttentionLayerInfo | BuiltinAttention): x is BuiltinAttention => 'kind' in x;

/**
 * The attention to compute from the model's inputs, and the taps that give what it needs:
 * the input of each attention layer attnlens recomputes, or the output of a built-in
 * softmax (the scores of keras.layers.Attention).
 */
export function planAttention(kf: KerasFile, model: KerasModel, o: PlanOptions = {}): AttentionPlan {
  const hier = isHierarchical(kf, model);
  const named = o.layer ? findInfo(kf, model, o.layer, 'layer') : undefined;
  if (named && isBuiltin(named)) return builtinPlan(model, named, kf.path);
  if (o.sentenceLayer && !hier) fail('BAD_ARGUMENT', `a sentence-level layer was named, but the model takes ${model.inputs.length} input(s) of ${model.inputs.map((i) => `(${i.shape.join(', ')})`).join(', ')} per sample, not one (sentences, words) array`, { file: kf.path, hint: 'a sentence level exists only for a hierarchical model', details: { option: 'sentenceLayer' } });
  const all = kf.attentionLayers;
  if (!hier) {
    if (named) return recomputePlan(model, named, undefined, kf.path);
    if (all.length === 0 && model.builtinAttention.length === 1) return builtinPlan(model, model.builtinAttention[0]!, kf.path);
    if (model.builtinAttention.length && all.length !== 1) noneOrMany(kf, model);
    return recomputePlan(model, pickAttentionLayers(kerasLayerSource(kf)).word, undefined, kf.path);
  }
  const sentNamed = o.sentenceLayer ? findInfo(kf, model, o.sentenceLayer, 'sentenceLayer') : undefined;
  if (sentNamed && isBuiltin(sentNamed)) fail('UNSUPPORTED', `${o.sentenceLayer} is attention made of built-in layers, which is computed alone, not as a HAN's sentence level`, { file: kf.path, hint: 'name it as the layer, and no sentence-level layer', details: { option: 'layer' } });
  // A HAN run from its ids: the shared pick, told apart by nesting (the word level sits inside TimeDistributed).
  const pick = pickAttentionLayers(kerasLayerSource(kf), { ...(o.layer ? { layer: o.layer } : {}), ...(o.sentenceLayer ? { sentenceLayer: o.sentenceLayer } : {}), hierarchical: true });
  return recomputePlan(model, pick.word, pick.sentence, kf.path);
}

/** Attention layers attnlens recomputes beside attention made of built-in layers: several candidates, or none at all. */
function noneOrMany(kf: KerasFile, model: KerasModel): never {
  const cands = [...kf.attentionLayers, ...model.builtinAttention];
  if (cands.length) fail('AMBIGUOUS', `has ${cands.length} attention layers: ${list(cands)}`, { file: kf.path, hint: 'choose one by name', details: { candidates: cands.map((c) => c.layer), option: 'layer' } });
  return noAttentionLayer(kerasLayerSource(kf));
}

function recomputePlan(model: KerasModel, word: AttentionLayerInfo, sentence: AttentionLayerInfo | undefined, file: string): AttentionPlan {
  const taps: Tap[] = [{ layer: modelLayerPath(model, word.layer, file), what: 'input' }];
  if (sentence) taps.push({ layer: modelLayerPath(model, sentence.layer, file), what: 'input' });
  return sentence ? { kind: 'recompute', word, sentence, taps } : { kind: 'recompute', word, taps };
}

function builtinPlan(model: KerasModel, a: BuiltinAttention, file: string): AttentionPlan {
  // A built-in Attention layer's map is its scores; a softmax layer's is its output.
  const what = a.kind === 'softmax-weighting' ? 'output' : 'scores';
  return { kind: 'builtin', attention: a, taps: [{ layer: modelLayerPath(model, a.layer, file), what }] };
}
