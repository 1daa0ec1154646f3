import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { encodeOpaquePng } from '../src/png-encode.js';
import { renderHeatmap } from '../src/node.js';

describe('PNG encoder', () => {
  it('round-trips any opaque image through pngjs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (w, h, seed) => {
        const rgba = new Uint8Array(w * h * 4);
        let s = seed | 0;
        for (let i = 0; i < rgba.length; i++) {
          s = (Math.imul(s, 1103515245) + 12345) | 0;
          rgba[i] = (i & 3) === 3 ? 255 : (s >>> 16) & 255;
        }
        const png = encodeOpaquePng(w, h, rgba, { Software: 'attnlens' })!;
        const back = PNG.sync.read(png);
        expect([back.width, back.height]).toEqual([w, h]);
        expect(new Uint8Array(back.data)).toEqual(rgba);
      }),
      { numRuns: 60 },
    );
  });

  it('declines images that are not fully opaque, and wrong-sized buffers', () => {
    const rgba = new Uint8Array(2 * 2 * 4).fill(255);
    rgba[7] = 128;
    expect(encodeOpaquePng(2, 2, rgba)).toBeUndefined();
    expect(encodeOpaquePng(3, 2, new Uint8Array(16).fill(255))).toBeUndefined();
  });

  it('a transparent heatmap background keeps its alpha (Skia encodes it)', () => {
    const { png, layout } = renderHeatmap({ shape: [1, 2], weights: new Float32Array([0, 1]) }, { background: 'transparent', showValues: false });
    const img = PNG.sync.read(png);
    expect(img.data[3]).toBe(0); // top-left corner is background
    const i = (Math.floor(layout.plot.y + 2) * img.width + Math.floor(layout.plot.x + 2)) * 4;
    expect(img.data[i + 3]).toBe(255);
  });

  it('writes the Software text chunk', () => {
    const png = encodeOpaquePng(1, 1, new Uint8Array([1, 2, 3, 255]), { Software: 'attnlens' })!;
    expect(png.includes(Buffer.from('tEXtSoftware\0attnlens', 'latin1'))).toBe(true);
  });
});
