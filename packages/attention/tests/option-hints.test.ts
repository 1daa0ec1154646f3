// Errors whose fix is a choice name it as details.option (the CLI adds its flag) and say the fix
// in plain words: no package hint names a command-line flag.
import { describe, expect, it } from 'vitest';
import { tensor } from '@attnlens/core';
import { maskFromArray, masksFromIds, normaliseScores, prepareKernel, sequenceLayout } from '../src/index.js';
import { error, randomF32, rng } from './reference.js';

const r = rng(3);
const k = prepareKernel({ variant: 'attlayer', W: tensor('float32', [4, 3], randomF32(12, r)), b: tensor('float32', [3], randomF32(3, r)), u: tensor('float32', [3, 1], randomF32(3, r)) });

const cases: [string, () => unknown, unknown, RegExp][] = [
  ['integer X', () => sequenceLayout(k, [2, 5, 4], 'int32', 'X.npy'), ['ids', 'padId'], /give token ids as the ids \(with their padding id\), not as X/],
  ['X of the wrong F', () => sequenceLayout(k, [2, 5, 7], 'float32', 'X.npy'), ['layer', 'variant'], /check the layer chosen, or the variant/],
  ['a float mask holding 0.3', () => maskFromArray(tensor('float32', [1, 2], Float32Array.from([1, 0.3])), 'M.npy'), 'lengths', /give valid lengths instead/],
  ['an integer mask holding 7', () => maskFromArray(tensor('int32', [1, 2], Int32Array.from([1, 7])), 'M.npy'), ['ids', 'padId'], /give token ids as the ids, with their padding id/],
  ['a padding id of 0.5', () => masksFromIds(tensor('int32', [1, 2], Int32Array.from([1, 0])), 0.5), 'padId', /^Keras pads with 0$/],
  ['eps normalisation overflowing', () => normaliseScores(Float64Array.from([1000, 1]), 1, 2, 'eps', undefined, new Float32Array(2)), 'normalise', /recompute with 'softmax' normalisation/],
];

describe('hints name options, not flags', () => {
  for (const [what, run, option, hint] of cases) {
    it(what, () => {
      const e = error(run);
      expect(e.details?.option).toEqual(option);
      expect(e.hint).toMatch(hint);
      expect(e.hint).not.toMatch(/--[a-z]/);
    });
  }
});
