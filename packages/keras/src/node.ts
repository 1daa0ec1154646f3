// Node entry: open Keras files from disk. h5wasm/node reads the real file system, so an
// HDF5 file is read lazily from disk; a .keras zip's model.weights.h5 is first copied
// out to a temporary file (removed by close()).
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fail, type Limits } from '@attnlens/core';
import { ownPackageUrl, sniffFile } from '@attnlens/core/node';
import { openKerasHdf5 } from './keras-file.js';
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

type H5 = Awaited<typeof import('h5wasm/node')['default']['ready']>;

/** dist/h5wasm/: h5wasm's glue and its WebAssembly apart (scripts/split-h5wasm.mjs, run by the build). */
// Beside this module in @attnlens/keras, wherever it was bundled (core's ownPackageUrl); from the
// TypeScript sources (tests), the built dist/.
const SPLIT = import.meta.url.endsWith('.ts') ? new URL('../dist/h5wasm/', import.meta.url) : new URL('./h5wasm/', ownPackageUrl(import.meta.resolve, '@attnlens/keras/node', import.meta.url));
let loading: Promise<H5> | undefined;

/**
 * h5wasm, loaded on first use and once per process: a process that only imports this module
 * (the CLI's compute on .npy weights, render, report) pays nothing for it.
 */
function hdf5Module(): Promise<H5> {
  return (loading ??= loadHdf5());
}

/**
 * From dist/h5wasm when the build wrote it: the 3.5 MB of WebAssembly are read as bytes and
 * compiled by WebAssembly.compile (on V8's compiler threads, while the 200 kB glue loads),
 * instead of h5wasm/node's 4 MB of JavaScript holding them as a string to decode (~50 ms
 * saved, issue 15). Emscripten's Module.instantiateWasm hook (createWasm in its preamble)
 * takes the compiled module; its promise never settles if instantiation fails, so the
 * failure is raced in. Without the split files, h5wasm/node as published.
 */
async function loadHdf5(): Promise<H5> {
  let bytes: Uint8Array<ArrayBuffer>; // readFile's own buffer, never shared
  try {
    bytes = (await readFile(new URL('hdf5.wasm', SPLIT))) as Uint8Array<ArrayBuffer>;
  } catch {
    return (await import('h5wasm/node')).default.ready;
  }
  const compiled = WebAssembly.compile(bytes);
  compiled.catch(() => undefined); // reported through instantiateWasm below
  const glue = (await import(new URL('hdf5_util.js', SPLIT).href)) as { default: (opts: object) => Promise<H5> };
  let failed: (e: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const ready = glue.default({
    noInitialRun: true,
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      compiled.then(async (m) => done(await WebAssembly.instantiate(m, imports), m)).catch(failed);
      return {};
    },
  });
  return Promise.race([ready, failure]);
}

/** Open a Keras file by its content (never its extension): legacy HDF5, Keras 3 .weights.h5, or a .keras zip. */
export async function openKeras(path: string, opts: OpenKerasOptions = {}): Promise<KerasFile> {
  // h5wasm compiles while the file is sniffed (and the zip, if any, unpacked).
  hdf5Module().catch(() => undefined); // awaited, with its error, where the file needs it
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
    // Only a .keras file needs the unzipper (fflate builds its tables at import, issue 15).
    const { checkKerasEntries, extractKerasZip } = await import('./keras-zip.js');
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
