// Which layers a forward pass runs to and taps, for attention from a model's own inputs:
// a HAN's word attention (nested in TimeDistributed) and sentence attention, one
// attention layer, or attention made of built-in layers (model.builtinAttention).
import { fail } from '@attnlens/core';
import type { AttentionLayerInfo, KerasFile } from '@attnlens/keras';
import type { BuiltinAttention, KerasModel, Tap } from '@attnlens/keras-graph';

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

function findInfo(kf: KerasFile, model: KerasModel, name: string): AttentionLayerInfo | BuiltinAttention {
  const all = kf.attentionLayers;
  const hit = all.find((i) => i.layer === name) ?? (all.filter((i) => last(i.layer) === name).length === 1 ? all.find((i) => last(i.layer) === name) : undefined);
  if (hit) return hit;
  const builtin = model.builtinAttention.find((b) => b.layer === name || last(b.layer) === name);
  if (builtin) return builtin;
  const un = kf.unrecognisedAttention.find((u) => u.layer === name || last(u.layer) === name);
  if (un) fail('UNSUPPORTED', `layer ${name} looks like attention but attnlens cannot recompute it: ${un.reason}`, { file: kf.path, hint: 'attnlens recomputes AttentionWithContext, AttLayer, Dense(1) score layers and attention made of built-in layers' });
  modelLayerPath(model, name, kf.path); // NOT_FOUND listing the layers when there is no such layer
  return fail('NOT_FOUND', `layer ${name} is not an attention layer attnlens can compute`, {
    file: kf.path,
    hint: all.length || model.builtinAttention.length ? `attention layers: ${list([...all, ...model.builtinAttention])}` : 'the model has no attention layer attnlens knows',
  });
}

const isBuiltin = (x: AttentionLayerInfo | BuiltinAttention): x is BuiltinAttention => 'kind' in x;

/**
 * The attention to compute from the model's inputs, and the taps that give what it needs:
 * the input of each attention layer attnlens recomputes, or the output of a built-in
 * softmax (the scores of keras.layers.Attention).
 */
export function planAttention(kf: KerasFile, model: KerasModel, o: PlanOptions = {}): AttentionPlan {
  const hier = isHierarchical(kf, model);
  const named = o.layer ? findInfo(kf, model, o.layer) : undefined;
  if (named && isBuiltin(named)) return builtinPlan(model, named, kf.path);
  if (o.sentenceLayer && !hier) fail('BAD_ARGUMENT', `a sentence-level layer was named, but the model takes ${model.inputs.length} input(s) of ${model.inputs.map((i) => `(${i.shape.join(', ')})`).join(', ')} per sample, not one (sentences, words) array`, { file: kf.path, hint: 'a sentence level exists only for a hierarchical model' });
  const all = kf.attentionLayers;
  if (!hier) {
    if (named) return recomputePlan(model, named, undefined, kf.path);
    if (all.length === 1) return recomputePlan(model, all[0]!, undefined, kf.path);
    if (all.length === 0 && model.builtinAttention.length === 1) return builtinPlan(model, model.builtinAttention[0]!, kf.path);
    return noneOrMany(kf, model);
  }
  const sentNamed = o.sentenceLayer ? findInfo(kf, model, o.sentenceLayer) : undefined;
  if (sentNamed && isBuiltin(sentNamed)) fail('UNSUPPORTED', `${o.sentenceLayer} is attention made of built-in layers, which is computed alone, not as a HAN's sentence level`, { file: kf.path, hint: 'name it as the layer and no sentence layer' });
  const word = (named as AttentionLayerInfo | undefined) ?? one(all.filter(nested), 'word-level (nested in TimeDistributed)', kf);
  const sentence = (sentNamed as AttentionLayerInfo | undefined) ?? one(all.filter((i) => !nested(i) && i !== word), 'sentence-level', kf);
  if (word === sentence) fail('BAD_ARGUMENT', `the word and sentence levels both name ${word.layer}`, { file: kf.path, hint: 'they are two different attention layers' });
  return recomputePlan(model, word, sentence, kf.path);
}

function one(c: AttentionLayerInfo[], what: string, kf: KerasFile): AttentionLayerInfo {
  if (c.length === 1) return c[0]!;
  return fail(c.length ? 'AMBIGUOUS' : 'NOT_FOUND', c.length ? `has ${c.length} ${what} attention layers: ${list(c)}` : `has no ${what} attention layer attnlens can recompute (attention layers: ${list(kf.attentionLayers) || 'none'})`, {
    file: kf.path,
    hint: 'name the word level as the layer and the sentence level as the sentence layer',
  });
}

function noneOrMany(kf: KerasFile, model: KerasModel): never {
  const cands = [...kf.attentionLayers, ...model.builtinAttention];
  if (cands.length) fail('AMBIGUOUS', `has ${cands.length} attention layers: ${list(cands)}`, { file: kf.path, hint: 'choose one by name', details: { candidates: cands.map((c) => c.layer) } });
  const why = kf.unrecognisedAttention.map((u) => `${u.layer}: ${u.reason}`).join('; ');
  return fail('NOT_FOUND', `has no attention layer attnlens can compute${why ? ` (${why})` : ''}`, { file: kf.path, hint: `its layers are ${model.layers.map((l) => l.name).slice(0, 16).join(', ')}` });
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
