// The main entry runs in a browser: no module it loads may import Node built-ins or
// Node-only packages (those live in src/node.ts, the ./node subpath).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function importsOf(file: string): string[] {
  const text = readFileSync(SRC + file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('browser safety of @attnlens/tf', () => {
  it('the modules reachable from src/index.ts import no Node built-ins, pngjs or node subpaths', () => {
    const seen = new Set<string>();
    const todo = ['index.ts'];
    const external = new Set<string>();
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of importsOf(f)) {
        if (spec.startsWith('./') || spec.startsWith('../')) {
          const rel = new URL(spec.replace(/\.js$/, '.ts'), `file:///x/${f}`).pathname.slice(3);
          todo.push(rel);
        } else external.add(spec);
      }
    }
    expect(seen.has('node.ts')).toBe(false);
    expect(seen.size).toBeGreaterThan(8);
    expect([...external].sort()).toEqual(['@attnlens/core', 'fflate', 'long', 'protobufjs']);
  });

  it('node.ts is where the Node-only imports are', () => {
    const imports = importsOf('node.ts');
    expect(imports).toContain('pngjs');
    expect(imports.some((s) => s.startsWith('node:'))).toBe(true);
    expect(readdirSync(SRC)).toContain('node.ts');
  });
});
