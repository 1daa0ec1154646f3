// @attnlens/attention/node: attention over .npy/.npz files of any size. X is streamed in
// blocks of whole sequences from @attnlens/npy's openNpy, scored on worker threads, and
// handed back in order, so memory stays constant whatever N is.
import { availableParallelism } from 'node:os';
import { AttnlensError, fail, itemSize, shapeSize, shardRows, tensor, type DType, type Shard } from '@attnlens/core';
import { createNpyWriter, inputFingerprint, removeNpyShardIndex, writeNpyShardIndex } from '@attnlens/npy/node';
import { sequenceLayout, type Backend, type PrecisionOption } from './compute.js';
import { checkMask, type Mask } from './mask.js';
import type { Kernel } from './variants.js';
import {
  BlockThread, blockAt, blockCount, blockWeights, FAILED, handOn, PENDING, READY, shareMask, sharedBlocks, slotOf, stopAt, takeBlock,
  type BlockJob, type BlockLayout,
} from './block-run.js';
import { WorkerPool } from './worker-pool.js';
import { openXSource as openSource, type XSource } from './x-source.js';

export { computeFileSequences } from './shard-compute.js';
export type { ComputeSequencesOptions, SequencesChunk, SequencesStream } from './shard-compute.js';

export interface ComputeFileOptions {
  kernel: Kernel;
  /** X: an .npy (streamed) or an .npz (loaded whole), shape (T, F), (N, T, F) or (N, S, T, F). */
  inputs: string;
  /** The array to use in an .npz, or in an .npy holding several arrays. */
  array?: string;
  /** Over X's sequences in order. */
  mask?: Mask;
  maskFile?: string;
  /** Worker threads; 0 computes on the calling thread. Default: one per core, or 0 for small inputs. */
  workers?: number;
  /** Bytes of X per block sent to a worker; default 4 MiB. */
  chunkBytes?: number;
  backend?: Backend;
  /** See ComputeOptions.precision. */
  precision?: PrecisionOption;
  warn?: (message: string) => void;
  /** Stop between blocks: chunks() then throws INTERRUPTED (writers remove their temporary files). */
  signal?: AbortSignal;
  /**
   * The calling thread computes blocks too, whenever every worker already holds two (default
   * true; the default worker count is then one fewer than the cores). It starts at once, while
   * the workers spend ~60-120 ms loading their modules (issue 15: start-up), and a core is not
   * left to a thread that only reads and writes. false: every block goes to the workers.
   */
  callingThreadComputes?: boolean;
  /** Only X's rows [start, end) (its first axis; a (T, F) X is one row): only those are read. */
  rows?: [number, number];
  /** Only shard K of N's rows of X: [floor(K·R/N), floor((K+1)·R/N)) of its R rows (core's shardRows). */
  shard?: Shard;
}

/** The weights of sequences [start, start + count), which are X's rows [row, row + rows). */
export interface AttentionChunk {
  start: number;
  count: number;
  row: number;
  rows: number;
  /** count·T weights (count·T·F for a per-feature kernel). */
  weights: Float32Array;
}

export interface AttentionStream {
  inputShape: number[];
  inputDtype: DType;
  /** The weights' shape: X's without F, and (1, T) for a (T, F) input as han_ref.py gives; X's own shape ((1, T, F) for (T, F)) for a per-feature kernel. With `rows`, the first axis is the range's. */
  outputShape: number[];
  sequences: number;
  steps: number;
  /** Worker threads used (0: the calling thread). */
  workers: number;
  /** X's rows [start, end) this stream computes, of `totalRows` (a (T, F) X is one row). */
  rows: [number, number];
  totalRows: number;
  /** The weights block by block, in order. Iterate once. */
  chunks(): AsyncGenerator<AttentionChunk, void, undefined>;
  /** Release the file and the workers (also done when chunks() ends or throws). */
  close(): Promise<void>;
}

const DEFAULT_CHUNK = 4 << 20;
/** Below this much X, starting threads costs more than it saves. */
const SMALL_INPUT = 4 << 20;

/** Open X and prepare the computation; the work happens as chunks() is iterated. */
export async function computeFile(opts: ComputeFileOptions): Promise<AttentionStream> {
  const { kernel: k, inputs: file } = opts;
  const src = await openSource(file, opts.array, opts.warn);
  let pool: WorkerPool | undefined;
  try {
    const { sequences: N, steps: T, features: F } = sequenceLayout(k, src.shape, src.dtype, file);
    if (opts.mask) checkMask(opts.mask, N, T, src.shape, opts.maskFile);
    const twoD = src.shape.length === 2;
    // Sequences per row of the file, and rows per block.
    const seqPerRow = twoD ? 1 : shapeSize(src.shape.slice(1, -2));
    const rowBytes = twoD ? src.rows * F * itemSize(src.dtype) : seqPerRow * T * F * itemSize(src.dtype);
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK;
    if (!(chunkBytes > 0)) fail('BAD_ARGUMENT', `chunkBytes must be positive, not ${chunkBytes}`);
    const outerRows = twoD ? 1 : src.rows;
    const [firstRow, endRow] = opts.rows ?? (opts.shard ? shardRows(opts.shard.index, opts.shard.count, outerRows) : [0, outerRows]);
    if (!Number.isSafeInteger(firstRow) || !Number.isSafeInteger(endRow) || firstRow < 0 || firstRow > endRow || endRow > outerRows) {
      fail('BAD_ARGUMENT', `rows ${firstRow}..${endRow} are outside X's ${outerRows} rows`, { file, hint: `ask for rows within 0..${outerRows}` });
    }
    const rangeRows = endRow - firstRow;
    const rowsPerChunk = twoD ? 1 : Math.max(1, Math.floor(chunkBytes / Math.max(1, rowBytes)));
    const total = (rangeRows / Math.max(1, outerRows)) * N * T * F * itemSize(src.dtype);
    const share = opts.callingThreadComputes !== false;
    const workers = opts.workers ?? (total < SMALL_INPUT ? 0 : share ? availableParallelism() - 1 : Math.max(1, availableParallelism()));
    if (!Number.isInteger(workers) || workers < 0) fail('BAD_ARGUMENT', `workers must be a whole number ≥ 0, not ${workers}`, { hint: '0 computes on the calling thread' });
    // Threads start when the first block is asked for, so an unread stream holds none.
    const poolSize = workers > 0 ? Math.min(workers, Math.max(1, Math.ceil(rangeRows / rowsPerChunk))) : 0;
    const P = k.perStep;
    const outputShape = [...(twoD ? [rangeRows, T] : [rangeRows, ...src.shape.slice(1, -1)]), ...(P > 1 ? [P] : [])];
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      // The workers first: they read X through their own handles, but not after this one is gone.
      await pool?.close();
      await src.close();
    };
    const xShape = src.shape;

    const layout: BlockLayout = { firstRow, endRow, rowsPerBlock: rowsPerChunk, seqPerRow, twoD, twoDRows: src.rows, steps: T, perStep: P };
    const how = { file, backend: opts.backend, precision: opts.precision };

    async function* chunks(): AsyncGenerator<AttentionChunk, void, undefined> {
      if (closed) fail('BAD_ARGUMENT', 'chunks() after close()', { file });
      if (poolSize && !pool) pool = new WorkerPool(poolSize, k, { backend: opts.backend ?? 'auto', precision: opts.precision ?? 'auto' }, file);
      try {
        yield* runBlocks({ kernel: k, layout, xShape, mask: opts.mask, how, blockBytes: twoD ? rowBytes : rowsPerChunk * rowBytes }, src, pool, share, opts.signal);
      } finally {
        await close();
      }
    }

    return { inputShape: [...src.shape], inputDtype: src.dtype, outputShape, sequences: N, steps: T, workers: poolSize, rows: [firstRow, endRow], totalRows: outerRows, chunks, close };
  } catch (e) {
    await Promise.all([src.close(), pool?.close()]);
    throw e;
  }
}

/**
 * The blocks of a run in order, computed by the workers and (with `share`) this thread as each
 * takes the next (block-run.ts). Waits only when the next block in order is another thread's and
 * none is left to take; an error is raised at the first block in order that has one.
 */
async function* runBlocks(
  job: Omit<BlockJob, 'shared'>,
  src: XSource,
  pool: WorkerPool | undefined,
  share: boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<AttentionChunk, void, undefined> {
  const { layout: l, how } = job;
  const blocks = blockCount(l);
  const slot = blockWeights(l);
  const threads = (pool?.size ?? 0) + (share || !pool ? 1 : 0);
  // Results held at once: a few blocks per thread, fewer for blocks of many weights (a per-feature kernel's).
  const window = Math.max(2 * threads, Math.min(8 * threads, Math.floor(RING_BYTES / (4 * Math.max(1, slot)))));
  const shared = sharedBlocks(blocks, window, slot);
  const mask = pool ? shareMask(job.mask) : job.mask;
  const full: BlockJob = { ...job, mask, shared };
  const errors = new Map<number, AttnlensError>();
  let fatal: unknown;
  // Any worker's reply wakes this thread's wait, to look again (an error may be for the block it waits on).
  let wake: () => void = () => undefined;
  // The workers hold the kernel and the backend already (the pool's init message).
  const { kernel: _kernel, how: _how, ...forWorkers } = full;
  const replies = (pool ? Array.from({ length: pool.size }, () => pool.runBlocks({ source: src.share(), job: forWorkers })) : []).map((p) =>
    p.then(
      (r) => {
        if ('error' in r) {
          if (r.block < 0) fatal ??= r.error;
          else errors.set(r.block, r.error);
        }
        wake();
      },
      (e) => {
        fatal ??= e;
        wake();
      },
    ),
  );
  const local = share || !pool ? new BlockThread(full, src) : undefined;
  try {
    for (let head = 0; head < blocks; ) {
      if (signal?.aborted) fail('INTERRUPTED', `interrupted after ${blockAt(l, head).row - l.firstRow} of ${l.endRow - l.firstRow} rows of X`, { file: how.file, hint: 'nothing half-written is left; run the same command again' });
      if (fatal) throw fatal;
      const state = Atomics.load(shared.state, head);
      if (state === READY) {
        const b = blockAt(l, head);
        const weights = slotOf(shared, head, b.count * l.steps * l.perStep).slice();
        handOn(shared, head);
        head++;
        yield { ...b, weights };
        continue;
      }
      if (state === FAILED && errors.has(head)) throw errors.get(head);
      if (local && state === PENDING) {
        const i = takeBlock(shared, false);
        if (i >= 0) {
          await local.compute(i).catch((e: unknown) => {
            if (!(e instanceof AttnlensError)) throw e;
            errors.set(i, e);
          });
          continue;
        }
      }
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const changed = Atomics.waitAsync(shared.state, head, state, 1000);
      if (changed.async) await Promise.race([changed.value, woken]);
    }
    await Promise.all(replies);
    if (fatal) throw fatal;
  } finally {
    stopAt(shared, 0);
  }
}

/** At most this much of the ring of finished blocks (block-run.ts) beyond a few blocks per thread. */
const RING_BYTES = 32 << 20;

/**
 * Compute X's weights into an .npy of float32, shape `outputShape`, streamed. With `shard`
 * (K of N), only X's rows [floor(K·R/N), floor((K+1)·R/N)) are read and computed, and
 * OUT.npy.shard.json is written once OUT.npy is in place (@attnlens/npy's shards: the merge
 * of all N is byte-equal to the unsharded OUT.npy).
 */
export async function computeFileToNpy(opts: ComputeFileOptions & { out: string }): Promise<{ shape: number[]; workers: number; rows: [number, number]; totalRows: number }> {
  const { shard } = opts;
  // A rerun killed halfway must leave the shard missing, not an old index beside a new file.
  if (shard) await removeNpyShardIndex(opts.out);
  const s = await computeFile(opts);
  const rowShape = s.outputShape.slice(1);
  const writer = await createNpyWriter(opts.out, 'float32', rowShape).catch(async (e) => {
    await s.close();
    throw e;
  });
  try {
    for await (const c of s.chunks()) await writer.write(tensor('float32', [c.rows, ...rowShape], c.weights));
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  if (shard) await writeNpyShardIndex(opts.out, shard, { total: s.totalRows, inputShape: s.inputShape, input: await inputFingerprint(opts.inputs), run: await kernelFingerprint(opts.kernel) });
  return { shape: s.outputShape, workers: s.workers, rows: s.rows, totalRows: s.totalRows };
}

/** SHA-256 of what the layer computes with (variant, normalisation, weights): shards of different layers never merge. */
async function kernelFingerprint(k: Kernel): Promise<string> {
  // node:crypto on first use (~6 ms to load, issue 15): only shards need it.
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256').update(JSON.stringify([k.variant, k.normalise, k.inputDim, k.attentionDim, k.tanh, k.perStep]));
  for (const a of [k.w, k.b, k.u, k.stepBias]) if (a) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

/** All of X's weights in memory (for documents), computed as computeFile does. */
export async function computeFileAll(opts: ComputeFileOptions): Promise<{ weights: Float32Array; shape: number[]; sequences: number; steps: number }> {
  const s = await computeFile(opts);
  const P = opts.kernel.perStep;
  const out = new Float32Array(s.sequences * s.steps * P);
  for await (const c of s.chunks()) out.set(c.weights, c.start * s.steps * P);
  return { weights: out, shape: s.outputShape, sequences: s.sequences, steps: s.steps };
}

