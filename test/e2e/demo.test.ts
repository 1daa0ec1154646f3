// The README's first command, run as a new user would: on a fresh clone of the
// committed repository, then the report it prints is opened in headless Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REPO } from '../helpers/shared.js';
import { haveChromium, launch } from '../helpers/browser.js';

/** The first command of the README's first sh block: the one that installs and runs the demo. */
function firstReadmeCommand(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  const line = block?.[1]?.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'));
  if (!line) throw new Error('README has no sh block with a command');
  return line.replace(/\s+#.*$/, '').trim();
}

const clone = mkdtempSync(join(tmpdir(), 'attnlens-clone-'));
let index = '';
let run: ReturnType<typeof spawnSync>;
let browser: Browser;
let page: Page;

describe.skipIf(!haveChromium())('README first command on a fresh clone', () => {
  beforeAll(async () => {
    const c = spawnSync('git', ['clone', '--quiet', '--depth', '1', pathToFileURL(REPO).href, clone], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    run = spawnSync('sh', ['-c', firstReadmeCommand()], { cwd: clone, encoding: 'utf8', env: { ...process.env, CI: '' }, maxBuffer: 64 << 20 });
    index = String(run.stdout).trim().split('\n').pop() ?? '';
    browser = await launch();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    if (existsSync(index)) await page.goto(pathToFileURL(index).href);
    (page as unknown as { errors: string[] }).errors = errors;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(clone, { recursive: true, force: true });
  });

  it('runs and prints the path of index.html', () => {
    expect(run.status, String(run.stderr)).toBe(0);
    expect(index.endsWith('index.html')).toBe(true);
    expect(existsSync(index)).toBe(true);
    expect(index.startsWith(clone)).toBe(true);
  });

  it('opens offline with no script errors and one row per sample', async () => {
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    expect(await page.locator('tr.row').count()).toBe(24); // 20 reviews + 4 translations
    expect(await page.locator('#count').textContent()).toBe('24 of 24 samples');
    // Nothing in the page points off the machine.
    const html = readFileSync(index, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('highlights tokens with colours and weights on hover', async () => {
    const row = page.locator('tr.row[data-id="review-01"]');
    const toks = row.locator('span.tok');
    expect(await toks.count()).toBe(12); // "a dull script with wooden dialogue" + "i was bored after ten minutes"
    const titles = await toks.evaluateAll((els) => els.map((e) => (e as HTMLElement).title));
    expect(titles[4]).toMatch(/^wooden: 0\.\d+/);
    const bgs = await toks.evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(new Set(bgs).size).toBeGreaterThan(2);
    // The most attended word is the darkest red.
    const weights = titles.map((t) => Number(t.split(': ')[1]));
    const top = weights.indexOf(Math.max(...weights.slice(0, 6)));
    const lum = (c: string) => c.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
    expect(lum(bgs[top]!)).toBe(Math.min(...bgs.slice(0, 6).map(lum)));
    // The sentence bars are there too.
    expect(await row.locator('.sent .bar').count()).toBe(2);
  });

  it('links every sample to its heatmap, and the heatmaps exist', async () => {
    const hrefs = await page.locator('a.hm').evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
    expect(hrefs.length).toBe(24);
    for (const h of hrefs) expect(existsSync(join(dirname(index), h))).toBe(true);
    const img = page.locator('tr.row[data-id="translation-0"] a.hm img');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
  });

  it('filters: misclassified only, then a label, then max attention', async () => {
    await page.locator('#f-mis').check();
    expect(await page.locator('tr.row').count()).toBe(2);
    expect(await page.locator('tr.row.mis').count()).toBe(2);
    await page.locator('#f-mis').uncheck();
    await page.locator('#f-label').selectOption('pos');
    expect(await page.locator('tr.row').count()).toBe(10);
    await page.locator('#f-label').selectOption('');
    await page.locator('#f-max').fill('0.99');
    const n = await page.locator('tr.row').count();
    expect(n).toBeLessThan(24);
    await page.locator('#f-max').fill('0');
    expect(await page.locator('tr.row').count()).toBe(24);
  });
});
