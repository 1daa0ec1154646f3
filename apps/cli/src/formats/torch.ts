// PyTorch torch.save files (zip, legacy) and safetensors, via @attnlens/torch: inspect
// (no tensor data read), extract (any tensor), documents (a saved attention tensor,
// through the same alignment options as a .npy dump).
import { fail, formatShape, isFloat, type Tensor } from '@attnlens/core';
import { openTorchFile, torchFromIds, torchSummary, type TorchFile, type TorchTensorInfo } from '@attnlens/torch/node';
import { alignmentDocumentsFromTensor } from './alignment.js';
import type { FormatHandler } from './registry.js';

const FORMAT_NAME = { 'torch-zip': 'PyTorch torch.save zip', 'torch-legacy': 'PyTorch legacy torch.save', safetensors: 'safetensors' } as const;

async function withTorch<T>(path: string, fn: (f: TorchFile) => Promise<T>): Promise<T> {
  const f = await openTorchFile(path);
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

/** What `inspect --json` prints: the summary @attnlens/torch builds for the CLI and the web viewer. */
export const torchJson = (f: TorchFile): { format: string } & Record<string, unknown> => torchSummary(f);

export function torchText(f: TorchFile): string {
  const out = [`${f.name}: ${FORMAT_NAME[f.format]}, ${f.detail}`];
  if (f.metadata) out.push(`  metadata: ${Object.entries(f.metadata).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push(`tensors (${f.tensors.length}):`);
  const w = Math.min(64, Math.max(0, ...f.tensors.map((t) => t.name.length)));
  const uses = new Map<string, number>();
  if (f.format !== 'safetensors') for (const t of f.tensors) uses.set(t.storage, (uses.get(t.storage) ?? 0) + 1);
  for (const t of f.tensors) {
    const shared = (uses.get(t.storage) ?? 0) > 1 ? `storage ${t.storage} shared by ${uses.get(t.storage)} tensors` : '';
    const notes = [t.location !== 'cpu' ? `saved on ${t.location}` : '', t.storageOffset ? `offset ${t.storageOffset}` : '', isStrided(t) ? `strides ${formatShape(t.strides)}` : '', shared].filter(Boolean);
    out.push(`  ${t.name.padEnd(w)}  ${t.dtype} ${formatShape(t.shape)}${notes.length ? `  (${notes.join(', ')})` : ''}`);
  }
  if (f.entries.length) {
    out.push(`other entries (${f.entries.length}):`);
    for (const e of f.entries) out.push(`  ${e.name}: ${e.summary}`);
  }
  if (f.attentionLayers.length) {
    out.push(`attention layers (${f.attentionLayers.length}):`);
    for (const a of f.attentionLayers) {
      out.push(`  ${a.layer}${a.level ? ` (${a.level} level)` : ''}: ${a.variant}, input dim ${a.inputDim}, attention dim ${a.attentionDim}`);
      for (const [role, p] of Object.entries(a.weights)) if (p) out.push(`    ${role} ${p}${role === 'W' && a.transposeW ? ' (transposed)' : ''}`);
      out.push(`    why: ${a.reason}`);
    }
    const ids = torchFromIds(f);
    out.push(ids.computable ? `from token ids: yes, the chain ${ids.chain} (compute --model FILE --ids IDS.npy)` : `from token ids: no: ${ids.why}`);
  } else out.push('attention layers: none found');
  if (f.unrecognisedAttention.length) {
    out.push(`look like attention but match no variant (${f.unrecognisedAttention.length}):`);
    for (const u of f.unrecognisedAttention) out.push(`  ${u.layer}: ${u.reason}`);
  }
  out.push('extract a tensor: attnlens extract FILE --array NAME --out X.npy');
  return out.join('\n');
}

function isStrided(t: TorchTensorInfo): boolean {
  let k = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.strides[i] !== k) return true;
    k *= t.shape[i]!;
  }
  return false;
}

/** The tensor named, or the only one; for convert, the only floating-point tensor of 2 or more axes. */
async function pick(f: TorchFile, name: string | undefined, forAttention: boolean): Promise<Tensor> {
  if (name !== undefined) return f.readTensor(name);
  const cands = forAttention ? f.tensors.filter((t) => t.shape.length >= 2 && (t.dtype === 'bfloat16' || isFloat(t.dtype))) : f.tensors;
  if (cands.length === 1) return f.readTensor(cands[0]!.name);
  const names = cands.map((t) => t.name);
  return fail(cands.length ? 'AMBIGUOUS' : 'NOT_FOUND', cands.length ? `holds ${cands.length} tensors (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}); say which one` : 'holds no floating-point tensor of 2 or more axes to read as attention', {
    file: f.name, hint: cands.length ? 'name one with --array NAME; `attnlens inspect` lists them' : 'save the attention weights themselves with torch.save(attn, "att.pt")', details: { names },
  });
}

export const torchFormat: FormatHandler = {
  name: 'PyTorch',
  claims: ['pytorch', 'safetensors'],
  inspect: ({ path }) => withTorch(path, async (f) => ({ json: torchJson(f), text: torchText(f) })),
  extract: ({ path }, name) => withTorch(path, (f) => pick(f, name, false)),
  async *documents(input, opts) {
    const { t, format } = await withTorch(input.path, async (f) => ({ t: await pick(f, opts.array, true), format: f.format }));
    yield* alignmentDocumentsFromTensor(t, input, opts, { sourceFormat: format, framework: 'pytorch' });
  },
};
