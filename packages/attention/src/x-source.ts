// X as rows, for computeFile and computeFileSequences: an .npy streamed by rows (@attnlens/npy's
// openNpy), an .npz (or one named array of a multi-array .npy) loaded whole and viewed by rows.
import { fail, shapeSize, type DType, type Tensor } from '@attnlens/core';
import { sniffFile } from '@attnlens/core/node';
import { loadArray, openNpy } from '@attnlens/npy/node';

export interface XSource {
  shape: number[];
  dtype: DType;
  /** X's first axis. */
  rows: number;
  read(start: number, count: number): Promise<Tensor>;
  close(): Promise<void>;
}

export async function openXSource(path: string, array: string | undefined, warn?: (m: string) => void): Promise<XSource> {
  const { format } = await sniffFile(path);
  if (format === 'npy' && array === undefined) {
    const r = await openNpy(path, warn ? { warn } : {});
    const shape = [...r.header.shape];
    return { shape, dtype: r.header.dtype, rows: r.rows, read: (s, c) => r.readRows(s, c), close: () => r.close() };
  }
  if (format !== 'npy' && format !== 'npz') {
    fail('UNKNOWN_FORMAT', `is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}, not a NumPy .npy or .npz`, { file: path, hint: 'save X with numpy.save' });
  }
  const t = await loadArray(path, array, warn ? { warn } : {});
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
