// Worker threads for computeFile, on core's one pool (@attnlens/core/node's WorkerPool): each
// worker holds the kernel (sent first, as the pool's init message) and at most two blocks, so the
// next block waits in the worker rather than a round trip away (worker.ts answers in order, which
// core's pool needs for that). Here only the protocol: a block out, its weights or its error back.
// Node-only.
import { AttnlensError, type ErrorCode } from '@attnlens/core/tensor';
import { WorkerPool as CorePool } from '@attnlens/core/node';
import type { Backend, PrecisionOption } from './compute.js';
import { takeEarlyWorkers, workerUrl } from './early-workers.js';
import type { Kernel } from './variants.js';
import type { ErrorReply, WorkerReply, WorkerRequest } from './worker.js';

type Job = Extract<WorkerRequest, { type: 'job' }>;
type Run = Extract<WorkerRequest, { type: 'run' }>;

/** Blocks one worker holds at once (computeFileSequences keeps two per worker out; computeFile sends each worker one 'run'). */
const PER_WORKER = 2;

export class WorkerPool {
  private readonly pool: CorePool<Job | Run, WorkerReply>;
  private ids = 0;

  constructor(size: number, kernel: Kernel, how: { backend: Backend; precision: PrecisionOption }, private readonly file?: string) {
    const init: WorkerRequest = { type: 'init', kernel, ...how };
    // Workers started early (early-workers.ts, by the CLI before it loaded this code) are used
    // first: their module loading is already done or under way.
    this.pool = new CorePool<Job | Run, WorkerReply>(workerUrl(), { size, init, perWorker: PER_WORKER, adopt: takeEarlyWorkers(size) });
  }

  get size(): number {
    return this.pool.size;
  }

  /** Blocks sent and not yet answered. */
  get busy(): number {
    return this.pool.busy;
  }

  async run(job: Omit<Job, 'type' | 'id'>): Promise<Float32Array> {
    const msg: Job = { type: 'job', id: this.ids++, ...job };
    const d = job.data;
    // Hand the buffer over when the block owns all of it; copy otherwise.
    const owns = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !(d.buffer instanceof SharedArrayBuffer);
    if (!owns) msg.data = d.slice();
    const r = await this.call(msg, [msg.data.buffer as ArrayBuffer]);
    if ('weights' in r) return r.weights;
    if ('error' in r) throw this.error(r.error);
    throw internal('internal' in r ? r.internal : 'unexpected reply');
  }

  /**
   * One worker's part of a block run (block-run.ts): it takes blocks until none are left. Resolves
   * with the blocks it computed, or with the error it stopped at and that block (-1: before any);
   * rejects if the thread itself failed.
   */
  async runBlocks(run: Omit<Run, 'type' | 'id'>): Promise<{ ran: number } | { error: AttnlensError; block: number }> {
    const r = await this.call({ type: 'run', id: this.ids++, ...run });
    if ('ran' in r) return { ran: r.ran };
    if ('error' in r) return { error: this.error(r.error), block: r.block ?? -1 };
    throw internal('internal' in r ? r.internal : 'unexpected reply');
  }

  /** One message out and its reply; the thread itself failing is an internal error. */
  private async call(msg: Job | Run, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    try {
      return await this.pool.run(msg, transfer);
    } catch (e) {
      throw internal(e instanceof Error ? e.message : String(e));
    }
  }

  private error(e: ErrorReply): AttnlensError {
    return new AttnlensError({ code: e.code as ErrorCode, message: e.message, hint: e.hint, details: e.details, file: this.file });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A crash or bug in a worker: not the user's input, so a plain Error (the CLI says "internal error"). */
function internal(message: string): Error {
  return new Error(`a worker thread failed: ${message}`);
}
