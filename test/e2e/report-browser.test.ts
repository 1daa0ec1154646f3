// The report as a person sees it, with hostile and right-to-left data: no script
// from the data runs, tokens show as typed, RTL runs get dir="rtl", pages work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeStream, type AttentionDocument } from '@attnlens/core';
import { cli } from '../helpers/cli.js';
import { haveChromium, launch } from '../helpers/browser.js';

const HOSTILE = ['</script><script>window.__pwned=1</script>', '" onmouseover="window.__pwned=2', '<img src=x onerror="window.__pwned=3">', '&amp;', 'שלום', 'עולם', 'ok'];
const dir = mkdtempSync(join(tmpdir(), 'attnlens-report-browser-'));
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

describe.skipIf(!haveChromium())('report in headless Chromium', () => {
  beforeAll(async () => {
    const docs: AttentionDocument[] = Array.from({ length: 620 }, (_, i) => ({
      id: i === 0 ? '<b>bold id</b>' : `doc-${i}`,
      trueLabel: i === 0 ? '<i>label</i>' : i % 2 ? 'odd' : 'even',
      predictedLabel: i % 3 ? 'odd' : 'even',
      maps: [{ name: '<u>model</u>', shape: [HOSTILE.length], weights: Float32Array.from(HOSTILE, (_, k) => (k + 1 + (i % 5)) / 40), colLabels: HOSTILE }],
    }));
    const input = join(dir, 'hostile.attn.pb');
    writeFileSync(input, encodeStream(docs));
    const r = cli(['report', input, '--out', join(dir, 'report'), '--heatmaps', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    browser = await launch();
    page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(join(dir, 'report', 'index.html')).href);
    await page.waitForSelector('tr.row');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs no script from ids, labels, map names or tokens, and shows them as typed', async () => {
    await page.locator('tr.row').first().locator('span.tok').nth(1).hover();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    const first = page.locator('tr.row').first();
    expect(await first.locator('td.id').textContent()).toBe('<b>bold id</b>');
    expect(await first.locator('td.labels .true').textContent()).toBe('<i>label</i>');
    expect(await page.locator('thead th').nth(2).textContent()).toBe('<u>model</u>');
    expect(await first.locator('span.tok').allTextContents()).toEqual(HOSTILE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('puts right-to-left tokens in a dir="rtl" run, in reading order', async () => {
    const run = page.locator('tr.row').first().locator('span[dir="rtl"]');
    expect(await run.count()).toBe(1);
    expect(await run.locator('span.tok').allTextContents()).toEqual(['שלום', 'עולם']);
  });

  it('pages through 620 samples, loading data chunks from disk, and filters across pages', async () => {
    expect(await page.locator('#page').textContent()).toBe('page 1 / 7');
    for (let k = 0; k < 6; k++) await page.locator('#next').click();
    await expect.poll(() => page.locator('#page').textContent()).toBe('page 7 / 7');
    await expect.poll(() => page.locator('tr.row').count()).toBe(20);
    expect(await page.locator('tr.row').last().getAttribute('data-id')).toBe('doc-619');
    await page.locator('#f-label').selectOption('odd');
    await expect.poll(() => page.locator('#count').textContent()).toBe('310 of 620 samples');
    await page.locator('#f-mis').check();
    // odd labels predicted even: i odd and i % 3 === 0
    await expect.poll(() => page.locator('#count').textContent()).toBe(`${Array.from({ length: 620 }, (_, i) => i).filter((i) => i > 0 && i % 2 === 1 && i % 3 === 0).length} of 620 samples`);
    const ids = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id')!.slice(4))));
    expect(ids.every((i) => i % 2 === 1 && i % 3 === 0)).toBe(true);
  });
});

// Issue 12: "start second‮ evil end" once showed as "start second dne live" in a 2-D map's token lines.
describe.skipIf(!haveChromium())('report token lines with a right-to-left override, in headless Chromium', () => {
  const tokens = ['start', 'second\u202e', 'evil', 'end'];
  const bidiDir = mkdtempSync(join(tmpdir(), 'attnlens-report-bidi-'));
  let b: Browser;
  let p: Page;
  beforeAll(async () => {
    const input = join(bidiDir, 'bidi.attn.pb');
    writeFileSync(input, encodeStream([{ id: 'bidi', maps: [{ shape: [4, 4], weights: new Float32Array(16).fill(0.25), rowLabels: tokens, colLabels: tokens }] }]));
    const r = cli(['report', input, '--out', join(bidiDir, 'bidi-report'), '--heatmaps', 'none', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    b = await launch();
    p = await b.newPage();
    await p.goto(pathToFileURL(join(bidiDir, 'bidi-report', 'index.html')).href);
    await p.waitForSelector('tr.row');
  }, 300_000);
  afterAll(async () => {
    await b?.close();
    rmSync(bidiDir, { recursive: true, force: true });
  });

  it('isolates each token, so the ones after the override keep their order on screen', async () => {
    for (const line of ['.src', '.tgt']) {
      const boxes = await p.locator(`tr.row ${line} bdi`).evaluateAll((els) => els.map((e) => ({ text: e.textContent, x: e.getBoundingClientRect().x, bidi: getComputedStyle(e).unicodeBidi })));
      expect(boxes.map((t) => t.text), line).toEqual(tokens);
      for (let k = 1; k < boxes.length; k++) expect(boxes[k]!.x, `${line} ${tokens[k]}`).toBeGreaterThan(boxes[k - 1]!.x);
      expect(new Set(boxes.map((t) => t.bidi))).toEqual(new Set(['isolate']));
    }
  });
});
