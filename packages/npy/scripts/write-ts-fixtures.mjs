#!/usr/bin/env node
// Write a few .npy files with attnlens's own writer (encodeNpy, createNpyWriter) into
// tests/fixtures/ts-written/, with the values they hold; make-fixtures.py then checks
// them with NumPy, and tests/encode.test.ts checks encodeNpy still writes the same bytes.
// Run after `pnpm --filter @attnlens/npy build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { float32ToFloat16 } from '@attnlens/core';
import { encodeNpy } from '../dist/index.js';
import { createNpyWriter } from '../dist/node.js';
import { tsFixtureTensors } from './ts-fixture-values.mjs';

const out = fileURLToPath(new URL('../tests/fixtures/ts-written/', import.meta.url));
mkdirSync(out, { recursive: true });
const DESCR = { bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', int32: '<i4', int64: '<i8', uint16: '<u2', uint32: '<u4', uint64: '<u8', float16: '<f2', float32: '<f4', float64: '<f8' };
const hex = (t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');
const expected = {};
for (const [name, t] of Object.entries(tsFixtureTensors(float32ToFloat16))) {
  writeFileSync(out + name, encodeNpy(t));
  expected[name] = { descr: DESCR[t.dtype], shape: [...t.shape], hex: hex(t) };
}
// The streaming writer: 7 rows of 3 in blocks of 2, 2 and 3.
const rows = new Float32Array(21).map((_, i) => i * 0.75 - 4);
const w = await createNpyWriter(out + 'writer-float32.npy', 'float32', [3]);
for (const [a, b] of [[0, 2], [2, 4], [4, 7]]) await w.write({ dtype: 'float32', shape: [b - a, 3], data: rows.slice(a * 3, b * 3) });
await w.close();
expected['writer-float32.npy'] = { descr: '<f4', shape: [7, 3], hex: Buffer.from(rows.buffer).toString('hex') };
writeFileSync(out + 'expected.json', JSON.stringify(expected, null, 1) + '\n');
console.log(`wrote ${Object.keys(expected).length} files to ${out}`);
