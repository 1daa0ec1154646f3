// @attnlens/torch/node: PyTorch and safetensors files on disk, opened lazily: every read is
// a positioned read of just the bytes needed (the zip directory, data.pkl, one storage's
// span), so `inspect` reads no tensor data and memory stays near what is read. The fd is
// synchronous, like core's readRange (a FileHandle close once never completed under load).
import { closeSync, openSync, readSync } from 'node:fs';
import { fileSize, fsError } from '@attnlens/core/node';
import { checkRange, type ByteSource } from './source.js';
import { openTorch, type TorchFile } from './torch-file.js';

export * from './index.js';

export async function fileSource(path: string): Promise<ByteSource> {
  const size = await fileSize(path);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsError(e, path);
  }
  const src: ByteSource = {
    name: path,
    size,
    async read(offset, length) {
      checkRange(src, offset, length);
      if (fd === undefined) throw fsError(Object.assign(new Error('closed'), { code: 'EBADF' }), path);
      const buf = new Uint8Array(length);
      let got = 0;
      try {
        while (got < length) {
          const n = readSync(fd, buf, got, Math.min(length - got, 1 << 30), offset + got);
          if (!n) break;
          got += n;
        }
      } catch (e) {
        throw fsError(e, path);
      }
      if (got < length) checkRange({ size: offset + got, name: path, read: async () => buf }, offset, length);
      return buf;
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
  return src;
}

/** Open a torch.save file (zip or legacy) or a safetensors file. Close it when done. */
export async function openTorchFile(path: string): Promise<TorchFile> {
  const src = await fileSource(path);
  try {
    return await openTorch(src);
  } catch (e) {
    await src.close?.();
    throw e;
  }
}
