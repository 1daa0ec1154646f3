// Node entry: run a model over .npy inputs of any length, in batches, so memory follows the
// batch size and not N. Inputs are read with @attnlens/npy's row reader.
import { fail, type Tensor } from '@attnlens/core';
import { openNpy, type NpyReader } from '@attnlens/npy/node';
import type { KerasModel, Tap, TapValue } from './model.js';

export * from './index.js';

export interface ForwardFileOptions {
  /** Samples per batch (default 256). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called with each batch's tap values, in sample order; `start` is the first sample's index. */
  onBatch?: (start: number, values: TapValue[]) => void | Promise<void>;
}

/** Stream the samples of `inputs` (one .npy per model input, batch axis first) through the model. Returns the sample count. */
export async function forwardFile(model: KerasModel, inputs: string[], taps: Tap[], opts: ForwardFileOptions = {}): Promise<number> {
  const batch = opts.batchSize ?? 256;
  if (!Number.isInteger(batch) || batch < 1) fail('BAD_ARGUMENT', `batch size must be a whole number ≥ 1, got ${batch}`);
  const readers: NpyReader[] = [];
  try {
    for (const p of inputs) readers.push(await openNpy(p));
    const n = readers[0]?.rows ?? 0;
    readers.forEach((r, i) => {
      if (r.rows !== n) fail('SHAPE_MISMATCH', `has ${r.rows} samples but ${inputs[0]} has ${n}`, { file: inputs[i], hint: 'every model input holds the same samples, one row each' });
    });
    for (let start = 0; start < n; start += batch) {
      if (opts.signal?.aborted) fail('INTERRUPTED', `stopped after ${start} of ${n} samples`);
      const count = Math.min(batch, n - start);
      const xs: Tensor[] = [];
      for (const r of readers) xs.push(await r.readRows(start, count));
      const values = model.run(xs, taps);
      await opts.onBatch?.(start, values);
    }
    return n;
  } finally {
    for (const r of readers) await r.close();
  }
}
