// Alignment images from event files (shared docs FORMATS.md §4.2, §4.4).
// tensorflow/nmt writes transpose(alignment_history.stack(), [1, 2, 0]) as v1 image
// summaries: one grayscale PNG per example with height = encoder steps and width =
// decoder steps. TF1 rescales every float image on its own so that its maximum is 255,
// so only relative values survive. TF2 images (a string tensor [width, height, png...]
// under the "images" plugin) are clipped to [0, 1] and quantised, not rescaled.
import { fail, type AttentionMap } from '@attnlens/core';
import { alignmentMap, type AlignmentOptions } from './alignment.js';

/** An 8-bit grayscale image, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  gray: Uint8Array;
}

/** Decodes a PNG to gray levels; throws AttnlensError for a colour or broken image. Injected so the main entry stays browser-safe. */
/** Sync with pngjs in Node; a Promise in the browser, where images decode asynchronously. */
export type PngDecoder = (png: Uint8Array, where: string) => GrayImage | Promise<GrayImage>;

export const TF1_IMAGE_NOTE = 'values are relative: TensorFlow 1 image summaries rescale each image so that its largest value is 255 (254 after truncation in some); attnlens divides by 255, so the strongest weight of each map is about 1, not its probability';
export const TF2_IMAGE_NOTE = 'values were clipped to [0, 1] and quantised to 8 bits (steps of 1/255) by tf.summary.image';

/** Gray levels from RGBA pixels (as pngjs returns them); UNSUPPORTED when the image has colour. */
export function grayFromRgba(width: number, height: number, rgba: Uint8Array, where: string): GrayImage {
  const n = width * height;
  if (rgba.length < n * 4) fail('CORRUPT', `${where}: image data too short for ${width}x${height}`);
  const gray = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i]!;
    if (rgba[4 * i + 1] !== r || rgba[4 * i + 2] !== r) {
      fail('UNSUPPORTED', `${where} is a colour image, not a grayscale attention image`, {
        hint: 'attnlens reads alignment images as tensorflow/nmt writes them (one gray level per weight)',
      });
    }
    gray[i] = r;
  }
  return { width, height, gray };
}

export interface ImageMapOptions extends Pick<AlignmentOptions, 'name' | 'layer'> {
  /**
   * What the image's rows and columns are: 'et' (default, tensorflow/nmt) = rows are encoder
   * steps, columns decoder steps, so the map is the transpose; 'te' = rows are decoder steps.
   */
  layout?: string;
  srcTokens?: string[];
  tgtTokens?: string[];
  srcLength?: number;
  tgtLength?: number;
  note?: string;
  file?: string;
}

/** An alignment map [decoder steps, encoder steps] from a grayscale image, values /255. */
export function imageAlignmentMap(img: GrayImage, opts: ImageMapOptions = {}): AttentionMap {
  const layout = (opts.layout ?? 'et').toLowerCase();
  if (layout !== 'et' && layout !== 'te') {
    fail('BAD_ARGUMENT', `layout ${layout} does not apply to an image: its rows and columns are either et (encoder x decoder, as tensorflow/nmt writes them) or te`, { file: opts.file, hint: 'use layout et (the default) or te', details: { option: 'layout' } });
  }
  const { width: W, height: H, gray } = img;
  const transpose = layout === 'et';
  const T = transpose ? W : H;
  const E = transpose ? H : W;
  const w = new Float32Array(T * E);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < E; j++) w[i * E + j] = gray[transpose ? j * W + i : i * W + j]! / 255;
  }
  const map = alignmentMap(w, T, E, 'image-summary', opts);
  const check = (n: number, axis: number, what: string) => {
    if (n > axis) fail('SHAPE_MISMATCH', `${opts.layer ?? 'image'}: ${what} ${n} but the image has only ${axis} ${what.includes('source') ? 'encoder' : 'decoder'} steps (${H}x${W}, layout ${layout})`, { file: opts.file, hint: 'check that the token or length file belongs to these images, in order' });
  };
  if (opts.tgtTokens) {
    check(opts.tgtTokens.length, T, 'target tokens:');
    map.rowLabels = [...opts.tgtTokens, ...new Array<string>(T - opts.tgtTokens.length).fill('')];
  }
  if (opts.srcTokens) {
    check(opts.srcTokens.length, E, 'source tokens:');
    map.colLabels = [...opts.srcTokens, ...new Array<string>(E - opts.srcTokens.length).fill('')];
  }
  const vr = opts.tgtLength ?? opts.tgtTokens?.length;
  const vc = opts.srcLength ?? opts.srcTokens?.length;
  if (vr !== undefined) {
    check(vr, T, 'target length');
    map.validRows = vr;
  }
  if (vc !== undefined) {
    check(vc, E, 'source length');
    map.validCols = vc;
  }
  return map;
}

/** The PNGs of a TF2 image summary: a string tensor [width, height, png_0, ...]. */
export function tf2ImagePngs(values: Uint8Array[], where: string): { width: number; height: number; pngs: Uint8Array[] } {
  const dec = new TextDecoder();
  const width = Number(dec.decode(values[0] ?? new Uint8Array(0)));
  const height = Number(dec.decode(values[1] ?? new Uint8Array(0)));
  if (values.length < 2 || !Number.isInteger(width) || !Number.isInteger(height)) {
    fail('CORRUPT', `${where}: an "images" plugin tensor must hold [width, height, png...] as strings`, { hint: 'the summary was not written by tf.summary.image' });
  }
  return { width, height, pngs: values.slice(2) };
}

/** Width and height from a PNG's IHDR (the first chunk, bytes 16..24), or undefined for what is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b) || String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return undefined;
  const dv = new DataView(png.buffer, png.byteOffset, 24);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}
