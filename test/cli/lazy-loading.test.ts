// Cold start: a command loads only its own modules and those of the format it meets
// (apps/cli/src/commands/index.ts, formats/index.ts). The CLI runs with a module hook that
// logs every URL it resolves, so the test sees what was really loaded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAZY_FORMATS } from 'attnlens/dist/formats/index.js';
import { cli } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const HOOK = `export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;
const NODE_OPTIONS = `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`;

function loaded(args: string[]): { code: number; stdout: string; urls: string[] } {
  const r = cli(args, { env: { NODE_OPTIONS } });
  const urls = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  return { code: r.code, stdout: r.stdout, urls };
}
const SAMPLES = join(REPO, 'apps', 'cli', 'samples');
const any = (urls: string[], part: string) => urls.some((u) => u.includes(part));

describe('attnlens CLI: lazy loading', () => {
  it('inspect of an .npy loads no other command, no other format handler, no h5wasm, renderer or engine', () => {
    const r = loaded(['inspect', join(SAMPLES, 'han', 'word_lengths.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NumPy \.npy, int32/);
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
