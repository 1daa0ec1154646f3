// An open Keras weights file: which layout it is, its layers in Keras's order, and the
// attention layers in them. Reads metadata only; datasets are read by readWeight.
import { AttnlensError, fail, type Tensor } from '@attnlens/core';
import { findAttentionLayers, nestedLayers } from './classify.js';
import { Hdf5File, type H5Module, type Hdf5FileOptions } from './hdf5-file.js';
import { isKeras3, readKeras3Layers } from './layouts/keras3.js';
import { stringAttr, stringList } from './layouts/attributes.js';
import { readLegacyLayers, readPre1Layers } from './layouts/legacy-h5.js';
import { classNamesByLayer } from './model-config.js';
import { parsePythonJson } from './python-json.js';
import type { KerasFile, KerasLayer, KerasLayout } from './types.js';

export interface OpenHdf5Options extends Hdf5FileOptions {
  /** The name to show and to report as `path` (the user's path; fsPath may be a temporary copy). */
  file?: string;
  /** For model.weights.h5 taken out of a .keras zip: the archive's config.json and metadata.json. */
  zip?: { config?: unknown; kerasVersion?: string; detail?: string };
  /** Called once by close(), after the HDF5 file is closed (removes a temporary copy). */
  onClose?: () => void;
}

/**
 * Open a Keras HDF5 file (any legacy layout, or Keras 3 weights) with an h5wasm module:
 * `await (await import('h5wasm/node')).default.ready` in Node, the ESM build in a browser.
 */
export function openKerasHdf5(module: H5Module, fsPath: string, opts: OpenHdf5Options = {}): KerasFile {
  const file = opts.file ?? fsPath;
  let h5: Hdf5File | undefined;
  try {
    h5 = new Hdf5File(module, fsPath, file, { ...(opts.externalAccess ? { externalAccess: opts.externalAccess } : {}), ...(opts.limits ? { limits: opts.limits } : {}) });
    return describe(h5, file, opts);
  } catch (e) {
    h5?.close();
    opts.onClose?.();
    throw e instanceof AttnlensError ? e.withFile(file) : e;
  }
}

function describe(h5: Hdf5File, file: string, opts: OpenHdf5Options): KerasFile {
  const rootKids = h5.children('');
  const rootAttrs = h5.attrNames('');
  if (!rootKids.length && !rootAttrs.length) {
    fail(opts.zip ? 'CORRUPT' : 'UNKNOWN_FORMAT', 'is an HDF5 file with nothing in it (no groups, datasets or attributes), so not a Keras file', {
      file,
      hint: 'if it should hold a model, it is damaged or was never written completely; save it again',
    });
  }
  const rawConfig = stringAttr(h5, '', 'model_config');
  const modelConfig = opts.zip?.config ?? (rawConfig !== undefined ? parsePythonJson(rawConfig, 'model_config', file) : undefined);
  const classNames = classNamesByLayer(modelConfig);
  let kerasVersion = stringAttr(h5, '', 'keras_version') ?? opts.zip?.kerasVersion;
  let backend = stringAttr(h5, '', 'backend');

  let layout: KerasLayout;
  let detail: string;
  let layers: KerasLayer[];
  const rootNames = stringList(h5, '', 'layer_names');
  if (rootNames) {
    layout = 'keras-weights-h5';
    detail = 'legacy save_weights (layer_names at the root)';
    layers = readLegacyLayers(h5, '', rootNames);
  } else if (h5.kind('model_weights') === 'group') {
    const names = stringList(h5, 'model_weights', 'layer_names');
    if (!names) fail('CORRUPT', 'has a model_weights group without a layer_names attribute', { file, hint: 'the file was not written by Keras, or is damaged' });
    layout = 'keras-h5';
    detail = 'legacy full save (model_weights/)';
    layers = readLegacyLayers(h5, 'model_weights', names);
    kerasVersion ??= stringAttr(h5, 'model_weights', 'keras_version');
    backend ??= stringAttr(h5, 'model_weights', 'backend');
  } else if (rootAttrs.includes('nb_layers')) {
    layout = 'keras-weights-h5';
    detail = 'pre-1.0 Keras weights (nb_layers, layer_k/param_p)';
    layers = readPre1Layers(h5);
  } else if (isKeras3(h5)) {
    layout = opts.zip ? 'keras-zip' : 'keras-weights-h5';
    detail = opts.zip?.detail ?? (h5.kind('_layer_checkpoint_dependencies') === 'group'
      ? 'tf.keras 2.13/2.14 weights (_layer_checkpoint_dependencies/<name>/vars/<i>)'
      : 'Keras 3 weights (layers/<name>/vars/<i>)');
    layers = readKeras3Layers(h5, modelConfig, classNames);
  } else if (rawConfig !== undefined) {
    return fail('NOT_FOUND', 'holds a Keras model_config but no weights (no model_weights group, no layer_names attribute)', {
      file,
      hint: 'the model was saved without weights; save it again with model.save(...)',
    });
  } else {
    return fail('UNKNOWN_FORMAT', `is an HDF5 file but not a Keras file: no layer_names attribute, no model_weights group and no layers/<name>/vars groups (it holds ${preview(rootKids)})`, {
      file,
      hint: 'attnlens reads Keras model.save/save_weights files (.h5, .hdf5, .weights.h5, .keras)',
      details: { sniffed: 'hdf5', groups: rootKids.slice(0, 20) },
    });
  }
  if (opts.zip && layout !== 'keras-zip') {
    layout = 'keras-zip';
    detail = `${opts.zip.detail ?? 'Keras .keras archive'}, holding a ${detail}`;
  }
  for (const l of layers) {
    const cls = l.className ?? classNames.get(l.name);
    if (cls) l.className = cls;
  }
  const { attentionLayers, unrecognisedAttention } = findAttentionLayers(layers, backend, classNames, { modelConfig, ...(kerasVersion !== undefined ? { kerasVersion } : {}) });

  let closed = false;
  const layerByName = (name: string): KerasLayer => {
    const direct = layers.find((l) => l.name === name);
    if (direct) return direct;
    const nested = layers.flatMap((l) => nestedLayers(l, classNames).filter((p) => p.name !== l.name));
    const hit = nested.find((p) => p.name === name) ?? uniqueBy(nested, (p) => p.name.endsWith('/' + name));
    if (hit) return hit;
    const names = layers.map((l) => l.name);
    return fail('NOT_FOUND', `has no layer named ${name}`, {
      file,
      hint: `its layers are ${preview(names)}${nested.length ? `; nested layers are named outer/inner, e.g. ${nested[0]!.name}` : ''}`,
      details: { layers: names },
    });
  };
  return {
    path: file,
    layout,
    detail,
    ...(kerasVersion !== undefined ? { kerasVersion } : {}),
    ...(backend !== undefined ? { backend } : {}),
    ...(modelConfig !== undefined ? { modelConfig } : {}),
    layers,
    attentionLayers,
    unrecognisedAttention,
    layer: layerByName,
    readWeight(datasetPath: string): Tensor {
      const path = datasetPath.replace(/^\/+/, '');
      if (!path || h5.kind(path) !== 'dataset') {
        const all = layers.flatMap((l) => l.weights.map((w) => w.path));
        const near = all.filter((p) => path && (p.endsWith('/' + path) || p.endsWith(path)));
        fail('NOT_FOUND', `has no dataset ${path ? '/' + path : '(empty path)'}`, {
          file,
          hint: near.length ? `did you mean ${preview(near, 5)}?` : 'run `attnlens inspect FILE` to list the dataset paths of every weight',
          details: { near },
        });
      }
      return h5.readDataset(path);
    },
    close() {
      if (closed) return;
      closed = true;
      h5.close();
      opts.onClose?.();
    },
  };
}

function uniqueBy<T>(xs: T[], pred: (x: T) => boolean): T | undefined {
  const hits = xs.filter(pred);
  return hits.length === 1 ? hits[0] : undefined;
}

function preview(names: string[], n = 12): string {
  if (!names.length) return 'nothing';
  return names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')} and ${names.length - n} more`;
}

