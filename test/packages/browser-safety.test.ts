// Every package's main entry (packages/*/dist/index.js) runs in a browser: nothing it reaches,
// transitively and across packages, may import a Node built-in, a /node subpath or a
// Node-only library. Node code lives behind each package's ./node subpath.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importsOf, nodeImportsReachable } from '../helpers/browser-safety.js';
import { REPO } from '../helpers/shared.js';

const PACKAGES = join(REPO, 'packages');
// Kept out of a main entry by design: @attnlens/keras takes the HDF5 module from its caller
// (openKerasHdf5's H5Module) and reads .keras zips only in ./node.
const ALSO_BANNED: Record<string, string[]> = { keras: ['h5wasm', 'fflate'] };
const names = readdirSync(PACKAGES).filter((p) => existsSync(join(PACKAGES, p, 'package.json'))).sort();

describe('browser safety of every package main entry', () => {
  it('finds the packages', () => {
    expect(names).toEqual(expect.arrayContaining(['attention', 'core', 'keras-graph', 'layers', 'text', 'tf', 'torch']));
  });

  it.each(names)('@attnlens/%s: dist/index.js reaches no Node-only import', (name) => {
    expect(nodeImportsReachable(join(PACKAGES, name, 'dist', 'index.js'), PACKAGES, ALSO_BANNED[name])).toEqual([]);
  });
});

describe('the checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlens-browser-safety-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads static, re-export and dynamic imports, not comments', () => {
    const text = "import { a } from './a.js';\nexport * from \"./b.js\";\nimport './side.js';\n// import 'node:fs';\nconst m = await import('node:os');\nexport { c } from '@attnlens/core';";
    expect(importsOf(text)).toEqual(['./a.js', './b.js', './side.js', 'node:os', '@attnlens/core']);
  });

  it('fails on a Node import two modules and one package away', () => {
    // packages/a/dist/index.js -> ./inner.js -> @attnlens/b -> b's ./deep.js -> fs, node:path, @attnlens/c/node
    const pkgs = join(dir, 'packages');
    for (const p of ['a', 'b']) mkdirSync(join(pkgs, p, 'dist'), { recursive: true });
    writeFileSync(join(pkgs, 'a', 'dist', 'index.js'), "export * from './inner.js';\n");
    writeFileSync(join(pkgs, 'a', 'dist', 'inner.js'), "import { x } from '@attnlens/b';\nexport const y = x;\n");
    writeFileSync(join(pkgs, 'b', 'dist', 'index.js'), "export { x } from './deep.js';\n");
    writeFileSync(join(pkgs, 'b', 'dist', 'deep.js'), "import { readFileSync } from 'fs';\nimport('node:path');\nimport '@attnlens/c/node';\nexport const x = 1;\n");
    expect(nodeImportsReachable(join(pkgs, 'a', 'dist', 'index.js'), pkgs)).toEqual([
      { file: join('b', 'dist', 'deep.js'), specifier: 'fs' },
      { file: join('b', 'dist', 'deep.js'), specifier: 'node:path' },
      { file: join('b', 'dist', 'deep.js'), specifier: '@attnlens/c/node' },
    ]);
    expect(nodeImportsReachable(join(pkgs, 'b', 'dist', 'index.js'), pkgs, ['@attnlens/c'])).toHaveLength(3);
    expect(nodeImportsReachable(join(pkgs, 'a', 'dist', 'inner.js'), pkgs, ['@attnlens/b'])).toEqual([{ file: join('a', 'dist', 'inner.js'), specifier: '@attnlens/b' }]);
  });
});
