// The web viewer (apps/web) in headless Chromium: a real Keras file's attention layers,
// hostile document text shown as text, `attnlens view` preloading files, and the page's
// PNG export against the CLI's PNG of the same document (both through @attnlens/render).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { decodeJson, decodeStream, encodeJson, encodeStream, tensor, type AttentionDocument, type Tensor } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { encodeEvent, encodeTensorProto, encodeTFRecords } from '@attnlens/tf';
import { BIN, cli } from '../helpers/cli.js';
import { haveChromium, launch } from '../helpers/browser.js';
import { REPO, describeReal, real } from '../helpers/shared.js';

const PAGE = pathToFileURL(join(REPO, 'apps', 'web', 'dist', 'page', 'index.html')).href;
const HOSTILE = ['</script><script>window.__pwned=1</script>', '" onmouseover="window.__pwned=2', '<img src=x onerror="window.__pwned=3">', '&amp;', 'שלום', 'ok'];
const dir = mkdtempSync(join(tmpdir(), 'attnlens-web-'));
let browser: Browser;

async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.busy === '0' && (document.querySelector('#view')?.childElementCount ?? 0) > 0, null, { timeout: 30_000 });
}

/** Start `attnlens view FILES --port 0` and read the URL it prints. */
function view(files: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'view', ...files, '--port', '0']);
  return new Promise((ok, ko) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) ok({ url: m[0], proc });
    });
    proc.on('exit', (code) => ko(new Error(`view exited with ${code}: ${out}`)));
  });
}

/**
 * The page's PNG against the CLI's. The layout must be the same (same size); cell fills, colour
 * bar and background must be the same pixels. Glyph edges are antialiased by each Skia build its
 * own way (a diff image showed only text differing), so pixels are compared where the CLI's image
 * is flat: the 5x5 block around the pixel is one colour, which no glyph of these sizes fills.
 */
function comparePngs(webPng: PNG, cliPng: PNG): { width: number; height: number; compared: number; worstFlat: number; textDiffer: number } {
  expect([webPng.width, webPng.height]).toEqual([cliPng.width, cliPng.height]);
  const { width, height } = cliPng;
  const at = (x: number, y: number) => (y * width + x) * 4;
  const flat = (x: number, y: number) => {
    const c = at(x, y);
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const o = at(x + dx, y + dy);
      for (let k = 0; k < 3; k++) if (cliPng.data[o + k] !== cliPng.data[c + k]) return false;
    }
    return true;
  };
  let compared = 0;
  let worstFlat = 0;
  let textDiffer = 0;
  for (let y = 2; y < height - 2; y++) for (let x = 2; x < width - 2; x++) {
    const i = at(x, y);
    const d = Math.max(...[0, 1, 2].map((k) => Math.abs(webPng.data[i + k]! - cliPng.data[i + k]!)));
    if (flat(x, y)) {
      compared++;
      worstFlat = Math.max(worstFlat, d);
    } else if (d > 8) textDiffer++;
  }
  return { width, height, compared, worstFlat, textDiffer };
}

describe.skipIf(!haveChromium())('web viewer in headless Chromium', () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describeReal('a real Keras file', () => {
    it('lists its attention layer with the variant and why, opened from disk (file://)', async () => {
      const page = await browser.newPage();
      await page.goto(PAGE);
      await page.setInputFiles('#files', real('flamingjay-han-ids', 'one_layer_best_model.hdf5'));
      await idle(page);
      const rows = await page.locator('table.attention-layers tbody tr').allInnerTexts();
      expect(rows).toHaveLength(1);
      const cells = await page.locator('table.attention-layers tbody tr td').allTextContents();
      expect(cells.slice(0, 5)).toEqual(['att_layer_1', 'AttLayer', 'attlayer', '24', '10']);
      expect(cells[6]).toMatch(/W is 24×10/);
      // The same summary `attnlens inspect --json` prints (kerasSummary is shared).
      const json = JSON.parse(cli(['inspect', '--json', real('flamingjay-han-ids', 'one_layer_best_model.hdf5')]).stdout) as { layers: unknown[] };
      expect(await page.locator('table.layers tbody tr').count()).toBeGreaterThanOrEqual(json.layers.length);
      await page.close();
    });
  });

  it('opens a .keras archive in place (its stored model.weights.h5 is a slice of the File) and names a deflated one', async () => {
    const fx = (f: string) => join(REPO, 'packages', 'keras', 'tests', 'fixtures', f);
    const page = await browser.newPage();
    await page.goto(PAGE);
    await page.setInputFiles('#files', fx('keras3.keras'));
    await idle(page);
    const cells = await page.locator('table.attention-layers tbody tr td').allTextContents();
    const json = JSON.parse(cli(['inspect', '--json', fx('keras3.keras')]).stdout) as { attention_layers: { layer: string; variant: string }[] };
    expect(cells.slice(0, 3)).toEqual([json.attention_layers[0]!.layer, 'AttentionWithContext', json.attention_layers[0]!.variant]);
    await page.setInputFiles('#files', fx('keras3-deflate64.keras'));
    await idle(page);
    expect(await page.locator('.error[role=alert]').textContent()).toMatch(/^keras3-deflate64\.keras: its model\.weights\.h5 is compressed/);
    await page.close();
  });

  it('lists the attention modules of a PyTorch file and a safetensors file as inspect --json does', async () => {
    const page = await browser.newPage();
    await page.goto(PAGE);
    for (const f of ['att-han.pt', 'att-linear.safetensors']) {
      const path = join(REPO, 'packages', 'torch', 'tests', 'fixtures', f);
      await page.setInputFiles('#files', path);
      await idle(page);
      const json = JSON.parse(cli(['inspect', '--json', path]).stdout) as { attention_layers: { layer: string; variant: string }[]; tensors: unknown[] };
      const rows = await page.locator('table.attention-layers tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 2).map((td) => td.textContent)));
      expect(rows).toEqual(json.attention_layers.map((a) => [a.layer, a.variant]));
      expect(await page.locator('table.tensors tbody tr').count()).toBe(json.tensors.length);
    }
    await page.close();
  });

  it('shows hostile ids, labels and tokens as text and runs no script (files preloaded by attnlens view)', async () => {
    const docs: AttentionDocument[] = [
      { id: '<b>bold id</b>', trueLabel: '<i>neg</i>', predictedLabel: 'pos', maps: [{ name: '<u>m</u>', shape: [HOSTILE.length], weights: Float32Array.from(HOSTILE, (_, k) => (k + 1) / 21), colLabels: HOSTILE }] },
      { id: 'second', trueLabel: 'pos', predictedLabel: 'pos', maps: [{ shape: [2], weights: new Float32Array([0.25, 0.75]), colLabels: ['a', 'b'] }] },
    ];
    const file = join(dir, 'hostile.attn.pb');
    writeFileSync(file, encodeStream(docs));
    const { url, proc } = await view([file]);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    try {
      await page.goto(url);
      await idle(page);
      await page.locator('canvas.figure').first().hover();
      expect(await page.locator('.doc-id').textContent()).toBe('<b>bold id</b>');
      expect(await page.locator('.labels').textContent()).toBe('true: <i>neg</i>, predicted: pos');
      expect(await page.locator('.tokens .tok').allTextContents()).toEqual(HOSTILE);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      // keyboard: j moves to the next sample, the misclassified filter keeps only the first
      await page.keyboard.press('j');
      expect(await page.locator('.doc-id').textContent()).toBe('second');
      await page.locator('label:has-text("misclassified") input').check();
      expect(await page.locator('button.sample').allTextContents()).toEqual(['<b>bold id</b>']);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
      proc.kill();
    }
  });

  it("computes the sample model's sentence attention over its saved X in the worker, equal to the CLI's", async () => {
    const han = join(REPO, 'apps', 'cli', 'samples', 'han');
    const cliOut = join(dir, 'sentence.npy');
    const r = cli(['compute', '--model', join(han, 'model.h5'), '--layer', 'att_layer_2', '--inputs', join(han, 'sentence_inputs.npy'), '--out', cliOut]);
    expect(r.code, r.stderr).toBe(0);
    const expected = decodeNpy(new Uint8Array(readFileSync(cliOut)));
    const page = await browser.newPage({ acceptDownloads: true });
    await page.goto(PAGE);
    await page.setInputFiles('#files', [join(han, 'model.h5'), join(han, 'sentence_inputs.npy')]);
    await idle(page);
    await page.locator('button.source', { hasText: 'model.h5' }).click();
    await page.selectOption('select[aria-label="attention layer"]', 'att_layer_2');
    await page.locator('button.compute').click();
    await page.waitForSelector('.doc-id', { timeout: 30_000 });
    expect(await page.locator('button.sample').count()).toBe(20);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
    const docs = decodeJson(readFileSync((await download.path())!, 'utf8')).documents;
    await page.close();
    expect(expected.shape).toEqual([20, 3]);
    let worst = 0;
    docs.forEach((d, n) => d.maps[0]!.weights.forEach((w, t) => (worst = Math.max(worst, Math.abs(w - (expected.data as Float32Array)[n * 3 + t]!)))));
    console.log(`page vs CLI, att_layer_2 over sentence_inputs.npy: ${docs.length} documents, max |difference| ${worst}`);
    expect(docs).toHaveLength(20);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  /** An .npy header as NumPy writes it (v1.0, padded to 64 bytes) for any descr, order and shape. */
  const npyHeader = (descr: string, fortran: boolean, shape: number[]): Buffer => {
    let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
    const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
    return Buffer.concat([pre, Buffer.from(dict, 'latin1')]);
  };

  it('reads X by ranges: a Fortran-order big-endian copy of X gives the same attention; a header claiming a billion rows is refused in one line', async () => {
    const han = join(REPO, 'apps', 'cli', 'samples', 'han');
    const x = decodeNpy(new Uint8Array(readFileSync(join(han, 'sentence_inputs.npy'))));
    const [N, T, F] = x.shape as [number, number, number];
    // Column-major, big-endian: item (n, t, f) at n + N*(t + T*f).
    const data = Buffer.alloc(N * T * F * 4);
    for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) data.writeFloatBE((x.data as Float32Array)[(n * T + t) * F + f]!, 4 * (n + N * (t + T * f)));
    writeFileSync(join(dir, 'x-fortran-be.npy'), Buffer.concat([npyHeader('>f4', true, [N, T, F]), data]));
    writeFileSync(join(dir, 'x-claims-1e9.npy'), Buffer.concat([npyHeader('<f4', false, [1e9, T, F]), data.subarray(0, 256)]));
    const cliOut = join(dir, 'sentence-ranges.npy');
    const r = cli(['compute', '--model', join(han, 'model.h5'), '--layer', 'att_layer_2', '--inputs', join(han, 'sentence_inputs.npy'), '--out', cliOut]);
    expect(r.code, r.stderr).toBe(0);
    const expected = decodeNpy(new Uint8Array(readFileSync(cliOut))).data as Float32Array;
    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE);
    const run = async (xName: string) => {
      await page.setInputFiles('#files', [join(han, 'model.h5'), join(dir, xName)]);
      await idle(page);
      await page.locator('button.source', { hasText: 'model.h5' }).last().click();
      await page.selectOption('select[aria-label="attention layer"]', 'att_layer_2');
      await page.selectOption('select[aria-label="X"]', { label: (await page.locator('select[aria-label="X"] option', { hasText: xName }).first().textContent())! });
      const before = await page.locator('button.source').count();
      await page.locator('button.compute').click();
      await page.waitForFunction((n) => document.querySelectorAll('button.source').length === n, before + 1);
      await idle(page);
    };
    await run('x-fortran-be.npy');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
    const docs = decodeJson(readFileSync((await download.path())!, 'utf8')).documents;
    let worst = 0;
    docs.forEach((d, n) => d.maps[0]!.weights.forEach((w, t) => (worst = Math.max(worst, Math.abs(w - expected[n * T + t]!)))));
    console.log(`page over a Fortran-order big-endian X vs CLI over the original: ${docs.length} documents, max |difference| ${worst}`);
    expect(docs).toHaveLength(N);
    expect(worst).toBeLessThanOrEqual(1e-6);
    await run('x-claims-1e9.npy');
    const alert = page.locator('.error[role=alert]');
    expect(await alert.locator('p').first().textContent()).toMatch(/^x-claims-1e9\.npy: the header promises \(1000000000, 3, 16\) <f4 = \d+ bytes of data, but only 256 bytes follow it$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  describe('runs the sample HAN from its file over text + tokenizer, or ids, in the worker', () => {
    const han = join(REPO, 'apps', 'cli', 'samples', 'han');
    const npy = (f: string) => decodeNpy(new Uint8Array(readFileSync(join(han, f))));
    /** The largest |difference| of the documents' sentence and word weights from (N, S) and (N, S, T) arrays. */
    function worstOf(docs: AttentionDocument[], sentT: Tensor, wordT: Tensor, S: number, T: number): number {
      const [sent, word] = [{ data: sentT.data as Float32Array }, { data: wordT.data as Float32Array }];
      let worst = 0;
      docs.forEach((d, n) => {
        const top = d.maps[0]!;
        top.weights.forEach((w, s) => (worst = Math.max(worst, Math.abs(w - Number(sent.data[n * S + s])))));
        top.children!.forEach((c, s) => c.weights.forEach((w, t) => (worst = Math.max(worst, Math.abs(w - Number(word.data[(n * S + s) * T + t]))))));
      });
      return worst;
    }
    async function pageDocs(files: string[], padding?: 'post'): Promise<AttentionDocument[]> {
      const page = await browser.newPage({ acceptDownloads: true });
      try {
        await page.goto(PAGE);
        await page.setInputFiles('#files', files.map((f) => join(han, f)));
        await idle(page);
        await page.locator('button.source', { hasText: 'model.h5' }).click();
        if (padding) {
          await page.selectOption('select[aria-label="padding"]', padding);
          await page.selectOption('select[aria-label="truncating"]', padding);
        }
        await page.locator('button.forward').click();
        await page.waitForSelector('.doc-id', { timeout: 60_000 });
        expect(await page.locator('button.sample').count()).toBe(20);
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
        return decodeJson(readFileSync((await download.path())!, 'utf8')).documents;
      } finally {
        await page.close();
      }
    }
    const [sent, word] = [npy('expected_sentence_attention.npy'), npy('expected_word_attention.npy')];

    it('text + tokenizer.json, padded post: equal to `compute --text --tokenizer` and to the NumPy expected files', async () => {
      const docs = await pageDocs(['model.h5', 'tokenizer.json', 'reviews.txt'], 'post');
      const cliOut = join(dir, 'han-text.attn.json');
      const r = cli(['compute', '--model', join(han, 'model.h5'), '--text', join(han, 'reviews.txt'), '--tokenizer', join(han, 'tokenizer.json'), '--padding', 'post', '--truncating', 'post', '--out', cliOut]);
      expect(r.code, r.stderr).toBe(0);
      const fromCli = decodeJson(readFileSync(cliOut, 'utf8')).documents;
      expect(docs).toHaveLength(20);
      expect(sent.shape).toEqual([20, 3]);
      expect(word.shape).toEqual([20, 3, 10]);
      const vsNumpy = worstOf(docs, sent, word, 3, 10);
      let vsCli = 0;
      docs.forEach((d, n) => {
        const c = fromCli[n]!.maps[0]!;
        expect(d.maps[0]!.colLabels).toEqual(c.colLabels);
        d.maps[0]!.weights.forEach((w, s) => (vsCli = Math.max(vsCli, Math.abs(w - c.weights[s]!))));
        d.maps[0]!.children!.forEach((ch, s) => {
          expect(ch.colLabels).toEqual(c.children![s]!.colLabels);
          ch.weights.forEach((w, t) => (vsCli = Math.max(vsCli, Math.abs(w - c.children![s]!.weights[t]!))));
        });
      });
      console.log(`page forward pass over reviews.txt: ${docs.length} HAN documents, max |difference| vs CLI ${vsCli}, vs NumPy expected ${vsNumpy}`);
      expect(vsCli).toBe(0);
      expect(vsNumpy).toBeLessThanOrEqual(1e-5);
    });

    it('refuses, in one line: text with no tokenizer, ids of the wrong shape, text the tokenizer knows none of', async () => {
      writeFileSync(join(dir, 'vocab.txt'), 'zzz\nyyy\n');
      const runs: [string[], string][] = [
        [['model.h5', 'reviews.txt'], 'reviews.txt: text needs a tokenizer'],
        [['model.h5', 'sentence_counts.npy'], 'sentence_counts.npy: the model input input_2 is (N, 3, 10) but the array given is (20,)'],
        [['model.h5', 'reviews.txt', join(dir, 'vocab.txt')], 'reviews.txt'],
      ];
      const shown: string[] = [];
      for (const [files, start] of runs) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(PAGE);
        await page.setInputFiles('#files', files.map((f) => (f.startsWith('/') ? f : join(han, f))));
        await idle(page);
        await page.locator('button.source', { hasText: 'model.h5' }).click();
        await page.locator('button.forward').click();
        await page.waitForSelector('.error[role=alert]', { timeout: 30_000 });
        const text = (await page.locator('.error[role=alert]').textContent()) ?? '';
        shown.push(text);
        expect(text.startsWith(start), text).toBe(true);
        expect(errors).toEqual([]);
        await page.close();
      }
      console.log(shown.join('\n'));
    });

    it('ids.npy: equal to the NumPy expected files', async () => {
      const docs = await pageDocs(['model.h5', 'ids.npy']);
      const vsNumpy = worstOf(docs, sent, word, 3, 10);
      console.log(`page forward pass over ids.npy: max |difference| vs NumPy expected ${vsNumpy}`);
      expect(vsNumpy).toBeLessThanOrEqual(1e-5);
    });
  });

  describeReal('a real TensorFlow event file (tensorflow/nmt attention images)', () => {
    it('shows its 114 alignment maps, equal to `attnlens convert` of the same file (PNGs decoded by the browser)', async () => {
      const events = real('negahead-chichat-nmt', 'events.out.tfevents.1536594755.ubuntu');
      const cliOut = join(dir, 'nmt.attn.json');
      const r = cli(['convert', events, '--to', cliOut]);
      expect(r.code, r.stderr).toBe(0);
      const fromCli = decodeJson(readFileSync(cliOut, 'utf8')).documents;
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(PAGE);
      await page.setInputFiles('#files', events);
      await idle(page);
      await page.waitForSelector('.doc-id', { timeout: 30_000 });
      expect(await page.locator('button.sample').count()).toBeGreaterThan(0);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
      const docs = decodeJson(readFileSync((await download.path())!, 'utf8')).documents;
      await page.close();
      expect(docs).toHaveLength(114);
      expect(docs.map((d) => d.id)).toEqual(fromCli.map((d) => d.id));
      let worst = 0;
      docs.forEach((d, n) => {
        expect(d.maps[0]!.shape).toEqual(fromCli[n]!.maps[0]!.shape);
        d.maps[0]!.weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - fromCli[n]!.maps[0]!.weights[i]!))));
      });
      console.log(`page vs convert, negahead event file: ${docs.length} maps, max |difference| ${worst}`);
      expect(worst).toBe(0);
    });
  });

  describe('.npy and .npz alignment dumps', () => {
    async function pageAlignments(files: string[], choose: Record<string, string>): Promise<AttentionDocument[]> {
      const page = await browser.newPage({ acceptDownloads: true });
      try {
        await page.goto(PAGE);
        await page.setInputFiles('#files', files);
        await idle(page);
        await page.locator('button.source').first().click();
        for (const [label, value] of Object.entries(choose)) await page.selectOption(`select[aria-label="${label}"]`, { label: value });
        await page.locator('button.alignment').click();
        await page.waitForSelector('.doc-id', { timeout: 30_000 });
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
        return decodeJson(readFileSync((await download.path())!, 'utf8')).documents;
      } finally {
        await page.close();
      }
    }
    function sameAsCli(docs: AttentionDocument[], cliArgs: string[], name: string): void {
      const out = join(dir, `${name}.attn.json`);
      const r = cli(['convert', ...cliArgs, '--to', out]);
      expect(r.code, r.stderr).toBe(0);
      const fromCli = decodeJson(readFileSync(out, 'utf8')).documents;
      expect(docs.map((d) => d.id)).toEqual(fromCli.map((d) => d.id));
      let worst = 0;
      docs.forEach((d, n) => {
        const c = fromCli[n]!.maps[0]!;
        expect([d.maps[0]!.shape, d.maps[0]!.rowLabels, d.maps[0]!.colLabels]).toEqual([c.shape, c.rowLabels, c.colLabels]);
        d.maps[0]!.weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - c.weights[i]!))));
      });
      console.log(`page vs convert, ${name}: ${docs.length} documents, max |difference| ${worst}`);
      expect(worst).toBe(0);
    }

    it("the sample NMT's alignment_history.npy (tbe) with its token files, equal to `attnlens convert`", async () => {
      const nmt = join(REPO, 'apps', 'cli', 'samples', 'nmt');
      const files = ['alignment_history.npy', 'src.txt', 'tgt.txt'].map((f) => join(nmt, f));
      const docs = await pageAlignments(files, { layout: 'tbe', 'source tokens': 'src.txt', 'target tokens': 'tgt.txt' });
      expect(docs).toHaveLength(4);
      expect(docs[0]!.maps[0]!.colLabels?.length).toBeGreaterThan(0);
      sameAsCli(docs, [files[0]!, '--layout', 'tbe', '--src-tokens', files[1]!, '--tgt-tokens', files[2]!], 'nmt-npy');
    });

    it('a deflated .npz array, equal to `attnlens convert`', async () => {
      const npz = join(REPO, 'packages', 'npy', 'tests', 'fixtures', 'compressed-single.npz');
      const docs = await pageAlignments([npz], {});
      expect(docs).toHaveLength(1);
      sameAsCli(docs, [npz], 'npz');
    });
  });

  it('refuses bad TensorFlow dumps in one line each: a damaged image, an image claiming 20000×20000, a cut TFRecord', async () => {
    const png = (w: number, h: number) => {
      const b = Buffer.alloc(33);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(b);
      b.write('IHDR', 12, 'latin1');
      b.writeUInt32BE(w, 16);
      b.writeUInt32BE(h, 20);
      return new Uint8Array(b);
    };
    const events = (encoded: Uint8Array) => encodeTFRecords([
      encodeEvent({ fileVersion: 'brain.Event:2' }),
      encodeEvent({ step: 1, summary: [{ tag: 'attention_images/image/0', image: { height: 4, width: 5, colorspace: 1, encoded } }] }),
    ]);
    writeFileSync(join(dir, 'damaged.tfevents'), events(png(5, 4)));
    writeFileSync(join(dir, 'huge.tfevents'), events(png(20000, 20000)));
    const rec = encodeTFRecords([encodeTensorProto(tensor('float32', [2, 2], new Float32Array([0.5, 0.5, 1, 0])))]);
    writeFileSync(join(dir, 'cut.tfrecord'), rec.subarray(0, rec.length - 3));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE);
    await page.setInputFiles('#files', ['damaged.tfevents', 'huge.tfevents', 'cut.tfrecord'].map((f) => join(dir, f)));
    await idle(page);
    const shown: string[] = [];
    for (const name of ['damaged.tfevents', 'huge.tfevents', 'cut.tfrecord']) {
      await page.locator('button.source', { hasText: name }).click();
      shown.push((await page.locator('.error[role=alert]').textContent()) ?? '');
    }
    await page.close();
    console.log(shown.join('\n'));
    expect(shown[0]).toMatch(/^damaged\.tfevents: image attention_images\/image\/0@1 is not a readable PNG/);
    expect(shown[1]).toMatch(/^huge\.tfevents: .*20000x20000 PNG/);
    expect(shown[2]).toMatch(/^cut\.tfrecord: .*cut short/);
    expect(errors).toEqual([]);
  });

  it('names what is wrong with a bad file, as text, and keeps working', async () => {
    const h5 = readFileSync(join(REPO, 'apps', 'cli', 'samples', 'han', 'model.h5'));
    writeFileSync(join(dir, 'cut.h5'), h5.subarray(0, 4096)); // an HDF5 superblock and little else
    writeFileSync(join(dir, 'noise.bin'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 251)));
    writeFileSync(join(dir, 'bad.attn.pb'), Buffer.concat([encodeStream([]).subarray(0, 12), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])]));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE);
    await page.setInputFiles('#files', [join(dir, 'cut.h5'), join(dir, 'noise.bin'), join(dir, 'bad.attn.pb')]);
    await idle(page);
    const shown: string[] = [];
    for (const name of ['cut.h5', 'noise.bin', 'bad.attn.pb']) {
      await page.locator('button.source', { hasText: name }).click();
      shown.push((await page.locator('.error[role=alert]').textContent()) ?? '');
    }
    console.log(shown.join('\n'));
    expect(shown[0]).toMatch(/^cut\.h5: /);
    expect(shown[1]).toMatch(/^noise\.bin: is not a format attnlens knows/);
    expect(shown[2]).toMatch(/^bad\.attn\.pb: /);
    expect(errors).toEqual([]);
    // still works: a good file after the bad ones
    await page.setInputFiles('#files', join(REPO, 'apps', 'cli', 'samples', 'han', 'model.h5'));
    await idle(page);
    expect(await page.locator('table.attention-layers tbody tr').count()).toBe(2);
    await page.close();
  });

  it('streams an .attn.pb of several 4 MB reads: every document whole across read boundaries; the same file cut short is TRUNCATED in one line', async () => {
    // Three 1.4M-weight maps (5.6 MB each): documents straddle the page's 4 MB reads.
    const big: AttentionDocument[] = [0, 1, 2].map((k) => ({ id: `big-${k}`, maps: [{ name: 'm', shape: [1000, 1400], weights: Float32Array.from({ length: 1_400_000 }, (_, i) => ((i * (k + 3)) % 1000) / 1000) }] }));
    const bytes = encodeStream(big);
    writeFileSync(join(dir, 'big.attn.pb'), bytes);
    writeFileSync(join(dir, 'big-cut.attn.pb'), bytes.subarray(0, bytes.length - 1000));
    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(PAGE);
    await page.setInputFiles('#files', [join(dir, 'big-cut.attn.pb'), join(dir, 'big.attn.pb')]);
    await idle(page);
    expect(await page.locator('button.sample').allTextContents()).toEqual(['big-0', 'big-1', 'big-2']);
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-pb').click()]);
    const back = decodeStream(new Uint8Array(readFileSync((await d.path())!))).documents;
    expect(back.map((x) => x.maps[0]!.weights)).toEqual(big.map((x) => x.maps[0]!.weights));
    await page.locator('button.source', { hasText: 'big-cut.attn.pb' }).click();
    expect(await page.locator('.error[role=alert] p').first().textContent()).toMatch(/^big-cut\.attn\.pb: stream ends inside document 2 \(byte \d+, \d+ bytes left over\)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the samples of two files that share ids side by side', async () => {
    const mk = (name: string, w: number): AttentionDocument[] => ['x', 'y'].map((id) => ({ id, maps: [{ name, shape: [2], weights: new Float32Array([w, 1 - w]), colLabels: ['good', 'film'] }] }));
    writeFileSync(join(dir, 'model-a.attn.pb'), encodeStream(mk('A', 0.2)));
    writeFileSync(join(dir, 'model-b.attn.json'), encodeJson(mk('B', 0.7)));
    const page = await browser.newPage();
    await page.goto(PAGE);
    await page.setInputFiles('#files', [join(dir, 'model-a.attn.pb'), join(dir, 'model-b.attn.json')]);
    await idle(page);
    expect(await page.locator('.column-source').allTextContents()).toEqual(['model-b.attn.json', 'model-a.attn.pb']);
    await page.keyboard.press('j');
    expect(await page.locator('.doc-id').allTextContents()).toEqual(['y', 'y']);
    await page.close();
  });

  describe('CJK, hangul and emoji tokens drawn with the bundled fonts (unicode-range subsets fetched on demand)', () => {
    const TOKENS = ['注意力', '机制', '😀', 'テスト', '주의'];
    const fontsDoc = (): string => {
      const file = join(dir, 'cjk-emoji.attn.pb');
      writeFileSync(file, encodeStream([{ id: 'cjk', maps: [{ name: 'tokens', shape: [5], weights: new Float32Array([0.4, 0.3, 0.15, 0.1, 0.05]), colLabels: TOKENS }] }]));
      return file;
    };
    /** The pixels of the page's highlighted-tokens canvas once every font it asked for is in. */
    const canvasPixels = (page: Page) => page.evaluate(async () => {
      await document.fonts.ready;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const c = document.querySelector('canvas.figure') as HTMLCanvasElement;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    });

    it('from file://: the Noto Sans SC, Noto Sans KR and Noto Emoji faces covering the tokens load, only a few of their ~110 subsets, and their glyphs are not the missing-glyph box', async () => {
      const page = await browser.newPage();
      await page.goto(PAGE);
      await page.setInputFiles('#files', fontsDoc());
      await idle(page);
      expect(await page.locator('.tokens .tok').allTextContents()).toEqual(TOKENS);
      const faces = await page.evaluate(async () => {
        await document.fonts.ready;
        const out: { family: string; status: string; range: string }[] = [];
        document.fonts.forEach((f) => {
          if (f.family === 'Noto Sans SC' || f.family === 'Noto Sans KR' || f.family === 'Noto Emoji') out.push({ family: f.family, status: f.status, range: f.unicodeRange });
        });
        return out;
      });
      const covers = (range: string, ch: string) => range.split(',').some((part) => {
        const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
        const cp = ch.codePointAt(0)!;
        return parseInt(a!, 16) <= cp && cp <= parseInt(b ?? a!, 16);
      });
      const loaded = faces.filter((f) => f.status === 'loaded');
      for (const [family, ch] of [['Noto Sans SC', '注'], ['Noto Sans SC', '机'], ['Noto Sans SC', 'テ'], ['Noto Sans KR', '주'], ['Noto Sans KR', '의'], ['Noto Emoji', '😀']] as const) {
        expect(loaded.some((f) => f.family === family && covers(f.range, ch)), `${family} face for ${ch} loaded`).toBe(true);
      }
      expect(faces.filter((f) => f.family === 'Noto Sans SC').length).toBeGreaterThan(90);
      expect(faces.filter((f) => f.family === 'Noto Sans KR').length).toBeGreaterThan(90);
      // hangul not in SC's 80 syllables comes from KR, never from SC
      expect(loaded.some((f) => f.family === 'Noto Sans SC' && covers(f.range, '주'))).toBe(false);
      expect(loaded.length).toBeLessThanOrEqual(6);
      // Glyphs drawn naming the bundled family alone. A family that did not load falls back
      // exactly as an unknown family does, so "differs from the unknown family" means the bundled
      // face drew it (a Debian machine with fonts-droid-fallback has its own CJK glyphs), and
      // "differs from U+10FFFD" (a code point no font has) means it is no missing-glyph box.
      const glyphs = await page.evaluate(() => {
        const draw = (ch: string, family: string) => {
          const c = document.createElement('canvas');
          c.width = 64;
          c.height = 64;
          const ctx = c.getContext('2d')!;
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, 0, 64, 64);
          ctx.fillStyle = '#000';
          ctx.font = `48px ${family}`;
          ctx.fillText(ch, 4, 52);
          const d = ctx.getImageData(0, 0, 64, 64).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i]! < 128) ink++;
          return { key: c.toDataURL(), ink };
        };
        return [['注', '"Noto Sans SC"'], ['テ', '"Noto Sans SC"'], ['주', '"Noto Sans KR"'], ['의', '"Noto Sans KR"'], ['😀', '"Noto Emoji"']].map(([ch, family]) => ({
          ch, bundled: draw(ch!, family!), unknownFamily: draw(ch!, '"attnlens-no-such-font"'), missing: draw('\u{10FFFD}', family!),
        }));
      });
      for (const g of glyphs) {
        expect(g.bundled.ink, `${g.ch} has ink`).toBeGreaterThan(40);
        expect(g.bundled.key, `${g.ch} drawn by the bundled face, not a fallback`).not.toBe(g.unknownFamily.key);
        expect(g.bundled.key, `${g.ch} is not the missing-glyph box`).not.toBe(g.missing.key);
      }
      await page.close();
    });

    it("served by attnlens view: the page's canvas is redrawn with them once they load (blocking the font files changes its pixels)", async () => {
      const { url, proc } = await view([fontsDoc()]);
      try {
        const shot = async (block: boolean) => {
          const page = await browser.newPage();
          const fetched: string[] = [];
          const types: string[] = [];
          page.on('response', (r) => r.url().endsWith('.woff2') && types.push(r.headers()['content-type'] ?? ''));
          await page.route('**/*.woff2', (route) => (fetched.push(route.request().url()), block ? route.abort() : route.continue()));
          await page.goto(url);
          await idle(page);
          const px = await canvasPixels(page);
          await page.close();
          return { px, fetched: fetched.map((u) => u.replace(/^.*\/assets\//, '')), types };
        };
        const withFonts = await shot(false);
        const blocked = await shot(true);
        console.log(`font subsets fetched for ${TOKENS.join(' ')}: ${withFonts.fetched.join(' ')}`);
        // Only subsets of the lazy families were asked for (the Latin/Arabic/Hebrew faces are inlined).
        expect(withFonts.fetched.length).toBeGreaterThanOrEqual(2);
        expect(withFonts.fetched.every((f) => /^noto-(sans-sc|sans-kr|emoji)-/.test(f)), withFonts.fetched.join(' ')).toBe(true);
        expect(withFonts.fetched.some((f) => f.startsWith('noto-sans-kr-')), withFonts.fetched.join(' ')).toBe(true);
        expect(withFonts.fetched.length).toBeLessThanOrEqual(6); // KR's subsets of the hanzi are not fetched
        expect(new Set(withFonts.types)).toEqual(new Set(['font/woff2']));
        expect(withFonts.px.length).toBeGreaterThan(0);
        let differ = 0;
        for (let i = 0; i < Math.min(withFonts.px.length, blocked.px.length); i += 4) if (withFonts.px[i] !== blocked.px[i]) differ++;
        expect(differ).toBeGreaterThan(100);
      } finally {
        proc.kill();
      }
    });
  });

  describe('the interactions the issue lists', () => {
    const rows = ['I', 'like', 'tennis'];
    const cols = ['ich', 'mag', 'Tennis', '.'];
    // 'a' spans 0..0.44, 'b' 0..1: a shared scale draws 'a' darker than its own scale does.
    const docs: AttentionDocument[] = [0.44, 1].map((top, k) => ({
      id: 'ab'[k]!, maps: [{ name: 'de', shape: [3, 4], weights: Float32Array.from({ length: 12 }, (_, i) => (((i * 5) % 12) / 11) * top), rowLabels: rows, colLabels: cols }],
    }));
    const downloadOf = async (page: Page, button: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
      return readFileSync((await d.path())!);
    };
    /** The CLI's figure of sample 'a', rendered with the whole file (a shared scale spans both samples). */
    const cliFile = (args: string[], ext: string): Buffer => {
      const out = mkdtempSync(join(dir, 'cli-'));
      const r = cli(['render', join(dir, 'ab.attn.pb'), '--out', out, '--quiet', ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(out).filter((f) => f.endsWith(ext))).toHaveLength(2);
      return readFileSync(join(out, `a${ext}`));
    };

    beforeAll(() => writeFileSync(join(dir, 'ab.attn.pb'), encodeStream(docs)));

    it('hover a cell, click a row, j/k, colour map and shared scale (PNG and SVG equal to render --cmap --scale), .attn.pb export', async () => {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(PAGE);
      await page.setInputFiles('#files', join(dir, 'ab.attn.pb'));
      await idle(page);
      // Hover: walk the canvas until the tooltip names a cell; its value is that cell's weight.
      const canvas = page.locator('canvas.figure').first();
      const box = (await canvas.boundingBox())!;
      let tip = '';
      let point = { x: 0, y: 0 };
      for (let y = box.y + box.height * 0.2; y < box.y + box.height && !tip; y += 6) {
        for (let x = box.x + box.width * 0.15; x < box.x + box.width && !tip; x += 6) {
          await page.mouse.move(x, y);
          if (await page.locator('.tip').isVisible()) [tip, point] = [(await page.locator('.tip').textContent())!, { x, y }];
        }
      }
      const m = /^(\S+) → (\S+): (\S+)$/.exec(tip);
      expect(m, tip).not.toBeNull();
      const [r, c] = [rows.indexOf(m![1]!), cols.indexOf(m![2]!)];
      expect(Number(m![3])).toBeCloseTo(docs[0]!.maps[0]!.weights[r * 4 + c]!, 3);
      // Click that row: the strip draws the source tokens it attends.
      await page.mouse.click(point.x, point.y);
      expect(await page.locator('canvas.strip').getAttribute('aria-label')).toBe(`source tokens attended by row ${r}`);
      // Keyboard: j to the next sample, k back.
      await page.mouse.move(0, 0);
      await page.keyboard.press('j');
      expect(await page.locator('.doc-id').textContent()).toBe('b');
      await page.keyboard.press('k');
      expect(await page.locator('.doc-id').textContent()).toBe('a');
      // Colour map and scale: the page's exports equal the CLI's render with the same options.
      for (const [cmap, scale] of [['magma', 'map'], ['magma', 'shared']] as const) {
        await page.selectOption('select[aria-label="colour map"]', cmap);
        await page.selectOption('select[aria-label="scale"]', scale);
        const cliArgs = ['--cmap', cmap, '--scale', scale === 'shared' ? 'shared' : 'per-map'];
        const png = comparePngs(PNG.sync.read(await downloadOf(page, 'button.export-png')), PNG.sync.read(cliFile([...cliArgs, '--format', 'png'], '.png')));
        console.log(`web PNG vs CLI PNG (${cmap}, ${scale} scale): ${png.compared} flat pixels, worst channel difference ${png.worstFlat}`);
        expect(png.compared).toBeGreaterThan(png.width * png.height * 0.5);
        expect(png.worstFlat).toBeLessThanOrEqual(1);
        // The same SVG but for its element ids (`m0-bar` in the CLI's file, a per-page unique prefix in the page's).
        const sameIds = (svg: Buffer) => svg.toString('utf8').replace(/\b(attnlens-[a-z0-9]+|m\d+)-(nan|bar)\b/g, 'ID-$2');
        expect(sameIds(await downloadOf(page, 'button.export-svg'))).toBe(sameIds(cliFile([...cliArgs, '--format', 'svg'], '.svg')));
      }
      // The loaded documents, exported as .attn.pb, are the ones opened.
      const back = decodeStream(new Uint8Array(await downloadOf(page, 'button.export-pb'))).documents;
      expect(back.map((d) => [d.id, Array.from(d.maps[0]!.weights)])).toEqual(docs.map((d) => [d.id, Array.from(d.maps[0]!.weights)]));
      await page.close();
    });

    it('at 200% zoom on a laptop screen (1280 px wide: 640 CSS px), nothing needs sideways scrolling but a wide figure in its own box', async () => {
      const page = await browser.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
      await page.goto(PAGE);
      await page.setInputFiles('#files', join(dir, 'ab.attn.pb'));
      await idle(page);
      await page.screenshot({ path: join(dir, 'zoom-200.png'), fullPage: true });
      const fit = await page.evaluate(() => {
        const over = Array.from(document.querySelectorAll('header *, .controls *, .samples button, .doc-id')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5);
        return { scroll: document.documentElement.scrollWidth, width: window.innerWidth, over: over.map((e) => e.outerHTML.slice(0, 60)) };
      });
      expect(fit.over).toEqual([]);
      expect(fit.scroll).toBeLessThanOrEqual(fit.width);
      await page.close();
    });
  });

  it("exports a PNG with the CLI's pixels for the same heatmap", async () => {
    const rows = ['I', 'like', 'tennis'];
    const cols = ['ich', 'mag', 'Tennis', '.'];
    const weights = Float32Array.from({ length: 12 }, (_, i) => ((i * 7) % 12) / 11);
    const doc: AttentionDocument = { id: 'align-1', maps: [{ name: 'de', shape: [3, 4], weights, rowLabels: rows, colLabels: cols }] };
    const file = join(dir, 'align.attn.pb');
    writeFileSync(file, encodeStream([doc]));
    const out = join(dir, 'cli-png');
    const r = cli(['render', file, '--out', out, '--format', 'png', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const cliPng = PNG.sync.read(readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.png'))!)));

    const page = await browser.newPage({ acceptDownloads: true });
    await page.goto(PAGE);
    await page.setInputFiles('#files', file);
    await idle(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-png').click()]);
    const webPng = PNG.sync.read(readFileSync((await download.path())!));
    await page.close();

    const { width, height, compared, worstFlat, textDiffer } = comparePngs(webPng, cliPng);
    console.log(`web PNG vs CLI PNG: ${width}x${height}; ${compared} flat pixels (cells, colour bar, background), worst channel difference ${worstFlat}; ${textDiffer} edge/glyph pixels differ by more than 8`);
    expect(compared).toBeGreaterThan(width * height * 0.5);
    expect(worstFlat).toBeLessThanOrEqual(1);
  });
});

describe('attnlens view', () => {
  it('refuses a file that is not there and a port that is taken, in one line each', async () => {
    const missing = cli(['view', join(dir, 'nope.h5')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.h5: does not exist or is not a file/);
    const { serveViewer } = await import('@attnlens/web/node');
    const first = await serveViewer({});
    try {
      const taken = cli(['view', '--port', String(first.port)]);
      expect(taken.code).not.toBe(0);
      expect(taken.stderr).toMatch(new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is in use`));
      const bad = cli(['view', '--port', 'http']);
      expect(bad.stderr).toMatch(/--port takes a number from 0 to 65535/);
      // only the page and the listed files are served: no path walks out of dist/page
      const r = await fetch(`${first.url}..%2f..%2fpackage.json`);
      expect(r.status).toBe(404);
      expect(await (await fetch(`${first.url}preload.json`)).json()).toEqual([]);
    } finally {
      await first.close();
    }
  });
});
