// X as rows, for computeFile and computeFileSequences: an .npy streamed by rows (@attnlens/npy's
// openNpy), an .npz (or one named array of a multi-array .npy) loaded whole and viewed by rows.
// A worker thread opens the same X itself from what share() gives (openSharedXSource): the
// .npy's path, or the loaded array moved into shared memory once for every thread.
import { fail, shapeSize, view, type DType, type Tensor, type TypedArray } from '@attnlens/core';
import { sniffFile } from '@attnlens/core/node';
import { loadArray, openNpy } from '@attnlens/npy/node';

export interface XSource {
  shape: number[];
  dtype: DType;
  /** X's first axis. */
  rows: number;
  /** Rows [start, start + count); `into` (bytes enough for them) may be filled and viewed instead of a new buffer. */
  read(start: number, count: number, into?: Uint8Array): Promise<Tensor>;
  /** How another thread opens this X (postMessage-able). */
  share(): XSourceShare;
  close(): Promise<void>;
}

/** X as a worker thread opens it: the .npy file again, or the array in shared memory. */
export type XSourceShare = { kind: 'npy'; path: string } | { kind: 'memory'; dtype: DType; shape: number[]; data: TypedArray };

export async function openXSource(path: string, array: string | undefined, warn?: (m: string) => void): Promise<XSource> {
  const { format } = await sniffFile(path);
  if (format === 'npy' && array === undefined) {
    const r = await openNpy(path, warn ? { warn } : {});
    const shape = [...r.header.shape];
    return { shape, dtype: r.header.dtype, rows: r.rows, read: (s, c, into) => r.readRows(s, c, into), share: () => ({ kind: 'npy', path }), close: () => r.close() };
  }
  if (format !== 'npy' && format !== 'npz') {
    fail('UNKNOWN_FORMAT', `is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}, not a NumPy .npy or .npz`, { file: path, hint: 'save X with numpy.save' });
  }
  const t = await loadArray(path, array, warn ? { warn } : {});
  let shared: XSourceShare | undefined;
  return {
    ...memorySource(t),
    // Copied into shared memory on the first call only, when workers are to read it.
    share: () => (shared ??= { kind: 'memory', dtype: t.dtype, shape: [...t.shape], data: sharedCopy(t) }),
  };
}

/** The X that `share` describes, opened in this thread; a re-opened .npy warns nothing (the first thread did). */
export async function openSharedXSource(share: XSourceShare): Promise<XSource> {
  if (share.kind === 'npy') return openXSource(share.path, undefined, () => undefined);
  return { ...memorySource({ dtype: share.dtype, shape: share.shape, data: share.data } as Tensor), share: () => share };
}

function memorySource(t: Tensor): Omit<XSource, 'share'> {
  const shape = [...t.shape];
  const per = shape.length ? shapeSize(shape.slice(1)) : 1;
  return {
    shape,
    dtype: t.dtype,
    rows: shape[0] ?? 1,
    read: async (s, c) => ({ dtype: t.dtype, shape: [c, ...shape.slice(1)], data: t.data.subarray(s * per, (s + c) * per) }) as Tensor,
    close: async () => undefined,
  };
}

function sharedCopy(t: Tensor): TypedArray {
  const bytes = new SharedArrayBuffer(t.data.byteLength);
  new Uint8Array(bytes).set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return view(t.dtype, bytes, 0, t.data.length);
}
