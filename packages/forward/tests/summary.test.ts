// forwardSummary binds the model through shapesOnly (zeros of each weight's recorded shape) instead of
// reading every dataset (issue 15): it must say exactly what binding the real weights says, and read none.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { KerasFile } from '@attnlens/keras';
import { openKeras } from '@attnlens/keras/node';
import { forwardSummary, summaryOfModel, type ForwardSummary } from '../src/summary.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REAL = join(REPO, '..', 'shared', 'fixtures', 'real');
// Keras files of the shared corpus (read in place) beside the bundled HAN sample.
const FILES = [
  join(REPO, 'apps', 'cli', 'samples', 'han', 'model.h5'),
  ...['praveena-lstm-attention/final_model.h5', 'stylianosioannou-inm706/attention_model.h5', 'xingxiaoxuan-anomaly/attention_model.h5',
    'eindh-at-conv-lstm/model_0025-0.0035.h5', 'kevinlin19-thesis/model_attention.h5', 'mayuefine-amps/att.h5', 'dobiasd-frugally-deep/lstm.h5']
    .map((p) => join(REAL, p)),
].filter((p) => existsSync(p));

/** The summary the old way: the model bound to the weights read from the file (the truth here). */
const summaryReadingWeights = (k: KerasFile): ForwardSummary => summaryOfModel(k, k);

describe('forwardSummary reads no weight', () => {
  const open: KerasFile[] = [];
  afterAll(() => open.forEach((k) => k.close()));

  it('has files to check', () => {
    expect(FILES.length).toBeGreaterThan(0);
    if (process.env.CI || existsSync(REAL)) expect(FILES.length).toBeGreaterThanOrEqual(6);
  });

  it.each(FILES.map((f) => [relative(join(REPO, '..'), f)]))('%s: same summary as binding the real weights, no dataset read', async (short) => {
    const k = await openKeras(join(REPO, '..', short));
    open.push(k);
    let reads = 0;
    const counting = Object.assign(Object.create(k) as KerasFile, { readWeight: (p: string) => (reads++, k.readWeight(p)) });
    const summary = forwardSummary(counting);
    expect(reads).toBe(0);
    const truth = summaryReadingWeights(counting);
    expect(summary).toEqual(truth);
    if (truth.layers?.length) expect(reads).toBeGreaterThan(0); // the check can fail: binding does read
  });
});
