// What `inspect` says about a PyTorch or safetensors file, as data: tensors (dtype, shape,
// storage), other pickle entries, attention modules and why, and whether the attention can
// run from token ids. The CLI prints it and the web viewer draws it: one summary.
import type { TorchFile } from './torch-file.js';
import type { TorchTensorInfo } from './tensor-data.js';
import { inferChain } from './chain.js';

const tensorSummary = (t: TorchTensorInfo) => ({
  name: t.name, dtype: t.dtype, shape: t.shape, strides: t.strides, storage_offset: t.storageOffset, storage: t.storage, location: t.location, parameter: t.parameter,
});

/** Whether the attention can be computed from token ids: the state_dict is a chain inferChain recognises. */
export function torchFromIds(f: TorchFile): { computable: boolean; chain?: string; why?: string } {
  const c = inferChain(f);
  return c.chain ? { computable: true, chain: c.chain.description } : { computable: false, why: c.why };
}

/** The whole summary of an open file (`attnlens inspect --json` prints exactly this). */
export function torchSummary(f: TorchFile): { format: string } & Record<string, unknown> {
  return {
    format: f.format,
    file: f.name,
    layout: f.detail,
    records: f.records,
    ...(f.metadata ? { metadata: f.metadata } : {}),
    tensors: f.tensors.map(tensorSummary),
    entries: f.entries,
    attention_layers: f.attentionLayers.map((a) => ({
      layer: a.layer, variant: a.variant, normalise: a.normalise, weights: { W: a.weights.W, b: a.weights.b ?? null, u: a.weights.u ?? null },
      transpose_W: a.transposeW, input_dim: a.inputDim, attention_dim: a.attentionDim, level: a.level ?? null, reason: a.reason,
    })),
    unrecognised_attention: f.unrecognisedAttention,
    ...(f.attentionLayers.length ? { from_ids: torchFromIds(f) } : {}),
  };
}
