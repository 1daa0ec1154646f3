// A temporary folder per test file (mkdtemp, removed after the file's tests), and writing files in it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface TempFolder {
  dir: string;
  /** The path of `name` in the folder. */
  path(name: string): string;
  /** Write `data` to `name` in the folder; returns its path. */
  write(name: string, data: Uint8Array | string): string;
}

/** A fresh folder named attnlens-PREFIX-XXXXXX under the system's temp folder, removed in afterAll. */
export function tempFolder(prefix: string): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), `attnlens-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => join(dir, name);
  return {
    dir,
    path,
    write(name, data) {
      writeFileSync(path(name), data);
      return path(name);
    },
  };
}
