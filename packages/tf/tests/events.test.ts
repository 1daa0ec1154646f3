import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { tensor, validateDocument } from '@attnlens/core';
import {
  EventIndex, TF1_IMAGE_NOTE, TF2_IMAGE_NOTE, attentionTags, decodeEvent, encodeEvent, encodeTFRecords, eventDocuments,
  imageAlignmentMap, readTFRecords, type TFEvent,
} from '../src/index.js';
import { decodePngGray } from '../src/node.js';
import { collect, expected, expectError, fixtureBytes } from './fixtures.js';

const FIX = 'events.out.tfevents.1500000000.fixture';
const events = (bytes: Uint8Array): TFEvent[] => [...readTFRecords(bytes)].map((r) => decodeEvent(r.payload));
const indexOf = (evs: TFEvent[]) => {
  const i = new EventIndex();
  evs.forEach((e) => i.add(e));
  return i;
};

function grayPng(rows: number[][]): Uint8Array {
  const h = rows.length;
  const w = rows[0]!.length;
  const png = new PNG({ width: w, height: h, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(rows.flat());
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

describe('event files: the committed fixture (independent Python writer)', () => {
  const evs = events(fixtureBytes(FIX));
  const index = indexOf(evs);

  it('decodes every event and indexes tags, kinds and steps', () => {
    const e = expected[FIX];
    expect(evs).toHaveLength(e.records);
    expect(evs[0]).toMatchObject({ what: 'file_version', fileVersion: 'brain.Event:2', step: 0, wallTime: 1.5e9 });
    expect(evs[1]!.what).toBe('graph_def');
    expect(index.fileVersion).toBe('brain.Event:2');
    expect(index.other).toEqual({ file_version: 1, graph_def: 1 });
    const tags = Object.fromEntries(index.tagList().map((t) => [t.tag, t]));
    expect(tags.loss).toMatchObject({ kind: 'scalar', count: 2, steps: [1, 2] });
    expect(tags['attention_images/image/0']).toMatchObject({ kind: 'image', count: 3, steps: [2, 3], shapes: ['4x7', '3x5'] });
    // plugin metadata rides on the first value only; the second value is still the same kind
    expect(tags.alignment_history).toMatchObject({ kind: 'tensor', count: 2, steps: [3, 4], dtype: 'float32', shapes: ['(3, 2, 2)'], ranks: [3], pluginName: 'custom' });
    expect(tags.attention_tf2).toMatchObject({ kind: 'image', pluginName: 'images', shapes: ['4x6'] });
    expect(tags.accuracy).toMatchObject({ kind: 'scalar', pluginName: 'scalars' });
    expect(evs[2]!.values.map((v) => [v.tag, v.simpleValue])).toEqual([['loss', 2.5], ['lr', 1]]);
    expect(index.countAt('attention_images/image/0', 2)).toBe(2);
    expect(attentionTags(index)).toEqual(['attention_images/image/0', 'alignment_history', 'attention_tf2']);
  });

  it('turns each image into a map [decoder, encoder] = transposed image / 255, with the rescaling note', async () => {
    const docs = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, tag: 'attention_images/image/0' }));
    expect(docs.map((d) => d.id)).toEqual(['attention_images/image/0@2#0', 'attention_images/image/0@2#1', 'attention_images/image/0@3']);
    const imgs = expected[FIX].images;
    docs.forEach((d, k) => {
      validateDocument(d);
      const gray = imgs[k]!.gray; // [encoder][decoder]
      const m = d.maps[0]!;
      expect(m.shape).toEqual([gray[0]!.length, gray.length]);
      for (let t = 0; t < gray[0]!.length; t++) for (let e = 0; e < gray.length; e++) expect(m.weights[t * gray.length + e]).toBeCloseTo(gray[e]![t]! / 255, 6);
      expect(Math.max(...m.weights)).toBe(1); // TF1 rescaled each image to max 255
      expect(m.variant).toBe('image-summary');
      expect(m.layer).toBe('attention_images/image/0');
      expect(d.provenance?.note).toBe(TF1_IMAGE_NOTE);
      expect(d.meta).toMatchObject({ tag: 'attention_images/image/0', step: String(imgs[k]!.step) });
    });
  });

  it('reads TF2 image summaries (string tensor [w, h, png]) without the rescaling note', async () => {
    const docs = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, tag: 'attention_tf2' }));
    expect(docs).toHaveLength(1);
    const gray = expected[FIX].tf2_image.gray;
    const m = docs[0]!.maps[0]!;
    expect(m.shape).toEqual([6, 4]);
    expect(m.weights[1 * 4 + 2]).toBeCloseTo(gray[2]![1]! / 255, 6);
    expect(docs[0]!.provenance?.note).toBe(TF2_IMAGE_NOTE);
  });

  it('turns tensor summaries into one document per batch item', async () => {
    const docs = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, tag: 'alignment_history', step: 4 }));
    expect(docs.map((d) => d.id)).toEqual(['alignment_history@4/0', 'alignment_history@4/1']);
    const { values } = expected[FIX].tensor; // [T=3, B=2, E=2]
    expect(Array.from(docs[1]!.maps[0]!.weights)).toEqual([values[2], values[3], values[6], values[7], values[10], values[11]].map(Math.fround));
  });

  it('labels images with tokens in order, and checks the count', async () => {
    const src = [['a', 'b', 'c', 'd'], ['x', 'y', 'z'], ['a', 'b']];
    const tgt = [['1', '2', '3', '4', '5', '6', '7'], ['1', '2'], ['1']];
    const docs = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, tag: 'attention_images/image/0', srcTokens: src, tgtTokens: tgt }));
    expect(docs.map((d) => d.maps[0]!.colLabels)).toEqual([['a', 'b', 'c', 'd'], ['x', 'y', 'z'], ['a', 'b', '', '']]);
    expect(docs[1]!.maps[0]!.validRows).toBe(2);
    const e = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, tag: 'attention_images/image/0', srcTokens: src.slice(0, 2) })).catch((x) => x);
    expect(e.code).toBe('SHAPE_MISMATCH');
  });

  it('--step picks one step; a missing step, tag or a scalar tag is a clear error', async () => {
    const docs = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, step: 3 }));
    expect(docs.map((d) => d.id)).toEqual(['attention_images/image/0@3', 'alignment_history@3/0', 'alignment_history@3/1']);
    const e1 = await collect(eventDocuments(evs, index, { decodePng: decodePngGray, step: 9 })).catch((x) => x);
    expect(e1.code).toBe('NOT_FOUND');
    expect(e1.hint).toMatch(/attention_images\/image\/0: 2, 3/);
    expect(expectError(() => attentionTags(index, 'nope', 'f'), 'NOT_FOUND').hint).toMatch(/loss \(scalar\)/);
    expect(expectError(() => attentionTags(index, 'loss'), 'UNSUPPORTED').message).toMatch(/holds scalar summaries, not attention/);
  });
});

describe('event files: written by encodeEvent', () => {
  it('round-trips scalars, images, tensors and plugin names', () => {
    const png = grayPng([[0, 128], [255, 64], [1, 2]]);
    const t = tensor('float32', [2, 1, 3], Float32Array.of(0.2, 0.3, 0.5, 0.1, 0.1, 0.8));
    const bytes = encodeTFRecords([
      encodeEvent({ wallTime: 1, fileVersion: 'brain.Event:2' }),
      encodeEvent({ wallTime: 2, step: 7, summary: [{ tag: 'att', image: { height: 3, width: 2, colorspace: 1, encoded: png } }, { tag: 'loss', simpleValue: 0.5 }] }),
      encodeEvent({ wallTime: 3, step: 2 ** 40, summary: [{ tag: 'hist', tensor: t, pluginName: 'histograms' }] }),
    ]);
    const evs = events(bytes);
    expect(evs[1]!.step).toBe(7);
    expect(evs[2]!.step).toBe(2 ** 40);
    expect(evs[1]!.values[0]!.image).toMatchObject({ height: 3, width: 2, colorspace: 1 });
    expect(decodePngGray(evs[1]!.values[0]!.image!.encoded, 'x')).toEqual({ width: 2, height: 3, gray: Uint8Array.of(0, 128, 255, 64, 1, 2) });
    const index = indexOf(evs);
    expect(index.tagInfo('hist')).toMatchObject({ kind: 'histogram', pluginName: 'histograms' });
    expect(attentionTags(index)).toEqual(['att']);
  });

  it('integer tensors (token ids) are not attention; float ones are', () => {
    const ids = tensor('int32', [2, 3], Int32Array.of(5, 6, 7, 8, 9, 0));
    const w = tensor('float32', [2, 3], Float32Array.of(0.2, 0.3, 0.5, 1, 0, 0));
    const evs = events(encodeTFRecords([encodeEvent({ step: 1, summary: [{ tag: 'input_ids', tensor: ids }, { tag: 'weights', tensor: w }] })]));
    const index = indexOf(evs);
    expect(index.tagInfo('input_ids')).toMatchObject({ kind: 'tensor', dtype: 'int32', ranks: [2] });
    expect(attentionTags(index)).toEqual(['weights']);
    expect(expectError(() => attentionTags(index, 'input_ids'), 'UNSUPPORTED').message).toMatch(/holds tensor summaries of shape \(2, 3\), not attention/);
  });

  it('an event file with only scalars has no attention', () => {
    const evs = events(encodeTFRecords([encodeEvent({ fileVersion: 'brain.Event:2' }), encodeEvent({ step: 1, summary: [{ tag: 'acc', simpleValue: 0.9 }] })]));
    const e = expectError(() => attentionTags(indexOf(evs), undefined, 'run.tfevents'), 'NOT_FOUND');
    expect(e.reason).toBe('no attention in it: the event file holds only scalar summaries (acc)');
  });

  it('a colour image or a broken PNG is refused clearly', () => {
    const png = new PNG({ width: 1, height: 1 });
    png.data = Buffer.from([255, 0, 0, 255]);
    expect(expectError(() => decodePngGray(new Uint8Array(PNG.sync.write(png)), 'image a@1'), 'UNSUPPORTED').message).toMatch(/image a@1 is a colour image/);
    expect(expectError(() => decodePngGray(Uint8Array.of(1, 2, 3), 'image b@1'), 'CORRUPT').message).toMatch(/image b@1 is not a readable PNG/);
  });

  it('an Event payload that is not an Event is CORRUPT', () => {
    expectError(() => decodeEvent(Uint8Array.of(0x0a, 0x05, 0x01), 'f', 'record 3'), 'CORRUPT');
  });

  it('image layout te keeps rows; an axis layout is refused for images', () => {
    const img = { width: 3, height: 2, gray: Uint8Array.of(255, 0, 51, 102, 153, 204) };
    const te = imageAlignmentMap(img, { layout: 'te' });
    expect(te.shape).toEqual([2, 3]);
    expect(Array.from(te.weights)).toEqual([1, 0, 0.2, 0.4, 0.6, 0.8].map(Math.fround));
    const et = imageAlignmentMap(img);
    expect(et.shape).toEqual([3, 2]);
    expect(Array.from(et.weights)).toEqual([1, 0.4, 0, 0.6, 0.2, 0.8].map(Math.fround));
    expectError(() => imageAlignmentMap(img, { layout: 'tbe' }), 'BAD_ARGUMENT');
    expectError(() => imageAlignmentMap(img, { srcTokens: ['a', 'b', 'c'] }), 'SHAPE_MISMATCH');
  });
});
