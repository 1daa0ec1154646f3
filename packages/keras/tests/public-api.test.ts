// The package's two entries: the names the API contract promises, and a main entry that
// a browser can load (nothing reachable from src/index.ts imports a Node module).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

describe('public API', () => {
  it('exports what the contract names', () => {
    expect(Object.keys(main).sort()).toEqual(['classifyAttention', 'findAttentionLayers', 'looksLikeAttention', 'openKerasHdf5', 'parsePythonJson']);
    expect(Object.keys(node)).toEqual(['openKeras']);
  });

  it('the main entry reaches no Node module and no h5wasm build', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
        const [, , isType, spec] = m;
        if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
        else if (!isType && (spec!.startsWith('node:') || spec === 'h5wasm/node' || spec === 'h5wasm' || spec === 'fflate')) bad.push(`${file}: ${spec}`);
      }
    };
    visit(join(SRC, 'index.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(bad).toEqual([]);
    expect([...seen].some((f) => f.endsWith('keras-zip.ts') || f.endsWith('node.ts'))).toBe(false);
  });
});
