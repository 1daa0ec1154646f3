import { afterEach, describe, expect, it } from 'vitest';
import { AttnlensError, checkSize, DEFAULT_LIMITS, formatBytes, limits, resetLimits, setLimits } from '../src/index.js';

afterEach(() => resetLimits());

function thrown(fn: () => void): AttnlensError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AttnlensError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('size limits', () => {
  it('default to 2 GiB per array, 1 GiB per output, 2 GiB per temporary copy', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxArrayBytes: 2 ** 31, maxOutputBytes: 2 ** 30, maxTempBytes: 2 ** 31 });
  });
  it('hold the drawing limits too: 10^6 heatmap cells, 10^5 highlighted tokens, 64 M image pixels', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxHeatmapCells: 1e6, maxHighlightTokens: 1e5, maxImagePixels: 64e6 });
  });
  it('checkSize passes at the limit and fails one byte over, naming the size, the limit and the option', () => {
    checkSize(2 ** 31, 'x');
    const e = thrown(() => checkSize(2 ** 31 + 1, 'the dataset /w', 'maxArrayBytes', { file: 'm.h5' }));
    expect(e.code).toBe('SIZE_LIMIT');
    expect(e.message).toBe('m.h5: the dataset /w needs 2.1 GB (2147483649 bytes), over the per-array limit of 2.1 GB (2147483648 bytes)');
    // the fix in plain words, the option by name in details (the CLI adds its flag): no flag in a package error
    expect(e.hint).toBe('if the file is genuine and the machine has the memory, raise the per-array limit');
    expect(e.details).toEqual({ bytes: 2 ** 31 + 1, limit: 2 ** 31, limitName: 'maxArrayBytes', option: 'maxArrayBytes' });
  });
  it('counts other than bytes are named in their unit, with what to do instead first', () => {
    checkSize(100_000, 'document "d"', 'maxHighlightTokens');
    const e = thrown(() => checkSize(100_001, 'document "d"', 'maxHighlightTokens', { instead: 'crop the map' }));
    expect(e.message).toBe('document "d" has 100001 tokens, over the highlight token limit of 100000 tokens');
    expect(e.hint).toBe('crop the map, or raise the highlight token limit');
    expect(e.details).toEqual({ tokens: 100_001, limit: 100_000, limitName: 'maxHighlightTokens', option: 'maxHighlightTokens' });
    expect(thrown(() => setLimits({ maxImagePixels: 0.5 })).message).toBe('limit maxImagePixels must be a non-negative whole number of pixels, not 0.5');
  });
  it('setLimits changes the process-wide value; a per-call override wins', () => {
    setLimits({ maxOutputBytes: 1000 });
    expect(limits().maxOutputBytes).toBe(1000);
    expect(thrown(() => checkSize(1001, 'y', 'maxOutputBytes')).message).toContain('over the per-output limit of 1.0 KB (1000 bytes)');
    checkSize(1001, 'y', 'maxOutputBytes', { limits: { maxOutputBytes: 5000 } });
    expect(limits({ maxTempBytes: 7 }).maxTempBytes).toBe(7);
  });
  it('refuses nonsense limits', () => {
    expect(thrown(() => setLimits({ maxArrayBytes: -1 })).code).toBe('BAD_ARGUMENT');
    expect(thrown(() => setLimits({ maxArrayBytes: 1.5 })).code).toBe('BAD_ARGUMENT');
  });
  it('formatBytes gives decimal units and the exact count', () => {
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(3_900_000_000)).toBe('3.9 GB (3900000000 bytes)');
  });
});
