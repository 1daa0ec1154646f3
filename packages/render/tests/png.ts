// Decode PNGs produced by the renderers and read their pixels.
import { PNG } from 'pngjs';
import type { Rgb } from '../src/index.js';

export interface Image {
  width: number;
  height: number;
  data: Buffer;
}

export function decode(png: Buffer): Image {
  const p = PNG.sync.read(png);
  return { width: p.width, height: p.height, data: p.data };
}

export function pixel(img: Image, x: number, y: number): Rgb {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** Pixels in a box darker than `threshold` (0..255 luma): "ink". */
export function ink(img: Image, x0: number, y0: number, x1: number, y1: number, threshold = 140): number {
  let n = 0;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.height, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, Math.ceil(x1)); x++) {
      const [r, g, b] = pixel(img, x, y);
      if (0.299 * r + 0.587 * g + 0.114 * b < threshold) n++;
    }
  }
  return n;
}

/** Distinct colours in a box. */
export function colors(img: Image, x0: number, y0: number, x1: number, y1: number): Set<string> {
  const s = new Set<string>();
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) for (let x = Math.floor(x0); x < Math.ceil(x1); x++) s.add(pixel(img, x, y).join(','));
  return s;
}

export function hexRgb(hex: string): Rgb {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
