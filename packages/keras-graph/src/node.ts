// Node entry: run a model over .npy inputs of any length, in batches (src/batches.ts), so
// memory follows the batch size and not N. Inputs are read with @attnlens/npy's row reader.
import { openNpy } from '@attnlens/npy/node';
import { forwardBatches, type BatchOptions, type RowSource } from './batches.js';
import type { KerasModel, Tap, TapValue } from './model.js';

export * from './index.js';

/** One row source per .npy (opened lazily by rows; nothing is read whole). Close them when done. */
export async function npyRows(paths: readonly string[]): Promise<RowSource[]> {
  const out: RowSource[] = [];
  try {
    for (const p of paths) {
      const r = await openNpy(p);
      out.push({ rows: r.rows, file: p, readRows: (s, c) => r.readRows(s, c), close: () => r.close() });
    }
    return out;
  } catch (e) {
    for (const s of out) await s.close();
    throw e;
  }
}

export interface ForwardFileOptions extends BatchOptions {
  /** Called with each batch's tap values, in sample order; `start` is the first sample's index. */
  onBatch?: (start: number, values: TapValue[]) => void | Promise<void>;
}

/** Stream the samples of `inputs` (one .npy per model input, batch axis first) through the model. Returns the sample count. */
export async function forwardFile(model: KerasModel, inputs: string[], taps: Tap[], opts: ForwardFileOptions = {}): Promise<number> {
  const sources = await npyRows(inputs);
  try {
    for await (const b of forwardBatches(model, sources, taps, opts)) await opts.onBatch?.(b.start, b.values);
    return sources[0]?.rows ?? 0;
  } finally {
    for (const s of sources) await s.close();
  }
}
