// The render/report batches run on core's one worker pool (@attnlens/core/node's runPool). This
// wiring only hands each worker the command line's size limits (--max-highlight-tokens and the
// rest): core's limits are per thread, and render-worker.ts sets them from its workerData.
import { limits } from '@attnlens/core';
import { runPool as corePool, type RunPoolOptions } from '@attnlens/core/node';

/** What render-worker.ts receives as its workerData. */
export interface RenderWorkerData {
  limits: ReturnType<typeof limits>;
}

export function runPool<Job, Result>(script: URL, jobs: AsyncIterable<Job> | Iterable<Job>, opts: Omit<RunPoolOptions<Job, Result>, 'workerData'>) {
  const workerData: RenderWorkerData = { limits: { ...limits() } };
  return corePool(script, jobs, { ...opts, workerData });
}
