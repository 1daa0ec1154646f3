// Can an attention layer be computed from the model's own inputs, and from token ids
// alone? The policy `inspect` reports: every layer between the inputs and the attention
// layer must run from the file (a Lambda holds Python bytecode), and "ids" means the
// model's inputs go into an Embedding.
import type { KerasFile } from '@attnlens/keras';
import { parseModelConfig, type Graph, type KerasModel } from '@attnlens/keras-graph';
import { modelLayerPath } from './plan.js';

export interface AttentionReadiness {
  layer: string;
  /** 'recompute' for a layer attnlens recomputes from its input; otherwise a built-in attention kind. */
  kind: string;
  /** Every layer before it runs from the file. */
  fromInputs: boolean;
  /** …and the model's inputs are token ids (they feed an Embedding). */
  fromIds: boolean;
  /** Why not, in a sentence. */
  why?: string;
}

/** Top-level layers that feed `top`, through any path (not `top` itself). */
function upstream(g: Graph, top: string): Set<string> {
  const seen = new Set<string>();
  const stack = [top];
  while (stack.length) {
    const l = stack.pop()!;
    for (const n of g.nodes) {
      if (n.layer !== l) continue;
      for (const r of n.inbound) {
        if (seen.has(r.layer)) continue;
        seen.add(r.layer);
        stack.push(r.layer);
      }
    }
  }
  return seen;
}

/** The graph's inputs go straight into an Embedding (through wrappers and nested models). */
export function feedsEmbedding(g: Graph): boolean {
  if (!g.inputs.length) return false;
  return g.inputs.every((input) =>
    g.nodes.some((n) => {
      if (!n.inbound.some((r) => r.layer === input.layer)) return false;
      const spec = g.layers.get(n.layer)!;
      const inner = spec.inner ?? spec;
      if (inner.className === 'Embedding') return true;
      return !!inner.model && feedsEmbedding(inner.model);
    }),
  );
}

export function attentionReadiness(kf: KerasFile, model: KerasModel, config: unknown = kf.modelConfig): AttentionReadiness[] {
  const graph = parseModelConfig(config, { ...(kf.kerasVersion ? { kerasVersion: kf.kerasVersion } : {}), file: kf.path });
  const ids = feedsEmbedding(graph) || model.inputs.every((i) => /int/.test(i.dtype));
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const one = (layer: string, kind: string): AttentionReadiness => {
    const path = modelLayerPath(model, layer, kf.path);
    const top = path.split('/')[0]!;
    const needed = [...upstream(graph, top)];
    // A nested attention layer also needs the wrapper (its nested model) to run up to it.
    if (top !== path || kind !== 'recompute') needed.push(top);
    const stuck = needed.map((n) => byName.get(n)).find((l) => l && !l.runnable);
    if (stuck) return { layer, kind, fromInputs: false, fromIds: false, why: `layer ${stuck.name} (${stuck.className}) is in the way: ${stuck.reason ?? 'it cannot run from the file'}` };
    return ids ? { layer, kind, fromInputs: true, fromIds: true } : { layer, kind, fromInputs: true, fromIds: false, why: `the model's input${model.inputs.length === 1 ? ' is' : 's are'} not token ids (no Embedding takes ${model.inputs.length === 1 ? 'it' : 'them'}): run it from its inputs` };
  };
  return [...kf.attentionLayers.map((a) => one(a.layer, 'recompute')), ...model.builtinAttention.map((b) => one(b.layer, b.kind))];
}
