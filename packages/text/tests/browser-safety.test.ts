// The main entry runs in a browser: nothing reachable from src/index.ts may import Node
// built-ins; file loading lives behind the ./node subpath.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const specs = (file: string) => [...readFileSync(SRC + file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

function external(entry: string): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const s of specs(f)) {
      if (s.startsWith('./')) todo.push(s.slice(2).replace(/\.js$/, '.ts'));
      else out.add(s);
    }
  }
  return out;
}

describe('browser safety of @attnlens/text', () => {
  it('src/index.ts reaches only @attnlens/core', () => {
    expect([...external('index.ts')].sort()).toEqual(['@attnlens/core']);
  });
  it('node.ts adds the file reading', () => {
    expect([...external('node.ts')].sort()).toEqual(['@attnlens/core', '@attnlens/core/node', 'node:fs/promises']);
  });
});
