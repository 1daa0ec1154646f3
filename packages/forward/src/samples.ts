// Only some samples through the model: a document shard's (issue 16). The model runs on the
// chosen rows alone, packed into the usual batches; each document keeps the id it has in the
// whole run (its sample number), so a shard's documents are the whole run's. Browser-safe.
import { tensor, type AttentionDocument } from '@attnlens/core';
import type { RowSource } from '@attnlens/keras-graph';
import type { EncodedTexts } from '@attnlens/text';

/**
 * The rows `samples` (increasing, within the source) of `src`, as a source of samples.length
 * rows. A batch's rows are read as the one span of the source that holds them (the input is still
 * read in order, once) and copied together.
 */
export function selectRows(src: RowSource, samples: ArrayLike<number>): RowSource {
  return {
    rows: samples.length,
    ...(src.file ? { file: src.file } : {}),
    async readRows(start, count) {
      if (count === 0) return src.readRows(0, 0);
      const first = samples[start]!;
      const span = await src.readRows(first, samples[start + count - 1]! - first + 1);
      const per = span.shape.slice(1).reduce((a, b) => a * b, 1);
      const data = new (span.data.constructor as new (n: number) => typeof span.data)(count * per);
      for (let i = 0; i < count; i++) {
        const at = samples[start + i]! - first;
        data.set(span.data.subarray(at * per, (at + 1) * per) as never, i * per);
      }
      return tensor(span.dtype, [count, ...span.shape.slice(1)], data as never);
    },
    close: () => src.close(),
  };
}

/** The texts of `samples` only, in that order (what the documents' labels are read from). */
export function selectTexts(t: EncodedTexts, samples: ArrayLike<number>): EncodedTexts {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  // Labels are per sequence: per sample, or per sample × sentence for (N, S, T).
  const S = t.shape.length === 3 ? t.shape[1]! : 1;
  const ids = new Int32Array(samples.length * per);
  const labels: string[][] = [];
  const originals: string[][] = [];
  for (let i = 0; i < samples.length; i++) {
    const n = samples[i]!;
    ids.set(t.ids.subarray(n * per, (n + 1) * per), i * per);
    labels.push(...t.labels.slice(n * S, (n + 1) * S));
    originals.push(...t.originals.slice(n * S, (n + 1) * S));
  }
  return { ...t, ids, shape: [samples.length, ...t.shape.slice(1)], labels, originals };
}

/** Gives the documents of a batch of chosen samples (from position `first` among them) their ids in the whole run. */
export function renameToSamples(docs: AttentionDocument[], samples: ArrayLike<number>, first: number): void {
  docs.forEach((d, i) => {
    d.id = String(samples[first + i]!);
  });
}
