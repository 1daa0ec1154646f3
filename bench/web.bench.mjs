// The web viewer (apps/web, built) in headless Chromium, three cases (WEB_BENCH_ONLY=keras|x|tf runs one):
// 1. keras: opening a generated Keras file, a Keras 2.2.4 full save with a WEB_BENCH_MB (default
//    500) MB embedding and an AttLayer, written by h5py. The page reads it in its worker through
//    the File (WORKERFS), so the tab's memory must not grow by the file's size. Printed: time from
//    picking the file to the attention layer listed, and h5py opening the same file and listing
//    its layers, for the ratio.
// 2. x: computing an AttLayer's attention over a generated WEB_BENCH_X_MB (default 1000) MB X .npy
//    (float32 (N, 64, 128)) beside a small model file: the worker reads X by ranges, one block of
//    rows at a time (apps/web/src/file-ranges.ts), so again the memory must not grow by the file's
//    size. Printed: time from clicking "Compute attention" to the first sample drawn, and NumPy
//    computing the same attention over np.load(mmap_mode='r') in blocks, for the ratio (and the
//    largest difference between the two on the first sample).
// 3. tf: a generated WEB_BENCH_TF_MB (default 500) MB TensorFlow event file (tf's fixture event
//    file, its attention images, then 1 MB graph_def events) opened in the page: the worker reads
//    it by ranges, one record at a time (@attnlens/tf's rangeDump), so the memory must not grow by
//    the file's size. Printed: time from picking the file to the first map drawn, and Node's
//    tfDocuments (what `attnlens convert` runs) over the same file, for the ratio (no TensorFlow here).
// All print the page's JS heap (CDP Performance.getMetrics) and the peak RSS of all the browser's
// processes (sampled from /proc every 25 ms) before and during.
import { createWriteStream, readFileSync, readdirSync, mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { fmt, havePython, runPython } from './util.mjs';
import { decodeJson } from '../packages/core/dist/index.js';
import { encodeEvent, encodeTFRecord } from '../packages/tf/dist/index.js';
import { tfDocuments } from '../packages/tf/dist/node.js';

const require = createRequire(new URL('../test/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const PAGE = pathToFileURL(fileURLToPath(new URL('../apps/web/dist/page/index.html', import.meta.url))).href;
const MB = Number(process.env.WEB_BENCH_MB ?? 500);
const X_MB = Number(process.env.WEB_BENCH_X_MB ?? 1000);
const TF_MB = Number(process.env.WEB_BENCH_TF_MB ?? 500);
const ONLY = process.env.WEB_BENCH_ONLY;
const COLS = 200;
// X of case 2: (N, T, F) float32 and the AttLayer's attention dimension A.
const [X_T, X_F, X_A] = [64, 128, 8];

const WRITE = `
import h5py, json, sys
import numpy as np
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
A = int(sys.argv[4]) if len(sys.argv) > 4 else 100
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
    for n, shp in (("W", (cols, A)), ("b", (A,)), ("u", (A, 1))): g.create_dataset("att_layer_1/%s:0" % n, data=rng.standard_normal(shp, dtype=np.float32))
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

// X for case 2, written in blocks (NumPy's own header), and NumPy's AttLayer attention over it:
// uit = tanh(x·W + b), ait = uit·u, softmax over the steps (richliao's AttLayer.call, as
// packages/attention computes it), in blocks over a memory-mapped X like the page's.
const WRITE_X = `
import json, sys
import numpy as np
path, n, t, f = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.lib.format.open_memmap(path, mode="w+", dtype="<f4", shape=(n, t, f))
for s in range(0, n, 2048):
    k = min(2048, n - s); x[s:s + k] = np.random.default_rng(s).standard_normal((k, t, f), dtype=np.float32)
x.flush(); del x
print(json.dumps({}))`;

const NUMPY_ATTENTION = `
import h5py, json, sys, time
import numpy as np
model, xpath = sys.argv[1], sys.argv[2]
with h5py.File(model, "r") as h:
    g = h["model_weights"]["att_layer_1"]
    W, b, u = (np.asarray(g["att_layer_1/%s:0" % k]) for k in ("W", "b", "u"))
t0 = time.perf_counter()
x = np.load(xpath, mmap_mode="r")
first = None
for s in range(0, x.shape[0], 256):
    e = np.tanh(np.asarray(x[s:s + 256]) @ W + b) @ u
    e = np.exp(e[..., 0] - e[..., 0].max(axis=1, keepdims=True)); a = e / e.sum(axis=1, keepdims=True)
    if first is None: first = a[0].tolist()
print(json.dumps({"seconds": time.perf_counter() - t0, "first": first}))`;

async function browserPage() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1e6;
  await page.goto(PAGE);
  await page.waitForTimeout(500);
  return { browser, page, heap };
}

/** Run `act` while sampling the browser's RSS: seconds, and memory before, at peak and after. */
async function measured(heap, act) {
  const before = { rss: treeRssMB(), heap: await heap() };
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMB())), 25);
  const t0 = process.hrtime.bigint();
  try {
    await act();
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, before, peak: Math.max(peak, treeRssMB()), after: { heap: await heap() } };
}

function printMemory(m, size) {
  console.log(`  browser processes RSS: ${fmt(m.before.rss, 0)} MB before, peak ${fmt(m.peak, 0)} MB (+${fmt(m.peak - m.before.rss, 0)} MB, ${fmt(((m.peak - m.before.rss) / size) * 100, 1)}% of the file)`);
  console.log(`  page JS heap: ${fmt(m.before.heap, 1)} MB before, ${fmt(m.after.heap, 1)} MB after; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
}

async function kerasCase(dir) {
  const file = join(dir, 'big.h5');
  runPython(WRITE, [file, String(Math.round((MB * 1e6) / (COLS * 4))), String(COLS)]);
  const size = statSync(file).size / 1e6;
  const { browser, page, heap } = await browserPage();
  const m = await measured(heap, async () => {
    await page.setInputFiles('#files', file);
    await page.waitForSelector('table.attention-layers', { timeout: 120_000 });
  });
  const layer = await page.locator('table.attention-layers tbody td').first().textContent();
  await browser.close();
  if (layer !== 'att_layer_1') throw new Error(`the page listed ${layer}, not att_layer_1`);
  const py = runPython(H5PY_LIST, [file]);
  console.log(`web viewer opens a ${fmt(size, 0)} MB Keras file (file picker to attention layer listed): ${fmt(m.seconds, 3)} s`);
  printMemory(m, size);
  console.log(`  h5py open + list layers: ${fmt(py.seconds, 3)} s, peak RSS ${fmt(py.peakRssMB, 0)} MB; page / h5py: ${fmt(m.seconds / py.seconds, 1)}x time (the page includes starting its worker and compiling h5wasm; h5py is timed after its import)`);
  rmSync(file, { force: true });
}

async function xCase(dir) {
  const model = join(dir, 'att.h5');
  const xFile = join(dir, 'X.npy');
  runPython(WRITE, [model, '10', String(X_F), String(X_A)]);
  const n = Math.max(1, Math.round((X_MB * 1e6) / (X_T * X_F * 4)));
  runPython(WRITE_X, [xFile, String(n), String(X_T), String(X_F)]);
  const size = statSync(xFile).size / 1e6;
  const { browser, page, heap } = await browserPage();
  await page.setInputFiles('#files', [model, xFile]);
  await page.waitForFunction(() => document.body.dataset.busy === '0' && document.querySelectorAll('button.source').length === 2, null, { timeout: 60_000 });
  await page.locator('button.source', { hasText: 'att.h5' }).click();
  const m = await measured(heap, async () => {
    await page.locator('button.compute').click();
    await page.waitForSelector('.doc-id', { timeout: 600_000 });
  });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-json').click()]);
  const docs = decodeJson(readFileSync(await download.path(), 'utf8'));
  await browser.close();
  const first = docs.documents[0].maps[0].weights;
  const py = runPython(NUMPY_ATTENTION, [model, xFile]);
  const diff = Math.max(...py.first.map((w, t) => Math.abs(w - first[t])));
  console.log(`web viewer computes att_layer_1 over a ${fmt(size, 0)} MB X .npy (${n}×${X_T}×${X_F} float32, read by ranges; click to first sample drawn, all ${docs.documents.length} computed): ${fmt(m.seconds, 3)} s`);
  printMemory(m, size);
  console.log(`  NumPy over np.load(mmap_mode='r'), 256 sequences a block: ${fmt(py.seconds, 3)} s, peak RSS ${fmt(py.peakRssMB, 0)} MB; page / NumPy: ${fmt(m.seconds / py.seconds, 1)}x time; first sample max |page - NumPy| ${diff.toExponential(2)}`);
  if (!(diff < 1e-5)) throw new Error(`the page's attention differs from NumPy's by ${diff}`);
}

/** The fixture event file (its attention images), then 1 MB graph_def events up to TF_MB. */
async function writeEventFile(file) {
  const out = createWriteStream(file);
  const write = (b) => (out.write(b) ? undefined : once(out, 'drain'));
  await write(readFileSync(new URL('../packages/tf/tests/fixtures/events.out.tfevents.1500000000.fixture', import.meta.url)));
  const pad = encodeTFRecord(encodeEvent({ step: 2, graphDef: new Uint8Array(1 << 20).fill(7) }));
  for (let n = 0; n * pad.length < TF_MB * 1e6; n++) await write(pad);
  out.end();
  await once(out, 'finish');
}

async function tfCase(dir) {
  const file = join(dir, 'events.out.tfevents.1.bench');
  await writeEventFile(file);
  const size = statSync(file).size / 1e6;
  const { browser, page, heap } = await browserPage();
  const m = await measured(heap, async () => {
    await page.setInputFiles('#files', file);
    await page.waitForSelector('.doc-id, .error[role=alert]', { timeout: 600_000 });
  });
  const error = await page.locator('.error[role=alert]').count();
  await browser.close();
  if (error) throw new Error('the page showed an error for the event file');
  const t0 = process.hrtime.bigint();
  let docs = 0;
  for await (const _ of tfDocuments(file)) docs++;
  const node = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`web viewer opens a ${fmt(size, 0)} MB event file (${docs} attention images, then 1 MB graph_def events; read by ranges; file picker to first map drawn): ${fmt(m.seconds, 3)} s`);
  printMemory(m, size);
  console.log(`  Node tfDocuments (attnlens convert's reader) over the same file: ${fmt(node, 3)} s; page / Node: ${fmt(m.seconds / node, 1)}x time`);
  rmSync(file, { force: true });
}

if (ONLY === 'tf') {
  const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-web-'));
  try {
    await tfCase(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
if (!havePython('h5py', 'numpy')) {
  console.log("skipped: the files are written with Debian's /usr/bin/python3 h5py and NumPy, which are not installed");
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-web-'));
try {
  const { bavail, bsize } = statfsSync(dir);
  const need = Math.max(ONLY === 'x' ? 0 : MB, ONLY === 'keras' ? 0 : X_MB, ONLY ? 0 : TF_MB) * 1.2;
  if ((bavail * bsize) / 1e6 < need) throw new Error(`need ${need} MB free in ${dir}`);
  if (ONLY !== 'x') await kerasCase(dir);
  if (ONLY !== 'keras') await xCase(dir);
  if (!ONLY) await tfCase(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
