// Dumps made of many tensors -> alignment documents: TFRecord files (one tensor or
// Example per record) and event files (image and tensor summaries). Browser-safe:
// records and events come in as iterables; PNG decoding is injected.
import { AttnlensError, fail, type AttentionDocument, type Provenance } from '@attnlens/core';
import { iterateAlignmentDocuments, layoutAxes } from './alignment.js';
import { EventIndex, attentionTags, type TFEvent } from './events.js';
import { decodeExample, exampleTensor, looksLikeTensorProto } from './example.js';
import { TF1_IMAGE_NOTE, TF2_IMAGE_NOTE, imageAlignmentMap, tf2ImagePngs, type PngDecoder } from './image-alignment.js';
import { LabelCursor, type ExampleLabels } from './labels.js';
import { parseTensorProtoMessage, tensorValueOf } from './tensor-proto.js';
import type { TFRecord } from './tfrecord.js';
import type { Tensor } from '@attnlens/core';

export interface DumpOptions extends ExampleLabels {
  /** Axis order of each tensor (see LAYOUT_HELP); for event images a 2-letter layout, et (default, as nmt writes) or te. */
  layout?: string;
  /** Event files: the tag to read (default: every attention tag, see attentionTags). */
  tag?: string;
  /** Event files: only this step. */
  step?: number;
  /** TFRecord of Examples: the feature holding the tensor (default: the only one). */
  array?: string;
  file?: string;
  provenance?: Provenance;
  noLayoutCheck?: boolean;
  warn?: (message: string) => void;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** The tensor a TFRecord payload holds: a serialized TensorProto, or a tensor feature of an Example. */
export function recordTensor(payload: Uint8Array, index: number, feature?: string, file?: string): { tensor: Tensor; feature?: string } {
  const where = `record ${index}`;
  if (looksLikeTensorProto(payload)) {
    try {
      const v = tensorValueOf(parseTensorProtoMessage(payload, file), file);
      if (v.kind === 'numeric') return { tensor: v.tensor };
      fail('UNSUPPORTED', `${where} is a string tensor, not numbers`, { file });
    } catch (e) {
      if (!(e instanceof AttnlensError) || e.code !== 'CORRUPT') throw e;
      // Not a TensorProto after all: try it as an Example below.
    }
  }
  const ex = exampleTensor(decodeExample(payload, file, where), feature, file, where);
  return { tensor: ex.tensor, feature: ex.key };
}

/** One alignment document per example of every tensor in a TFRecord file; ids count examples across records. */
export async function* recordDocuments(records: Source<TFRecord>, opts: DumpOptions = {}): AsyncGenerator<AttentionDocument, void, undefined> {
  const cursor = new LabelCursor(opts, opts.file);
  let next = 0;
  let seen = 0;
  // The layout check (do rows sum to 1 along the encoder axis?) runs on the first tensor only.
  let checked = !!opts.noLayoutCheck;
  for await (const r of records) {
    seen++;
    const { tensor, feature } = recordTensor(r.payload, r.index, opts.array, opts.file);
    const axes = layoutAxes(tensor.shape, opts.layout, opts.file);
    const B = axes.b === undefined ? 1 : tensor.shape[axes.b]!;
    const labels = cursor.empty ? {} : cursor.take(B, `record ${r.index}`);
    const meta: Record<string, string> = { record: String(r.index) };
    if (feature) meta.feature = feature;
    yield* iterateAlignmentDocuments(tensor, {
      ...labels, layout: opts.layout, file: opts.file, provenance: opts.provenance, firstId: next, meta,
      noLayoutCheck: checked, warn: opts.warn, ...(feature ? { layer: feature } : {}),
    });
    checked = true;
    next += B;
  }
  if (!seen) fail('NOT_FOUND', 'the TFRecord file holds no records', { file: opts.file, hint: 'nothing was written to it' });
  cursor.finish();
}

export interface EventDocumentOptions extends DumpOptions {
  decodePng: PngDecoder;
}

/**
 * Alignment documents from the summaries of an event file: one per image (values /255,
 * transposed so rows are decoder steps) and one per batch item of a 2-D/3-D tensor.
 * `index` is a first pass over the same events (EventIndex), which picks the tags and
 * tells ids apart: TAG@STEP, with #K when a tag has several values at one step.
 */
export async function* eventDocuments(events: Source<TFEvent>, index: EventIndex, opts: EventDocumentOptions): AsyncGenerator<AttentionDocument, void, undefined> {
  const { file } = opts;
  const tags = new Set(attentionTags(index, opts.tag, file));
  if (opts.step !== undefined) {
    const at = [...tags].filter((t) => (index.countAt(t, opts.step!) ?? 0) > 0);
    if (!at.length) {
      fail('NOT_FOUND', `no ${[...tags].join(', ')} summary at step ${opts.step}`, {
        file,
        hint: `steps with values: ${[...tags].map((t) => `${t}: ${index.tagInfo(t)!.steps.join(', ')}`).join('; ')}`,
      });
    }
  }
  const cursor = new LabelCursor(opts, file);
  // A 3-letter layout describes tensor summaries; images keep the orientation nmt writes (et).
  const imageLayout = opts.layout && opts.layout.length === 2 ? opts.layout : undefined;
  const occurrence = new Map<string, number>();
  const checkedTags = new Set<string>(); // layout check on each tag's first tensor only
  const kinds = new Map(index.tagList().map((t) => [t.tag, t.kind]));
  for await (const e of events) {
    if (opts.step !== undefined && e.step !== opts.step) continue;
    for (const v of e.values) {
      if (!tags.has(v.tag)) continue;
      const key = `${v.tag}@${e.step}`;
      const k = occurrence.get(key) ?? 0;
      occurrence.set(key, k + 1);
      const id = (index.countAt(v.tag, e.step) ?? 0) > 1 ? `${key}#${k}` : key;
      const meta = { tag: v.tag, step: String(e.step), wallTime: String(e.wallTime) };
      if (kinds.get(v.tag) === 'image') {
        const images = v.image
          ? [{ png: v.image.encoded, note: TF1_IMAGE_NOTE, h: v.image.height, w: v.image.width, id }]
          : imagesOfTensor(v.tensor ? tensorValueOf(v.tensor, file) : undefined, id, file);
        for (const im of images) {
          const gray = await opts.decodePng(im.png, `image ${im.id}`);
          if ((im.h && gray.height !== im.h) || (im.w && gray.width !== im.w)) {
            opts.warn?.(`${file ? `${file}: ` : ''}image ${im.id} says ${im.h}x${im.w} but its PNG is ${gray.height}x${gray.width}; using the PNG`);
          }
          const l = cursor.empty ? {} : cursor.take(1, `image ${im.id}`);
          const map = imageAlignmentMap(gray, {
            layout: imageLayout, layer: v.tag, file,
            ...(l.srcTokens ? { srcTokens: l.srcTokens[0]! } : {}), ...(l.tgtTokens ? { tgtTokens: l.tgtTokens[0]! } : {}),
            ...(l.srcLengths ? { srcLength: l.srcLengths[0]! } : {}), ...(l.tgtLengths ? { tgtLength: l.tgtLengths[0]! } : {}),
          });
          yield { id: im.id, maps: [map], provenance: { framework: 'tensorflow', ...opts.provenance, note: im.note }, meta: { ...meta, image: `${gray.height}x${gray.width}` } };
        }
      } else if (v.tensor) {
        const tv = tensorValueOf(v.tensor, file);
        if (tv.kind !== 'numeric') continue;
        const axes = layoutAxes(tv.tensor.shape, opts.layout, file);
        const B = axes.b === undefined ? 1 : tv.tensor.shape[axes.b]!;
        const labels = cursor.empty ? {} : cursor.take(B, `tensor ${id}`);
        yield* iterateAlignmentDocuments(tv.tensor, {
          ...labels, layout: opts.layout, file, provenance: opts.provenance, idPrefix: `${id}/`, layer: v.tag, meta,
          noLayoutCheck: checkedTags.has(v.tag) || opts.noLayoutCheck, warn: opts.warn,
        });
        checkedTags.add(v.tag);
      }
    }
  }
  cursor.finish();
}

function imagesOfTensor(tv: ReturnType<typeof tensorValueOf> | undefined, id: string, file?: string): { png: Uint8Array; note: string; h: number; w: number; id: string }[] {
  if (!tv || tv.kind !== 'string') fail('CORRUPT', `image summary ${id} holds no images`, { file, hint: 'an "images" plugin tensor must be a string tensor [width, height, png...]' });
  const { width, height, pngs } = tf2ImagePngs(tv.values, `image summary ${id}`);
  return pngs.map((png, i) => ({ png, note: TF2_IMAGE_NOTE, h: height, w: width, id: pngs.length > 1 ? `${id}/${i}` : id }));
}
