// documentProblem (src/attention.ts): the one check of whether a document can be shown, used by
// render's batch, the report and the page; each problem in one sentence, null for a good document.
import { describe, expect, it } from 'vitest';
import { documentProblem, type AttentionDocument } from '../src/index.js';

const doc = (weights: number[], extra: object = {}): AttentionDocument => ({ id: 'x', maps: [{ name: 'm', shape: [weights.length], weights: Float32Array.from(weights), ...extra }] });

describe('documentProblem', () => {
  it('is null for a good document, padding past validCols ignored', () => {
    expect(documentProblem(doc([0.25, 0.75]))).toBeNull();
    expect(documentProblem(doc([0.5, 0.5, NaN], { validCols: 2 }))).toBeNull();
  });
  it('names each problem', () => {
    expect(documentProblem({ id: 'x', maps: [] })).toBe('no attention maps');
    expect(documentProblem(doc([0.5, NaN]))).toBe('map "m" has NaN weights');
    expect(documentProblem(doc([0.5, Infinity]))).toBe('map "m" has infinite weights');
    expect(documentProblem(doc([0.5], { validCols: 0 }))).toBe('map "m" has no tokens');
    expect(documentProblem({ id: 'x', maps: [{ shape: [3], weights: new Float32Array(2) }] })).toMatch(/maps\[0\]/);
  });
});
