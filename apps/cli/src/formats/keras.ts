import { fail, formatShape } from '@attnlens/core';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
// The summary entry alone (not the forward loop, which inspect never runs), imported by inspect
// once the file is opening, so its modules load while h5wasm compiles (issue 15).
import type { ForwardSummary } from '@attnlens/forward/summary';
import type { FormatHandler } from './registry.js';

const LAYOUT_NAME = { 'keras-h5': 'Keras HDF5', 'keras-weights-h5': 'Keras HDF5 weights', 'keras-zip': 'Keras .keras archive' } as const;

type Summary = typeof import('@attnlens/forward/summary');

/** What `inspect --json` prints: the summary @attnlens/forward builds for the CLI and the web viewer. */
export const kerasJson = (k: KerasFile, s: Summary): { format: string } & Record<string, unknown> => s.kerasSummary(k);

export function kerasText(k: KerasFile, { forwardSummary, modelClass }: Summary): string {
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
  out.push(...forwardText(forwardSummary(k)));
  out.push('extract a weight: attnlens extract FILE --array DATASET_PATH --out W.npy');
  return out.join('\n');
}

function forwardText(f: ForwardSummary): string[] {
  if (!f.layers) return [`forward pass: cannot build the model: ${f.why}${f.hint ? ` (${f.hint})` : ''}`];
  const stuck = f.layers.filter((l) => !l.runnable);
  const out = [`forward pass: ${f.layers.length - stuck.length} of ${f.layers.length} layers run from the file${stuck.length ? '; these cannot:' : ''}`];
  for (const l of stuck) out.push(`  ${l.name} (${l.class_name}): ${l.reason ?? 'unknown class'}`);
  for (const a of f.attention ?? []) {
    const how = a.from_ids ? 'from token ids alone (compute --model FILE --ids IDS.npy or --text)' : a.from_inputs ? 'from the model\'s inputs (compute --model FILE --model-inputs IN.npy)' : 'not from the model\'s inputs';
    out.push(`  attention ${a.layer} (${a.kind}): ${how}${a.why && !a.from_inputs ? `: ${a.why}` : ''}`);
  }
  return out;
}

export const kerasFormat: FormatHandler = {
  name: 'Keras',
  claims: ['hdf5', 'keras-zip'],
  async inspect({ path, allowExternal }) {
    const opening = openKeras(path, allowExternal !== undefined ? { allowExternal } : {});
    opening.catch(() => undefined); // awaited, with its error, below
    // The summary's modules (keras-graph, the layers) load on this thread while V8's compile
    // h5wasm's WebAssembly (packages/keras/src/node.ts).
    const summary = await import('@attnlens/forward/summary');
    const k = await opening;
    try {
      return { json: kerasJson(k, summary), text: kerasText(k, summary) };
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
