#!/usr/bin/env node
// `pnpm bench [name ...]`: runs bench/*.bench.mjs one after another (never in
// parallel: they measure time and peak RSS), each in its own process.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort()
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)));
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', dir + f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
