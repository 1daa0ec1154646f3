// Cold start: a command loads only its own modules and those of the format it meets
// (apps/cli/src/commands/index.ts, formats/index.ts). The CLI runs with a module hook that
// logs every URL it resolves, so the test sees what was really loaded. The CLI runs as its
// bundle (apps/cli/scripts/bundle.mjs): a bundle file loaded stands for the modules in it,
// which dist/bundle/modules.json lists.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor } from '@attnlens/core';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { commandOf } from 'attnlens/dist/commands/index.js';
import { LAZY_FORMATS } from 'attnlens/dist/formats/index.js';
import { cli } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const HOOK = `export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;
const NODE_OPTIONS = `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`;

const BUNDLE = join(REPO, 'apps', 'cli', 'dist', 'bundle');
const BUNDLED: Record<string, string[]> = JSON.parse(readFileSync(join(BUNDLE, 'modules.json'), 'utf8'));

function loaded(args: string[]): { code: number; stdout: string; urls: string[] } {
  const r = cli(args, { env: { NODE_OPTIONS } });
  const files = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  const urls = files.flatMap((u) => {
    const inBundle = u.startsWith(pathToFileURL(BUNDLE).href + '/') ? BUNDLED[u.slice(pathToFileURL(BUNDLE).href.length + 1)] : undefined;
    return inBundle ? [u, ...inBundle] : [u];
  });
  return { code: r.code, stdout: r.stdout, urls };
}
const SAMPLES = join(REPO, 'apps', 'cli', 'samples');
const any = (urls: string[], part: string) => urls.some((u) => u.includes(part));

describe('attnlens CLI: lazy loading', () => {
  it('inspect of an .npy loads no other command, no other format handler, no h5wasm, renderer or engine', () => {
    const r = loaded(['inspect', join(SAMPLES, 'han', 'word_lengths.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NumPy \.npy, int32/);
    expect(any(r.urls, '/apps/cli/dist/bundle/cli.js')).toBe(true); // the CLI runs as its bundle
    expect(any(r.urls, '/apps/cli/dist/commands/inspect.js')).toBe(true); // the hook does see the loads
    expect(any(r.urls, '/apps/cli/dist/formats/npy.js')).toBe(true);
    for (const part of ['/commands/compute.js', '/commands/render.js', '/formats/keras.js', '/formats/torch.js', '/formats/tf.js', 'h5wasm', '/packages/render/', '/packages/attention/', '@napi-rs']) {
      expect(any(r.urls, part), part).toBe(false);
    }
  });

  it('inspect of a Keras file loads the Keras handler and h5wasm, but no renderer', () => {
    const r = loaded(['inspect', join(SAMPLES, 'han', 'model.h5')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/att_layer_1/);
    expect(any(r.urls, 'h5wasm')).toBe(true);
    for (const part of ['/packages/render/', '@napi-rs', '/formats/torch.js', '/commands/report.js']) expect(any(r.urls, part), part).toBe(false);
  });

  it('inspect of a Keras file loads h5wasm\'s glue split from its WebAssembly, and no protobufjs (issue 15: start-up)', () => {
    const r = loaded(['inspect', join(SAMPLES, 'han', 'model.h5')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/forward pass: \d+ of \d+ layers run from the file/);
    // packages/keras/scripts/split-h5wasm.mjs (the build): not h5wasm/node's 4 MB file with the module as a string.
    expect(any(r.urls, '/packages/keras/dist/h5wasm/hdf5_util.js')).toBe(true);
    for (const part of ['h5wasm/dist/node/', 'protobufjs', 'fflate', '/packages/forward/dist/index.js', '/packages/forward/dist/inputs.js', '/packages/torch/', '/commands/compute.js']) expect(any(r.urls, part), part).toBe(false);
  });

  it('compute loads h5wasm only to open an HDF5 file (@attnlens/keras/node imports it on first use)', () => {
    const r = loaded(['compute', '--help']);
    expect(r.code).toBe(0);
    expect(any(r.urls, '/apps/cli/dist/commands/compute.js')).toBe(true);
    expect(any(r.urls, 'h5wasm')).toBe(false);
  });

  it('compute loads the model reader only for --model, and the forward path only without X (issue 15: start-up)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnlens-lazy-'));
    try {
      const S = join(SAMPLES, 'han');
      const r = loaded(['compute', '--model', join(S, 'model.h5'), '--layer', 'att_layer_2', '--inputs', join(S, 'sentence_inputs.npy'), '--out', join(dir, 'model.npy')]);
      expect(r.code).toBe(0);
      for (const part of ['/packages/forward/', '/packages/keras/', 'h5wasm']) expect(any(r.urls, part), part).toBe(true);
      expect(any(r.urls, '/commands/forward.js')).toBe(false);
      const w = join(dir, 'w');
      const bare = loaded(['compute', '--weights', [0, 1, 2].map((i) => join(w, `${i}.npy`)).join(','), '--inputs', join(S, 'sentence_inputs.npy'), '--out', join(dir, 'bare.npy')]);
      expect(bare.code).not.toBe(0); // the weight files do not exist: the command stops before any model code
      for (const part of ['/commands/forward.js', '/commands/torch-forward.js', '/packages/keras/', '/packages/keras-graph/', '/packages/forward/', '/packages/torch/', 'h5wasm']) {
        expect(any(bare.urls, part), part).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compute of X with bare weights to an .npy loads no protobufjs, model reader or forward path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnlens-lazy-npy-'));
    try {
      let seed = 15;
      const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
      const f32 = (shape: number[], scale: number) => tensor('float32', shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * scale));
      const files = { W: f32([6, 4], 0.5), b: f32([4], 0.1), u: f32([4, 1], 0.5), X: f32([3, 5, 6], 1) };
      for (const [name, t] of Object.entries(files)) await writeNpyFile(join(dir, `${name}.npy`), t);
      const out = join(dir, 'a.npy');
      const run = loaded(['compute', '--weights', ['W', 'b', 'u'].map((n) => join(dir, `${n}.npy`)).join(','), '--variant', 'attlayer', '--inputs', join(dir, 'X.npy'), '--out', out]);
      expect(run.code).toBe(0);
      expect((await readNpyFile(out)).shape).toEqual([3, 5]);
      expect(any(run.urls, '/packages/attention/')).toBe(true);
      for (const part of ['protobufjs', 'h5wasm', '/packages/keras/', '/packages/keras-graph/', '/packages/forward/', '/packages/torch/', '/packages/render/']) {
        expect(any(run.urls, part), part).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the command is the first argument naming one (cli.ts picks V8 flags by it, before loading anything)', () => {
    expect(commandOf(['node', 'bin.js', '--max-array-bytes', '5', 'inspect', 'compute.h5'])).toBe('inspect');
    expect(commandOf(['node', 'bin.js', 'compute', '--inputs', 'inspect'])).toBe('compute');
    expect(commandOf(['node', 'bin.js', '--help'])).toBeUndefined();
  });

  it('each registered stub says what its handler is: name, claims and the optional methods it has', async () => {
    expect(LAZY_FORMATS.map((f) => f.name)).toEqual(['attnlens', 'NumPy', 'Keras', 'TensorFlow', 'PyTorch']);
    for (const f of LAZY_FORMATS) {
      const h = await f.load();
      expect(h.name).toBe(f.name);
      expect([...h.claims]).toEqual([...f.claims]);
      expect((['extract', 'documents'] as const).filter((m) => typeof h[m] === 'function')).toEqual([...f.methods]);
    }
  });
});
