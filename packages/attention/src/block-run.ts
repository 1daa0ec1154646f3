// How computeFile's threads share X's blocks (issue 15: compute at NumPy's speed). Every
// thread, the workers and the calling thread alike, takes the next block itself from a counter
// in shared memory, reads that block from the file itself into one buffer it keeps, and writes
// the block's weights into a slot of a shared ring; the calling thread hands the slots on in
// order. So no block of X passes through a message or is copied from thread to thread, and no
// thread waits for another to hand it work: the calling thread used to read every block (2.8 ms
// each in fresh pages) and post it, idling ~140 ms of a 0.45 s command between blocks.
//
// Order and memory: a block is taken only while it is within `window` blocks of the first one
// not yet handed on, so the ring (window slots) is all the results held at once, and a worker
// that gets that far ahead sleeps (Atomics.wait) until the calling thread frees a slot. A block
// that fails lowers the limit to itself: blocks before it are still computed and handed on, so
// the error raised is the one at the first bad place in X, whichever thread met it first.
// Plain Atomics on SharedArrayBuffers: nothing here is Node-specific.
import type { Tensor } from '@attnlens/core/tensor';
import { computeBlock, floatData, type ComputeOptions } from './compute.js';
import { sliceMask, type Mask } from './mask.js';
import type { Kernel } from './variants.js';

/** Which rows of X a run covers and how they split into blocks; the same for every thread. */
export interface BlockLayout {
  /** X's rows [firstRow, endRow), its first axis (a (T, F) X is one row of T steps). */
  firstRow: number;
  endRow: number;
  /** Rows per block (the last may have fewer). */
  rowsPerBlock: number;
  /** Sequences in one row of X ((N, S, T, F) has S). */
  seqPerRow: number;
  /** X is (T, F): one block, read whole. */
  twoD: boolean;
  /** X's rows of T steps when twoD (its first axis). */
  twoDRows: number;
  steps: number;
  /** Weights per step (1, or F for a per-feature kernel). */
  perStep: number;
}

/** One block: X's rows [row, row + rows), which hold sequences [start, start + count) (a (T, F) X: row 0 of 1). */
export interface BlockRange {
  row: number;
  rows: number;
  start: number;
  count: number;
}

export function blockCount(l: BlockLayout): number {
  if (l.twoD) return l.endRow > l.firstRow ? 1 : 0;
  return Math.ceil((l.endRow - l.firstRow) / l.rowsPerBlock);
}

export function blockAt(l: BlockLayout, i: number): BlockRange {
  if (l.twoD) return { row: 0, rows: 1, start: 0, count: 1 };
  const row = l.firstRow + i * l.rowsPerBlock;
  const rows = Math.min(l.rowsPerBlock, l.endRow - row);
  return { row, rows, start: row * l.seqPerRow, count: rows * l.seqPerRow };
}

/** Weights in a block of `rowsPerBlock` rows: the size of one ring slot. */
export function blockWeights(l: BlockLayout): number {
  return (l.twoD ? 1 : l.rowsPerBlock * l.seqPerRow) * l.steps * l.perStep;
}

/** The shared state of one run; postMessage shares it (SharedArrayBuffers), it does not copy it. */
export interface SharedBlocks {
  /** [next block to take, limit (blocks at or past it are not taken), blocks handed on]. */
  control: Int32Array;
  /** One word per block: PENDING, READY or FAILED. */
  state: Int32Array;
  /** `window` slots of `slot` weights; block i's are in slot i % window. */
  ring: Float32Array;
  window: number;
  slot: number;
}

const NEXT = 0;
const LIMIT = 1;
const HANDED = 2;
export const PENDING = 0;
export const READY = 1;
export const FAILED = 2;
/** takeBlock: every block is taken (or the run was stopped). */
export const NONE_LEFT = -1;
/** takeBlock without waiting: the next block is a whole window ahead of the first one not handed on. */
export const WINDOW_FULL = -2;

export function sharedBlocks(blocks: number, window: number, slot: number): SharedBlocks {
  const control = new Int32Array(new SharedArrayBuffer(3 * 4));
  control[LIMIT] = blocks;
  return {
    control,
    state: new Int32Array(new SharedArrayBuffer(Math.max(1, blocks) * 4)),
    ring: new Float32Array(new SharedArrayBuffer(Math.max(1, window * slot) * 4)),
    window,
    slot,
  };
}

/**
 * The next block for this thread, or NONE_LEFT. `wait` (worker threads only: Atomics.wait
 * blocks) sleeps while the window is full; without it WINDOW_FULL is returned instead.
 */
export function takeBlock(s: SharedBlocks, wait: boolean): number {
  const c = s.control;
  for (;;) {
    const i = Atomics.load(c, NEXT);
    if (i >= Atomics.load(c, LIMIT)) return NONE_LEFT;
    const handed = Atomics.load(c, HANDED);
    if (i >= handed + s.window) {
      if (!wait) return WINDOW_FULL;
      // The timeout only bounds a missed wake-up; handOn and stop notify.
      Atomics.wait(c, HANDED, handed, 100);
      continue;
    }
    if (Atomics.compareExchange(c, NEXT, i, i + 1) === i) return i;
  }
}

/** Block i's slot of the ring, `weights` long. */
export function slotOf(s: SharedBlocks, i: number, weights: number): Float32Array {
  const at = (i % s.window) * s.slot;
  return s.ring.subarray(at, at + weights);
}

/** Block i is done (READY) or failed (FAILED, and no block from i on is taken any more). */
export function finishBlock(s: SharedBlocks, i: number, state: typeof READY | typeof FAILED): void {
  if (state === FAILED) stopAt(s, i);
  Atomics.store(s.state, i, state);
  Atomics.notify(s.state, i);
}

/** Take no block from `i` on (0: stop the run); wakes the threads waiting for room. */
export function stopAt(s: SharedBlocks, i: number): void {
  for (;;) {
    const limit = Atomics.load(s.control, LIMIT);
    if (limit <= i || Atomics.compareExchange(s.control, LIMIT, limit, i) === limit) break;
  }
  Atomics.notify(s.control, HANDED);
}

/** Blocks [0, i] are handed on: their slots are free for the blocks a window later. */
export function handOn(s: SharedBlocks, i: number): void {
  Atomics.store(s.control, HANDED, i + 1);
  Atomics.notify(s.control, HANDED);
}

/** A copy of `mask` in shared memory, so every worker reads the same one instead of a copy each. */
export function shareMask(mask: Mask | undefined): Mask | undefined {
  if (!mask) return undefined;
  if ('lengths' in mask) {
    const lengths = new Int32Array(new SharedArrayBuffer(mask.lengths.byteLength));
    lengths.set(mask.lengths);
    return { lengths, shape: mask.shape };
  }
  const m = new Uint8Array(new SharedArrayBuffer(mask.mask.byteLength));
  m.set(mask.mask);
  return { mask: m, shape: mask.shape };
}

/** X's rows as a thread reads them: XSource (x-source.ts) in Node. */
export interface BlockSource {
  read(start: number, count: number, into?: Uint8Array): Promise<Tensor>;
}

/** What one thread needs to compute any block of a run. */
export interface BlockJob {
  kernel: Kernel;
  layout: BlockLayout;
  shared: SharedBlocks;
  /** X's own shape, for errors that name a place in it. */
  xShape: number[];
  /** Bytes of X in a full block: the size of the buffer each thread reads into. */
  blockBytes: number;
  mask?: Mask;
  how: ComputeOptions;
}

/** One thread's side of a run: reads a taken block into its own buffer, scores it into the block's slot. */
export class BlockThread {
  private buf: Uint8Array | undefined;
  private scores = new Float64Array(0);

  constructor(
    private readonly job: BlockJob,
    private readonly src: BlockSource,
  ) {}

  /** Compute block i (taken with takeBlock) and mark it READY; on a throw it is marked FAILED and the error rethrown. */
  async compute(i: number): Promise<void> {
    const { kernel: k, layout: l, shared, xShape, mask, how } = this.job;
    try {
      const b = blockAt(l, i);
      this.buf ??= new Uint8Array(this.job.blockBytes);
      // A (T, F) X is one sequence, its T rows read whole.
      const x = l.twoD ? await this.src.read(0, l.twoDRows, this.buf) : await this.src.read(b.row, b.rows, this.buf);
      const n = b.count * l.steps * l.perStep;
      if (this.scores.length < n) this.scores = new Float64Array(n);
      const out = slotOf(shared, i, n);
      computeBlock(k, floatData(x.dtype, x.data), b.start, b.count, l.steps, xShape, mask && sliceMask(mask, b.start, b.count, l.steps), out, 0, how, this.scores.subarray(0, n));
    } catch (e) {
      finishBlock(shared, i, FAILED);
      throw e;
    }
    finishBlock(shared, i, READY);
  }
}
