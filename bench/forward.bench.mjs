// @attnlens/layers: the issue-11 forward pass, a HAN word encoder Embedding(20000, 100) →
// Bidirectional(GRU(64, reset_after)) → AttLayer, over N=10000 reviews of T=100 token ids
// (lengths 20..100, post-padded with 0 = mask_zero), beside PyTorch CPU
// (torch.set_num_threads(2): nn.Embedding, nn.GRU(bidirectional) over packed sequences, the
// AttLayer maths) on the same weights and ids, in the same run. attnlens streams the ids in
// batches of 200 samples read from the .npy, on 2 worker threads (and on 1): the Embedding's
// table is projected through each direction's GRU input kernel once (rnnInputProjection), each
// batch is two runRnnProjected calls and @attnlens/attention's computeAttention. Prints time,
// CPU cores used, peak RSS and the ratio to PyTorch, and checks the weights against PyTorch's.
// `ATTN_BENCH_N=2000 pnpm bench forward` for a quicker run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fmt, havePython, peakRssMB, runPython } from './util.mjs';

const N = Number(process.env.ATTN_BENCH_N ?? 10000);
const T = 100, VOCAB = 20000, E = 100, U = 64, A = 100, BATCH = 200;
const here = fileURLToPath(import.meta.url);

// --- a worker: batches index, index + count, ... ---------------------------------------------
async function encodeBatches({ dir, index, count }) {
  const L = await import('../packages/layers/dist/index.js');
  const { prepareKernel, computeAttention } = await import('../packages/attention/dist/index.js');
  const { readNpyFile, openNpy } = await import('../packages/npy/dist/node.js');
  const load = async (k) => (await readNpyFile(join(dir, `${k}.npy`))).data;
  const table = await load('embedding');
  const dirs = [];
  for (const d of ['forward', 'backward']) {
    const w = { kernel: await load(`${d}_kernel`), recurrentKernel: await load(`${d}_recurrent_kernel`), bias: await load(`${d}_bias`) };
    const o = { cell: 'gru', units: U, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true, returnSequences: true,
      goBackwards: d === 'backward', maskedOutput: 'zero' }; // Bidirectional forces zero_output_for_mask (README)
    dirs.push({ w, o, projected: L.rnnInputProjection(table, VOCAB, E, w, o) });
  }
  const kernel = prepareKernel({ variant: 'attlayer', ...Object.fromEntries(await Promise.all(['W', 'b', 'u'].map(async (k) => [k, await readNpyFile(join(dir, `att_${k}.npy`))]))) });
  const ids = await openNpy(join(dir, 'ids.npy'));
  const expected = await openNpy(join(dir, 'torch_weights.npy'));
  let maxDiff = 0;
  // One set of buffers per worker, reused by every batch (the last batch may be shorter).
  const bufs = (n) => ({ xp: new Float32Array(n * T * 3 * U), out: dirs.map(() => new Float32Array(n * T * U)), x: new Float32Array(n * T * 2 * U) });
  let buf = bufs(BATCH);
  for (let start = index * BATCH; start < N; start += count * BATCH) {
    const n = Math.min(BATCH, N - start);
    if (n !== BATCH) buf = bufs(n);
    const idData = (await ids.readRows(start, n)).data;
    const mask = new Uint8Array(n * T);
    const lengths = new Int32Array(n);
    for (let i = 0; i < n * T; i++) if ((mask[i] = idData[i] !== 0 ? 1 : 0)) lengths[Math.floor(i / T)]++;
    const [fw, bw] = dirs.map((d, k) => L.runRnnProjected(L.embedding(idData, d.projected, VOCAB, 3 * U, buf.xp), n, T, mask, d.w, { ...d.o, output: buf.out[k] }).output);
    // Bidirectional: concat([y, reverse(y_rev, time)]).
    const x = buf.x;
    for (let b = 0; b < n; b++) {
      for (let t = 0; t < T; t++) {
        x.set(fw.subarray((b * T + t) * U, (b * T + t + 1) * U), (b * T + t) * 2 * U);
        x.set(bw.subarray((b * T + T - 1 - t) * U, (b * T + T - t) * U), (b * T + t) * 2 * U + U);
      }
    }
    const a = computeAttention(kernel, { dtype: 'float32', shape: [n, T, 2 * U], data: x }, { lengths });
    const e = (await expected.readRows(start, n)).data;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
  }
  await ids.close();
  await expected.close();
  return { maxDiff };
}

// --- the driver ----------------------------------------------------------------------------------
const TORCH = String.raw`
import json, sys, time
import numpy as np, torch
d, N, T, U, B = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(2)
L = lambda k: torch.from_numpy(np.load(f"{d}/{k}.npy"))
emb = torch.nn.Embedding.from_pretrained(L("embedding"))
gru = torch.nn.GRU(emb.embedding_dim, U, batch_first=True, bidirectional=True)
def keras_to_torch(k):  # Keras z,r,h columns -> torch r,z,n rows
    z, r, h = torch.split(k, U, dim=-1)
    return torch.cat([r, z, h], dim=-1).T.contiguous()
with torch.no_grad():
    for sfx, dname in (("", "forward"), ("_reverse", "backward")):
        getattr(gru, "weight_ih_l0" + sfx).copy_(keras_to_torch(L(dname + "_kernel")))
        getattr(gru, "weight_hh_l0" + sfx).copy_(keras_to_torch(L(dname + "_recurrent_kernel")))
        b = L(dname + "_bias").reshape(2, 3 * U)
        getattr(gru, "bias_ih_l0" + sfx).copy_(keras_to_torch(b[0]))
        getattr(gru, "bias_hh_l0" + sfx).copy_(keras_to_torch(b[1]))
W, bb, u = L("att_W"), L("att_b"), L("att_u").reshape(-1)
ids = np.load(f"{d}/ids.npy", mmap_mode="r")
out = np.lib.format.open_memmap(f"{d}/torch_weights.npy", mode="w+", dtype=np.float32, shape=(N, T))
t0, c0 = time.time(), time.process_time()
with torch.no_grad():
    for s in range(0, N, B):
        x = torch.from_numpy(np.ascontiguousarray(ids[s:s + B])).long()
        mask = (x != 0)
        lengths = mask.sum(1)
        packed = torch.nn.utils.rnn.pack_padded_sequence(emb(x), lengths, batch_first=True, enforce_sorted=False)
        h, _ = torch.nn.utils.rnn.pad_packed_sequence(gru(packed)[0], batch_first=True, total_length=T)
        a = torch.exp(torch.tanh(h @ W + bb) @ u) * mask       # AttLayer: exp(ait) * mask / (sum + eps)
        out[s:s + B] = (a / (a.sum(1, keepdim=True) + 1e-7)).numpy()
seconds, cpu = time.time() - t0, time.process_time() - c0
out.flush()
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu}))
`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-forward-'));
  try {
    const { createNpyWriter, writeNpyFile } = await import('../packages/npy/dist/node.js');
    let seed = 2024;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const save = (k, shape, scale) => writeNpyFile(join(dir, `${k}.npy`), { dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rnd() * scale) });
    await save('embedding', [VOCAB, E], 0.5);
    for (const d of ['forward', 'backward']) {
      await save(`${d}_kernel`, [E, 3 * U], 0.2);
      await save(`${d}_recurrent_kernel`, [U, 3 * U], 0.2);
      await save(`${d}_bias`, [2, 3 * U], 0.1);
    }
    await save('att_W', [2 * U, A], 0.15);
    await save('att_b', [A], 0.1);
    await save('att_u', [A, 1], 0.3);
    const w = await createNpyWriter(join(dir, 'ids.npy'), 'int32', [T]);
    const block = new Int32Array(BATCH * T);
    for (let s = 0; s < N; s += BATCH) {
      const n = Math.min(BATCH, N - s);
      block.fill(0);
      for (let b = 0; b < n; b++) {
        const len = 20 + Math.floor(((rnd() + 1) / 2) * 81);
        for (let t = 0; t < Math.min(len, T); t++) block[b * T + t] = 1 + Math.floor(((rnd() + 1) / 2) * (VOCAB - 1)) % (VOCAB - 1);
      }
      await w.write({ dtype: 'int32', shape: [n, T], data: block.subarray(0, n * T) });
    }
    await w.close();
    const gflop = (2 * N * T * (2 * (U * 3 * U)) + 2 * N * T * 2 * U * A) / 1e9;
    console.log(`HAN encoder: Embedding(${VOCAB}, ${E}) → BiGRU(${U}+${U}, reset_after) → AttLayer(${A}); N=${N}, T=${T}, batches of ${BATCH}; ${fmt(gflop, 1)} GFLOP after the embedding projection; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
    if (!havePython('numpy', 'torch')) {
      console.log('(Debian python3 with numpy and torch not found: no PyTorch comparison, and no check of the results)');
      return;
    }
    const torch = runPython(TORCH, [dir, String(N), String(T), String(U), String(BATCH)]);
    console.log(`${'PyTorch CPU, 2 threads'.padEnd(34)} ${fmt(torch.seconds, 2).padStart(6)} s  ${fmt(torch.cpuSeconds / torch.seconds, 2)} cores  peak RSS ${fmt(torch.peakRssMB, 0).padStart(5)} MB  CPU ${fmt(torch.cpuSeconds, 1)} s`);
    for (const workers of [2, 1]) {
      const r = spawnSync(process.execPath, [here, '--case', dir, String(workers)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`case workers=${workers} failed: ${r.stderr}`);
      const j = JSON.parse(r.stdout.trim().split('\n').pop());
      console.log(`${`attnlens, ${workers} worker thread${workers > 1 ? 's' : ''}`.padEnd(34)} ${fmt(j.seconds, 2).padStart(6)} s  ${fmt(j.cpuSeconds / j.seconds, 2)} cores  peak RSS ${fmt(j.peakRssMB, 0).padStart(5)} MB  CPU ${fmt(j.cpuSeconds, 1)} s  ${fmt(j.seconds / torch.seconds, 2)}× PyTorch's time (${fmt(j.cpuSeconds / torch.cpuSeconds, 2)}× its CPU)  max |Δ weight| ${j.maxDiff.toExponential(1)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- dispatch: worker, one case in a child process, or the driver ----------------------------
if (!isMainThread) {
  parentPort.postMessage(await encodeBatches(workerData));
} else if (process.argv[2] === '--case') {
  const [, , , dir, workersArg] = process.argv;
  const workers = Number(workersArg);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(Array.from({ length: workers }, (_, index) => new Promise((resolve, reject) => {
    const w = new Worker(here, { workerData: { dir, index, count: workers } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxDiff: Math.max(...results.map((r) => r.maxDiff)), peakRssMB: peakRssMB() }));
  process.exit(0);
} else {
  await main();
}
