// Opens a Keras HDF5 file in a Web Worker and posts back what `inspect` sees (kerasSummary,
// shared with the CLI). The File is mounted with Emscripten's WORKERFS: HDF5 reads go
// through FileReaderSync on File.slice(), so only the blocks HDF5 asks for are read and a
// 500 MB file is never copied into memory (WORKERFS exists only in workers, hence this file).
import { ready } from 'h5wasm';
import { isAttnlensError, sniff, SNIFF_BYTES } from '@attnlens/core';
import { openKerasHdf5, type H5Module } from '@attnlens/keras';
import { kerasSummary } from '@attnlens/forward';
import type { WorkerReply, WorkerRequest } from './protocol.js';

interface WorkerFs {
  mkdir(path: string): void;
  mount(type: unknown, opts: { files: File[] }, at: string): void;
  unmount(at: string): void;
  rmdir(path: string): void;
  filesystems: { WORKERFS: unknown };
}

let mounts = 0;

async function summarize(file: File): Promise<WorkerReply> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniff(head);
  if (format !== 'hdf5') {
    return { error: { code: 'UNKNOWN_FORMAT', message: `${file.name}: is ${format === 'keras-zip' || format === 'zip' ? 'a .keras zip archive' : `a ${format} file`}, not an HDF5 Keras file`, hint: format === 'zip' || format === 'keras-zip' ? 'the page reads .h5 and .weights.h5 files; unzip the archive and open its model.weights.h5' : 'open a Keras .h5 or .weights.h5 file' } };
  }
  const module = (await ready) as unknown as H5Module;
  const FS = (module as unknown as { FS: WorkerFs }).FS;
  const at = `/file-${++mounts}`;
  FS.mkdir(at);
  FS.mount(FS.filesystems.WORKERFS, { files: [file] }, at);
  try {
    const k = openKerasHdf5(module, `${at}/${file.name}`, { file: file.name });
    try {
      return { summary: kerasSummary(k) };
    } finally {
      k.close();
    }
  } finally {
    FS.unmount(at);
    FS.rmdir(at);
  }
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, file } = e.data;
  let reply: WorkerReply;
  try {
    reply = await summarize(file);
  } catch (err) {
    reply = isAttnlensError(err)
      ? { error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } }
      : { error: { code: 'INTERNAL', message: `${file.name}: ${String(err)}` } };
  }
  (self as unknown as Worker).postMessage({ id, ...reply });
};
