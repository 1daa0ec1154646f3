// Node entry: a model's inputs (token-id .npy files, or ids made from text) streamed in
// batches through @attnlens/keras-graph, to a layer's output as .npy or to attention
// documents (./inputs.ts, browser-safe, does the maps). Memory follows the batch size, not the number of samples.
import { fail, tensor, toFloat32 } from '@attnlens/core';
import { sniffFile } from '@attnlens/core/node';
import { createNpyWriter } from '@attnlens/npy/node';
import { openKeras } from '@attnlens/keras/node';
import { openTorchFile } from '@attnlens/torch/node';
import { forwardBatches, type BatchOptions, type KerasModel, type RowSource } from '@attnlens/keras-graph/node';
import { kerasLayerSource, torchLayerSource, type AttentionLayerSource } from './layer-source.js';
import { modelLayerPath } from './plan.js';
import { namingInputFiles } from './inputs.js';

export * from './index.js';

// The batch loop and its row sources are @attnlens/keras-graph's (one implementation, which its
// forwardFile uses too); they are re-exported so callers of this entry need no second import.
export { forwardBatches, npyRows, tensorRows } from '@attnlens/keras-graph/node';
export type { Batch, BatchOptions, RowSource } from '@attnlens/keras-graph/node';

/** A model file's attention layers, by its content: a PyTorch or safetensors file, else a Keras file (whose errors say what it is not). */
export async function openModelSource(path: string, kerasOpts: Parameters<typeof openKeras>[1] = {}): Promise<AttentionLayerSource> {
  const { format } = await sniffFile(path);
  if (format === 'pytorch' || format === 'safetensors') return torchLayerSource(await openTorchFile(path));
  return kerasLayerSource(await openKeras(path, kerasOpts));
}

/** Runs the model and writes `layer`'s output (default the model's first output) as float32 .npy, batch by batch, atomically. */
export async function forwardToNpy(model: KerasModel, sources: readonly RowSource[], out: string, o: BatchOptions & { layer?: string; file?: string } = {}): Promise<{ layer: string; shape: number[] }> {
  const layer = o.layer ? modelLayerPath(model, o.layer, o.file) : model.outputs[0] ?? fail('NOT_FOUND', 'the model has no output', { file: o.file });
  let writer: Awaited<ReturnType<typeof createNpyWriter>> | undefined;
  let rowShape: number[] = [];
  let rows = 0;
  try {
    for await (const b of namingInputFiles(forwardBatches(model, sources, [{ layer, what: 'output' }], o), model, sources)) {
      const v = b.values[0]!.value;
      if (!writer) {
        rowShape = v.shape.slice(1);
        writer = await createNpyWriter(out, 'float32', rowShape);
      }
      await writer.write(tensor('float32', v.shape, toFloat32(v)));
      rows += b.count;
    }
    if (!writer) writer = await createNpyWriter(out, 'float32', rowShape);
    await writer.close();
  } catch (e) {
    await writer?.abort();
    throw e;
  }
  return { layer, shape: [rows, ...rowShape] };
}
