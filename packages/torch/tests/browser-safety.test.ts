// The main entry runs in a browser: nothing reachable from src/index.ts may import Node
// built-ins or a package's /node subpath; files on disk live behind ./node.
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

describe('browser safety of @attnlens/torch', () => {
  it('src/index.ts reaches only browser-safe modules', () => {
    const { files, external } = reachable('index.ts');
    expect(files.has('node.ts')).toBe(false);
    expect(files.has('pickle.ts')).toBe(true);
    // the chain runner's kernels: both packages' main entries are browser-safe themselves
    expect([...external].sort()).toEqual(['@attnlens/attention', '@attnlens/core', '@attnlens/layers', '@attnlens/npy']);
  });

  it('the Node-only imports are in node.ts', () => {
    expect(specs('node.ts').filter((s) => s.startsWith('node:') || s.endsWith('/node')).sort()).toEqual(['@attnlens/core/node', 'node:fs']);
  });
});
