import { fail, formatShape } from '@attnlens/core';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
import type { FormatHandler } from './registry.js';

const LAYOUT_NAME = { 'keras-h5': 'Keras HDF5', 'keras-weights-h5': 'Keras HDF5 weights', 'keras-zip': 'Keras .keras archive' } as const;

function modelClass(k: KerasFile): string | undefined {
  const c = k.modelConfig as { class_name?: unknown } | undefined;
  return typeof c?.class_name === 'string' ? c.class_name : undefined;
}

export function kerasJson(k: KerasFile): { format: string } & Record<string, unknown> {
  return {
    format: k.layout,
    file: k.path,
    layout: k.detail,
    keras_version: k.kerasVersion ?? null,
    backend: k.backend ?? null,
    model_class: modelClass(k) ?? null,
    layers: k.layers.map((l) => ({
      name: l.name,
      class_name: l.className ?? null,
      group: l.group ?? null,
      weights: l.weights.map((w) => ({ name: w.name, path: w.path, dtype: w.dtype, shape: w.shape })),
    })),
    attention_layers: k.attentionLayers.map((a) => ({
      layer: a.layer,
      class_name: a.className ?? null,
      variant: a.variant,
      weights: { W: a.weights.W, b: a.weights.b ?? null, u: a.weights.u ?? null },
      input_dim: a.inputDim,
      attention_dim: a.attentionDim,
      backend: a.backend ?? null,
      reason: a.reason,
    })),
    unrecognised_attention: k.unrecognisedAttention,
  };
}

export function kerasText(k: KerasFile): string {
  const out: string[] = [];
  const facts = [k.kerasVersion ? `Keras ${k.kerasVersion}` : 'Keras version not recorded', k.backend ? `backend ${k.backend}` : 'no backend recorded'];
  const cls = modelClass(k);
  if (cls) facts.push(`model class ${cls}`);
  out.push(`${k.path}: ${LAYOUT_NAME[k.layout]}, ${k.detail}`, `  ${facts.join(', ')}`);
  const withWeights = k.layers.filter((l) => l.weights.length).length;
  out.push(`layers (${k.layers.length}, ${withWeights} with weights):`);
  for (const l of k.layers) {
    const head = `  ${l.name}${l.className ? ` (${l.className})` : ''}`;
    if (!l.weights.length) {
      out.push(`${head}: no weights`);
      continue;
    }
    out.push(`${head}${l.group ? `  in /${l.group}/` : ''}`);
    const width = Math.min(64, Math.max(...l.weights.map((w) => w.name.length)));
    for (const w of l.weights) out.push(`    ${w.name.padEnd(width)}  ${w.dtype} ${formatShape(w.shape)}`);
  }
  if (k.attentionLayers.length) {
    out.push(`attention layers (${k.attentionLayers.length}):`);
    for (const a of k.attentionLayers) {
      out.push(`  ${a.layer}${a.className ? ` (${a.className})` : ''}: ${a.variant}, input dim ${a.inputDim}, attention dim ${a.attentionDim}`);
      for (const [role, p] of Object.entries(a.weights)) if (p) out.push(`    ${role} /${p}`);
      out.push(`    why: ${a.reason}`);
    }
  } else {
    out.push('attention layers: none found');
  }
  if (k.unrecognisedAttention.length) {
    out.push(`look like attention but match no variant (${k.unrecognisedAttention.length}):`);
    for (const u of k.unrecognisedAttention) out.push(`  ${u.layer}: ${u.reason}`);
  }
  out.push('extract a weight: attnlens extract FILE --array DATASET_PATH --out W.npy');
  return out.join('\n');
}

export const kerasFormat: FormatHandler = {
  name: 'Keras',
  claims: ['hdf5', 'keras-zip'],
  async inspect({ path, allowExternal }) {
    const k = await openKeras(path, allowExternal !== undefined ? { allowExternal } : {});
    try {
      return { json: kerasJson(k), text: kerasText(k) };
    } finally {
      k.close();
    }
  },
  async extract({ path, allowExternal }, name) {
    const k = await openKeras(path, allowExternal !== undefined ? { allowExternal } : {});
    try {
      if (name === undefined) {
        const example = k.attentionLayers[0]?.weights.W ?? k.layers.find((l) => l.weights.length)?.weights[0]?.path;
        fail('BAD_ARGUMENT', 'a Keras file holds many datasets; name one with --array', {
          file: path,
          hint: example ? `e.g. --array ${example}; \`attnlens inspect\` lists them all` : 'run `attnlens inspect` to list the dataset paths',
        });
      }
      return k.readWeight(name);
    } finally {
      k.close();
    }
  },
};
