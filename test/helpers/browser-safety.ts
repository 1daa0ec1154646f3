// One browser-safety checker for every package: walks the ES module graph of a built entry
// (dist/*.js, what a bundler really follows) through relative imports and into other
// @attnlens packages' main entries, and reports every import a browser cannot load —
// a Node built-in (`node:fs`, or the bare `fs`), any package's `/node` subpath, or a
// third-party module that exists only for Node. Static and dynamic imports both count: a
// bundler resolves `import('node:fs')` too.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/** Third-party imports that only work in Node (native addons, Node builds). */
const NODE_ONLY_PACKAGES = ['@napi-rs/canvas', 'h5wasm/node', 'pngjs'];

const IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[^'"();]*?\sfrom\s*)?\(?\s*['"]([^'"]+)['"]/g;

export interface Violation {
  /** The file that holds the import, relative to the packages folder. */
  file: string;
  specifier: string;
}

export function importsOf(text: string): string[] {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...noComments.matchAll(IMPORT)].map((m) => m[1]!);
}

function nodeOnly(spec: string, alsoBanned: readonly string[]): boolean {
  if (alsoBanned.some((p) => spec === p || spec.startsWith(`${p}/`))) return true;
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (spec.startsWith('node:') || builtinModules.includes(bare.split('/')[0]!)) return true;
  if (/^@attnlens\/[^/]+\/node$/.test(spec)) return true;
  return NODE_ONLY_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
}

/**
 * Every Node-only import reachable from `entry`. `packagesDir` maps `@attnlens/x` to
 * `packagesDir/x/dist/index.js`; other bare imports are third-party and not followed.
 * `alsoBanned` adds modules a package keeps out of its main entry by design.
 */
export function nodeImportsReachable(entry: string, packagesDir: string, alsoBanned: readonly string[] = []): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  const todo = [resolve(entry)];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${file} is imported but missing: build the packages first`);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (nodeOnly(spec, alsoBanned)) out.push({ file: relative(packagesDir, file), specifier: spec });
      else if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else if (/^@attnlens\/[^/]+$/.test(spec)) todo.push(join(packagesDir, spec.slice('@attnlens/'.length), 'dist', 'index.js'));
    }
  }
  return out;
}
