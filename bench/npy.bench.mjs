// @attnlens/npy: MB/s and peak RSS for writing a 1 GiB float32 .npy (streamed and
// whole), reading it whole and streamed by rows, and streaming a 4 GiB file; the same
// work in NumPy (np.save, np.load, np.load(mmap_mode='r') in row chunks) for ratios.
// Every case runs in its own process, so its peak RSS is its own. Files live in a
// temp dir and are deleted at the end. Reads hit a warm page cache (just written), for
// attnlens and NumPy alike. `NPY_BENCH_GB=0.25 pnpm bench npy` for a quicker run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, havePython, peakRssMB, runPython } from './util.mjs';

const COLS = 1024; // float32 columns per row: 4 KiB rows
const ROWS_PER_CHUNK = 4096; // 16 MiB per streamed chunk
const MiB = 1 << 20;

// --- one case, in a child process --------------------------------------------------------
if (process.argv[2] === '--case') {
  const [, , , kind, path, rowsArg] = process.argv;
  const rows = Number(rowsArg);
  const { createNpyWriter, openNpy, readNpyFile, writeNpyFile } = await import('../packages/npy/dist/node.js');
  const t0 = process.hrtime.bigint();
  let check = 0;
  if (kind === 'write-stream') {
    const block = new Float32Array(ROWS_PER_CHUNK * COLS).map((_, i) => (i % 9973) * 1e-3);
    const w = await createNpyWriter(path, 'float32', [COLS]);
    for (let r = 0; r < rows; r += ROWS_PER_CHUNK) {
      const k = Math.min(ROWS_PER_CHUNK, rows - r);
      await w.write({ dtype: 'float32', shape: [k, COLS], data: k === ROWS_PER_CHUNK ? block : block.subarray(0, k * COLS) });
    }
    await w.close();
  } else if (kind === 'write-whole') {
    const data = new Float32Array(rows * COLS);
    for (let i = 0; i < data.length; i++) data[i] = (i % 9973) * 1e-3; // every page resident, as np.save's array is
    const t1 = process.hrtime.bigint();
    await writeNpyFile(path, { dtype: 'float32', shape: [rows, COLS], data });
    check = Number(process.hrtime.bigint() - t1) / 1e9; // time without the allocation
  } else if (kind === 'read-whole') {
    const t = await readNpyFile(path);
    check = t.data[t.data.length - 1];
  } else if (kind === 'read-stream') {
    const r = await openNpy(path);
    for await (const { tensor } of r.chunks(ROWS_PER_CHUNK)) {
      const d = tensor.data;
      for (let i = 0; i < d.length; i += 1024) check += d[i];
    }
    await r.close();
  }
  const seconds = kind === 'write-whole' ? check : Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ seconds, peakRssMB: peakRssMB(), check }));
  process.exit(0);
}

// --- the driver ----------------------------------------------------------------------------
const here = fileURLToPath(import.meta.url);
const GB = Number(process.env.NPY_BENCH_GB ?? 1);
const rows1 = Math.round((GB * 1024 * MiB) / (COLS * 4));
const rows4 = rows1 * 4;
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-npy-'));
const { bavail, bsize } = statfsSync(dir);
const freeGB = (bavail * bsize) / 2 ** 30;
// The 1 GiB file, its NumPy copy and the 4 GiB file exist one after another, never all at once.
const need4 = GB * 4 + 0.5;
console.log(`temp dir ${dir}: ${fmt(freeGB)} GiB free; files of ${GB} GiB (${rows1} x ${COLS} float32) and ${GB * 4} GiB; load average ${fmt(loadavg()[0])}`);
// NumPy asks for transparent huge pages on big arrays (madvise); a JS ArrayBuffer gets 4 KiB
// pages, so filling a fresh 1 GiB buffer costs more page faults. Streamed reads fault in one chunk at a time.


function run(kind, path, rows) {
  const r = spawnSync(process.execPath, [here, '--case', kind, path, String(rows)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const line = (what, bytes, r) => {
  const mbs = bytes / MiB / r.seconds;
  console.log(`${what.padEnd(52)} ${fmt(r.seconds, 2).padStart(6)} s  ${fmt(mbs, 0).padStart(6)} MB/s  peak RSS ${fmt(r.peakRssMB, 0).padStart(5)} MB`);
  return mbs;
};
const ratio = (a, b, what) => console.log(`  attnlens / NumPy ${what}: ${fmt(a / b, 2)}x speed`);

try {
  if (freeGB < GB * 2 + 0.5) throw new Error(`need ${GB * 2 + 0.5} GiB free in ${dir}`);
  const f1 = join(dir, 'one.npy');
  const bytes1 = rows1 * COLS * 4;
  const py = havePython('numpy');
  if (!py) console.log('(no /usr/bin/python3 with numpy: NumPy comparison skipped)');

  const ws = line('attnlens write, streamed (createNpyWriter)', bytes1, run('write-stream', f1, rows1));
  const ww = line('attnlens write, whole (writeNpyFile)', bytes1, run('write-whole', f1, rows1));
  const rw = line('attnlens read whole (readNpyFile)', statSync(f1).size, run('read-whole', f1, rows1));
  const rs = line(`attnlens read streamed (openNpy, ${ROWS_PER_CHUNK}-row chunks)`, statSync(f1).size, run('read-stream', f1, rows1));
  if (py) {
    const fp = join(dir, 'numpy.npy');
    const save = runPython(`
import numpy as np, time, json, sys
a = np.full((${rows1}, ${COLS}), 1.5, dtype='<f4')
t = time.perf_counter(); np.save(sys.argv[1], a); s = time.perf_counter() - t
print(json.dumps({'seconds': s}))`, [fp]);
    const load = runPython(`
import numpy as np, time, json, sys
t = time.perf_counter(); a = np.load(sys.argv[1]); s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'check': float(a[-1, -1])}))`, [f1]);
    const mm = runPython(`
import numpy as np, time, json, sys
t = time.perf_counter(); a = np.load(sys.argv[1], mmap_mode='r'); c = 0.0
for r in range(0, a.shape[0], ${ROWS_PER_CHUNK}):
    chunk = np.array(a[r:r + ${ROWS_PER_CHUNK}])  # an in-memory copy of the rows, as openNpy's readRows returns
    c += float(chunk[:, ::1024].sum())
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'check': c}))`, [f1]);
    rmSync(fp, { force: true });
    const nps = line('NumPy np.save (array already in memory)', bytes1, save);
    const npl = line('NumPy np.load', bytes1, load);
    const npm = line(`NumPy np.load(mmap_mode='r'), ${ROWS_PER_CHUNK}-row chunks`, bytes1, mm);
    ratio(ww, nps, 'write whole');
    ratio(ws, nps, 'streamed write vs np.save');
    ratio(rw, npl, 'read whole');
    ratio(rs, npm, 'streamed read vs mmap chunks');
  }
  rmSync(f1, { force: true });

  if (freeGB < need4) console.log(`skipping the ${GB * 4} GiB case: needs ${fmt(need4)} GiB free, have ${fmt(freeGB)}`);
  else {
    const f4 = join(dir, 'four.npy');
    const bytes4 = rows4 * COLS * 4;
    line(`attnlens write ${GB * 4} GiB, streamed`, bytes4, run('write-stream', f4, rows4));
    line(`attnlens read ${GB * 4} GiB streamed (constant memory)`, statSync(f4).size, run('read-stream', f4, rows4));
    rmSync(f4, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
