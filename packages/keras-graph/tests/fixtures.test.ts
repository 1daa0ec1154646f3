// Every fixture model of scripts/make-fixtures.py run to its taps, against NumPy's answers
// (keras_ref.py / han_ref.py), to 1e-5.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toFloat64 } from '@attnlens/core';
import { openKeras } from '@attnlens/keras/node';
import { readNpyFile } from '@attnlens/npy/node';
import { loadModel, type Tap } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

interface Case { file: string; config?: string; inputs: string[]; taps: { layer: string; what: Tap['what']; expected: string }[] }

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('fixture models against NumPy', () => {
  for (const name of readdirSync(FIXTURES)) {
    const dir = join(FIXTURES, name);
    const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
    it(`${name}: ${c.taps.map((t) => `${t.layer} ${t.what}`).join(', ')}`, async () => {
      const k = await openKeras(join(dir, c.file));
      try {
        const config = c.config ? JSON.parse(readFileSync(join(dir, c.config), 'utf8')) : undefined;
        const m = loadModel(k, config === undefined ? {} : { config });
        const inputs = await Promise.all(c.inputs.map((f) => readNpyFile(join(dir, f))));
        const got = m.run(inputs, c.taps.map(({ layer, what }) => ({ layer, what })));
        for (const [i, t] of c.taps.entries()) {
          const want = await readNpyFile(join(dir, t.expected));
          expect(got[i]!.value.shape, `${t.layer} ${t.what}`).toEqual(want.shape);
          expect(maxAbsDiff(toFloat64(got[i]!.value), toFloat64(want)), `${t.layer} ${t.what}`).toBeLessThan(1e-5);
        }
      } finally {
        k.close();
      }
    });
  }
});
