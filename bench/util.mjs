// Shared by the benchmarks: timing, peak RSS of this process and of children, and
// Debian's python3 for the NumPy/matplotlib comparison runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export const PY = '/usr/bin/python3';

/** Peak resident set size of this process so far, in MB (VmHWM). */
export function peakRssMB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.memoryUsage().rss / 1048576;
}

export async function time(fn) {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, result: r };
}

/** Does Debian's python3 have these modules? */
export function havePython(...modules) {
  if (!existsSync(PY)) return false;
  const r = spawnSync(PY, ['-c', modules.map((m) => `import ${m}`).join(';') || 'pass']);
  return r.status === 0;
}

/** Run a python snippet; it must print one JSON line last. Returns it, plus the child's peak RSS in MB. */
export function runPython(code, args = []) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', PY, '-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { ...JSON.parse(lines[lines.length - 1]), peakRssMB: rssKb / 1024 };
}

export function fmt(n, digits = 1) {
  return Number(n).toFixed(digits);
}

/**
 * Run a whole command, start-up included, `repeat` times in a row: wall seconds of each run
 * (best and median) and the peak RSS of the best run in MB (GNU time's %M). Throws on a
 * non-zero exit.
 */
export function timeProcess(cmd, args, { repeat = 1 } = {}) {
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    runs.push({ seconds, peakRssMB: Number(r.stderr.trim().split('\n').pop()) / 1024, stdout: r.stdout });
  }
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[0], median: sorted[Math.floor(sorted.length / 2)].seconds, runs: runs.length };
}

/**
 * `cmd args` under GNU time, not waiting for it (for processes run at once): resolves its wall
 * seconds, peak RSS in MB and CPU seconds (user + system, all threads); rejects with its stderr.
 */
export function spawnTimed(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')}: ${err}`));
      const [rss, user, sys] = err.trim().split('\n').pop().split(' ').map(Number);
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, rssMB: rss / 1024, cpu: user + sys });
    });
  });
}

/** The load average, for the output: benches on a shared machine say how busy it was. */
export function loadLine() {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/**
 * The benches' one document generator: `n` documents of one `T`-token word-attention map (a
 * softmax of exp(3·u), u from a seeded LCG), labelled pos/neg at random, written to `path` as an
 * .attn.pb stream in 16 MB pieces (a million documents never sit in memory). `token(i, t)` names
 * token t of document i; `predicted` adds a random predicted label; `name` names the map.
 * Returns the file's size in bytes.
 */
export async function writeBenchDocuments(path, n, { T = 50, seed = 42, token = (i, t) => `w${(i + t) % 97}`, predicted = false, name } = {}) {
  const { encodeDocumentDelimited, encodeHeader } = await import('../packages/core/dist/index.js');
  const { closeSync, openSync, statSync, writeSync } = await import('node:fs');
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const fd = openSync(path, 'w');
  let parts = [encodeHeader({ generator: 'bench' })];
  let bytes = 0;
  const flush = () => {
    writeSync(fd, Buffer.concat(parts));
    parts = [];
    bytes = 0;
  };
  try {
    for (let i = 0; i < n; i++) {
      const w = new Float32Array(T);
      let z = 0;
      for (let t = 0; t < T; t++) z += w[t] = Math.exp(3 * rand());
      for (let t = 0; t < T; t++) w[t] /= z;
      const trueLabel = rand() < 0.5 ? 'pos' : 'neg';
      const doc = { id: `s${i}`, trueLabel, ...(predicted ? { predictedLabel: rand() < 0.5 ? 'pos' : 'neg' } : {}), maps: [{ shape: [T], weights: w, colLabels: Array.from({ length: T }, (_, t) => token(i, t)), ...(name ? { name } : {}) }] };
      const b = encodeDocumentDelimited(doc);
      parts.push(b);
      if ((bytes += b.length) > 16 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}
