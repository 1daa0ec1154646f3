#!/usr/bin/env node
// The attnlens command: the program (cli.ts) as built into one bundle and its lazy chunks
// (scripts/bundle.mjs, run by the build). Loading ~80 modules one by one cost the command's start
// ~80 ms of Node's module loader (issue 15: a small compute took 1.6x NumPy's whole process); the
// bundle is a handful of files, each command's and each format's code still loaded only when used.
// dist/cli.js is the same program unbundled.
await import(new URL('./bundle/cli.js', import.meta.url).href);
