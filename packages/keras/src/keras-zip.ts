// Node only: take model.weights.h5 out of a Keras 3 `.keras` zip (FORMATS.md §1.8) into a
// temporary file, since h5wasm reads files, not byte ranges. The archive is streamed
// through fflate's Unzip in 1 MiB chunks, so memory stays flat whatever its size.
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { AttnlensError, checkSize, fail, limits as currentLimits, type Limits } from '@attnlens/core';
import { fsError } from '@attnlens/core/node';
import { parsePythonJson } from './python-json.js';

export const WEIGHTS_ENTRY = 'model.weights.h5';
/** config.json and metadata.json larger than this are not a Keras archive's. */
const MAX_JSON_BYTES = 64 << 20;

export interface ExtractedKeras {
  weightsPath: string;
  config?: unknown;
  kerasVersion?: string;
  /** Removes the temporary copy. */
  cleanup(): void;
}

const liveDirs = new Set<string>();
let exitHook = false;
const removeLive = () => {
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  liveDirs.clear();
};

/**
 * Ctrl-C or a kill while a temporary copy exists: remove it, then, when nobody else
 * handles the signal (a CLI command that stops gracefully does), die of it as Node would
 * have. Installed only while a copy is live, so the default behaviour is otherwise untouched.
 */
function onSignal(sig: NodeJS.Signals): void {
  removeLive();
  unhookSignals();
  signalled = sig; // a copy in progress stops (its folder is gone) when the process lives on
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}
let signalled: NodeJS.Signals | undefined;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let signalsHooked = false;
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}
function unhookSignals(): void {
  if (!signalsHooked) return;
  signalsHooked = false;
  for (const s of SIGNALS) process.off(s, onSignal);
}

function track(dir: string): () => void {
  liveDirs.add(dir);
  hookSignals();
  if (!exitHook) {
    exitHook = true;
    // A caller that never closes the file (or calls process.exit) still leaves no temporary copy behind.
    process.once('exit', removeLive);
  }
  return () => {
    liveDirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
    if (!liveDirs.size) unhookSignals();
  };
}

/** Check the entry list (from the central directory) before reading anything. */
export function checkKerasEntries(file: string, entries: readonly string[]): void {
  if (entries.includes(WEIGHTS_ENTRY)) return;
  if (entries.includes('model.weights.npz')) {
    fail('UNSUPPORTED', 'is a .keras archive whose weights are in model.weights.npz (saved with weights_format="npz"), which attnlens does not read yet', {
      file,
      hint: 'save the model with the default weights format, or unzip the archive and inspect model.weights.npz with attnlens',
    });
  }
  if (entries.some((e) => e.endsWith('.weights.json'))) {
    fail('UNSUPPORTED', 'is a .keras archive with sharded weights (a *.weights.json index), which attnlens does not read yet', {
      file,
      hint: 'save the model without max_shard_size',
    });
  }
  fail('NOT_FOUND', `is a .keras archive without weights: it holds ${entries.join(', ') || 'no entries'} but no ${WEIGHTS_ENTRY}`, {
    file,
    hint: 'the model was saved without weights or the archive was repacked; save it again with model.save("model.keras")',
    details: { entries: [...entries] },
  });
}

/** The temporary copy could not be made: say where, and what to do. */
function tempError(e: unknown, file: string): AttnlensError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  return new AttnlensError({
    code: 'IO', file, cause: e,
    message: code === 'ENOSPC'
      ? `no space left in ${tmpdir()} to copy ${WEIGHTS_ENTRY} out of the archive`
      : `cannot write a temporary copy of ${WEIGHTS_ENTRY} in ${tmpdir()} (${code})`,
    hint: 'free some space or point TMPDIR at a writable directory with room for the weights; or unzip the archive and open model.weights.h5',
  });
}

/** Compressed bytes handed to fflate at a time: deflate expands ~1032:1 at most, so one piece yields at most ~16 MiB. */
const UNZIP_PIECE = 16 << 10;

/**
 * Copy model.weights.h5 out of the archive into a fresh temporary folder, in flat memory,
 * refusing a copy larger than the maxTempBytes limit (checked against the size the archive
 * claims, then against the bytes really written). The folder is removed on every exit path:
 * an error here, cleanup(), process exit, SIGINT/SIGTERM/SIGHUP.
 */
export async function extractKerasZip(file: string, limits?: Partial<Limits>): Promise<ExtractedKeras> {
  const maxTemp = currentLimits(limits).maxTempBytes;
  signalled = undefined;
  const tooBig = (bytes: number, what: string) => checkSize(bytes, what, 'maxTempBytes', { file, limits });
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'attnlens-keras-'));
  } catch (e) {
    throw tempError(e, file);
  }
  const cleanup = track(dir);
  const weightsPath = join(dir, WEIGHTS_ENTRY);
  let fd: number | undefined;
  try {
    fd = openSync(weightsPath, 'w');
  } catch (e) {
    cleanup();
    throw tempError(e, file);
  }
  const json: Record<string, Uint8Array[]> = { 'config.json': [], 'metadata.json': [] };
  const jsonSize: Record<string, number> = { 'config.json': 0, 'metadata.json': 0 };
  let written = 0;
  let expected: number | undefined;
  let weightsDone = false;
  let failure: Error | undefined;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let over = false;
  let lied: number | undefined; // bytes seen when the data ran past the limit its header was under
  unzip.onfile = (f: UnzipFile) => {
    if (f.name === WEIGHTS_ENTRY) {
      expected = f.originalSize;
      if (expected !== undefined && expected > maxTemp) over = true; // refused below, before inflating anything
      f.ondata = (err, dat, final) => {
        if (err) failure ??= err;
        else if (dat.length && !over) {
          if (written + dat.length > maxTemp) {
            over = true; // the archive's sizes lied: stop before the disk fills
            lied = written + dat.length;
            return;
          }
          try {
            writeSync(fd!, dat);
          } catch (e) {
            throw tempError(e, file);
          }
          written += dat.length;
        }
        if (final) weightsDone = true;
      };
    } else if (f.name in json) {
      f.ondata = (err, dat) => {
        if (err) failure ??= err;
        else if ((jsonSize[f.name]! += dat.length) <= MAX_JSON_BYTES) json[f.name]!.push(dat);
      };
    } else {
      f.ondata = () => {}; // started anyway, or fflate keeps its bytes
    }
    f.start();
  };
  try {
    try {
      reading: for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        const c = chunk as Uint8Array;
        for (let at = 0; at < c.length; at += UNZIP_PIECE) {
          unzip.push(c.subarray(at, at + UNZIP_PIECE));
          if (failure || over || signalled) break reading;
        }
      }
      if (signalled) fail('INTERRUPTED', `stopped (${signalled}) while copying ${WEIGHTS_ENTRY} out of the archive; its temporary copy is removed`, { file, hint: 'run the same command again' });
      if (over) {
        tooBig(lied ?? expected ?? 0, lied === undefined
          ? `the ${WEIGHTS_ENTRY} inside it, copied out to a temporary file,`
          : `the ${WEIGHTS_ENTRY} inside it (its header says ${expected} bytes, but it inflates to at least ${lied}), copied out to a temporary file,`);
      }
      if (!failure) unzip.push(new Uint8Array(0), true);
    } catch (e) {
      if (e instanceof AttnlensError) throw e;
      if ((e as NodeJS.ErrnoException).code) throw fsError(e, file);
      failure ??= e as Error;
    }
    closeSync(fd);
    fd = undefined;
    if (failure || !weightsDone || (expected !== undefined && written !== expected)) {
      const why = failure ? failure.message : !weightsDone ? `${WEIGHTS_ENTRY} ends before its data does` : `${WEIGHTS_ENTRY} holds ${written} bytes, its header says ${expected}`;
      fail(!failure && weightsDone ? 'TRUNCATED' : 'CORRUPT', `is a damaged .keras archive: ${why}`, {
        file,
        hint: 'copy or save the model again',
      });
    }
    const text = (name: string) => {
      if (jsonSize[name]! > MAX_JSON_BYTES) fail('CORRUPT', `has a ${name} of ${jsonSize[name]} bytes, too large for a Keras archive`, { file });
      return json[name]!.length ? Buffer.concat(json[name]!).toString('utf8') : undefined;
    };
    const configText = text('config.json');
    const metaText = text('metadata.json');
    const meta = metaText !== undefined ? parsePythonJson(metaText, 'metadata.json', file) : undefined;
    const kerasVersion = typeof meta === 'object' && meta !== null && typeof (meta as Record<string, unknown>).keras_version === 'string' ? ((meta as Record<string, unknown>).keras_version as string) : undefined;
    return {
      weightsPath,
      ...(configText !== undefined ? { config: parsePythonJson(configText, 'config.json', file) } : {}),
      ...(kerasVersion !== undefined ? { kerasVersion } : {}),
      cleanup,
    };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    cleanup();
    throw e;
  }
}
