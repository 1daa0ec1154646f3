// The web viewer (apps/web, built) opening a generated Keras file in headless Chromium:
// a Keras 2.2.4 full save with a WEB_BENCH_MB (default 500) MB embedding and an AttLayer,
// written by h5py. The page reads it in its worker through the File (WORKERFS), so the
// tab's memory must not grow by the file's size. Printed: time from picking the file to
// the attention layer listed; the page's JS heap (CDP Performance.getMetrics) and the
// peak RSS of all the browser's processes (sampled from /proc every 25 ms) before and
// during; and h5py opening the same file and listing its layers, for the ratio.
import { readFileSync, readdirSync, mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { fmt, havePython, runPython } from './util.mjs';

const require = createRequire(new URL('../test/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const PAGE = pathToFileURL(fileURLToPath(new URL('../apps/web/dist/page/index.html', import.meta.url))).href;
const MB = Number(process.env.WEB_BENCH_MB ?? 500);
const COLS = 200;

const WRITE = `
import h5py, json, sys
import numpy as np
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def names(g, key, items): g.attrs[key] = np.array([s.encode() for s in items])
cfg = {"class_name": "Model", "config": {"name": "m", "layers": [
  {"name": "embedding_1", "class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": rows, "output_dim": cols}},
  {"name": "att_layer_1", "class_name": "AttLayer", "config": {"name": "att_layer_1"}}]}}
with h5py.File(path, "w") as f:
    f.attrs["keras_version"] = b"2.2.4"; f.attrs["backend"] = b"tensorflow"; f.attrs["model_config"] = json.dumps(cfg).encode()
    mw = f.create_group("model_weights"); names(mw, "layer_names", ["embedding_1", "att_layer_1"])
    g = mw.create_group("embedding_1"); names(g, "weight_names", ["embedding_1/embeddings:0"])
    d = g.create_dataset("embedding_1/embeddings:0", (rows, cols), "<f4")
    for r in range(0, rows, 20000):
        k = min(20000, rows - r); d[r:r + k] = np.random.default_rng(r).standard_normal((k, cols), dtype=np.float32)
    g = mw.create_group("att_layer_1"); names(g, "weight_names", ["att_layer_1/W:0", "att_layer_1/b:0", "att_layer_1/u:0"])
    rng = np.random.default_rng(7)
    for n, shp in (("W", (cols, 100)), ("b", (100,)), ("u", (100, 1))): g.create_dataset("att_layer_1/%s:0" % n, data=rng.standard_normal(shp, dtype=np.float32))
print(json.dumps({}))`;

const H5PY_LIST = `
import h5py, json, sys, time
t = time.perf_counter()
with h5py.File(sys.argv[1], "r") as f:
    mw = f["model_weights"]
    out = [(n.decode(), [(w.decode(), mw[n.decode()][w.decode()].shape) for w in mw[n.decode()].attrs["weight_names"]]) for n in mw.attrs["layer_names"]]
print(json.dumps({"seconds": time.perf_counter() - t, "layers": len(out)}))`;

/** Resident memory of every process descended from this one (the browser and its renderers), in MB. */
function treeRssMB() {
  const parent = new Map();
  const rss = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const st = readFileSync(`/proc/${p}/status`, 'utf8');
      parent.set(p, /PPid:\s+(\d+)/.exec(st)[1]);
      rss.set(p, Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? 0) / 1024);
    } catch {}
  }
  const mine = (p) => { for (let q = p; q && q !== '0' && q !== '1'; q = parent.get(q)) if (q === String(process.pid)) return true; return false; };
  let total = 0;
  for (const [p, r] of rss) if (p !== String(process.pid) && mine(p)) total += r;
  return total;
}

if (!havePython('h5py', 'numpy')) {
  console.log("skipped: the file is written with Debian's /usr/bin/python3 h5py, which is not installed");
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-web-'));
try {
  const { bavail, bsize } = statfsSync(dir);
  if ((bavail * bsize) / 1e6 < MB * 1.2) throw new Error(`need ${MB * 1.2} MB free in ${dir}`);
  const file = join(dir, 'big.h5');
  runPython(WRITE, [file, String(Math.round((MB * 1e6) / (COLS * 4))), String(COLS)]);
  const size = statSync(file).size / 1e6;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1e6;
  await page.goto(PAGE);
  await page.waitForTimeout(500);
  const before = { rss: treeRssMB(), heap: await heap() };
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMB())), 25);
  const t0 = process.hrtime.bigint();
  await page.setInputFiles('#files', file);
  await page.waitForSelector('table.attention-layers', { timeout: 120_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  const after = { rss: treeRssMB(), heap: await heap() };
  const layer = await page.locator('table.attention-layers tbody td').first().textContent();
  await browser.close();
  if (layer !== 'att_layer_1') throw new Error(`the page listed ${layer}, not att_layer_1`);
  const py = runPython(H5PY_LIST, [file]);
  console.log(`web viewer opens a ${fmt(size, 0)} MB Keras file (file picker to attention layer listed): ${fmt(seconds, 3)} s`);
  console.log(`  browser processes RSS: ${fmt(before.rss, 0)} MB before, peak ${fmt(peak, 0)} MB while opening (+${fmt(peak - before.rss, 0)} MB, ${fmt(((peak - before.rss) / size) * 100, 1)}% of the file)`);
  console.log(`  page JS heap: ${fmt(before.heap, 1)} MB before, ${fmt(after.heap, 1)} MB after`);
  console.log(`  h5py open + list layers: ${fmt(py.seconds, 3)} s, peak RSS ${fmt(py.peakRssMB, 0)} MB; page / h5py: ${fmt(seconds / py.seconds, 1)}x time (the page includes starting its worker and compiling h5wasm; h5py is timed after its import)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
