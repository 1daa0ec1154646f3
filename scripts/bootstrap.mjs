#!/usr/bin/env node
// The README's two commands go through here so that they work on a fresh machine
// with only Node 20 and npm: find (or fetch) pnpm 10, install, build, then either
// run the demo or every test. Usage: node scripts/bootstrap.mjs demo|test [args]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [mode, ...rest] = process.argv.slice(2);
const PNPM = '10.34.8';
const logs = [join(root, 'test', '.turbo', 'turbo-test.log')];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { COREPACK_INTEGRITY_KEYS: '0', ...process.env }, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}
/** One closing line over every package's vitest summary (turbo keeps each task's log). */
function summarise() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of ['packages', 'apps']) {
    for (const p of existsSync(join(root, dir)) ? readdirSync(join(root, dir)) : []) logs.push(join(root, dir, p, '.turbo', 'turbo-test.log'));
  }
  for (const log of logs) {
    if (!existsSync(log)) continue;
    const text = readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    const line = text.split('\n').reverse().find((l) => /^\s*Tests\s+/.test(l));
    if (!line) continue;
    passed += Number(/(\d+) passed/.exec(line)?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(line)?.[1] ?? 0);
    skipped += Number(/(\d+) skipped/.exec(line)?.[1] ?? 0);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
}

function has(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// pnpm 10 (11+ needs Node 22): use the one on PATH if it fits, else run it through npx.
const v = has('pnpm');
const pnpm = v && v.startsWith('10.') ? ['pnpm'] : ['npx', '--yes', `pnpm@${PNPM}`];
const pn = (args) => run(pnpm[0], [...pnpm.slice(1), ...args]);

pn(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent']);

if (mode === 'demo') {
  pn(['exec', 'turbo', 'run', 'build', '--filter=attnlens...', '--output-logs=errors-only']);
  run(process.execPath, ['apps/cli/dist/bin.js', 'demo', ...rest]);
} else if (mode === 'test') {
  // The browser tests drive Debian's Chromium; install it where we may (root with apt).
  if (!existsSync('/usr/bin/chromium') && process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    console.log('installing Debian chromium for the browser tests ...');
    run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
  }
  // Two tasks at a time on CI's two cores: more only makes every test slower.
  pn(['exec', 'turbo', 'run', 'build', 'lint', 'test', '--concurrency=2', '--continue', '--output-logs=new-only', ...rest]);
  summarise();
} else {
  console.error('usage: node scripts/bootstrap.mjs demo|test');
  process.exit(2);
}
