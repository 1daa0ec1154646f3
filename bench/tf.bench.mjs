// @attnlens/tf: MB/s and peak RSS for reading a large TFRecord file of serialized
// alignment tensors (CRC-32C of every length and payload checked), plain and GZIP, and
// for turning it into alignment documents; plus the real nmt event file when
// ../shared is there. Each case runs in its own process, so its peak RSS is its own.
// Files live in a temp dir and are deleted at the end. `TF_BENCH_GB=0.25 pnpm bench tf`
// for a quicker run. No NumPy comparison: Debian's python3 has no TensorFlow or
// protobuf, and a pure-Python CRC-32C would measure Python's loops, not the format.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createReadStream } from 'node:fs';
import { fmt, peakRssMB } from './util.mjs';

const T = 50, B = 64, E = 40; // one record: a [T, B, E] float32 alignment_history.stack(), 500 KiB
const MiB = 1 << 20;

if (process.argv[2] === '--case') {
  const [, , , kind, path] = process.argv;
  const tf = await import('../packages/tf/dist/node.js');
  const t0 = process.hrtime.bigint();
  let n = 0;
  let bytes = 0;
  if (kind === 'read') {
    for await (const r of tf.readTFRecordFile(path)) {
      n++;
      bytes += r.payload.length;
    }
  } else if (kind === 'documents') {
    for await (const d of tf.tfDocuments(path)) {
      n++;
      bytes += d.maps[0].weights.length * 4;
    }
  } else if (kind === 'inspect') {
    const info = await tf.inspectTFFile(path);
    n = info.records;
  }
  console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMB: peakRssMB(), n, bytes }));
  process.exit(0);
}

const here = fileURLToPath(import.meta.url);
const GB = Number(process.env.TF_BENCH_GB ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'attnlens-bench-tf-'));
const run = (kind, path) => {
  const r = spawnSync(process.execPath, [here, '--case', kind, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

try {
  const { encodeTFRecord, encodeTensorProto } = await import('../packages/tf/dist/index.js');
  // Write the file: softmax-like rows so `documents` passes its layout check.
  const plain = join(dir, 'align.tfrecord');
  const records = Math.max(1, Math.round((GB * 1024 * MiB) / (T * B * E * 4)));
  const data = new Float32Array(T * B * E);
  for (let i = 0; i < data.length; i += E) for (let e = 0; e < E; e++) data[i + e] = e === (i / E) % E ? 0.61 : 0.01;
  const rec = encodeTFRecord(encodeTensorProto({ dtype: 'float32', shape: [T, B, E], data }));
  const out = createWriteStream(plain);
  const t0 = performance.now();
  for (let k = 0; k < records; k++) if (!out.write(rec)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const size = statSync(plain).size;
  console.log(`wrote ${records} records of float32 (${T}, ${B}, ${E}), ${fmt(size / MiB, 0)} MiB, in ${fmt((performance.now() - t0) / 1000, 2)} s`);

  const gz = join(dir, 'align.tfrecord.gz');
  await pipeline(createReadStream(plain), createGzip({ level: 1 }), createWriteStream(gz));
  const gzSize = statSync(gz).size;

  const rows = [];
  const rep = (label, r, mib) => rows.push(`${label.padEnd(44)} ${fmt(r.seconds, 2).padStart(7)} s ${fmt(mib / r.seconds, 0).padStart(6)} MiB/s  peak RSS ${fmt(r.peakRssMB, 0).padStart(5)} MB  (${r.n})`);
  rep(`read records, plain (${fmt(size / MiB, 0)} MiB)`, run('read', plain), size / MiB);
  rep(`read records, GZIP (${fmt(gzSize / MiB, 0)} MiB -> ${fmt(size / MiB, 0)} MiB)`, run('read', gz), size / MiB);
  rep('inspect (every record decoded to dtype/shape)', run('inspect', plain), size / MiB);
  rep(`documents: ${records * B} alignment maps`, run('documents', plain), size / MiB);
  const nmt = fileURLToPath(new URL('../../shared/fixtures/real/negahead-chichat-nmt/events.out.tfevents.1536594755.ubuntu', import.meta.url));
  if (existsSync(nmt)) rep('nmt event file: 114 PNG images -> maps (2.3 MB)', run('documents', nmt), statSync(nmt).size / MiB);
  console.log(rows.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
