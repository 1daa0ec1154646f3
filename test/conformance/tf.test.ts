// The real TensorFlow event files of ../shared/fixtures: tensorflow/nmt attention images
// (negahead-chichat-nmt) and a Keras TensorBoard log with only scalars (flamingjay).
// Expected values were read independently with a hand-written protobuf + PNG decoder
// in Python (zlib and struct only), not with attnlens: scripts/tf-events.py writes them
// to fixtures/tf-events.json (rerun `/usr/bin/python3 test/conformance/scripts/tf-events.py`).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJson, validateDocument, type AttentionDocument } from '@attnlens/core';
import { TF1_IMAGE_NOTE } from '@attnlens/tf';
import { extractTFTensor, inspectTFFile, tfDocuments } from '@attnlens/tf/node';
import { cli } from '../helpers/cli.js';
import { describeReal, real } from '../helpers/shared.js';

const NMT = real('negahead-chichat-nmt', 'events.out.tfevents.1536594755.ubuntu');
const FLAMINGJAY = real('flamingjay-han-ids', 'events.out.tfevents.1591802914.DESKTOP-55K6GPV');
const TAG = 'attention_images/image/0';

interface PyTag { kind: string; count: number; steps: number[]; firstStep: number; lastStep: number }
interface PyEvents { records: number; tags: Record<string, PyTag>; other: Record<string, number>; images: { tag: string; step: number; height: number; width: number; max: number; sha256: string }[] }
const PY = JSON.parse(readFileSync(new URL('fixtures/tf-events.json', import.meta.url), 'utf8')) as { nmt: PyEvents; flamingjay: PyEvents };

describeReal('TF conformance: tensorflow/nmt attention images (negahead-chichat-nmt)', () => {
  const docs: AttentionDocument[] = [];
  // every test reads the same conversion, made once here so each holds in any order
  beforeAll(async () => {
    for await (const d of tfDocuments(NMT)) docs.push(d);
  });

  it('converts to 114 alignment maps with the images\' shapes, transposed to [decoder, encoder]', () => {
    expect(docs).toHaveLength(114);
    docs.forEach((d) => validateDocument(d));
    // image sizes (height = encoder steps x width = decoder steps) -> map [width, height]
    const counts: Record<string, number> = {};
    for (const d of docs) {
      const [r, c] = d.maps[0]!.shape as [number, number];
      counts[`${r}x${c}`] = (counts[`${r}x${c}`] ?? 0) + 1;
    }
    expect(counts).toEqual({ '12x6': 28, '10x5': 28, '8x4': 21, '6x3': 14, '14x7': 9, '2x1': 7, '22x11': 5, '8x5': 1, '5x4': 1 });
    expect(docs.filter((d) => d.meta?.step === '0')).toHaveLength(112);
    expect(docs[0]!.id).toBe(`${TAG}@0#0`);
    expect(docs[113]!.id).toBe(`${TAG}@1000#1`);
    for (const d of docs) {
      expect(d.provenance).toMatchObject({ sourceFormat: 'tfevents', framework: 'tensorflow', fileName: 'events.out.tfevents.1536594755.ubuntu', note: TF1_IMAGE_NOTE });
      expect(d.provenance?.sha256).toMatch(/^[0-9a-f]{64}$/);
      // every image was rescaled to max 255 (254 in 12 of them, where TF's float->uint8 cast truncated 254.99...)
      expect(Math.round(Math.max(...d.maps[0]!.weights) * 255)).toBeGreaterThanOrEqual(254);
    }
    expect(docs.filter((d) => Math.max(...d.maps[0]!.weights) === 1)).toHaveLength(102);
  });

  it('has the pixel values read independently', () => {
    // image 0 (6x12, step 0): uniform 254 but one 255 at image (y=2, x=4) = map (t=4, e=2)
    const m0 = docs[0]!.maps[0]!;
    expect(m0.shape).toEqual([12, 6]);
    expect(m0.weights[4 * 6 + 2]).toBe(1);
    expect(m0.weights[0]).toBeCloseTo(254 / 255, 6);
    expect(m0.weights.filter((w) => w === 1)).toHaveLength(1);
    // image 112 (5x8, step 1000): columns 0 and 1 of the image are rows 0 and 1 of the map
    const m112 = docs[112]!.maps[0]!;
    expect(m112.shape).toEqual([8, 5]);
    expect(Array.from(m112.weights.subarray(0, 10)).map((w) => Math.round(w * 255))).toEqual([233, 175, 114, 54, 67, 255, 186, 103, 35, 66]);
    // image 113 (4x5, step 1000)
    const m113 = docs[113]!.maps[0]!;
    expect(m113.shape).toEqual([5, 4]);
    expect(Array.from(m113.weights.subarray(0, 8)).map((w) => Math.round(w * 255))).toEqual([246, 184, 84, 43, 255, 185, 75, 42]);
    // each decoder step's attention summed to 1 before TF rescaled the image: rows sum alike
    const sums = [0, 1, 2, 3, 4].map((t) => Array.from(m113.weights.subarray(t * 4, t * 4 + 4)).reduce((a, b) => a + b, 0) * 255);
    for (const s of sums) expect(Math.abs(s - sums[0]!)).toBeLessThanOrEqual(3);
  });

  it('every map is its image as the Python decoder reads it: size, step, largest level, digest of the pixels', () => {
    const imgs = PY.nmt.images;
    expect(docs).toHaveLength(imgs.length);
    imgs.forEach((img, i) => {
      const m = docs[i]!.maps[0]!;
      // image height = encoder steps, width = decoder steps; map [decoder, encoder]
      expect([...m.shape, docs[i]!.meta?.step], `image ${i}`).toEqual([img.width, img.height, String(img.step)]);
      expect(Math.round(Math.max(...m.weights) * 255), `image ${i}`).toBe(img.max);
      const got = Uint8Array.from({ length: img.height * img.width }, (_, k) => Math.round(m.weights[(k % img.width) * img.height + Math.floor(k / img.width)]! * 255));
      expect(createHash('sha256').update(got).digest('hex'), `image ${i}`).toBe(img.sha256);
    });
  });

  it('inspect agrees with the Python decoder on records, tags and other events', async () => {
    for (const [file, py] of [[NMT, PY.nmt], [FLAMINGJAY, PY.flamingjay]] as const) {
      const info = await inspectTFFile(file);
      if (info.format !== 'tfevents') throw new Error(`${file} is ${info.format}`);
      expect(info.records).toBe(py.records);
      expect(info.other).toEqual(py.other);
      expect(Object.fromEntries(info.tags.map((t) => [t.tag, { kind: t.kind, count: t.count, firstStep: t.firstStep, lastStep: t.lastStep, ...(t.stepsTruncated ? {} : { steps: t.steps }) }]))).toEqual(
        Object.fromEntries(Object.entries(py.tags).map(([tag, t]) => [tag, { kind: t.kind, count: t.count, firstStep: t.firstStep, lastStep: t.lastStep, ...(info.tags.find((x) => x.tag === tag)?.stepsTruncated ? {} : { steps: t.steps }) }])),
      );
    }
  });

  it('--step picks the two images of step 1000', async () => {
    const at: AttentionDocument[] = [];
    for await (const d of tfDocuments(NMT, { step: 1000 })) at.push(d);
    expect(at.map((d) => [d.id, d.maps[0]!.shape])).toEqual([[`${TAG}@1000#0`, [8, 5]], [`${TAG}@1000#1`, [5, 4]]]);
  });

  it('inspect lists its tags, kinds and steps', async () => {
    const info = await inspectTFFile(NMT);
    expect(info.format).toBe('tfevents');
    if (info.format !== 'tfevents') return;
    expect(info.records).toBe(1134);
    expect(info.fileVersion).toBe('brain.Event:2');
    expect(info.attentionTags).toEqual([TAG]);
    const tags = Object.fromEntries(info.tags.map((t) => [t.tag, t]));
    expect(Object.keys(tags)).toHaveLength(12);
    expect(tags[TAG]).toMatchObject({ kind: 'image', count: 114, steps: [0, 1000] });
    expect(tags.lr).toMatchObject({ kind: 'scalar', count: 1008, firstStep: 1, lastStep: 1008 });
    expect(tags.dev_ppl).toMatchObject({ kind: 'scalar', count: 2, steps: [0, 1000] });
    expect(info.other).toEqual({ file_version: 1, graph_def: 1, meta_graph_def: 1 });
  });

  it('extracts one image as its gray levels', async () => {
    const t = await extractTFTensor(NMT, `${TAG}@1000#1`);
    expect(t.dtype).toBe('uint8');
    expect(t.shape).toEqual([4, 5]);
    expect(Array.from(t.data as Uint8Array)).toEqual([246, 255, 194, 150, 225, 184, 185, 130, 120, 188, 84, 75, 101, 123, 87, 43, 42, 132, 164, 56]);
  });
});

describeReal('TF conformance: a Keras TensorBoard log with only scalars (flamingjay)', () => {
  it('inspect works', async () => {
    const info = await inspectTFFile(FLAMINGJAY);
    expect(info.format).toBe('tfevents');
    if (info.format !== 'tfevents') return;
    expect(info.records).toBe(12);
    expect(info.tags.map((t) => [t.tag, t.kind]).sort()).toEqual([['acc', 'scalar'], ['loss', 'scalar'], ['lr', 'scalar'], ['val_acc', 'scalar'], ['val_loss', 'scalar']]);
    expect(info.attentionTags).toEqual([]);
    expect(info.other.graph_def).toBe(1);
  });

  it('convert says clearly that there is no attention in it', async () => {
    let err: unknown;
    try {
      for await (const _ of tfDocuments(FLAMINGJAY)) void _;
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'NOT_FOUND', reason: 'no attention in it: the event file holds only scalar summaries (val_loss, val_acc, loss, acc, lr)' });
  });
});


// epicawang-nmt: tensorflow/nmt EN→ZH Bahdanau, one attention image whose tag has a `_1`.
// The expected pixels come from the PNG itself, cut out of the event file's bytes by its
// signature and decoded here with pngjs: no attnlens code reads them.
describeReal('TF conformance: tensorflow/nmt attention image tagged attention_images_1 (epicawang-nmt)', () => {
  const FILE = real('epicawang-nmt', 'events.out.tfevents.1522936471.gpu-35');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attnlens-conf-tf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The one PNG in the file: from its 8-byte signature to the end of its IEND chunk. */
  function pngInFile(): PNG {
    const bytes = readFileSync(FILE);
    const start = bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(start).toBeGreaterThan(0);
    expect(bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47]), start + 8)).toBe(-1); // only one image
    const iend = bytes.indexOf(Buffer.from('IEND'), start);
    return PNG.sync.read(bytes.subarray(start, iend + 8));
  }

  it('converts to one 13×28 map, the 28×13 image (rows source) transposed to [decoder, encoder], pixel for pixel', () => {
    const img = pngInFile();
    expect([img.height, img.width]).toEqual([28, 13]);
    const out = join(dir, 'epicawang.attn.json');
    const r = cli(['convert', FILE, '--to', out]);
    expect(r.code, r.stderr).toBe(0);
    const { documents } = decodeJson(readFileSync(out, 'utf8'));
    expect(documents.map((d) => d.id)).toEqual(['attention_images_1/image/0@485000']);
    const d = documents[0]!;
    expect(d.meta).toMatchObject({ tag: 'attention_images_1/image/0', step: '485000', image: '28x13' });
    const m = d.maps[0]!;
    expect(m.shape).toEqual([13, 28]);
    let checked = 0;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 13; x++) {
        const gray = img.data[(y * 13 + x) * 4]!; // pngjs gives RGBA; a gray image has R = G = B
        expect(m.weights[x * 28 + y]! * 255, `image (y=${y}, x=${x})`).toBeCloseTo(gray, 3);
        checked++;
      }
    }
    expect(checked).toBe(364);
  });
});
