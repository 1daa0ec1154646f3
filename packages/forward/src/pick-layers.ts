// Which attention layer(s) of a model file to recompute: the one used by `compute` (saved X
// or the forward pass), by planAttention and by the web page. Browser-safe. Errors name no
// CLI flag: `details.option` says which choice fixes them ('layer', 'sentenceLayer').
import { fail } from '@attnlens/core/tensor';
import { RECOMPUTES, type AttentionLayerSource, type SourceAttention } from './layer-source.js';

export type LayerOption = 'layer' | 'sentenceLayer';

export interface PickOptions {
  /** The attention layer (a hierarchical model's word level). */
  layer?: string;
  /** A hierarchical model's sentence-level attention layer. */
  sentenceLayer?: string;
  /** Hierarchical, from saved inputs: the F of the word and of the sentence inputs; only layers of that input size fit each level. */
  inputDims?: { word: number; sentence: number };
  /** Hierarchical without saved inputs (a HAN run from its ids): any pair of layers, told apart by nesting or level. */
  hierarchical?: boolean;
}

export interface PickedLayers {
  word: SourceAttention;
  sentence?: SourceAttention;
}

const inner = (name: string) => name.split('/').pop()!;

/** `name` as the file names it, or a nested layer's (outer/inner) inner name alone when unique. */
export function lookupAttentionLayer(src: AttentionLayerSource, name: string): SourceAttention | undefined {
  const all = src.attentionLayers;
  const hit = all.find((i) => i.layer === name);
  if (hit) return hit;
  const nested = all.filter((i) => inner(i.layer) === name);
  return nested.length === 1 ? nested[0] : undefined;
}

export function layerList(infos: readonly SourceAttention[]): string {
  return infos.map((i) => `${i.layer} (${i.variant}, W ${i.inputDim}×${i.attentionDim})`).join(', ');
}

/** The named attention layer, or why it cannot be one: not recomputable (UNSUPPORTED), no such layer, not attention (NOT_FOUND). */
export function findAttentionLayer(src: AttentionLayerSource, name: string, option: LayerOption = 'layer'): SourceAttention {
  const hit = lookupAttentionLayer(src, name);
  if (hit) return hit;
  const un = src.unrecognisedAttention.find((u) => u.layer === name || inner(u.layer) === name);
  if (un) fail('UNSUPPORTED', `layer ${name} looks like attention but attnlens cannot recompute it: ${un.reason}`, { file: src.path, hint: RECOMPUTES[src.framework] });
  src.layer(name); // NOT_FOUND listing the layer names when there is no such layer
  const all = src.attentionLayers;
  return fail('NOT_FOUND', `layer ${name} is not an attention layer attnlens can recompute`, {
    file: src.path,
    hint: all.length ? `attention layers: ${layerList(all)}` : 'this file has no attention layer with W, b, u weights',
    details: { layer: name, candidates: all.map((i) => i.layer), option },
  });
}

/** No recomputable attention layer: say what looked like attention and why not, or which layers there are. */
export function noAttentionLayer(src: AttentionLayerSource): never {
  const why = src.unrecognisedAttention.map((u) => `${u.layer}: ${u.reason}`).join('; ');
  return fail('NOT_FOUND', `has no attention layer attnlens can recompute${why ? ` (${why})` : ''}`, {
    file: src.path,
    hint: why ? RECOMPUTES[src.framework] : `it has layers ${src.layers.map((l) => l.name).slice(0, 32).join(', ')}; give the layer's arrays (W, b, u) if the attention layer is one of them`,
    details: { option: 'weights' },
  });
}

export function ambiguousLayers(src: AttentionLayerSource, candidates: readonly SourceAttention[], option: LayerOption | LayerOption[], what = 'choose one by name'): never {
  return fail('AMBIGUOUS', `has ${candidates.length} attention layers: ${layerList(candidates)}`, {
    file: src.path,
    hint: what,
    details: { candidates: candidates.map((i) => ({ layer: i.layer, variant: i.variant, inputDim: i.inputDim, attentionDim: i.attentionDim })), option },
  });
}

/**
 * The attention layer(s) to use: named, or the only one; otherwise the candidates are
 * listed. Hierarchical: unnamed levels are the layers whose input size fits (with
 * `inputDims`), then, of several pairs, the one whose word level is nested in a wrapper (a
 * HAN's word attention sits inside TimeDistributed) and whose sentence level is not, then
 * (torch modules have no nesting) the one whose names say the levels (word_attention, sentence_attention).
 */
export function pickAttentionLayers(src: AttentionLayerSource, o: PickOptions = {}): PickedLayers {
  const all = src.attentionLayers;
  if (!o.inputDims && !o.hierarchical) {
    if (o.sentenceLayer) fail('BAD_ARGUMENT', 'a sentence-level layer was named, but the attention is not hierarchical (no sentence-level inputs)', { file: src.path, hint: 'name only the layer, or give the sentence encodings too', details: { option: 'sentenceLayer' } });
    if (o.layer) return { word: findAttentionLayer(src, o.layer, 'layer') };
    if (all.length === 0) noAttentionLayer(src);
    if (all.length > 1) ambiguousLayers(src, all, 'layer');
    return { word: all[0]! };
  }
  if (all.length === 0) noAttentionLayer(src);
  const pick = pickPair(src, o);
  if (pick.word === pick.sentence) {
    fail('BAD_ARGUMENT', `the word and sentence levels both name ${pick.word.layer}`, { file: src.path, hint: 'the word and sentence levels are two different attention layers', details: { option: ['layer', 'sentenceLayer'] } });
  }
  return pick;
}

function pickPair(src: AttentionLayerSource, o: PickOptions): { word: SourceAttention; sentence: SourceAttention } {
  const all = src.attentionLayers;
  const named = { word: o.layer ? findAttentionLayer(src, o.layer, 'layer') : undefined, sentence: o.sentenceLayer ? findAttentionLayer(src, o.sentenceLayer, 'sentenceLayer') : undefined };
  if (named.word && named.sentence) return { word: named.word, sentence: named.sentence };
  const fits = (i: SourceAttention, F: number | undefined) => F === undefined || i.inputDim === F;
  const wordCands = named.word ? [named.word] : all.filter((i) => i !== named.sentence && fits(i, o.inputDims?.word));
  const sentCands = named.sentence ? [named.sentence] : all.filter((i) => i !== named.word && fits(i, o.inputDims?.sentence));
  const pairs: [SourceAttention, SourceAttention][] = [];
  for (const w of wordCands) for (const s of sentCands) if (w !== s) pairs.push([w, s]);
  const pick = pairs.length === 1 ? pairs[0] : pairs.length > 1 ? byNestingOrLevel(pairs) : undefined;
  if (pick) return { word: pick[0], sentence: pick[1] };
  if (!pairs.length) {
    const dims = o.inputDims ? ` for word inputs of F = ${o.inputDims.word} and sentence inputs of F = ${o.inputDims.sentence}` : '';
    return fail('NOT_FOUND', `has no pair of attention layers${dims} (attention layers: ${layerList(all)})`, {
      file: src.path,
      hint: `name the word-level and the sentence-level layers${o.inputDims ? ', or check the word and sentence inputs' : ''}`,
      details: { option: ['layer', 'sentenceLayer'] },
    });
  }
  return named.word
    ? ambiguousLayers(src, [...new Set(pairs.flat())], 'sentenceLayer', 'choose the sentence-level layer by name')
    : ambiguousLayers(src, [...new Set(pairs.flat())], ['layer', 'sentenceLayer'], 'choose the word-level and the sentence-level layers by name');
}

function byNestingOrLevel(pairs: [SourceAttention, SourceAttention][]): [SourceAttention, SourceAttention] | undefined {
  const nested = pairs.filter(([w, s]) => w.layer.includes('/') && !s.layer.includes('/'));
  if (nested.length === 1) return nested[0];
  const byLevel = pairs.filter(([w, s]) => w.level === 'word' && s.level === 'sentence');
  return byLevel.length === 1 ? byLevel[0] : undefined;
}
