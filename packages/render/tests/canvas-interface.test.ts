import { describe, expectTypeOf, it } from 'vitest';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Canvas2D } from '../src/index.js';

// Whether the main entry reaches Node modules is checked for every package in
// test/packages/browser-safety.test.ts; here, that the drawing interface fits every canvas.
describe('browser canvases', () => {
  it('@napi-rs/canvas, browser and OffscreenCanvas contexts all fit the Canvas2D interface', () => {
    expectTypeOf<SKRSContext2D>().toMatchTypeOf<Canvas2D>();
    expectTypeOf<CanvasRenderingContext2D>().toMatchTypeOf<Canvas2D>();
    expectTypeOf<OffscreenCanvasRenderingContext2D>().toMatchTypeOf<Canvas2D>();
  });
});
