import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Canvas2D } from '../src/index.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Modules reachable from a file through static relative imports. */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(join(SRC, file), 'utf8');
  for (const m of src.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.\/[^']+)\.js'/gm)) reachable(`${m[1]!.slice(2)}.ts`, seen);
  return seen;
}

describe('browser safety', () => {
  it('the main entry reaches no Node module and no native canvas', () => {
    const files = reachable('index.ts');
    expect(files.has('node.ts')).toBe(false);
    expect(files.size).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(join(SRC, f), 'utf8');
      const specs = [...src.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const s of specs) expect(s.startsWith('.') || ['@attnlens/core', 'd3-scale-chromatic', 'd3-color'].includes(s), `${f} imports ${s}`).toBe(true);
    }
    expect(readdirSync(SRC).filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(files.size); // node.ts is the only extra
  });

  it('@napi-rs/canvas, browser and OffscreenCanvas contexts all fit the Canvas2D interface', () => {
    expectTypeOf<SKRSContext2D>().toMatchTypeOf<Canvas2D>();
    expectTypeOf<CanvasRenderingContext2D>().toMatchTypeOf<Canvas2D>();
    expectTypeOf<OffscreenCanvasRenderingContext2D>().toMatchTypeOf<Canvas2D>();
  });
});
