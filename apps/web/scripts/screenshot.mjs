#!/usr/bin/env node
// Regenerates docs/screenshots/web.png: the built viewer (opened from disk) with the sample EN→ZH
// alignments (converted by the CLI, as the README's command does), a hovered cell and a clicked
// row. The CJK labels are drawn with the page's bundled Noto Sans SC. Run after `pnpm --filter @attnlens/web build` and the CLI's
// build: node apps/web/scripts/screenshot.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { chromium } = createRequire(join(root, 'test', 'package.json'))('playwright-core');
const dir = mkdtempSync(join(tmpdir(), 'attnlens-web-shot-'));
const cli = (...args) => {
  const r = spawnSync(process.execPath, [join(root, 'apps', 'cli', 'dist', 'bin.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`attnlens ${args.join(' ')}: ${r.stderr}`);
};
try {
  const nmt = join(root, 'apps', 'cli', 'samples', 'nmt');
  cli('convert', join(nmt, 'alignment_history.npy'), '--layout', 'tbe', '--src-tokens', join(nmt, 'src.txt'), '--tgt-tokens', join(nmt, 'tgt.txt'),
    '--src-lengths', join(nmt, 'src_lengths.npy'), '--tgt-lengths', join(nmt, 'tgt_lengths.npy'), '--to', join(dir, 'nmt.attn.pb'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(pathToFileURL(join(root, 'apps', 'web', 'dist', 'page', 'index.html')).href);
  await page.setInputFiles('#files', join(dir, 'nmt.attn.pb'));
  await page.waitForFunction(() => document.body.dataset.busy === '0' && document.querySelector('canvas.figure'));
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300); // the canvas redraw once the CJK subsets are in
  // Row 2 (在), column 3 (on) of the first alignment (the cells are 36 px from the plot's corner): click it, hover it.
  const box = await page.locator('canvas.figure').first().boundingBox();
  const at = { x: box.x + 50 + 3 * 36 + 18, y: box.y + 38 + 2 * 36 + 18 };
  await page.mouse.click(at.x, at.y);
  await page.mouse.move(at.x, at.y + 1);
  await page.screenshot({ path: join(root, 'docs', 'screenshots', 'web.png') });
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
