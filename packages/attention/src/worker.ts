// A worker thread of computeFile (node.ts): holds one kernel, scores and normalises the
// blocks of sequences it is sent, and returns the weights (or the error, as data).
// Imports @attnlens/core/tensor, not the main entry: this module runs in every worker, whose start-up
// should not load protobufjs (issue 15).
import { parentPort } from 'node:worker_threads';
import { isAttnlensError, type DType } from '@attnlens/core/tensor';
import { computeBlock, floatData, type Backend, type PrecisionOption } from './compute.js';
import type { Mask } from './mask.js';
import type { Kernel } from './variants.js';

export type WorkerRequest =
  | { type: 'init'; kernel: Kernel; backend: Backend; precision: PrecisionOption }
  | { type: 'job'; id: number; dtype: DType; data: Float32Array | Float64Array | Uint16Array; start: number; count: number; T: number; xShape: number[]; mask?: Mask };

export type WorkerReply =
  | { id: number; weights: Float32Array }
  | { id: number; error: { code: string; message: string; hint?: string; details?: Record<string, unknown> } }
  | { id: number; internal: string };

let kernel: Kernel | undefined;
let backend: Backend = 'auto';
let precision: PrecisionOption = 'auto';
let scores = new Float64Array(0);

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.type === 'init') {
    kernel = m.kernel;
    backend = m.backend;
    precision = m.precision;
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
    const reply: WorkerReply = isAttnlensError(e)
      ? { id: m.id, error: { code: e.code, message: e.reason, hint: e.hint, details: e.details } }
      : { id: m.id, internal: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  }
});
