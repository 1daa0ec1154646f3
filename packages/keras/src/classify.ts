// Finding attention layers and saying how to recompute them (FORMATS.md §2,
// shared/reference/han_ref.py): from class names where the file has a config, from
// weight names and shapes otherwise. A layer that looks like attention but fits no
// variant is reported as unrecognised, never guessed.
import { formatShape, isFloat, shapeSize } from '@attnlens/core';
import type { AttentionLayerInfo, KerasLayer, KerasWeight, UnrecognisedAttention, Variant } from './types.js';

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
  if (ws.length === 2) return a!.shape.length === 2 && a!.shape[1] === 1 && b!.shape.length <= 1 && shapeSize(b!.shape) === 1 ? { W: a, b } : { W: a, u: b };
  if (ws.length === 3) return { W: a, b, u: c };
  return undefined;
}

const desc = (ws: KerasWeight[]) => ws.map((w) => `${lastSegment(w.name)} ${formatShape(w.shape)}`).join(', ');
const sameShape = (s: readonly number[], t: readonly number[]) => s.length === t.length && s.every((d, i) => d === t[i]);
const EXPECTED = 'AttentionWithContext (W (F,F), b (F,), u (F,)), AttLayer (W (F,A), b (A,), u (A,1)) or a Dense(1) score layer (kernel (H,1), bias (1,))';

/**
 * Classify one layer (or a layer nested in a wrapper, split out by findAttentionLayers).
 * undefined: not attention; { unrecognised }: looks like attention but fits no variant.
 * `backend` (the file's backend attribute) decides AttentionWithContext's product.
 */
export function classifyAttention(layer: KerasLayer, backend?: string): AttentionLayerInfo | { unrecognised: string } | undefined {
  const looks = looksLikeAttention(layer);
  const ws = layer.weights;
  const short = lastSegment(layer.name);
  const what = layer.className ? `${layer.className} layer` : 'layer';
  if (!ws.length) return looks ? { unrecognised: `${what} has no weights: parameter-free attention is computed from activations, which a weights file does not hold` } : undefined;
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
  if (backend === undefined) {
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
    reason: `AttentionWithContext (${shapes}; weights ${how}; ${why}): ${product}`,
  };
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
): { attentionLayers: AttentionLayerInfo[]; unrecognisedAttention: UnrecognisedAttention[] } {
  const attentionLayers: AttentionLayerInfo[] = [];
  const unrecognisedAttention: UnrecognisedAttention[] = [];
  for (const layer of layers) {
    const whole = classifyAttention(layer, backend);
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
        const r = classifyAttention(part, backend);
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
  return { attentionLayers, unrecognisedAttention };
}
