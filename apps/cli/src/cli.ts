// The attnlens program (bin.ts runs its bundle): V8 flags and early workers first, then main.ts.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { commandOf } from './commands/index.js';

// Relaxed SIMD (the attention kernel's fused multiply-adds, found at run time by
// @attnlens/attention) ships in Node ≥ 22; Node 20 has it behind a V8 flag. V8 reads wasm
// feature flags when a module is validated, so setting it here, before any WebAssembly is
// compiled, works for this process and its worker threads, at no cost: a re-exec with the
// flag, or NODE_OPTIONS (which does not take V8 flags), would cost a second Node start-up.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
// inspect runs HDF5 (h5wasm) only through its start-up and a few metadata reads: V8's
// optimising tier would recompile the functions that get hot there, on threads the process
// then waits for, ~60 CPU ms of a 0.3 s command that never pay back (issue 15, measured on the
// 1 MB Keras file of bench/keras.bench.mjs). Liftoff's baseline code is enough for it; commands
// that read data in volume (extract, compute, forward) keep the optimising tier.
if (commandOf(process.argv) === 'inspect') setFlagsFromString('--liftoff-only');

// compute on a large X will want attention's worker threads, and a Node 20 worker spends 80-150 ms
// loading its modules before it helps (issue 15: start-up). Started here, before the CLI loads
// its own ~130 ms of modules, that loading overlaps; the pool adopts them when the work starts
// (@attnlens/attention/early-workers). Those it does not take (X small after all, an error
// first) are terminated as soon as the command ends. Hierarchical X (--sentence-inputs) is
// read whole and computed on this thread: no early workers.
const early = commandOf(process.argv) === 'compute' && !process.argv.includes('--sentence-inputs') ? await import('@attnlens/attention/early-workers') : undefined;
if (early && inputsBytes(process.argv) >= early.EARLY_WORKERS_FROM_BYTES) early.startEarlyWorkers(availableParallelism() - 1);

const { main } = await import('./main.js');
try {
  process.exitCode = await main(process.argv);
} finally {
  await early?.stopEarlyWorkers();
}

/** The size of X (--inputs FILE or --inputs=FILE): a cheap stat; anything odd (no such file) is 0, and the command reports it. */
function inputsBytes(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === '--inputs' || a.startsWith('--inputs='));
  const file = i < 0 ? undefined : argv[i].startsWith('--inputs=') ? argv[i].slice('--inputs='.length) : argv[i + 1];
  if (!file) return 0;
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
