// A PyTorch or safetensors file as `attnlens inspect` sees it (torchSummary, shared with the
// CLI). The file is read through File.slice(): headers and the pickle only, no tensor data.
import { formatShape } from '@attnlens/core';
import { openTorch, torchSummary } from '@attnlens/torch';
import { h } from './dom.js';

interface TorchSummary {
  file: string;
  layout: string;
  tensors: { name: string; dtype: string; shape: number[] }[];
  attention_layers: { layer: string; variant: string; input_dim: number; attention_dim: number; level: string | null; reason: string }[];
  unrecognised_attention: { layer: string; reason: string }[];
  from_ids?: { computable: boolean; chain?: string; why?: string };
}

export async function torchSummaryOf(file: File): Promise<TorchSummary> {
  const f = await openTorch({ name: file.name, size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) });
  try {
    return torchSummary(f) as unknown as TorchSummary;
  } finally {
    await f.close();
  }
}

function table(head: string[], rows: string[][], cls: string): HTMLTableElement {
  return h('table', { class: cls }, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

export function torchView(s: TorchSummary): HTMLElement {
  const att = s.attention_layers;
  const ids = s.from_ids;
  return h(
    'article',
    { class: 'torch' },
    h('h2', {}, s.file),
    h('p', { class: 'facts' }, s.layout),
    h('h3', {}, att.length ? `Attention layers (${att.length})` : 'Attention layers: none found'),
    att.length ? table(['layer', 'variant', 'input dim', 'attention dim', 'level', 'why'], att.map((a) => [a.layer, a.variant, String(a.input_dim), String(a.attention_dim), a.level ?? '', a.reason]), 'attention-layers') : null,
    ids ? h('p', {}, ids.computable ? `From token ids: yes, the chain ${ids.chain ?? ''}.` : `From token ids: no: ${ids.why ?? ''}`) : null,
    s.unrecognised_attention.length ? table(['layer', 'why'], s.unrecognised_attention.map((u) => [u.layer, u.reason]), 'unrecognised') : null,
    h('h3', {}, `Tensors (${s.tensors.length})`),
    table(['name', 'dtype', 'shape'], s.tensors.map((t) => [t.name, t.dtype, formatShape(t.shape)]), 'tensors'),
  );
}
