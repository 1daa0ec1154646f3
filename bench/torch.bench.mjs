// @attnlens/torch: open a 500 MB checkpoint and extract one 16 MiB tensor: time and peak RSS,
// for a torch.save zip and the same tensors as safetensors; beside it in the same run,
// torch.load(..., map_location='cpu') (which reads every tensor) and a safetensors-style
// NumPy read (header parsed by hand, np.memmap of the one tensor, copied out). Every case
// runs in its own process, so its peak RSS is its own. The files are written by torch
// into a temp dir and removed at the end; reads hit a warm page cache (just written). Times
// start after imports on both sides (no process start, no `import torch`).
// `TORCH_BENCH_MB=100 pnpm bench torch` for a quicker run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, havePython, peakRssMB, PY, runPython } from './util.mjs';

const TARGET = 'layers.3.weight'; // (2048, 2048) float32, 16 MiB

// --- one attnlens case, in a child process ------------------------------------------------
if (process.argv[2] === '--case') {
  const [, , , kind, path] = process.argv;
  const { openTorchFile } = await import('../packages/torch/dist/node.js');
  const t0 = process.hrtime.bigint();
  const f = await openTorchFile(path);
  const opened = Number(process.hrtime.bigint() - t0) / 1e9;
  let check = 0;
  if (kind === 'extract') {
    const t = await f.readTensor(TARGET);
    check = t.data[t.data.length - 1];
  }
  await f.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ seconds, opened, peakRssMB: peakRssMB(), check, tensors: f.tensors.length }));
  process.exit(0);
}

// --- the driver -----------------------------------------------------------------------------
const here = fileURLToPath(import.meta.url);
const MB = Number(process.env.TORCH_BENCH_MB ?? 500);
if (!havePython('torch', 'numpy')) {
  console.log('torch: skipped (needs Debian\'s /usr/bin/python3 with torch and numpy to write the checkpoint)');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-torch-'));
const pt = join(dir, 'big.pt');
const st = join(dir, 'big.safetensors');

// A state_dict of ~MB megabytes: an embedding taking the bulk, eight (2048, 2048) layers, an attention head.
const WRITE = `
import json, struct, sys, torch, collections
mb, pt, st = float(sys.argv[1]), sys.argv[2], sys.argv[3]
sd = collections.OrderedDict()
layers = 8 * 16
rows = max(1, int((mb - layers) * 2**20 / (4 * 1024)))
sd['embedding.weight'] = torch.rand(rows, 1024)
for i in range(8):
    sd['layers.%d.weight' % i] = torch.rand(2048, 2048)
    sd['layers.%d.bias' % i] = torch.rand(2048)
sd['attn.weight'] = torch.rand(1, 2048)
sd['attn.bias'] = torch.rand(1)
torch.save(sd, pt)
header, blobs, off = {}, [], 0
for k, v in sd.items():
    b = v.numpy().tobytes()
    header[k] = {'dtype': 'F32', 'shape': list(v.shape), 'data_offsets': [off, off + len(b)]}
    blobs.append(b); off += len(b)
h = json.dumps(header).encode(); h += b' ' * (-len(h) % 8)
with open(st, 'wb') as f:
    f.write(struct.pack('<Q', len(h))); f.write(h)
    for b in blobs: f.write(b)
print(json.dumps({'last': float(sd['${TARGET}'].reshape(-1)[-1])}))
`;
const TORCH_LOAD = `
import json, sys, time, torch
t0 = time.perf_counter()
sd = torch.load(sys.argv[1], map_location='cpu')
t = sd['${TARGET}'].clone()
print(json.dumps({'seconds': time.perf_counter() - t0, 'check': float(t.reshape(-1)[-1])}))
`;
const NUMPY_MMAP = `
import json, struct, sys, time, numpy as np
t0 = time.perf_counter()
with open(sys.argv[1], 'rb') as f:
    n = struct.unpack('<Q', f.read(8))[0]
    header = json.loads(f.read(n))
e = header['${TARGET}']
b, end = e['data_offsets']
m = np.memmap(sys.argv[1], dtype='<f4', mode='r', offset=8 + n + b, shape=tuple(e['shape']))
t = np.array(m)
print(json.dumps({'seconds': time.perf_counter() - t0, 'check': float(t.reshape(-1)[-1])}))
`;

function ours(kind, path) {
  const r = spawnSync(process.execPath, [here, '--case', kind, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`attnlens ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

try {
  const w = runPython(WRITE, [String(MB), pt, st]);
  const size = (p) => statSync(p).size / 2 ** 20;
  console.log(`torch: ${fmt(size(pt))} MB torch.save zip and ${fmt(size(st))} MB safetensors, extracting ${TARGET} (2048, 2048) float32 (16 MiB)`);
  const rows = [
    ['attnlens inspect (open, list, no data)', ours('inspect', pt)],
    ['attnlens extract, torch zip', ours('extract', pt)],
    ['attnlens extract, safetensors', ours('extract', st)],
    ['torch.load(map_location=cpu) + index', runPython(TORCH_LOAD, [pt])],
    ['NumPy memmap of the safetensors tensor', runPython(NUMPY_MMAP, [st])],
  ];
  for (const [name, r] of rows) {
    if (!name.includes('inspect') && Math.fround(r.check) !== Math.fround(w.last)) throw new Error(`${name}: last value ${r.check}, torch wrote ${w.last}`);
    console.log(`  ${name.padEnd(42)} ${fmt(r.seconds, 3).padStart(7)} s  peak RSS ${fmt(r.peakRssMB).padStart(7)} MB`);
  }
  const [, zipX, stX, load, mmap] = rows.map((r) => r[1]);
  console.log(`  ratio: attnlens zip extract is ${fmt(load.seconds / zipX.seconds)}x faster than torch.load, with ${fmt(load.peakRssMB / zipX.peakRssMB)}x less peak RSS`);
  console.log(`  ratio: attnlens safetensors extract takes ${fmt(stX.seconds / mmap.seconds)}x the time of NumPy's memmap read, ${fmt(stX.peakRssMB / mmap.peakRssMB)}x its peak RSS`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
