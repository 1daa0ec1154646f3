// The main entry runs in a browser: nothing reachable from src/index.ts may import Node built-ins.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const specs = (file: string) => [...readFileSync(SRC + file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('browser safety of @attnlens/layers', () => {
  it('src/index.ts reaches only itself and @attnlens/core', () => {
    const files = new Set<string>();
    const external = new Set<string>();
    const todo = ['index.ts'];
    while (todo.length) {
      const f = todo.pop()!;
      if (files.has(f)) continue;
      files.add(f);
      for (const s of specs(f)) {
        if (s.startsWith('./')) todo.push(s.slice(2).replace(/\.js$/, '.ts'));
        else external.add(s);
      }
    }
    expect(files.has('node.ts')).toBe(false);
    expect([...external].sort()).toEqual(['@attnlens/core']);
  });
});
