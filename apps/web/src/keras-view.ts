// The structure of a Keras file as `attnlens inspect` sees it (the summary is
// @attnlens/forward's kerasSummary, the same the CLI prints).
import { formatShape } from '@attnlens/core';
import type { KerasSummary } from '@attnlens/forward';
import { h } from './dom.js';

const LAYOUT_NAME: Record<string, string> = { 'keras-h5': 'Keras HDF5', 'keras-weights-h5': 'Keras HDF5 weights', 'keras-zip': 'Keras .keras archive' };

function table(head: string[], rows: string[][], cls: string): HTMLTableElement {
  return h('table', { class: cls }, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

function attentionSection(s: KerasSummary): HTMLElement {
  if (!s.attention_layers.length) return h('section', { class: 'attention' }, h('h3', {}, 'Attention layers: none found'));
  const rows = s.attention_layers.map((a) => [a.layer, a.class_name ?? '', a.variant, String(a.input_dim), String(a.attention_dim), [a.weights.W, a.weights.b, a.weights.u].filter(Boolean).join(', '), a.reason]);
  return h('section', { class: 'attention' }, h('h3', {}, `Attention layers (${s.attention_layers.length})`), table(['layer', 'class', 'variant', 'input dim', 'attention dim', 'weights', 'why'], rows, 'attention-layers'));
}

function unrecognisedSection(s: KerasSummary): HTMLElement | null {
  if (!s.unrecognised_attention.length) return null;
  return h('section', {}, h('h3', {}, `Look like attention but match no variant (${s.unrecognised_attention.length})`), table(['layer', 'why'], s.unrecognised_attention.map((u) => [u.layer, u.reason]), 'unrecognised'));
}

function forwardSection(s: KerasSummary): HTMLElement {
  const f = s.forward;
  if (!f.layers) return h('section', {}, h('h3', {}, 'Forward pass'), h('p', {}, `The model cannot be built from the file: ${f.why ?? ''}${f.hint ? ` (${f.hint})` : ''}`));
  const stuck = f.layers.filter((l) => !l.runnable);
  const reach = (f.attention ?? []).map((a) => [a.layer, a.kind, a.from_ids ? 'from token ids' : a.from_inputs ? "from the model's inputs" : 'no', a.why ?? '']);
  return h(
    'section',
    {},
    h('h3', {}, 'Forward pass'),
    h('p', {}, `${f.layers.length - stuck.length} of ${f.layers.length} layers run from the file.`),
    stuck.length ? table(['layer', 'class', 'why not'], stuck.map((l) => [l.name, l.class_name, l.reason ?? 'unknown class']), 'stuck') : null,
    reach.length ? table(['attention', 'kind', 'computable', 'why'], reach, 'reach') : null,
  );
}

function layersSection(s: KerasSummary): HTMLElement {
  const rows: string[][] = [];
  for (const l of s.layers) {
    if (!l.weights.length) rows.push([l.name, l.class_name ?? '', '', '', '']);
    for (const w of l.weights) rows.push([l.name, l.class_name ?? '', w.name, w.dtype, formatShape(w.shape)]);
  }
  const withWeights = s.layers.filter((l) => l.weights.length).length;
  return h('section', {}, h('h3', {}, `Layers (${s.layers.length}, ${withWeights} with weights)`), table(['layer', 'class', 'weight', 'dtype', 'shape'], rows, 'layers'));
}

export function kerasView(s: KerasSummary): HTMLElement {
  const facts = [s.keras_version ? `Keras ${s.keras_version}` : 'Keras version not recorded', s.backend ? `backend ${s.backend}` : 'no backend recorded', s.model_class ? `model class ${s.model_class}` : ''].filter(Boolean);
  return h(
    'article',
    { class: 'keras' },
    h('h2', {}, s.file),
    h('p', { class: 'facts' }, `${LAYOUT_NAME[s.format] ?? s.format}, ${s.layout}. ${facts.join(', ')}.`),
    attentionSection(s),
    unrecognisedSection(s),
    forwardSection(s),
    layersSection(s),
  );
}
