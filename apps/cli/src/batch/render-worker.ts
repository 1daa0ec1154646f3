// Worker thread: draws one job at a time and writes it atomically (temp file, then
// rename), so an interrupted run leaves no half-written image and a rerun skips
// what exists. Errors come back as results: one bad sample never stops the batch.
import { lstatSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
// The light core entries: a worker's start-up then loads no protobufjs (issue 15).
import { isAttnlensError, setLimits, type AttnlensError } from '@attnlens/core/tensor';
import { atomicWriteFile } from '@attnlens/core/fs';
import type { RenderJob, RenderResult, RenderWorkerData } from './jobs.js';
import { drawJob } from './draw.js';
import { withFlags } from '../errors-flags.js';

// The command line's size limits (this thread has its own copy of core's).
setLimits((workerData as RenderWorkerData | undefined)?.limits ?? {});

/** lstat, not stat: a link planted at the name is not a finished file (the write refuses it). */
function exists(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

parentPort!.on('message', async (job: RenderJob) => {
  let result: RenderResult;
  try {
    if (!job.force && exists(job.path)) result = { id: job.id, path: job.path, ok: true, skipped: true };
    else {
      await atomicWriteFile(job.path, await drawJob(job), { root: job.root });
      result = { id: job.id, path: job.path, ok: true, skipped: false };
    }
  } catch (e) {
    // the sample id is printed beside it; a file is named only when it is not the sample (a refused output path)
    const error = isAttnlensError(e) ? sampleError(e) : e instanceof Error ? e.message : String(e);
    result = { id: job.id, path: job.path, ok: false, error };
  }
  parentPort!.postMessage(result);
});

/**
 * One sample's error for its line in the summary. Where the fix is an option (a size limit raised
 * by --max-highlight-tokens and the like), the hint with its flag goes with it; other hints are
 * left out, the sample id being printed beside the message.
 */
function sampleError(e: AttnlensError): string {
  const text = e.file ? e.message : e.reason;
  return e.details?.option !== undefined ? `${text} (hint: ${withFlags(e).hint})` : text;
}
