// A model run over samples in batches, so memory follows the batch size and not the number of
// samples. The one batch loop: forwardFile (./node) and @attnlens/forward's outputs use it.
import { fail, tensor, type Tensor } from '@attnlens/core';
import type { KerasModel, Tap, TapValue } from './model.js';

/** Rows of one model input: an .npy read by rows, or an array in memory. */
export interface RowSource {
  rows: number;
  /** Named in errors. */
  file?: string;
  readRows(start: number, count: number): Promise<Tensor>;
  close(): Promise<void>;
}

/** An array in memory as rows (batch axis first); the rows are views, not copies. */
export function tensorRows(t: Tensor, file?: string): RowSource {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    rows: t.shape[0] ?? 0,
    ...(file ? { file } : {}),
    readRows: async (start, count) => tensor(t.dtype, [count, ...t.shape.slice(1)], t.data.subarray(start * per, (start + count) * per) as never),
    close: async () => undefined,
  };
}

export interface BatchOptions {
  /** Samples per batch (default 256). */
  batchSize?: number;
  signal?: AbortSignal;
}

export interface Batch {
  /** The index of the batch's first sample. */
  start: number;
  count: number;
  inputs: Tensor[];
  values: TapValue[];
}

function checkSources(model: KerasModel, sources: readonly RowSource[]): number {
  if (sources.length !== model.inputs.length) {
    const takes = model.inputs.map((i) => `${i.name} (N, ${i.shape.map((d) => d ?? '?').join(', ')})`).join(', ');
    const s = model.inputs.length === 1 ? '' : 's';
    fail('BAD_ARGUMENT', `the model takes ${model.inputs.length} input${s} (${takes}) but ${sources.length} ${sources.length === 1 ? 'was' : 'were'} given`, {
      hint: 'give one array per model input, in this order, batch axis first',
    });
  }
  const n = sources[0]?.rows ?? 0;
  for (const s of sources) {
    if (s.rows !== n) fail('SHAPE_MISMATCH', `has ${s.rows} samples but ${sources[0]!.file ?? 'the first input'} has ${n}`, { file: s.file, hint: 'every model input holds the same samples, one row each' });
  }
  return n;
}

/** The taps of each batch of samples, in order. The sources must hold the same number of rows; the caller closes them. */
export async function* forwardBatches(model: KerasModel, sources: readonly RowSource[], taps: Tap[], o: BatchOptions = {}): AsyncGenerator<Batch> {
  const size = o.batchSize ?? 256;
  if (!Number.isSafeInteger(size) || size < 1) fail('BAD_ARGUMENT', `the batch size must be a whole number ≥ 1, not ${size}`);
  const n = checkSources(model, sources);
  for (let start = 0; start < n; start += size) {
    if (o.signal?.aborted) fail('INTERRUPTED', `stopped after ${start} of ${n} samples`);
    const count = Math.min(size, n - start);
    const inputs: Tensor[] = [];
    for (const s of sources) inputs.push(await s.readRows(start, count));
    yield { start, count, inputs, values: model.run(inputs, taps) };
  }
}
