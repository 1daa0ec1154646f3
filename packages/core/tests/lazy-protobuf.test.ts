// Node loads protobufjs only when .attn.pb is encoded or decoded (src/format/protobuf-node.ts):
// every package imports @attnlens/core for its errors and tensors, and a command that never
// touches .attn.pb (inspect, compute to .npy) should not pay ~40 ms for it (issue 15).
// Each case runs in a fresh Node process, so nothing else has loaded protobufjs before.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE = fileURLToPath(new URL('..', import.meta.url));

function run(code: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: CORE, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

const LOADED = `Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => k.includes('protobufjs'))`;

describe('protobufjs in Node', () => {
  it('is not loaded by importing the main entry, and is loaded by the first encode, which decodes back', () => {
    const out = run(`
      const core = await import('@attnlens/core');
      const before = ${LOADED};
      const bytes = core.encodeStream([{ id: 'a', maps: [{ name: 'm', shape: [2], weights: new Float32Array([0.25, 0.75]) }] }]);
      const back = core.decodeStream(bytes).documents[0].maps[0];
      console.log(JSON.stringify({ before, after: ${LOADED}, weights: [...back.weights], shape: back.shape }));`);
    expect(JSON.parse(out)).toEqual({ before: false, after: true, weights: [0.25, 0.75], shape: [2] });
  });
});
