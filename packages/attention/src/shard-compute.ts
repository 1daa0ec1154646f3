// The weights of some of X's sequences only: a document shard's (issue 16). X is still read in
// order, in large blocks of rows, but only the chosen sequences are copied out and scored, packed
// together into dense blocks (about chunkBytes each) so the kernel and the worker threads see
// the same big blocks as computeFile's. N shards thus do the maths of one run between them.
// Node-only, beside computeFile (node.ts), whose options it takes.
import { availableParallelism } from 'node:os';
import { AttnlensError, fail, itemSize, shapeSize, type DType, type Shard, type Tensor } from '@attnlens/core';
import { computeBlock, floatData, sequenceLayout } from './compute.js';
import { checkMask, sliceMask } from './mask.js';
import type { ComputeFileOptions } from './node.js';
import { checkSamples, gatherMask, shardSamples } from './shard-rows.js';
import { WorkerPool } from './worker-pool.js';
import { openXSource, type XSource } from './x-source.js';

export type ComputeSequencesOptions = Omit<ComputeFileOptions, 'rows' | 'shard' | 'callingThreadComputes' | 'callingThreadFirst'> & (
  /** X's sequences to compute (numbered as attentionDocuments numbers samples), increasing. */
  | { sequences: ArrayLike<number> }
  /** The sequences whose document id String(i) hashes into this shard (shardSamples). */
  | { documentShard: Shard }
);

/** The weights of sequences `sequences` (X's numbers, increasing), `sequences.length`·T·P of them. */
export interface SequencesChunk {
  sequences: Uint32Array;
  weights: Float32Array;
}

export interface SequencesStream {
  inputShape: number[];
  inputDtype: DType;
  /** All of X's sequences, and how many of them this stream computes. */
  sequences: number;
  selected: number;
  steps: number;
  workers: number;
  /** The chosen sequences' weights, block by block, in order. Iterate once. */
  chunks(): AsyncGenerator<SequencesChunk, void, undefined>;
  close(): Promise<void>;
}

const DEFAULT_CHUNK = 4 << 20;
/** Below this much chosen X, starting threads costs more than it saves (as computeFile). */
const SMALL_INPUT = 4 << 20;

type XData = Float32Array | Float64Array | Uint16Array;
interface Block {
  seqs: Uint32Array;
  data: XData;
}

/** Open X and prepare the chosen sequences' computation; the work happens as chunks() is iterated. */
export async function computeFileSequences(opts: ComputeSequencesOptions): Promise<SequencesStream> {
  const { kernel: k, inputs: file } = opts;
  const src = await openXSource(file, opts.array, opts.warn);
  try {
    const { sequences: N, steps: T, features: F } = sequenceLayout(k, src.shape, src.dtype, file);
    if (opts.mask) checkMask(opts.mask, N, T, src.shape, opts.maskFile);
    const sel = 'documentShard' in opts ? shardSamples(N, opts.documentShard) : Uint32Array.from(opts.sequences);
    if (!('documentShard' in opts)) checkSamples(sel, N, 'the sequences to compute');
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK;
    if (!(chunkBytes > 0)) fail('BAD_ARGUMENT', `chunkBytes must be positive, not ${chunkBytes}`);
    const seqBytes = T * F * itemSize(src.dtype);
    const perBlock = Math.max(1, Math.floor(chunkBytes / Math.max(1, seqBytes)));
    // As computeFile: one core is this thread's, which computes too whenever every worker holds two blocks.
    const workers = opts.workers ?? (sel.length * seqBytes < SMALL_INPUT ? 0 : availableParallelism() - 1);
    if (!Number.isInteger(workers) || workers < 0) fail('BAD_ARGUMENT', `workers must be a whole number ≥ 0, not ${workers}`, { hint: '0 computes on the calling thread' });
    const poolSize = workers > 0 ? Math.min(workers, Math.ceil(sel.length / perBlock)) : 0;
    const reader = sequenceReader(src, T * F, chunkBytes);
    let pool: WorkerPool | undefined;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await Promise.all([src.close(), pool?.close()]);
    };
    const how = { file, backend: opts.backend, precision: opts.precision };
    /** Score one gathered block, on a worker, or on this thread when every worker already holds two. */
    const run = (b: Block): Promise<Float32Array> => {
      const count = b.seqs.length;
      const mask = opts.mask && gatherMask(opts.mask, b.seqs, T);
      // The block's own shape: a message naming a place in it is replaced by placeError's, which names X's.
      if (pool && pool.busy < 2 * pool.size) return pool.run({ dtype: src.dtype, data: b.data, start: 0, count, T, xShape: [count, T, F], mask });
      const out = new Float32Array(count * T * k.perStep);
      try {
        computeBlock(k, floatData(src.dtype, b.data), 0, count, T, [count, T, F], mask, out, 0, how);
        return Promise.resolve(out);
      } catch (e) {
        return Promise.reject(e);
      }
    };
    /** A block failed on bad input: compute its sequences one by one where they are in X, so the error names X's own place. */
    const placeError = async (e: unknown, seqs: Uint32Array): Promise<never> => {
      if (!(e instanceof AttnlensError)) throw e;
      const out = new Float32Array(T * k.perStep);
      for (const s of seqs) {
        const x = await reader.one(s);
        computeBlock(k, floatData(src.dtype, x), s, 1, T, src.shape, opts.mask && sliceMask(opts.mask, s, 1, T), out, 0, how);
      }
      throw e;
    };

    async function* chunks(): AsyncGenerator<SequencesChunk, void, undefined> {
      if (closed) fail('BAD_ARGUMENT', 'chunks() after close()', { file });
      if (poolSize && !pool) pool = new WorkerPool(poolSize, k, { backend: opts.backend ?? 'auto', precision: opts.precision ?? 'auto' }, file);
      const blocks = reader.blocks(sel, perBlock);
      const inFlight: { seqs: Uint32Array; weights: Promise<Float32Array> }[] = [];
      // Blocks held at once, awaiting their turn: two per worker, and room for this thread's own.
      const limit = pool ? 4 * (pool.size + 1) : 1;
      let done = 0;
      try {
        for (;;) {
          if (opts.signal?.aborted) fail('INTERRUPTED', `interrupted after ${done} of ${sel.length} sequences of X`, { file, hint: 'nothing half-written is left; run the same command again' });
          while (inFlight.length < limit) {
            const r = await blocks.next();
            if (r.done) break;
            const weights = run(r.value);
            weights.catch(() => undefined); // awaited in order below
            inFlight.push({ seqs: r.value.seqs, weights });
          }
          const next = inFlight.shift();
          if (!next) return;
          const weights = await next.weights.catch((e) => placeError(e, next.seqs));
          done += next.seqs.length;
          yield { sequences: next.seqs, weights };
        }
      } finally {
        await close();
      }
    }
    return { inputShape: [...src.shape], inputDtype: src.dtype, sequences: N, selected: sel.length, steps: T, workers: poolSize, chunks, close };
  } catch (e) {
    await src.close();
    throw e;
  }
}

/** Reads X's sequences (`per` values each) by whole rows of about chunkBytes, and gathers chosen ones. */
function sequenceReader(src: XSource, per: number, chunkBytes: number) {
  const twoD = src.shape.length === 2;
  // A (T, F) X is one sequence; otherwise every row holds the same number of sequences.
  const seqPerRow = twoD ? 1 : shapeSize(src.shape.slice(1, -2));
  const outerRows = twoD ? 1 : src.rows;
  const rowBytes = seqPerRow * per * itemSize(src.dtype);
  const perRead = Math.max(1, Math.floor(chunkBytes / Math.max(1, rowBytes)));
  const readRows = (row: number, count: number): Promise<Tensor> => (twoD ? src.read(0, src.rows) : src.read(row, count));
  return {
    async one(s: number): Promise<XData> {
      const row = Math.floor(s / seqPerRow);
      const x = await readRows(row, 1);
      const at = (s - row * seqPerRow) * per;
      return (x.data as XData).subarray(at, at + per);
    },
    /** The chosen sequences `sel` (increasing) packed `perBlock` at a time; rows holding none of them are not read. */
    async *blocks(sel: Uint32Array, perBlock: number): AsyncGenerator<Block> {
      let j = 0;
      let block: Block | undefined;
      let filled = 0;
      while (j < sel.length) {
        const row = Math.floor(sel[j]! / seqPerRow);
        const rows = Math.min(perRead, outerRows - row);
        const x = await readRows(row, rows);
        const data = x.data as XData;
        const first = row * seqPerRow;
        const end = (row + rows) * seqPerRow;
        for (; j < sel.length && sel[j]! < end; j++) {
          if (!block) block = { seqs: new Uint32Array(Math.min(perBlock, sel.length - j)), data: new (data.constructor as new (n: number) => XData)(Math.min(perBlock, sel.length - j) * per) };
          const s = sel[j]!;
          block.data.set(data.subarray((s - first) * per, (s - first + 1) * per), filled * per);
          block.seqs[filled++] = s;
          if (filled === block.seqs.length) {
            yield block;
            block = undefined;
            filled = 0;
          }
        }
      }
    },
  };
}

