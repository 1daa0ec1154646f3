// Worker threads for computeFile: one kernel each, blocks handed out round-robin (every
// block costs the same), replies matched by id. Node-only.
import { Worker } from 'node:worker_threads';
import { AttnlensError, type ErrorCode } from '@attnlens/core/tensor';
import type { Backend, PrecisionOption } from './compute.js';
import type { Kernel } from './variants.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

type Job = Extract<WorkerRequest, { type: 'job' }>;

/** The compiled worker beside this file; from the TypeScript sources (tests), the built one in dist/. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../dist/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (w: Float32Array) => void; reject: (e: unknown) => void }>();
  private next = 0;
  private ids = 0;
  private dead: unknown;

  constructor(size: number, kernel: Kernel, how: { backend: Backend; precision: PrecisionOption }, private readonly file?: string) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl());
      w.on('message', (r: WorkerReply) => this.reply(r));
      w.on('error', (e) => this.fatal(e));
      w.on('exit', (code) => {
        if (code !== 0 && !this.dead) this.fatal(new Error(`worker thread exited with code ${code}`));
      });
      const init: WorkerRequest = { type: 'init', kernel, ...how };
      w.postMessage(init);
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Jobs sent and not yet answered (as core's WorkerPool counts them). */
  get busy(): number {
    return this.pending.size;
  }

  run(job: Omit<Job, 'type' | 'id'>): Promise<Float32Array> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.ids++;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: Job = { type: 'job', id, ...job };
      const d = job.data;
      // Hand the buffer over when the block owns all of it; copy otherwise.
      const owns = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !(d.buffer instanceof SharedArrayBuffer);
      if (!owns) msg.data = d.slice();
      w.postMessage(msg, [msg.data.buffer as ArrayBuffer]);
    });
  }

  private reply(r: WorkerReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('weights' in r) p.resolve(r.weights);
    else if ('error' in r) p.reject(new AttnlensError({ code: r.error.code as ErrorCode, message: r.error.message, hint: r.error.hint, details: r.error.details, file: this.file }));
    else p.reject(internal(r.internal));
  }

  private fatal(e: unknown): void {
    this.dead = internal(e instanceof Error ? e.message : String(e));
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.dead ??= new Error('worker pool closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A crash or bug in a worker: not the user's input, so a plain Error (the CLI says "internal error"). */
function internal(message: string): Error {
  return new Error(`a worker thread failed: ${message}`);
}
