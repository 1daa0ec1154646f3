// The report page colours tokens, lays out right-to-left runs and draws sentence bars as
// @attnlens/render's highlight model does (issue 14: one implementation): the colours read from
// the page's DOM in Chromium equal buildHighlight's for the same document, per-map and shared.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encodeStream, type AttentionDocument, type AttentionMap } from '@attnlens/core';
import { buildHighlight, type HierarchicalBlock, type AlignedBlock, type HighlightOptions } from '@attnlens/render';
import { cli } from '../helpers/cli.js';
import { haveChromium, launch } from '../helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-report-highlight-'));

// softmax-like weights from a fixed generator (not round numbers: the page must not be exact only for those)
function weights(n: number, seed: number): Float32Array {
  let s = seed;
  const raw = Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) ** 3 + 0.01);
  const sum = raw.reduce((a, b) => a + b, 0);
  return Float32Array.from(raw, (x) => x / sum);
}

const FLAT = ['the', 'film', 'שלום', '42', 'עולם', '!', 'was', 'مرحبا', 'great', '', 'two\nlines', 'ab'.repeat(150)];
const SENTS = [['i', 'liked', 'it'], ['הסרט', 'היה', 'טוב', '.'], ['bad', 'ending']];

function docOf(i: number): AttentionDocument {
  const flat: AttentionMap = { name: 'words', shape: [FLAT.length], weights: weights(FLAT.length, 11 + i), colLabels: FLAT };
  const hier: AttentionMap = {
    name: 'han', shape: [SENTS.length], weights: weights(SENTS.length, 97 + i),
    children: SENTS.map((t, s) => ({ shape: [t.length], weights: weights(t.length, 1000 * (s + 1) + i), colLabels: t })),
  };
  return { id: `doc-${i}`, maps: [flat, hier] };
}
const DOCS = [0, 1, 2].map(docOf);

/** Colours, runs and bars of every row as the page shows them. */
async function readPage(b: Browser, html: string) {
  const page = await b.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('tr.row');
  const rows = await page.locator('tr.row').evaluateAll((trs) => trs.map((tr) => {
    const hex = (css: string) => '#' + (css.match(/\d+/g) ?? []).slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join('');
    const tok = (e: Element) => ({ text: e.textContent, bg: hex(getComputedStyle(e).backgroundColor), fg: hex(getComputedStyle(e).color), dir: e.parentElement!.closest('[dir]')?.getAttribute('dir') });
    const [flat, hier] = Array.from(tr.querySelectorAll('td.attn'));
    return {
      id: tr.getAttribute('data-id'),
      flat: Array.from(flat!.querySelectorAll('span.tok'), tok),
      sentences: Array.from(hier!.querySelectorAll('.sent'), (s) => {
        const fill = s.querySelector('.fill') as HTMLElement;
        return { width: parseFloat(fill.style.width), bg: hex(getComputedStyle(fill).backgroundColor), words: Array.from(s.querySelectorAll('span.tok'), tok) };
      }),
    };
  }));
  await page.close();
  return rows;
}

/** What render's model gives for the same document: token colours, which tokens sit in an RTL run, bars. */
function expected(d: AttentionDocument, opts: HighlightOptions) {
  const m = buildHighlight(d, opts);
  const flat = m.blocks[0] as AlignedBlock;
  const hier = m.blocks[1] as HierarchicalBlock;
  return {
    id: d.id,
    flat: flat.cells.map((c, k) => ({ text: c[0]!.text, bg: c[0]!.bg, fg: c[0]!.fg, dir: flat.dirs[k] })),
    sentences: hier.sentences.map((s) => ({
      width: Number((s.fraction * 100).toFixed(1)), // the page's width, as render's HTML writes it
      bg: s.color,
      words: s.words.map((w, k) => ({ text: w.text, bg: w.bg, fg: w.fg, dir: s.dirs[k] })),
    })),
  };
}

/**
 * Page and model compared: colours, texts and directions exactly; bar lengths to the page's 0.1%,
 * since the rows carry weights at 4 significant digits (what the tooltips show) and a bar of
 * weight 0.9335 may round either way.
 */
function compare(got: Awaited<ReturnType<typeof readPage>>, want: ReturnType<typeof expected>[]): void {
  const widths = (rows: { sentences: { width: number }[] }[]) => rows.flatMap((r) => r.sentences.map((s) => s.width));
  const gw = widths(got);
  const ww = widths(want);
  expect(gw.length).toBe(ww.length);
  gw.forEach((w, k) => expect(Math.abs(w - ww[k]!), `bar ${k}: ${w}% vs ${ww[k]}%`).toBeLessThanOrEqual(0.1 + 1e-9));
  const noWidth = (rows: { sentences: { width: number }[] }[]) => rows.map((r) => ({ ...r, sentences: r.sentences.map((s) => ({ ...s, width: 0 })) }));
  expect(noWidth(got)).toEqual(noWidth(want));
}

describe.skipIf(!haveChromium())('report colours, in headless Chromium, against render\'s highlight model', () => {
  let browser: Browser;
  const input = join(dir, 'docs.attn.pb');
  const report = (scale: string) => {
    const out = join(dir, `report-${scale}`);
    const r = cli(['report', input, '--out', out, '--scale', scale, '--cmap', 'Reds', '--heatmaps', 'none', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    return join(out, 'index.html');
  };
  beforeAll(async () => {
    writeFileSync(input, encodeStream(DOCS));
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('per-map: each map on its own auto scale, as buildHighlight with its defaults', async () => {
    const got = await readPage(browser, report('per-map'));
    compare(got, DOCS.map((d) => expected(d, { colormap: 'Reds' })));
    // the check can fail: the tokens are not all one colour, and the right-to-left run takes in the
    // number between two Hebrew words but not the '!' between Hebrew and Latin (render's resolveDirections)
    expect(new Set(got[0]!.flat.map((t) => t.bg)).size).toBeGreaterThan(5);
    expect(got[0]!.flat.filter((t) => t.dir === 'rtl').map((t) => t.text)).toEqual(['שלום', '42', 'עולם', 'مرحبا']);
    expect(got[0]!.sentences[1]!.words.map((t) => t.dir)).toEqual(['rtl', 'rtl', 'rtl', 'rtl']);
  }, 120_000);

  it('shared: one range for words and bars, as buildHighlight with that fixed scale', async () => {
    const html = report('shared');
    const [lo, hi] = /"lo":([\d.e-]+),"hi":([\d.e-]+)/.exec(readFileSync(html, 'utf8'))!.slice(1).map(Number) as [number, number];
    const got = await readPage(browser, html);
    const scale = { min: lo, max: hi };
    compare(got, DOCS.map((d) => expected(d, { colormap: 'Reds', scale, sentenceScale: scale })));
  }, 120_000);
});
