#!/usr/bin/env node
// Regenerates docs/screenshots/report.png: the demo's report (`attnlens demo`, the bundled HAN
// sample and EN→ZH alignments) opened from disk in headless Chromium, its first rows. Run after
// the CLI's build: node apps/cli/scripts/screenshot-report.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { chromium } = createRequire(join(root, 'test', 'package.json'))('playwright-core');
const dir = mkdtempSync(join(tmpdir(), 'attnlens-report-shot-'));
try {
  const out = join(dir, 'demo');
  const r = spawnSync(process.execPath, [join(root, 'apps', 'cli', 'dist', 'bin.js'), 'demo', '--out', out, '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`attnlens demo: ${r.stderr}`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  await page.goto(pathToFileURL(join(out, 'index.html')).href);
  await page.waitForSelector('tr.row');
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(root, 'docs', 'screenshots', 'report.png') });
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
