#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Relaxed SIMD (the attention kernel's fused multiply-adds, found at run time by
// @attnlens/attention) ships in Node ≥ 22; Node 20 has it behind a V8 flag. V8 reads wasm
// feature flags when a module is validated, so setting it here, before any WebAssembly is
// compiled, works for this process and its worker threads, at no cost: a re-exec with the
// flag, or NODE_OPTIONS (which does not take V8 flags), would cost a second Node start-up.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');

const { main } = await import('./main.js');
process.exitCode = await main(process.argv);
