#!/usr/bin/env node
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

const { main } = await import('./main.js');
process.exitCode = await main(process.argv);
