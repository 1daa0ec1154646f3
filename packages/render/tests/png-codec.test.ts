// The fast path's PNG codec against pngjs (an independent encoder and decoder).
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeSkiaPng, encodePng } from '../src/png-codec.js';

function noise(width: number, height: number, alpha: boolean): Uint8Array {
  const d = new Uint8Array(width * height * 4);
  let s = 7;
  for (let i = 0; i < d.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    // runs and repeated rows, as in a heatmap, with noise between
    d[i] = (i % 4 === 3 && !alpha) ? 255 : ((i >> 6) % 3 === 0 ? 200 : s >> 23);
  }
  d.copyWithin(width * 4 * 2, width * 4, width * 4 * 2); // row 2 = row 1: an Up row
  return d;
}

describe('PNG codec', () => {
  for (const alpha of [false, true]) {
    it(`encodes ${alpha ? 'RGBA' : 'opaque (RGB)'} pixels that pngjs decodes to the same bytes`, () => {
      const px = { width: 37, height: 11, data: noise(37, 11, alpha) };
      const png = encodePng(px);
      expect(png[25]).toBe(alpha ? 6 : 2); // IHDR colour type
      const back = PNG.sync.read(png);
      expect([back.width, back.height]).toEqual([37, 11]);
      expect(Buffer.compare(back.data, Buffer.from(px.data))).toBe(0);
    });
  }

  it('decodes what pngjs encodes with every filter type, RGB and RGBA', () => {
    for (const colorType of [2, 6] as const) {
      const src = new PNG({ width: 23, height: 9, colorType, inputHasAlpha: true });
      src.data = Buffer.from(noise(23, 9, colorType === 6));
      const png = PNG.sync.write(src, { colorType, filterType: -1 }); // -1: pngjs picks per row among 0-4
      const px = decodeSkiaPng(png)!;
      expect(px).toBeDefined();
      expect(Buffer.compare(Buffer.from(px.data), src.data)).toBe(0);
    }
  });

  it('answers undefined for bytes that are not a PNG it reads (the caller draws with Skia)', () => {
    expect(decodeSkiaPng(Buffer.from('not a png at all, just some text bytes here'))).toBeUndefined();
    const gray = new PNG({ width: 4, height: 4, colorType: 0, inputHasAlpha: false });
    gray.data = Buffer.alloc(4 * 4 * 4, 128);
    expect(decodeSkiaPng(PNG.sync.write(gray, { colorType: 0 }))).toBeUndefined();
  });
});
