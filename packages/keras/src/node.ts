// Node entry: open Keras files from disk. h5wasm/node reads the real file system, so an
// HDF5 file is read lazily from disk; a .keras zip's model.weights.h5 is first copied
// out to a temporary file (removed by close()).
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fail, type Limits } from '@attnlens/core';
import { sniffFile } from '@attnlens/core/node';
import { openKerasHdf5 } from './keras-file.js';
import { checkKerasEntries, extractKerasZip } from './keras-zip.js';
import type { KerasFile } from './types.js';

export type { KerasFile, KerasLayer, KerasWeight, KerasLayout, AttentionLayerInfo, UnrecognisedAttention, Variant } from './types.js';

export interface OpenKerasOptions {
  /**
   * A folder the file may read other files from: HDF5 external raw storage (h5py's
   * `external=`), external links and virtual datasets naming files inside it (symlinks
   * resolved) are followed. Without it, or for any file outside it, they are refused
   * (NOT_ALLOWED): a weights file must not make attnlens read /etc/passwd.
   */
  allowExternal?: string;
  /** Size limits over the process-wide ones (core's setLimits): per dataset, and the .keras temporary copy. */
  limits?: Partial<Limits>;
}

/** Whether HDF5 may open `path`: only a file whose real path lies inside the real `dir`. */
function insideFolder(dir: string): (path: string) => boolean {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch {
    return fail('NOT_FOUND', `the folder allowed for external data, ${dir}, does not exist`, { hint: 'name an existing folder' });
  }
  return (path) => {
    let real: string;
    try {
      real = realpathSync(resolve(path));
    } catch {
      return false; // not there: nothing to allow
    }
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
}

/**
 * h5wasm, loaded on first use: importing it decodes and instantiates its 3 MB of WebAssembly
 * and starts the HDF5 library (~130 ms of CPU), which a process that only imports this
 * module (the CLI's compute on .npy weights, render, report) should not pay.
 */
async function hdf5Module(): Promise<Awaited<typeof import('h5wasm/node')['default']['ready']>> {
  return (await import('h5wasm/node')).default.ready;
}

/** Open a Keras file by its content (never its extension): legacy HDF5, Keras 3 .weights.h5, or a .keras zip. */
export async function openKeras(path: string, opts: OpenKerasOptions = {}): Promise<KerasFile> {
  const { format, zipEntries } = await sniffFile(path);
  const hdf5 = {
    ...(opts.allowExternal !== undefined ? { externalAccess: insideFolder(opts.allowExternal) } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  };
  if (format === 'hdf5') {
    const module = await hdf5Module();
    return openKerasHdf5(module, resolve(path), { file: path, ...hdf5 });
  }
  if (format === 'keras-zip') {
    checkKerasEntries(path, zipEntries ?? []);
    const x = await extractKerasZip(path, opts.limits);
    const module = await hdf5Module();
    return openKerasHdf5(module, x.weightsPath, {
      ...hdf5,
      file: path,
      zip: {
        ...(x.config !== undefined ? { config: x.config } : {}),
        ...(x.kerasVersion !== undefined ? { kerasVersion: x.kerasVersion } : {}),
        detail: 'Keras 3 .keras archive (config.json, metadata.json, model.weights.h5)',
      },
      onClose: x.cleanup,
    });
  }
  if (format === 'empty') return fail('UNKNOWN_FORMAT', 'file is empty', { file: path, hint: 'the file was not written completely; save it again' });
  if (format === 'zip') {
    return zipEntries
      ? fail('UNKNOWN_FORMAT', `is a zip archive but not a Keras .keras file (it has no config.json and metadata.json; entries: ${zipEntries.slice(0, 8).join(', ')})`, { file: path, hint: 'a .keras archive holds config.json, metadata.json and model.weights.h5' })
      : fail('TRUNCATED', 'is a zip archive without its central directory (the end of the file is missing)', { file: path, hint: 'the copy or download did not finish; copy the file again' });
  }
  return fail('UNKNOWN_FORMAT', `is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}, not a Keras file`, {
    file: path,
    hint: 'Keras files are HDF5 (.h5, .hdf5, .weights.h5) or .keras zips',
    details: { sniffed: format },
  });
}
