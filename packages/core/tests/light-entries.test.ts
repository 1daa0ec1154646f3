// The worker entries @attnlens/core/tensor (src/lite.ts) and @attnlens/core/fs (src/fs.ts) exist so a worker
// starts without protobufjs (issue 15): nothing they reach may import the format or protobufjs, and what they
// export is the very same function as the main and /node entries (one implementation).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as node from '../src/node.js';
import * as lite from '../src/lite.js';
import * as fs from '../src/fs.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module specifier a source file's import/export statements reach, relative ones followed. */
function reachable(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1]!;
    out.push(spec);
    if (spec.startsWith('.')) out.push(...reachable(join(dirname(file), spec.replace(/\.js$/, '.ts')), seen));
  }
  return out;
}

describe('light core entries for workers', () => {
  it.each(['lite.ts', 'fs.ts'])('%s reaches neither protobufjs nor the format', (entry) => {
    const specs = reachable(join(SRC, entry));
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.filter((s) => s.includes('protobuf') || s.includes('format/') || s === 'long')).toEqual([]);
  });

  it('the walker does see protobufjs from the main entry (so the check above can fail)', () => {
    expect(reachable(join(SRC, 'index.ts')).some((s) => s.startsWith('protobufjs'))).toBe(true);
  });

  it('exports the same functions as the main and /node entries', () => {
    for (const [name, value] of Object.entries(lite)) expect((core as Record<string, unknown>)[name], name).toBe(value);
    for (const [name, value] of Object.entries(fs)) expect((node as Record<string, unknown>)[name], name).toBe(value);
    expect(Object.keys(lite)).toEqual(expect.arrayContaining(['fail', 'AttnlensError', 'isAttnlensError', 'tensor', 'validateMap', 'trimmed']));
    expect(Object.keys(fs)).toEqual(expect.arrayContaining(['atomicWriteFile', 'atomicWriteChunks', 'readRange', 'fsError']));
  });
});
