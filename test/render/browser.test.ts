// The highlighted HTML and the SVG heatmap in a real headless Chromium: hostile
// tokens stay text, no script runs, hover titles and the CSS tooltip hold the
// weight, RTL runs carry dir="rtl". Fails (never skips) under CI without Chromium.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AttentionDocument } from '@attnlens/core';
import { heatmapSvg, highlightHtml, highlightPage } from '@attnlens/render';
import { highlightPageWithFonts } from '@attnlens/render/node';

const CHROMIUM = '/usr/bin/chromium';
const have = existsSync(CHROMIUM);
if (!have && process.env.CI) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
const describeBrowser = have ? describe : describe.skip;

const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '" onmouseover="window.__pwned=\'attr\'" x="',
  "<img src=x onerror=\"window.__pwned='img'\">",
  "' autofocus onfocus='window.__pwned=1",
  '<svg onload="window.__pwned=\'svg\'">',
  '</span></div><script>alert(1)</script>',
];

const doc: AttentionDocument = {
  id: '<b onclick="window.__pwned=1">hostile</b>',
  trueLabel: '<i>neg</i>',
  predictedLabel: 'pos',
  maps: [
    { name: 'model "A"', shape: [9], weights: new Float32Array([0.1, 0.2, 0.05, 0.05, 0.1, 0.1, 0.15, 0.15, 0.1]), colLabels: [...HOSTILE, 'שלום', 'עולם', 'tennis'] },
    { name: 'model B', shape: [9], weights: new Float32Array([0.3, 0.1, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1]), colLabels: [...HOSTILE, 'שלום', 'עולם', 'tennis'] },
  ],
};

describeBrowser('rendered HTML in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  // The fragment is loaded WITHOUT the page's CSP, so only the escaping stands between a token and script.
  const fragmentPage = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><style>.al-tok{display:inline-block}</style></head><body>${body}</body></html>`;

  it('runs no script from hostile tokens, and shows them as typed', async () => {
    await page.setContent(fragmentPage(highlightHtml(doc)));
    // hover and focus everything, the usual triggers of injected handlers
    for (const el of await page.$$('.al-tok')) await el.hover();
    await page.keyboard.press('Tab');
    await page.waitForTimeout(50);
    const r = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg').length,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
      tokens: Array.from(document.querySelectorAll('.al-col')).map((c) => c.querySelector('.al-tok')!.textContent),
      title: document.querySelector('.al-title')!.textContent,
      labels: Array.from(document.querySelectorAll('.al-label b')).map((b) => b.textContent),
    }));
    expect(dialogs).toEqual([]);
    expect(r.pwned).toBeUndefined();
    expect([r.scripts, r.imgs, r.svgs]).toEqual([0, 0, 0]);
    expect(r.handlers).toEqual([]);
    expect(r.tokens).toEqual([...HOSTILE, 'שלום', 'עולם', 'tennis']);
    expect(r.title).toBe('<b onclick="window.__pwned=1">hostile</b>');
    expect(r.labels).toEqual(['<i>neg</i>', 'pos']);
  });

  it('holds the weight in the hover title and the CSS tooltip', async () => {
    await page.setContent(highlightPage([doc]));
    const tok = page.locator('.al-col').nth(8).locator('.al-tok').first();
    expect(await tok.getAttribute('title')).toBe('tennis · model "A": 0.1000');
    await tok.hover();
    const tip = await tok.evaluate((e) => getComputedStyle(e, '::after').content);
    expect(tip).toBe('"model \\"A\\": 0.1000"');
    const second = page.locator('.al-col').nth(0).locator('.al-tok').nth(1);
    expect(await second.getAttribute('title')).toBe(`${HOSTILE[0]} · model B: 0.3000`);
  });

  it('puts RTL runs in dir="rtl" and the browser lays them out right to left', async () => {
    await page.setContent(highlightPage([doc]));
    const r = await page.evaluate(() => {
      const runs = Array.from(document.querySelectorAll('.al-run'));
      const cols = runs[0] ? Array.from(runs[0].querySelectorAll('.al-col')).map((c) => ({ text: c.textContent, x: c.getBoundingClientRect().x })) : [];
      return { dirs: runs.map((e) => e.getAttribute('dir')), computed: runs.map((e) => getComputedStyle(e).direction), cols };
    });
    expect(r.dirs).toEqual(['rtl']);
    expect(r.computed).toEqual(['rtl']);
    expect(r.cols.map((c) => c.text)).toEqual(['שלוםשלום', 'עולםעולם']);
    // the first word of the run is on the right
    expect(r.cols[0]!.x).toBeGreaterThan(r.cols[1]!.x);
  });

  it('keeps "start second evil end" in order when a token carries a right-to-left override (U+202E)', async () => {
    // Without isolation the override in "second\u202e" would run on and draw "end" left of "evil".
    const tokens = ['start', 'second\u202e', 'evil', 'end'];
    const bidi: AttentionDocument = { id: 'bidi', maps: [{ shape: [4], weights: Float32Array.of(0.1, 0.2, 0.3, 0.4), colLabels: tokens }] };
    await page.setContent(highlightPage([bidi]));
    const xs = await page.locator('.al-tok').evaluateAll((els) => els.map((e) => ({ text: e.textContent, x: e.getBoundingClientRect().x, bidi: getComputedStyle(e).unicodeBidi })));
    expect(xs.map((t) => t.text)).toEqual(tokens);
    for (let k = 1; k < xs.length; k++) expect(xs[k]!.x).toBeGreaterThan(xs[k - 1]!.x);
    expect(new Set(xs.map((t) => t.bidi))).toEqual(new Set(['isolate']));
    // the SVG heatmap's column labels, as the browser lays them out
    await page.setContent(`<!doctype html><body>${heatmapSvg({ shape: [1, 4], weights: Float32Array.of(0.1, 0.2, 0.3, 0.4), rowLabels: ['out'], colLabels: tokens }, { cellSize: 60 })}</body>`);
    const cols = await page.locator('text.col-label').evaluateAll((els) => els.map((e) => ({ text: e.textContent, x: e.getBoundingClientRect().x, bidi: getComputedStyle(e).unicodeBidi })));
    expect(cols.map((t) => t.text)).toEqual(tokens);
    for (let k = 1; k < cols.length; k++) expect(cols[k]!.x).toBeGreaterThan(cols[k - 1]!.x);
    expect(new Set(cols.map((t) => t.bidi))).toEqual(new Set(['isolate']));
  });

  it('loads the self-contained page with no network request', async () => {
    const requests: string[] = [];
    const p = await browser.newPage();
    p.on('request', (req) => {
      if (!req.url().startsWith('data:') && req.url() !== 'about:blank') requests.push(req.url());
    });
    await p.setContent(highlightPageWithFonts([doc], { pageTitle: 'x' }));
    await p.waitForLoadState('networkidle');
    expect(requests).toEqual([]);
    // the embedded Hebrew subset is the font actually used
    // (check() alone is true for a family no rule defines, and a system font could stand
    // in: document.fonts holds only the page's own @font-face rules, so look there)
    const hebrew = await p.evaluate(async () => {
      await document.fonts.ready;
      const faces: FontFace[] = [];
      document.fonts.forEach((f) => f.family.replace(/"/g, '') === 'Noto Sans Hebrew' && faces.push(f));
      return { statuses: faces.map((f) => f.status), check: document.fonts.check('15px "Noto Sans Hebrew"', 'שלום') };
    });
    expect(hebrew.statuses).toContain('loaded');
    expect(hebrew.check).toBe(true);
    await p.close();
  });

  it('parses the SVG heatmap, with hostile labels as text and titles on cells', async () => {
    const svg = heatmapSvg({ name: '<x>', shape: [2, 9], weights: new Float32Array(18).fill(0.1), rowLabels: ['a', 'שלום'], colLabels: doc.maps[0]!.colLabels! });
    const r = await page.evaluate((src) => {
      const d = new DOMParser().parseFromString(src, 'image/svg+xml');
      return {
        error: d.querySelector('parsererror')?.textContent ?? null,
        scripts: d.querySelectorAll('script').length,
        labels: Array.from(d.querySelectorAll('.col-label')).map((t) => t.querySelector('title')?.textContent ?? t.textContent),
        cellTitles: d.querySelectorAll('.cells title').length,
      };
    }, svg);
    expect(r.error).toBeNull();
    expect(r.scripts).toBe(0);
    expect(r.labels).toEqual(doc.maps[0]!.colLabels);
    expect(r.cellTitles).toBe(18);
  });
});
