// The main entry runs in a browser: nothing reachable from src/index.ts may import Node
// built-ins; worker threads and files live behind the ./node subpath.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const specs = (file: string) => [...readFileSync(SRC + file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

function reachable(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const s of specs(f)) {
      if (s.startsWith('./')) todo.push(s.slice(2).replace(/\.js$/, '.ts'));
      else external.add(s);
    }
  }
  return { files, external };
}

describe('browser safety of @attnlens/attention', () => {
  it('src/index.ts reaches only browser-safe modules', () => {
    const { files, external } = reachable('index.ts');
    expect(files.has('node.ts')).toBe(false);
    expect(files.has('worker-pool.ts')).toBe(false);
    expect(files.has('scores-wasm.ts')).toBe(true);
    expect([...external].sort()).toEqual(['@attnlens/core', '@attnlens/text']);
  });

  it('the Node-only imports are in node.ts, worker-pool.ts and worker.ts', () => {
    const { external } = reachable('node.ts');
    expect([...external].filter((s) => s.startsWith('node:')).sort()).toEqual(['node:os', 'node:worker_threads']);
    expect(external.has('@attnlens/npy/node')).toBe(true);
    expect(specs('worker.ts')).toContain('node:worker_threads');
  });
});
