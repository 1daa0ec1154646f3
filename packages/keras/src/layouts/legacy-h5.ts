// The legacy Keras HDF5 layout (Keras 1.x, 2.x, tf.keras 2.x, Keras 3 `.h5`), FORMATS.md §1.1-1.2:
// a weights group (the root for save_weights, model_weights/ for model.save) whose
// layer_names attribute orders the layer groups, each with a weight_names attribute.
import { fail } from '@attnlens/core';
import type { Hdf5File } from '../hdf5-file.js';
import type { KerasLayer, KerasWeight } from '../types.js';
import { join, numberAttr, stringList } from './attributes.js';

/** The weights of `names`, resolved relative to `group`, in that order (never the group's own order). */
function weightsOf(h5: Hdf5File, group: string, names: string[]): KerasWeight[] {
  return names.map((name) => {
    const path = join(group, name);
    if (h5.kind(path) !== 'dataset') {
      fail('CORRUPT', `the layer group /${group} lists the weight ${name} in weight_names, but /${path} is not a dataset`, {
        file: h5.file,
        hint: 'the file is incomplete or was edited after Keras wrote it',
      });
    }
    const { dtype, shape } = h5.datasetInfo(path);
    return { name, path, dtype, shape };
  });
}

/** Layers of a weights group that has layer_names (the root, or model_weights). */
export function readLegacyLayers(h5: Hdf5File, weightsGroup: string, layerNames: string[]): KerasLayer[] {
  const layers: KerasLayer[] = [];
  for (const name of layerNames) {
    const group = join(weightsGroup, name);
    if (h5.kind(group) !== 'group') {
      fail('CORRUPT', `layer_names lists the layer ${name} but there is no group /${group}`, {
        file: h5.file,
        hint: 'the file is incomplete or was edited after Keras wrote it',
      });
    }
    const wn = stringList(h5, group, 'weight_names');
    if (wn === undefined) {
      fail('CORRUPT', `the layer group /${group} has no weight_names attribute`, { file: h5.file, hint: 'Keras writes weight_names for every layer, even an empty one; the file was not written by Keras' });
    }
    layers.push({ name, group, weights: weightsOf(h5, group, wn) });
  }
  // tf.keras >= 2.7 and Keras 3: variables owned by the model itself, not listed in layer_names.
  const top = join(weightsGroup, 'top_level_model_weights');
  if (!layerNames.includes('top_level_model_weights') && h5.kind(top) === 'group') {
    const wn = stringList(h5, top, 'weight_names') ?? [];
    if (wn.length) layers.push({ name: 'top_level_model_weights', group: top, weights: weightsOf(h5, top, wn) });
  }
  return layers;
}

/** Pre-1.0 weights: root nb_layers, groups layer_{k} with nb_params and datasets param_{p}. */
export function readPre1Layers(h5: Hdf5File): KerasLayer[] {
  const n = numberAttr(h5, '', 'nb_layers') ?? 0;
  const layers: KerasLayer[] = [];
  for (let k = 0; k < n; k++) {
    const group = `layer_${k}`;
    if (h5.kind(group) !== 'group') fail('CORRUPT', `nb_layers is ${n} but there is no group /${group}`, { file: h5.file });
    const p = numberAttr(h5, group, 'nb_params') ?? 0;
    layers.push({ name: group, group, weights: weightsOf(h5, group, Array.from({ length: p }, (_, i) => `param_${i}`)) });
  }
  return layers;
}
