// A worker thread of computeFile (node.ts) and computeFileSequences (shard-compute.ts): holds one
// kernel, and either scores the blocks of sequences it is sent ('job', one reply each), or, for
// 'run', takes blocks of X's rows itself until none are left, reading them from X itself
// (block-run.ts), and replies once at the end.
// Imports @attnlens/core/tensor, not the main entry: this module runs in every worker, whose start-up
// should not load protobufjs (issue 15). X's readers (x-source.ts, @attnlens/npy) load in the
// background as soon as the thread starts, while the program that started it is still loading.
import { parentPort } from 'node:worker_threads';
import { isAttnlensError, type DType } from '@attnlens/core/tensor';
import { BlockThread, takeBlock, NONE_LEFT, type BlockJob } from './block-run.js';
import { computeBlock, floatData, type Backend, type PrecisionOption } from './compute.js';
import type { Mask } from './mask.js';
import type { Kernel } from './variants.js';
import type { XSourceShare } from './x-source.js';

export type WorkerRequest =
  | { type: 'init'; kernel: Kernel; backend: Backend; precision: PrecisionOption }
  | { type: 'job'; id: number; dtype: DType; data: Float32Array | Float64Array | Uint16Array; start: number; count: number; T: number; xShape: number[]; mask?: Mask }
  | { type: 'run'; id: number; source: XSourceShare; job: Omit<BlockJob, 'kernel' | 'how'> };

/** An error as data: an AttnlensError's fields. */
export interface ErrorReply {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type WorkerReply =
  | { id: number; weights: Float32Array }
  | { id: number; ran: number }
  // For a 'run', `block` is the block the error was met in (-1: before any).
  | { id: number; error: ErrorReply; block?: number }
  | { id: number; internal: string };

let kernel: Kernel | undefined;
let backend: Backend = 'auto';
let precision: PrecisionOption = 'auto';
let scores = new Float64Array(0);
const sources = import('./x-source.js');
sources.catch(() => undefined); // a failure shows when a run needs it

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.type === 'init') {
    kernel = m.kernel;
    backend = m.backend;
    precision = m.precision;
    return;
  }
  if (m.type === 'run') {
    void run(m).then((reply) => parentPort!.postMessage(reply));
    return;
  }
  try {
    const n = m.count * m.T * kernel!.perStep;
    if (scores.length < n) scores = new Float64Array(n);
    const out = new Float32Array(n);
    computeBlock(kernel!, floatData(m.dtype, m.data), m.start, m.count, m.T, m.xShape, m.mask, out, 0, { backend, precision }, scores.subarray(0, n));
    const reply: WorkerReply = { id: m.id, weights: out };
    parentPort!.postMessage(reply, [out.buffer]);
  } catch (e) {
    parentPort!.postMessage(errorReply(m.id, e));
  }
});

/** Blocks taken and computed until none are left; stops at its first failed block, which the reply names. */
async function run(m: Extract<WorkerRequest, { type: 'run' }>): Promise<WorkerReply> {
  let block = -1;
  let ran = 0;
  try {
    const src = await (await sources).openSharedXSource(m.source);
    try {
      const thread = new BlockThread({ ...m.job, kernel: kernel!, how: { backend, precision } }, src);
      for (;;) {
        block = takeBlock(m.job.shared, true);
        if (block === NONE_LEFT) return { id: m.id, ran };
        await thread.compute(block);
        ran++;
      }
    } finally {
      await src.close();
    }
  } catch (e) {
    return errorReply(m.id, e, block);
  }
}

function errorReply(id: number, e: unknown, block?: number): WorkerReply {
  if (!isAttnlensError(e)) return { id, internal: e instanceof Error ? e.message : String(e) };
  return { id, error: { code: e.code, message: e.reason, hint: e.hint, details: e.details }, ...(block === undefined ? {} : { block }) };
}
