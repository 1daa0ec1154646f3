// The Keras 3 weights layout (`x.weights.h5`, and model.weights.h5 inside a `.keras` zip),
// FORMATS.md §1.8: one group per saveable object path, each with a `vars` group of
// datasets "0", "1", ... (sorted numerically). Top-level layers sit under `layers/`
// (`_layer_checkpoint_dependencies/` in tf.keras 2.13/2.14 files), addressed by
// snake-cased class name, not layer name.
import type { Hdf5File } from '../hdf5-file.js';
import { keras3LayerGroups, type ConfigLayer } from '../model-config.js';
import type { KerasLayer, KerasWeight } from '../types.js';
import { join, naturalCompare, stringAttr } from './attributes.js';

export const KERAS3_LAYER_ROOTS = ['layers', '_layer_checkpoint_dependencies'];
/** Root groups that are not layers of a subclassed model. */
const NOT_LAYERS = new Set([...KERAS3_LAYER_ROOTS, 'vars', 'optimizer', 'metrics', 'compile_metrics', 'loss_tracker', '_tracker']);
const MAX_DEPTH = 32;

/** Does the root look like a Keras 3 weights file? */
export function isKeras3(h5: Hdf5File): boolean {
  if (KERAS3_LAYER_ROOTS.some((r) => h5.kind(r) === 'group')) return true;
  return h5.kind('vars') === 'group';
}

/** Every dataset under `group`: its own vars (numerically), then sub-objects in name order, recursively. */
function collect(h5: Hdf5File, group: string, rel: string, out: KerasWeight[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const kids = h5.children(group);
  if (kids.includes('vars') && h5.kind(join(group, 'vars')) === 'group') {
    for (const v of h5.children(join(group, 'vars')).sort(naturalCompare)) {
      const path = join(group, 'vars', v);
      if (h5.kind(path) !== 'dataset') continue;
      const { dtype, shape } = h5.datasetInfo(path);
      out.push({ name: join(rel, 'vars', v), path, dtype, shape });
    }
  }
  for (const k of kids.filter((k) => k !== 'vars').sort(naturalCompare)) {
    const sub = join(group, k);
    if (h5.kind(sub) === 'group') collect(h5, sub, join(rel, k), out, depth + 1);
  }
}

/** The layer's own name: the `name` attribute Keras >= 3.6 writes on its vars group. */
const nameAttr = (h5: Hdf5File, group: string) => (h5.kind(join(group, 'vars')) === 'group' ? stringAttr(h5, join(group, 'vars'), 'name') : undefined);

export function readKeras3Layers(h5: Hdf5File, config: unknown, classNames: Map<string, string>): KerasLayer[] {
  const byGroup: Map<string, ConfigLayer> = keras3LayerGroups(config);
  const configOrder = [...byGroup.keys()];
  const layers: { layer: KerasLayer; order: number }[] = [];
  const add = (group: string, key: string, inList: boolean) => {
    const weights: KerasWeight[] = [];
    collect(h5, group, '', weights, 0);
    const fromConfig = inList ? byGroup.get(key) : undefined;
    const name = nameAttr(h5, group) ?? fromConfig?.name ?? key;
    const className = fromConfig?.className ?? classNames.get(name);
    const layer: KerasLayer = { name, group, weights };
    if (className) layer.className = className;
    const at = inList ? configOrder.indexOf(key) : -1;
    layers.push({ layer, order: at < 0 ? Number.MAX_SAFE_INTEGER : at });
  };
  for (const root of KERAS3_LAYER_ROOTS) {
    if (h5.kind(root) !== 'group') continue;
    for (const k of h5.children(root).sort(naturalCompare)) if (h5.kind(join(root, k)) === 'group') add(join(root, k), k, true);
  }
  // A subclassed model keeps its layers under their Python attribute names at the root.
  for (const k of h5.children('').sort(naturalCompare)) {
    if (!NOT_LAYERS.has(k) && h5.kind(k) === 'group') add(k, k, false);
  }
  // The model's own variables (rare), in the root vars group.
  if (h5.kind('vars') === 'group' && h5.children('vars').length) {
    const weights: KerasWeight[] = [];
    for (const v of h5.children('vars').sort(naturalCompare)) {
      const path = join('vars', v);
      if (h5.kind(path) !== 'dataset') continue;
      const { dtype, shape } = h5.datasetInfo(path);
      weights.push({ name: path, path, dtype, shape });
    }
    if (weights.length) layers.push({ layer: { name: nameAttr(h5, '') ?? 'model', group: '', weights }, order: Number.MAX_SAFE_INTEGER });
  }
  // Config order where known (stable sort keeps name order for the rest).
  return layers.sort((a, b) => a.order - b.order).map((x) => x.layer);
}
