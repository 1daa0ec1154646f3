// The forward path of `attnlens compute` for a PyTorch state_dict (or safetensors file) that is
// a standard chain, Embedding → (Bi)GRU/LSTM → attention (a HAN per level): the chain is
// inferred and run by @attnlens/torch, batches streamed by @attnlens/forward, text made into
// ids as for a Keras model (forward.ts). Only wiring.
import { basename } from 'node:path';
import { fail, GENERATOR, tensor, type Provenance, type Shard } from '@attnlens/core';
import { sha256File, sniffFile } from '@attnlens/core/node';
import type { Normalisation, Variant } from '@attnlens/attention';
import { attentionFromInputs, npyRows, tensorRows, type RowSource } from '@attnlens/forward/node';
import { chainForward, inferChain, loadChain, openTorchFile, type TorchChain } from '@attnlens/torch/node';
import { interruptSignal } from '../batch/interrupt.js';
import { batchSize, checkForwardOptions, shardNote, shardRun, textIds, writeShardDocuments, type ForwardComputeOpts } from './forward.js';

export async function isTorchModel(path: string): Promise<boolean> {
  const { format } = await sniffFile(path);
  return format === 'pytorch' || format === 'safetensors';
}

export async function computeTorchForward(o: ForwardComputeOpts & { packed?: boolean }, v: { variant?: Variant; normalise?: Normalisation; padId?: number }, shard?: Shard): Promise<void> {
  const packed = o.packed ?? true;
  checkForwardOptions(o);
  const keras = [o.modelInputs && '--model-inputs', o.config && '--config', v.variant && '--variant', v.normalise && '--normalise'].filter(Boolean);
  if (keras.length) {
    fail('BAD_ARGUMENT', `${keras.join(', ')} ${keras.length === 1 ? 'does' : 'do'} not apply to a PyTorch chain: it takes token ids, and its attention modules compute as their weights say (softmax)`, { file: o.model, hint: 'give --ids IDS.npy or --text with --tokenizer' });
  }
  const stop = interruptSignal(true);
  const f = await openTorchFile(o.model);
  try {
    const inf = inferChain(f, { ...(o.layer ? { layer: o.layer } : {}), ...(o.sentenceLayer ? { sentenceLayer: o.sentenceLayer } : {}) });
    if (!inf.chain) {
      return fail('UNSUPPORTED', `cannot be run from token ids: ${inf.why}`, {
        file: o.model,
        hint: 'save the attention module\'s input X in Python and compute from it (--inputs X.npy, with --layer)',
      });
    }
    const fw = chainForward(await loadChain(f, inf.chain), { packed, padId: v.padId ?? 0 }, o.ids ?? o.text);
    const texts = o.text ? await textIds(o, fw.model, !!inf.chain.sentence) : undefined;
    const sources: RowSource[] = texts ? [tensorRows(tensor('int32', texts.shape, texts.ids), o.text)] : await npyRows([o.ids!]);
    try {
      const provenance = await chainProvenance(o.model, f.format, inf.chain, packed, o.text ?? o.ids!);
      const docs = attentionFromInputs({ model: fw.model, plan: fw.plan, kernels: fw.kernels, sources, ...(texts ? { texts } : {}), provenance, ...(o.ids ? { file: o.ids } : {}), ...shardRun(sources, shard) }, { signal: stop.signal, ...batchSize(o.batchSize) });
      const n = await writeShardDocuments(o.out, docs, shard);
      process.stdout.write(`wrote ${o.out}: ${n} ${inf.chain.sentence ? 'hierarchical ' : ''}document${n === 1 ? '' : 's'} (${inf.chain.description}; ${packed ? 'packed' : 'unpacked'}, from the forward pass${shardNote(n, sources, shard)})\n`);
    } finally {
      for (const s of sources) await s.close();
    }
  } finally {
    await f.close();
    stop.dispose();
  }
}

async function chainProvenance(model: string, format: string, chain: TorchChain, packed: boolean, from: string): Promise<Provenance> {
  return {
    sourceFormat: format, fileName: basename(model), sha256: await sha256File(model), framework: 'pytorch', generator: GENERATOR,
    note: `attention from the forward pass over ${basename(from)} of the chain inferred from the state_dict, ${chain.description}, ${packed ? 'padding skipped as pack_padded_sequence skips it' : 'padding run through the RNNs (unpacked)'}`,
  };
}
