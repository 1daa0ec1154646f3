// @attnlens/keras: time and peak RSS to open a 500 MB Keras file (a Keras 2.2.4 model.save
// layout written by h5py: a 500 MB embedding, a Bidirectional GRU, an AttLayer, a Dense)
// and extract one layer: the AttLayer's W (what `attnlens compute` reads), and the
// 500 MB embedding itself. The same .h5 zipped as a Keras 3-style .keras (stored, as
// Keras writes it) shows the cost of copying model.weights.h5 out of the archive.
// h5py does the same work in the same run, for ratios. Every case runs in its own
// process, so its peak RSS is its own; files live in a temp dir and are deleted at the
// end. Reads hit a warm page cache (just written) for both. attnlens times are for an
// open after the first in the process (which also compiles the HDF5 wasm module, shown
// apart); h5py times start after its import. `KERAS_BENCH_MB=100 pnpm bench keras` for a quicker run.
// First, the cold start of `attnlens inspect` on a 1 MB file against a python3 h5py process
// (KERAS_BENCH_ONLY=inspect runs only that row).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, havePython, loadLine, peakRssMB, runPython, timeProcess, PY } from './util.mjs';

const COLS = 500; // embedding width: 2000-byte rows
const W_PATH = 'model_weights/att_layer_1/att_layer_1/W:0';
const EMB_PATH = 'model_weights/embedding_1/embedding_1/embeddings:0';
const MiB = 1 << 20;

// --- one case, in a child process --------------------------------------------------------
if (process.argv[2] === '--case') {
  const [, , , kind, path, dataset] = process.argv;
  const { openKeras } = await import('../packages/keras/dist/node.js');
  // The first open in a process also compiles the HDF5 wasm module: measure it apart.
  const c0 = process.hrtime.bigint();
  (await openKeras(path)).close();
  const cold = Number(process.hrtime.bigint() - c0) / 1e9;
  const t0 = process.hrtime.bigint();
  const k = await openKeras(path);
  const opened = Number(process.hrtime.bigint() - t0) / 1e9;
  let check = k.attentionLayers.length;
  let shape = [];
  if (kind === 'extract') {
    const t = k.readWeight(dataset);
    shape = [...t.shape];
    check = 0;
    for (let i = 0; i < t.data.length; i += 97) check += t.data[i];
  }
  k.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ seconds, opened, cold, peakRssMB: peakRssMB(), check, shape }));
  process.exit(0);
}

// A Keras 2.2.4 full save (embedding rows x cols, Bidirectional GRU, AttLayer, Dense),
// written in 20000-row blocks so python's own memory stays small, and its .keras zip.
const WRITE_MODEL = `
import h5py, json, sys, time, zipfile
import numpy as np
path, zpath, rows, cols = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = time.perf_counter()
def names(g, key, items): g.attrs[key] = np.array([s.encode() for s in items])
cfg = {"class_name": "Model", "config": {"name": "model_1", "layers": [
  {"name": "input_1", "class_name": "InputLayer", "config": {"name": "input_1"}},
  {"name": "embedding_1", "class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": rows, "output_dim": cols}},
  {"name": "bidirectional_1", "class_name": "Bidirectional", "config": {"name": "bidirectional_1", "layer": {"class_name": "GRU", "config": {"name": "gru_1", "units": 100}}}},
  {"name": "att_layer_1", "class_name": "AttLayer", "config": {"name": "att_layer_1"}},
  {"name": "dense_1", "class_name": "Dense", "config": {"name": "dense_1", "units": 2}}]}}
rng = np.random.default_rng(7)
with h5py.File(path, "w") as f:
    f.attrs["keras_version"] = b"2.2.4"; f.attrs["backend"] = b"tensorflow"; f.attrs["model_config"] = json.dumps(cfg).encode()
    mw = f.create_group("model_weights")
    names(mw, "layer_names", ["input_1", "embedding_1", "bidirectional_1", "att_layer_1", "dense_1"])
    mw.create_group("input_1").attrs["weight_names"] = np.array([])  # float64 (0,), as Keras writes []
    g = mw.create_group("embedding_1"); names(g, "weight_names", ["embedding_1/embeddings:0"])
    d = g.create_dataset("embedding_1/embeddings:0", (rows, cols), "<f4")
    for r in range(0, rows, 20000):
        k = min(20000, rows - r)
        d[r:r + k] = np.random.default_rng(r).standard_normal((k, cols), dtype=np.float32)
    g = mw.create_group("bidirectional_1")
    ws = [("bidirectional_1/%s_gru_1/%s:0" % (s, n), shp) for s in ("forward", "backward") for n, shp in (("kernel", (cols, 300)), ("recurrent_kernel", (100, 300)), ("bias", (300,)))]
    names(g, "weight_names", [n for n, _ in ws])
    for n, shp in ws: g.create_dataset(n, data=rng.standard_normal(shp, dtype=np.float32))
    g = mw.create_group("att_layer_1"); names(g, "weight_names", ["att_layer_1/W:0", "att_layer_1/b:0", "att_layer_1/u:0"])
    for n, shp in (("W", (200, 100)), ("b", (100,)), ("u", (100, 1))): g.create_dataset("att_layer_1/%s:0" % n, data=rng.standard_normal(shp, dtype=np.float32))
    g = mw.create_group("dense_1"); names(g, "weight_names", ["dense_1/kernel:0", "dense_1/bias:0"])
    g.create_dataset("dense_1/kernel:0", data=rng.standard_normal((200, 2), dtype=np.float32)); g.create_dataset("dense_1/bias:0", data=np.zeros(2, "<f4"))
with zipfile.ZipFile(zpath, "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.4.1", "date_saved": "2026-11-21@10:00:00"}))
    z.writestr("config.json", json.dumps(cfg))
    z.write(path, "model.weights.h5")
print(json.dumps({"seconds": time.perf_counter() - t}))`;

// --- the driver ----------------------------------------------------------------------------
const here = fileURLToPath(import.meta.url);
const MB = Number(process.env.KERAS_BENCH_MB ?? 500);
const rows = Math.round((MB * 1e6) / (COLS * 4));
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-keras-'));
const { bavail, bsize } = statfsSync(dir);
const freeGB = (bavail * bsize) / 2 ** 30;

function run(kind, path, dataset = '') {
  const r = spawnSync(process.execPath, [here, '--case', kind, path, dataset], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const line = (what, r) => {
  const cold = r.cold === undefined ? '' : `  (first open in the process: ${fmt(r.cold, 3)} s)`;
  console.log(`${what.padEnd(58)} ${fmt(r.seconds, 3).padStart(7)} s  peak RSS ${fmt(r.peakRssMB, 0).padStart(5)} MB${cold}`);
  return r;
};
const ratio = (a, b, what) => console.log(`  attnlens / h5py ${what}: ${fmt(a.seconds / b.seconds, 2)}x time, ${fmt(a.peakRssMB / b.peakRssMB, 2)}x peak RSS`);

/**
 * Cold start, as a user meets it: `attnlens inspect` of a 1 MB Keras file, the whole
 * command (Node start-up, module loading, the HDF5 wasm compile, the attention layers
 * found), beside a whole python3 process importing h5py and listing the same layers and
 * weight shapes. Best and median of 7 runs each, interleaved so load changes hit both.
 */
function inspectRows() {
  const small = join(dir, 'small.h5');
  runPython(WRITE_MODEL, [small, join(dir, 'small.keras'), '1500', '100']);
  const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
  const listing = 'import h5py, sys\nwith h5py.File(sys.argv[1], "r") as f:\n    mw = f["model_weights"]\n    for n in mw.attrs["layer_names"]:\n        g = mw[n.decode()]\n        print(n.decode(), [(w.decode(), g[w.decode()].shape) for w in g.attrs["weight_names"]])';
  const a = [], p = [];
  for (let i = 0; i < 7; i++) {
    a.push(timeProcess(process.execPath, [bin, 'inspect', small]));
    p.push(timeProcess(PY, ['-c', listing, small]));
  }
  if (!/att_layer_1/.test(a[0].stdout) || !/att_layer_1/.test(p[0].stdout)) throw new Error('inspect: att_layer_1 not listed');
  const stat = (rs) => { const s = rs.map((r) => r.seconds).sort((x, y) => x - y); return { best: s[0], median: s[3], rss: Math.max(...rs.map((r) => r.peakRssMB)) }; };
  const [sa, sp] = [stat(a), stat(p)];
  console.log(`inspect a ${fmt(statSync(small).size / 1e6, 1)} MB Keras file, whole command (7 runs each; ${loadLine()}):`);
  console.log(`  attnlens inspect                      best ${fmt(sa.best, 3)} s  median ${fmt(sa.median, 3)} s  peak RSS ${fmt(sa.rss, 0)} MB`);
  console.log(`  python3 -c 'import h5py; ...' listing  best ${fmt(sp.best, 3)} s  median ${fmt(sp.median, 3)} s  peak RSS ${fmt(sp.rss, 0)} MB`);
  console.log(`  attnlens / h5py: ${fmt(sa.best / sp.best, 2)}x (best), ${fmt(sa.median / sp.median, 2)}x (median) time`);
}

try {
  if (!havePython('h5py', 'numpy')) {
    console.log('skipped: the file is written with Debian\'s /usr/bin/python3 h5py, which is not installed');
    process.exit(0);
  }
  if (freeGB < (MB * 2.2) / 1024) throw new Error(`need ${fmt((MB * 2.2) / 1024)} GiB free in ${dir}`);
  const h5 = join(dir, 'model.h5');
  const zip = join(dir, 'model.keras');
  inspectRows();
  if (process.env.KERAS_BENCH_ONLY === 'inspect') {
    rmSync(dir, { recursive: true, force: true }); // process.exit skips the finally below
    process.exit(0);
  }
  const made = runPython(WRITE_MODEL, [h5, zip, String(rows), String(COLS)]);
  const size = statSync(h5).size;
  console.log(`wrote ${fmt(size / 1e6, 0)} MB (${rows} x ${COLS} float32 embedding + GRU, AttLayer, Dense) and its .keras zip in ${fmt(made.seconds, 1)} s; temp dir ${dir}`);

  const h5pyCase = (what) => runPython(`
import h5py, json, sys, time
import numpy as np
t = time.perf_counter()
with h5py.File(sys.argv[1], "r") as f:
    mw = f["model_weights"]
    layers = [n.decode() for n in mw.attrs["layer_names"]]
    shapes = {n: [mw[n][w.decode()].shape for w in mw[n].attrs["weight_names"]] for n in layers}
    a = mw[sys.argv[2]][()] if sys.argv[2] else None  # one read into a new array, as readWeight does
    check = float(a.reshape(-1)[::97].astype("f8").sum()) if a is not None else 0.0
print(json.dumps({"seconds": time.perf_counter() - t, "check": check}))`, [h5, what]);

  const open = line('attnlens open + find attention (inspect)', run('open', h5));
  const w = line('attnlens open + extract AttLayer W (200, 100)', run('extract', h5, W_PATH));
  const big = line(`attnlens open + extract the embedding (${rows}, ${COLS}), ${fmt(size / 1e6, 0)} MB`, run('extract', h5, EMB_PATH));
  const zw = line('attnlens open .keras (copies weights out) + extract W', run('extract', zip, W_PATH));
  const pOpen = line('h5py open + layer_names + every weight shape', h5pyCase(''));
  const pW = line('h5py open + read AttLayer W', h5pyCase(W_PATH.replace('model_weights/', '')));
  const pBig = line('h5py open + read the embedding', h5pyCase(EMB_PATH.replace('model_weights/', '')));
  for (const [a, b, what] of [[w, pW, 'W'], [big, pBig, 'embedding']]) {
    if (Math.abs(a.check - b.check) > 1e-3 * Math.max(1, Math.abs(b.check))) throw new Error(`${what}: attnlens read ${a.check}, h5py ${b.check}`);
  }
  console.log('  (values checked: attnlens and h5py read the same W and embedding)');
  ratio(open, pOpen, 'open');
  ratio(w, pW, 'open + extract W');
  ratio(big, pBig, 'open + extract the embedding');
  console.log(`  .keras: ${fmt(zw.opened, 2)} s of ${fmt(zw.seconds, 2)} s is copying ${fmt(size / 1e6, 0)} MB out of the zip (${fmt(size / MiB / zw.opened, 0)} MB/s), at flat memory`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
