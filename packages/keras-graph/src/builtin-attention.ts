// Attention made of built-in layers, found from the graph (never from names): a softmax
// Dense/Activation whose output, through shape-only layers, weighs another tensor in a
// Multiply/Dot/Merge(mul|dot) — the attention_3d_block and Luong blocks people copy — and
// keras.layers.Attention/AdditiveAttention, whose scores are a map in their own right.
// A Dense(1) alone is not attention: only a softmax makes weights.
import type { Graph, LayerSpec } from './graph.js';

export interface BuiltinAttention {
  layer: string;
  kind: 'softmax-weighting' | 'keras-attention' | 'keras-additive-attention';
  reason: string;
}

/** Layers that move values without changing them: the weights pass through on their way to the product. */
const PASS = new Set(['Permute', 'Reshape', 'RepeatVector', 'Flatten', 'Lambda', 'Dropout', 'TimeDistributed']);
const MAX_HOPS = 6;

export function isSoftmax(l: LayerSpec): boolean {
  if (l.className === 'Softmax') return true;
  return (l.className === 'Dense' || l.className === 'Activation') && l.config.activation === 'softmax';
}

function weighs(l: LayerSpec): boolean {
  if (l.className === 'Multiply' || l.className === 'Dot') return true;
  return l.className === 'Merge' && (l.config.mode === 'mul' || l.config.mode === 'dot');
}

/** `custom`: layers the file's weights show to be custom classes (a custom `Attention` is not Keras's). */
export function findBuiltinAttention(g: Graph, custom: (layer: string) => boolean = () => false): BuiltinAttention[] {
  const out: BuiltinAttention[] = [];
  const consumers = (name: string) => [...new Set(g.nodes.filter((n) => n.inbound.some((r) => r.layer === name)).map((n) => n.layer))];
  for (const l of g.layers.values()) {
    if ((l.className === 'Attention' || l.className === 'AdditiveAttention') && !custom(l.name)) {
      out.push({
        layer: l.name,
        kind: l.className === 'Attention' ? 'keras-attention' : 'keras-additive-attention',
        reason: `keras.layers.${l.className}: its scores (N, Tq, Tv) are softmax weights over the value steps`,
      });
      continue;
    }
    if (!isSoftmax(l) || custom(l.name)) continue;
    // Follow the softmax output through shape-only layers to a product with another tensor.
    let frontier = [{ name: l.name, path: [`${l.className} ${l.name}`] }];
    for (let hop = 0; hop < MAX_HOPS && frontier.length; hop++) {
      const next: typeof frontier = [];
      for (const f of frontier) {
        for (const c of consumers(f.name)) {
          const spec = g.layers.get(c)!;
          if (weighs(spec)) {
            out.push({
              layer: l.name,
              kind: 'softmax-weighting',
              reason: `${[...f.path, `${spec.className} ${c}`].join(' → ')}: the softmax output weighs another tensor; its map is normalised over the last axis of ${l.name}'s output`,
            });
            frontier = [];
            next.length = 0;
            break;
          }
          if (PASS.has(spec.className)) next.push({ name: c, path: [...f.path, `${spec.className} ${c}`] });
        }
        if (!frontier.length) break;
      }
      if (!frontier.length) break;
      frontier = next;
    }
  }
  return out;
}
