#!/usr/bin/env node
// Regenerates docs/screenshots/heatmap.png (renderHeatmapPng) and
// docs/screenshots/highlight.png (highlightPageWithFonts in headless Chromium).
// Run after `pnpm --filter @attnlens/render build`: node packages/render/scripts/screenshots.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderHeatmapPng, highlightPageWithFonts } from '../dist/node.js';
import { chromium } from 'playwright-core';

const out = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });

// A zh -> en alignment (as a seq2seq AttentionWrapper would dump it), with a padded source.
const src = ['我', '周末', '喜欢', '打', '网球', '。', '<pad>', '<pad>'];
const tgt = ['I', 'like', 'to', 'play', 'tennis', 'on', 'weekends', '.', '</s>'];
const peaks = [[0], [2], [2, 3], [3], [4], [1], [1], [5], [5]];
const w = new Float32Array(tgt.length * src.length);
for (let r = 0; r < tgt.length; r++) {
  let s = 0;
  for (let c = 0; c < 6; c++) {
    const near = Math.min(...peaks[r].map((p) => Math.abs(p - c)));
    s += w[r * src.length + c] = Math.exp(-2.2 * near) + 0.02 * ((r * 7 + c * 3) % 5);
  }
  for (let c = 0; c < 6; c++) w[r * src.length + c] /= s;
}
const map = { name: 'seq2seq attention: zh → en', shape: [tgt.length, src.length], weights: w, rowLabels: tgt, colLabels: src, validCols: 6, rowTitle: 'Output (English)', colTitle: 'Input (Chinese)' };
writeFileSync(out + 'heatmap.png', renderHeatmapPng(map, { pixelRatio: 2, padding: 'grey' }));

// Two models side by side, then a hierarchical (HAN) document.
const toks = ['The', 'tennis', 'racket', 'felt', 'great', ',', 'but', 'the', 'strings', 'broke', 'in', 'a', 'week', '!'];
const a = [0.01, 0.19, 0.07, 0.02, 0.21, 0.0, 0.04, 0.01, 0.08, 0.26, 0.01, 0.01, 0.08, 0.01];
const b = [0.02, 0.33, 0.12, 0.03, 0.09, 0.01, 0.03, 0.01, 0.12, 0.13, 0.01, 0.02, 0.07, 0.01];
const sents = [['I', 'bought', 'this', 'racket', 'last', 'month', '.'], ['The', 'grip', 'is', 'comfortable', '.'], ['But', 'the', 'strings', 'snapped', 'after', 'one', 'week', '!'], ['לא', 'ממליץ', '.']];
const sw = [0.08, 0.12, 0.62, 0.18];
const wordW = [[0.05, 0.25, 0.05, 0.4, 0.1, 0.1, 0.05], [0.05, 0.45, 0.1, 0.35, 0.05], [0.12, 0.02, 0.18, 0.45, 0.05, 0.06, 0.1, 0.02], [0.45, 0.5, 0.05]];
const docs = [
  { id: 'review 1042', trueLabel: 'negative', predictedLabel: 'positive', maps: [
    { name: 'HAN (word attention)', shape: [toks.length], weights: new Float32Array(a), colLabels: toks },
    { name: 'BiGRU + attention', shape: [toks.length], weights: new Float32Array(b), colLabels: toks },
  ] },
  { id: 'review 2210', trueLabel: 'negative', predictedLabel: 'negative', maps: [
    { name: 'HAN: sentence and word attention', shape: [4], weights: new Float32Array(sw), children: sents.map((s, i) => ({ shape: [s.length], weights: new Float32Array(wordW[i]), colLabels: s })) },
  ] },
];
const html = highlightPageWithFonts(docs, { pageTitle: 'attnlens: highlighted tokens' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 400 }, deviceScaleFactor: 1.5 });
  await page.setContent(html);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: out + 'highlight.png', fullPage: true });
} finally {
  await browser.close();
}
console.log(`wrote ${out}heatmap.png and ${out}highlight.png`);
