// block-run.ts's shared counter: blocks are taken once each, never more than a window ahead of
// the first not handed on, and a failure stops the taking at the failed block, not before it.
import { describe, expect, it } from 'vitest';
import { FAILED, NONE_LEFT, READY, WINDOW_FULL, finishBlock, handOn, sharedBlocks, stopAt, takeBlock } from '../src/block-run.js';

describe('block-run: taking blocks', () => {
  it('gives each block once, waits for room a window ahead, and ends with NONE_LEFT', () => {
    const s = sharedBlocks(5, 2, 1);
    expect([takeBlock(s, false), takeBlock(s, false)]).toEqual([0, 1]);
    expect(takeBlock(s, false)).toBe(WINDOW_FULL);
    handOn(s, 0);
    expect(takeBlock(s, false)).toBe(2);
    expect(takeBlock(s, false)).toBe(WINDOW_FULL);
    handOn(s, 2);
    expect([takeBlock(s, false), takeBlock(s, false), takeBlock(s, false)]).toEqual([3, 4, NONE_LEFT]);
  });

  it('a failed block stops the taking from it on; blocks before it are still taken', () => {
    const s = sharedBlocks(10, 10, 1);
    expect([takeBlock(s, false), takeBlock(s, false), takeBlock(s, false), takeBlock(s, false)]).toEqual([0, 1, 2, 3]);
    finishBlock(s, 3, FAILED);
    finishBlock(s, 0, READY);
    expect([...s.state.subarray(0, 4)]).toEqual([READY, 0, 0, FAILED]);
    expect(takeBlock(s, false)).toBe(NONE_LEFT);
    // A later failure does not raise the limit again; stopAt(0) ends the run.
    const t = sharedBlocks(10, 10, 1);
    takeBlock(t, false);
    finishBlock(t, 0, FAILED);
    stopAt(t, 5);
    expect(takeBlock(t, false)).toBe(NONE_LEFT);
    const u = sharedBlocks(10, 10, 1);
    stopAt(u, 2);
    expect([takeBlock(u, false), takeBlock(u, false), takeBlock(u, false)]).toEqual([0, 1, NONE_LEFT]);
    stopAt(u, 0);
    expect(takeBlock(u, false)).toBe(NONE_LEFT);
  });
});
