// Finding attention layers and saying how to recompute them (FORMATS.md §2,
// shared/reference/han_ref.py): from class names where the file has a config, from
// weight names and shapes otherwise. A layer that looks like attention but fits no
// variant is reported as unrecognised, never guessed.
import { formatShape, isFloat, shapeSize } from '@attnlens/core';
import { describePath, describeUpstream, modelGraph, softmaxOverTime, type ModelGraph } from './score-graph.js';
import type { AttentionLayerInfo, KerasLayer, KerasWeight, UnrecognisedAttention, Variant } from './types.js';

/** What the rest of the file says, for the choices a layer's own weights cannot make. */
export interface ClassifyContext {
  /** model_config / config.json, parsed: what consumes a Dense, which layers build an attention block. */
  modelConfig?: unknown;
  /** The file's keras_version, named in reasons when it is evidence (Keras 1 names weights `{layer}_W`). */
  kerasVersion?: string;
  /** Every layer of the file: their weight names are evidence of the backend when no attribute names it. */
  layers?: readonly KerasLayer[];
}

/** ClassifyContext with the config read once into a graph. */
interface Evidence {
  graph?: ModelGraph;
  kerasVersion?: string;
  layers?: readonly KerasLayer[];
}

function evidenceOf(ctx: ClassifyContext | undefined): Evidence {
  const graph = ctx?.modelConfig !== undefined ? modelGraph(ctx.modelConfig) : undefined;
  return { ...(graph ? { graph } : {}), ...(ctx?.kerasVersion !== undefined ? { kerasVersion: ctx.kerasVersion } : {}), ...(ctx?.layers ? { layers: ctx.layers } : {}) };
}

type Role = 'W' | 'b' | 'u';

/** Lower-case words of a class or layer name: AttLayer → att layer, attention_with_context_1 → attention with context. */
function words(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}
const isAttentionWord = (w: string) => w === 'att' || w === 'attn' || w === 'attlayer' || w.startsWith('attention') || w === 'attentive';
const lastSegment = (name: string) => name.split('/').pop() ?? name;

/** Does the class or layer name say attention (AttLayer, AttentionWithContext, att_layer_1, attention_layer_4 ...)? */
export function looksLikeAttention(layer: Pick<KerasLayer, 'name' | 'className'>): boolean {
  return words(layer.className).some(isAttentionWord) || words(lastSegment(layer.name)).some(isAttentionWord);
}

const ROLE_NAMES: Record<string, Role> = {
  w: 'W', kernel: 'W', weight: 'W', weights: 'W', w_omega: 'W',
  b: 'b', bias: 'b', b_omega: 'b',
  u: 'u', context: 'u', context_vector: 'u', u_context: 'u', u_omega: 'u', uw: 'u',
  att_weight: 'W', att_bias: 'b', // mschongchulshin's Attention (add_weight(name="att_weight"))
};

/** W, b or u from a weight's name: `att_layer_1/W:0`, `attention_with_context_1_W:0`, `dense/kernel`. */
function roleOf(weightName: string, layerShort: string): Role | undefined {
  let s = lastSegment(weightName).replace(/:\d+$/, '');
  if (s.startsWith(layerShort + '_')) s = s.slice(layerShort.length + 1); // Keras 1 and cbaziotis: '{layer}_W'
  const r = ROLE_NAMES[s.toLowerCase()];
  if (r) return r;
  const m = /_(W|b|u)$/.exec(s); // a uniquified scope ('att_layer_1_1_W')
  return m ? (m[1] as Role) : undefined;
}

/** Roles by name when every weight has a distinct one; undefined when names say nothing (Variable:0, param_0, vars/0). */
function namedRoles(ws: KerasWeight[], layerShort: string): Partial<Record<Role, KerasWeight>> | undefined {
  const out: Partial<Record<Role, KerasWeight>> = {};
  for (const w of ws) {
    const r = roleOf(w.name, layerShort);
    if (!r || out[r]) return undefined;
    out[r] = w;
  }
  return out.W ? out : undefined;
}

/** Roles by position, the order Keras created them in (weight_names order). */
function positionalRoles(ws: KerasWeight[]): Partial<Record<Role, KerasWeight>> | undefined {
  const [a, b, c] = ws;
  if (ws.length === 1) return { W: a };
  // kernel (H,1) + bias (1,) is a Dense(1); a (1,1) second weight is AttLayer's u with A = 1
  if (ws.length === 2) {
    if (a!.shape.length === 2 && a!.shape[1] === 1 && b!.shape.length <= 1 && shapeSize(b!.shape) === 1) return { W: a, b };
    // w (F,1) and a (T,1) with T > 1: a per-step bias (with A = 1, an AttLayer's u would be (1,1))
    if (a!.shape.length === 2 && a!.shape[1] === 1 && b!.shape.length === 2 && b!.shape[1] === 1 && b!.shape[0]! > 1) return { W: a, b };
    return { W: a, u: b };
  }
  if (ws.length === 3) return { W: a, b, u: c };
  return undefined;
}

const desc = (ws: KerasWeight[]) => ws.map((w) => `${lastSegment(w.name)} ${formatShape(w.shape)}`).join(', ');
const sameShape = (s: readonly number[], t: readonly number[]) => s.length === t.length && s.every((d, i) => d === t[i]);
const EXPECTED = 'AttentionWithContext (W (F,F), b (F,), u (F,)), AttLayer (W (F,A), b (A,), u (A,1)), a Dense(1) score layer (kernel (H,1), bias (1,)), a per-step bias (W (F,1), b (T,1)) or per-feature attention (W (F,F), b (F,), no u)';
/** Keras's own attention layers: their scores come from a query and values at run time, not from weights. */
const BUILT_IN_ATTENTION = new Set(['Attention', 'AdditiveAttention']);
/** The only weights the built-ins hold: Attention(use_scale=True) `scale` (), score_mode='concat' `concat_score_weight` (), AdditiveAttention `scale` (dim,). */
const BUILT_IN_WEIGHT = /(^|\/)(scale|concat_score_weight)(:\d+)?$/;

/**
 * Classify one layer (or a layer nested in a wrapper, split out by findAttentionLayers).
 * undefined: not attention; { unrecognised }: looks like attention but fits no variant.
 * `backend` (the file's backend attribute) decides AttentionWithContext's product.
 */
export function classifyAttention(layer: KerasLayer, backend?: string, context?: ClassifyContext): AttentionLayerInfo | { unrecognised: string } | undefined {
  return classifyWith(layer, backend, evidenceOf(context));
}

function classifyWith(layer: KerasLayer, backend: string | undefined, ev: Evidence): AttentionLayerInfo | { unrecognised: string } | undefined {
  const looks = looksLikeAttention(layer);
  const ws = layer.weights;
  const short = lastSegment(layer.name);
  const what = layer.className ? `${layer.className} layer` : 'layer';
  const topLevel = !layer.name.includes('/');
  if (layer.className && BUILT_IN_ATTENTION.has(layer.className) && ws.every((w) => BUILT_IN_WEIGHT.test(w.name))) {
    return { unrecognised: builtInReason(layer, ev) };
  }
  if (topLevel && layer.className === 'Dense') return denseRule(layer, looks, ev);
  if (!ws.length) return looks ? { unrecognised: `${what} has no weights${upstream(layer, ev)}: parameter-free attention is computed from activations, which a weights file does not hold` } : undefined;
  const named = namedRoles(ws, short);
  // Without a name that says attention, only weights named W/b/u with a context vector count.
  if (!looks && !(named?.W && named.u)) return undefined;
  const nonFloat = ws.find((w) => !isFloat(w.dtype));
  if (nonFloat) return looks ? { unrecognised: `${what} has a ${nonFloat.dtype} weight (${nonFloat.name}); attention weights are floats` } : undefined;
  const roles = named ?? positionalRoles(ws);
  const unrecognised = { unrecognised: `${what} has weights ${desc(ws)}, which match none of ${EXPECTED}` };
  if (!roles?.W) return looks ? unrecognised : undefined;
  const { W, b, u } = roles;
  const how = named ? 'named' : 'identified by order and shape';
  const base = { layer: layer.name, ...(layer.className ? { className: layer.className } : {}) };

  if (!u) {
    const stepBias = stepBiasOf(layer, W, b, how, ev);
    if (stepBias) return { ...base, ...stepBias };
    const perFeature = perFeatureOf(W, b, how, looks);
    if (perFeature) return { ...base, ...perFeature };
    if (W.shape.length === 2 && W.shape[1] === 1 && (!b || shapeSize(b.shape) === 1)) {
      return {
        ...base, variant: 'linear', weights: { W: W.path, ...(b ? { b: b.path } : {}) }, inputDim: W.shape[0]!, attentionDim: 1,
        reason: `a Dense(1) score layer (kernel ${formatShape(W.shape)}${b ? `, bias ${formatShape(b.shape)}` : ', no bias'}) inside the ${what}: scores are x·w${b ? ' + b' : ''}, softmaxed over time`,
      };
    }
    if (W.shape.length === 1) {
      return { unrecognised: `${what} has one weight vector ${formatShape(W.shape)} and no context vector (richliao's 2017 AttLayer: tanh(x·W), no bias), which is none of the variants attnlens recomputes` };
    }
    return unrecognised;
  }
  if (W.shape.length !== 2) return looks ? unrecognised : undefined;
  const [F, A] = W.shape as [number, number];
  const uOk = sameShape(u.shape, [A]) || sameShape(u.shape, [A, 1]);
  const bOk = !b || sameShape(b.shape, [A]);
  if (!uOk || !bOk) return looks ? unrecognised : undefined;
  const shapes = `W ${formatShape(W.shape)}${b ? `, b ${formatShape(b.shape)}` : ', no bias'}, u ${formatShape(u.shape)}`;
  const weights = { W: W.path, ...(b ? { b: b.path } : {}), u: u.path };

  // Square W fits both layers; the class or layer name decides, else u's shape (AttLayer keeps u as (A,1)).
  const hint = [...words(layer.className), ...words(short)];
  const saysContext = hint.includes('context');
  const saysAttLayer = /^att_?layer$/i.test(layer.className ?? '') || /att_?layer/i.test(short);
  let isAwc: boolean;
  let why: string;
  if (F !== A) {
    if (saysContext) return { unrecognised: `${what} is named like AttentionWithContext but its W ${formatShape(W.shape)} is not square` };
    isAwc = false;
    why = `W is ${F}×${A}, so it is an AttLayer (AttentionWithContext's W is square)`;
  } else if (saysContext) {
    isAwc = true;
    why = `the ${layer.className ? 'class' : 'layer'} name ${layer.className ?? short} says AttentionWithContext`;
  } else if (saysAttLayer) {
    isAwc = false;
    why = `the ${layer.className ? 'class' : 'layer'} name ${layer.className ?? short} says AttLayer`;
  } else {
    isAwc = u.shape.length === 1;
    why = isAwc ? 'W is square and u is a vector, as in AttentionWithContext (AttLayer keeps u as (A,1))' : 'u has shape (A,1), as in richliao\'s AttLayer';
  }

  if (!isAwc) {
    return {
      ...base, variant: 'attlayer', weights, inputDim: F, attentionDim: A,
      reason: `AttLayer-style (${shapes}; weights ${how}): ${why}; it computes tanh(x·W${b ? ' + b' : ''})·u, then exp and divides by the sum + ε`,
    };
  }
  let variant: Variant;
  let product: string;
  const fromNames = backend === undefined ? backendFromNames(layer, ev) : undefined;
  if (fromNames) {
    backend = fromNames.backend;
    variant = backend === 'tensorflow' ? 'awc-tf' : 'awc-th';
    product = `the file names no backend attribute; ${fromNames.why}, so ${backend} decided: ${backend === 'tensorflow' ? 'x·Wᵀ' : 'its dot_product is K.dot(x, W), x·W'}`;
  } else if (backend === undefined) {
    variant = 'awc-tf';
    product = 'the file names no backend, so tensorflow (the usual one) is assumed: x·Wᵀ; use awc-th if it was trained on Theano or CNTK';
  } else if (backend === 'tensorflow') {
    variant = 'awc-tf';
    product = 'on the tensorflow backend (the file\'s backend attribute) its dot_product computes x·Wᵀ (K.dot contracts the expanded W\'s second axis)';
  } else {
    variant = 'awc-th';
    product = `on the ${backend} backend (the file's backend attribute) its dot_product is K.dot(x, W), i.e. x·W`;
  }
  return {
    ...base, variant, weights, inputDim: F, attentionDim: A, backend: backend ?? 'tensorflow',
    reason: `AttentionWithContext (${shapes}; weights ${how}; ${why}): ${product}${!named && !b && ws.length === 2 ? `; unnamed, a square W and a (${F},) vector are also a per-feature layer's W and b: use variant per-feature if the layer has no context vector` : ''}`,
  };
}

type Found = Omit<AttentionLayerInfo, 'layer' | 'className'>;

/** A per-step bias: W (F,1) and a bias with one value per time step, (T,1) or (T,) with T > 1 (a Dense(1)'s bias is (1,)). */
function stepBiasOf(layer: KerasLayer, W: KerasWeight, b: KerasWeight | undefined, how: string, ev: Evidence): Found | undefined {
  if (!b || W.shape.length !== 2 || W.shape[1] !== 1) return undefined;
  const perStep = (b.shape.length === 2 && b.shape[1] === 1) || (b.shape.length === 1 && b.shape[0]! > 1);
  if (!perStep) return undefined;
  const T = b.shape[0]!;
  const cls = layer.className && BUILT_IN_ATTENTION.has(layer.className)
    ? `; its class_name ${layer.className} is also Keras's built-in layer, but that one holds no weights (at most a scalar scale), so its weights make this a custom layer`
    : '';
  const out = ev.graph?.outputs.includes(layer.name) ? `; the model outputs its weights (${layer.name} is a model output)` : '';
  return {
    variant: 'step-bias', weights: { W: W.path, b: b.path }, inputDim: W.shape[0]!, attentionDim: 1,
    reason: `a per-step bias attention (W ${formatShape(W.shape)}, b ${formatShape(b.shape)}, one bias per time step, T = ${T}; weights ${how}${cls}${out}): tanh(x·w + b_t), softmaxed over time`,
  };
}

/** No u and a square W with b (F,): mayuefine's Attention_layer, each feature normalised over time on its own. */
function perFeatureOf(W: KerasWeight, b: KerasWeight | undefined, how: string, looks: boolean): Found | undefined {
  if (!looks || W.shape.length !== 2 || W.shape[0] !== W.shape[1]) return undefined;
  // A Dense's kernel (a projection inside a larger block) is not this layer's own W.
  if (/(^|\/)kernel(:\d+)?$/.test(W.name)) return undefined;
  const F = W.shape[0]!;
  if (b && !sameShape(b.shape, [F])) return undefined;
  return {
    variant: 'per-feature', weights: { W: W.path, ...(b ? { b: b.path } : {}) }, inputDim: F, attentionDim: F,
    reason: `per-feature attention (W ${formatShape(W.shape)}${b ? `, b ${formatShape(b.shape)}` : ', no bias'}, no context vector u; weights ${how}): exp(tanh(x·W${b ? ' + b' : ''})) normalised over time for each feature (K.dot with a 2-D W is x·W), one weight per step and feature`,
  };
}

/** Keras's built-in Attention/AdditiveAttention: nothing to recompute from weights. */
function builtInReason(layer: KerasLayer, ev: Evidence): string {
  const cfg = ev.graph?.nodes.get(layer.name)?.config;
  const opts = cfg ? ['score_mode', 'use_scale'].filter((k) => k in cfg).map((k) => `${k} ${String(cfg[k])}`).join(', ') : '';
  const held = layer.weights.length ? `only ${desc(layer.weights)}` : 'no weights';
  const inputs = ev.graph?.nodes.get(layer.name)?.inputs ?? [];
  return `${layer.className} is Keras's built-in layer${opts ? ` (${opts})` : ''} and holds ${held}: it scores a query against values${inputs.length ? ` (${inputs.join(', ')})` : ''} from their activations at run time, which a weights file does not hold`;
}

/** A top-level Dense is a score head only when its output is softmaxed over time; the graph says. */
function denseRule(layer: KerasLayer, looks: boolean, ev: Evidence): AttentionLayerInfo | { unrecognised: string } | undefined {
  const [kernel, bias] = layer.weights;
  const node = ev.graph?.nodes.get(layer.name);
  const activation = typeof node?.config.activation === 'string' ? node.config.activation : 'linear';
  const isDense1 = kernel && kernel.shape.length === 2 && kernel.shape[1] === 1 && (!bias || shapeSize(bias.shape) === 1);
  const path = isDense1 && ev.graph ? softmaxOverTime(ev.graph, layer.name) : undefined;
  if (isDense1 && path && activation === 'linear') {
    return {
      layer: layer.name, className: 'Dense', variant: 'linear', weights: { W: kernel.path, ...(bias ? { b: bias.path } : {}) }, inputDim: kernel.shape[0]!, attentionDim: 1,
      reason: `a Dense(1) score head (kernel ${formatShape(kernel.shape)}${bias ? `, bias ${formatShape(bias.shape)}` : ''}): the model config sends its output through ${describePath(ev.graph!, path)}, a softmax over time; scores are x·w${bias ? ' + b' : ''}`,
    };
  }
  if (isDense1 && path) return { unrecognised: `Dense(1) ${layer.name} is softmaxed over time (${describePath(ev.graph!, path)}) but has activation ${activation}: the scores are ${activation}(x·w + b), which no variant recomputes` };
  if (!looks) return undefined;
  const consumers = ev.graph?.consumers.get(layer.name) ?? [];
  const where = !ev.graph ? 'the file has no model config to show what consumes it'
    : consumers.length ? `its output goes to ${consumers.join(', ')}, which ${consumers.length > 1 ? 'do' : 'does'} not softmax it over time` : 'nothing in the model config consumes its output';
  return { unrecognised: `Dense layer ${layer.name} is named like attention, but a Dense is a score head only when its output is softmaxed over time, and ${where}: it is not attention by itself` };
}

/** ", built from built-in layers: dense_1 (Dense, softmax) → attention_vec" when the graph shows what a weightless layer reads. */
function upstream(layer: KerasLayer, ev: Evidence): string {
  const chain = ev.graph ? describeUpstream(ev.graph, layer.name) : undefined;
  return chain ? ` (it reads ${chain})` : '';
}

/** With no backend attribute, AttentionWithContext's product from how the file's weights are named. */
function backendFromNames(layer: KerasLayer, ev: Evidence): { backend: string; why: string } | undefined {
  const short = lastSegment(layer.name);
  // Keras 1 names weights '{layer}_W'; a TensorFlow variable's name ends in ':0', a Theano shared variable's does not.
  const keras1 = layer.weights.map((w) => lastSegment(w.name)).filter((n) => n.startsWith(short + '_'));
  const version = ev.kerasVersion ? ` (keras_version ${ev.kerasVersion})` : '';
  // Keras 3 names no weight with ':0' on any backend, so there a missing ':0' says nothing.
  const keras3 = /^3\./.test(ev.kerasVersion ?? '');
  if (keras1.length) {
    const tf = keras1.every((n) => /:\d+$/.test(n));
    if (tf || (!keras3 && keras1.every((n) => !/:\d+$/.test(n)))) {
      return tf
        ? { backend: 'tensorflow', why: `its weight names (${keras1.join(', ')}) end in ':0', as TensorFlow names variables${version}` }
        : { backend: 'theano', why: `its weight names (${keras1.join(', ')}) are Keras 1's {layer}_W naming without ':0'${version}, which only Theano writes (TensorFlow variables end in ':0')` };
    }
  }
  const others = (ev.layers ?? []).flatMap((l) => l.weights.map((w) => w.name));
  const withTfSuffix = others.find((n) => /:\d+$/.test(n));
  if (withTfSuffix) return { backend: 'tensorflow', why: `other weights are named like ${withTfSuffix}, with TensorFlow's ':0'${version}` };
  return undefined;
}

/** The sub-layer a weight belongs to, from its name: `att_layer_1/W:0` → att_layer_1; Keras 3 `layer/vars/0` → layer; '' for the layer's own. */
function subKey(w: KerasWeight): string {
  const parts = w.name.split('/');
  parts.pop();
  if (parts[parts.length - 1] === 'vars') parts.pop();
  return parts.join('/');
}

/**
 * Split a layer into the layers nested in it (a TimeDistributed sentence encoder holds
 * embedding_1/..., bidirectional_1/..., att_layer_1/...), in order of first weight.
 * Each gets the name `outer/inner` and, when known, its class from `classNames`.
 */
export function nestedLayers(layer: KerasLayer, classNames?: Map<string, string>): KerasLayer[] {
  const groups = new Map<string, KerasWeight[]>();
  for (const w of layer.weights) {
    const k = subKey(w);
    const own = k === '' || k === layer.name;
    const key = own ? '' : k;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(w);
  }
  return [...groups].map(([key, weights]) => {
    if (key === '') return { ...layer, weights };
    const cls = classNames?.get(lastSegment(key));
    return { name: `${layer.name}/${key}`, ...(cls ? { className: cls } : {}), ...(layer.group !== undefined ? { group: layer.group } : {}), weights };
  });
}

/** Every attention layer of a model, nested ones included, and those that look like attention but fit no variant. */
export function findAttentionLayers(
  layers: readonly KerasLayer[],
  backend?: string,
  classNames?: Map<string, string>,
  context: ClassifyContext = {},
): { attentionLayers: AttentionLayerInfo[]; unrecognisedAttention: UnrecognisedAttention[] } {
  const attentionLayers: AttentionLayerInfo[] = [];
  const unrecognisedAttention: UnrecognisedAttention[] = [];
  const ev = evidenceOf({ layers, ...context });
  for (const layer of layers) {
    const whole = classifyWith(layer, backend, ev);
    if (whole && !('unrecognised' in whole)) {
      attentionLayers.push(whole);
      continue;
    }
    // Look inside: a wrapper holds its inner layers' weights; an attention layer may hold its own scorer.
    const found: AttentionLayerInfo[] = [];
    const odd: UnrecognisedAttention[] = [];
    const parts = nestedLayers(layer, classNames);
    if (parts.length > 1 || (parts.length === 1 && parts[0]!.name !== layer.name)) {
      for (const part of parts) {
        const r = classifyWith(part, backend, ev);
        if (!r) continue;
        if ('unrecognised' in r) odd.push({ layer: part.name, reason: r.unrecognised });
        else found.push(r);
      }
    }
    if (found.length) {
      attentionLayers.push(...found);
      unrecognisedAttention.push(...odd);
    } else if (whole) {
      unrecognisedAttention.push({ layer: layer.name, reason: whole.unrecognised });
    } else {
      unrecognisedAttention.push(...odd);
    }
  }
  // The Flatten/softmax layers after a recognised Dense(1) score head are that head, not more attention.
  const covered = new Set(attentionLayers.flatMap((a) => (a.className === 'Dense' && ev.graph ? softmaxOverTime(ev.graph, a.layer) ?? [] : [])));
  return { attentionLayers, unrecognisedAttention: unrecognisedAttention.filter((u) => !covered.has(u.layer)) };
}
