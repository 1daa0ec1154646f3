// TensorFlow event files (events.out.tfevents.*): a TFRecord of Event protos
// (shared docs FORMATS.md §4.4; tensorboard/compat/proto/{event,summary}.proto).
import { fail, formatShape, type Tensor } from '@attnlens/core';
import { longToNumber, tfSchema } from './proto/schema.js';
import { tensorProtoObject, tensorValueOf, type TensorProtoMessage, type TensorValue } from './tensor-proto.js';
import { DT, tfDtypeName } from './dtypes.js';

export type SummaryKind = 'scalar' | 'image' | 'tensor' | 'histogram' | 'audio' | 'text' | 'other';

export interface SummaryImage {
  height: number;
  width: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA, 5 YUV, 6 BGRA. */
  colorspace: number;
  /** PNG bytes. */
  encoded: Uint8Array;
}

export interface SummaryValue {
  tag: string;
  /** From this value's metadata (only the first value of a tag is sure to carry it). */
  pluginName?: string;
  simpleValue?: number;
  image?: SummaryImage;
  tensor?: TensorProtoMessage;
  /** histo, audio or the obsolete histogram: present, not decoded. */
  other?: 'histogram' | 'audio';
}

export interface TFEvent {
  wallTime: number;
  step: number;
  /** What the event holds: file_version, graph_def, summary, log_message, session_log, tagged_run_metadata, meta_graph_def. */
  what?: string;
  fileVersion?: string;
  values: SummaryValue[];
}

interface EventMessage {
  wallTime?: number;
  step?: unknown;
  what?: string;
  fileVersion?: string;
  summary?: { value?: ValueMessage[] };
}
interface ValueMessage {
  tag?: string;
  nodeName?: string;
  metadata?: { pluginData?: { pluginName?: string } };
  value?: string;
  simpleValue?: number;
  image?: { height?: number; width?: number; colorspace?: number; encodedImageString?: Uint8Array };
  tensor?: TensorProtoMessage;
}

const WHAT: Record<string, string> = {
  fileVersion: 'file_version', graphDef: 'graph_def', summary: 'summary', logMessage: 'log_message', sessionLog: 'session_log',
  taggedRunMetadata: 'tagged_run_metadata', metaGraphDef: 'meta_graph_def',
};

/** Decode one Event record's payload. */
export function decodeEvent(payload: Uint8Array, file?: string, where = 'event'): TFEvent {
  let m: EventMessage;
  try {
    m = tfSchema().Event.decode(payload) as unknown as EventMessage;
  } catch (e) {
    return fail('CORRUPT', `${where} is not a valid Event (${(e as Error).message})`, { file, hint: 'the record CRCs matched, so the writer put something other than an Event here', cause: e });
  }
  const values: SummaryValue[] = (m.summary?.value ?? []).map((v) => {
    const out: SummaryValue = { tag: v.tag || v.nodeName || '' };
    const plugin = v.metadata?.pluginData?.pluginName;
    if (plugin) out.pluginName = plugin;
    if (v.value === 'simpleValue') out.simpleValue = v.simpleValue ?? 0;
    else if (v.value === 'image' && v.image) {
      out.image = { height: v.image.height ?? 0, width: v.image.width ?? 0, colorspace: v.image.colorspace ?? 0, encoded: v.image.encodedImageString ?? new Uint8Array(0) };
    } else if (v.value === 'tensor' && v.tensor) out.tensor = v.tensor;
    else if (v.value === 'histo' || v.value === 'obsoleteOldStyleHistogram') out.other = 'histogram';
    else if (v.value === 'audio') out.other = 'audio';
    return out;
  });
  const ev: TFEvent = { wallTime: m.wallTime ?? 0, step: longToNumber(m.step), values };
  if (m.what) ev.what = WHAT[m.what] ?? m.what;
  if (m.fileVersion) ev.fileVersion = m.fileVersion;
  return ev;
}

/** How a tensor summary's shape reads in messages. */
function tensorShapeOf(t: TensorProtoMessage): number[] {
  return (t.tensorShape?.dim ?? []).map((d) => longToNumber(d.size));
}

/** "HxW" (and "k images") of a TF2 image summary tensor [width, height, png...]. */
function tf2ImageSize(t: TensorProtoMessage): string {
  const v = t.stringVal ?? [];
  const dec = new TextDecoder();
  const w = dec.decode(v[0] ?? new Uint8Array(0));
  const h = dec.decode(v[1] ?? new Uint8Array(0));
  return `${h}x${w}${v.length > 3 ? ` (${v.length - 2} images)` : ''}`;
}

/** What kind of summary a value is, given the plugin its tag was first written with. */
export function summaryKind(v: SummaryValue, plugin?: string): SummaryKind {
  if (v.simpleValue !== undefined) return 'scalar';
  if (v.image) return 'image';
  if (v.other) return v.other;
  if (v.tensor) {
    const p = v.pluginName ?? plugin;
    if (p === 'images') return 'image';
    if (p === 'scalars') return 'scalar';
    if (p === 'histograms') return 'histogram';
    if (p === 'audio') return 'audio';
    if (p === 'text' || v.tensor.dtype === DT.STRING) return 'text';
    return tensorShapeOf(v.tensor).length === 0 ? 'scalar' : 'tensor';
  }
  return 'other';
}

/** A value's tensor, interpreted (numeric Tensor or strings). */
export function summaryTensor(v: SummaryValue, file?: string): TensorValue {
  if (!v.tensor) return fail('NOT_FOUND', `tag ${v.tag} holds no tensor`, { file });
  return tensorValueOf(v.tensor, file);
}

export interface EventTagInfo {
  tag: string;
  kind: SummaryKind;
  pluginName?: string;
  /** Values written under this tag. */
  count: number;
  /** Distinct steps, ascending (at most MAX_STEPS_LISTED; stepsTruncated says when more). */
  steps: number[];
  stepsTruncated?: boolean;
  firstStep: number;
  lastStep: number;
  /** For tensors: dtype and the distinct shapes; for images: the distinct "HxW" sizes (at most 20). */
  dtype?: string;
  shapes?: string[];
  /** For tensors: the distinct ranks. */
  ranks?: number[];
}

export const MAX_STEPS_LISTED = 1000;
const MAX_SHAPES = 20;

/** Everything `inspect` says about an event file, built one event at a time. */
export class EventIndex {
  events = 0;
  fileVersion: string | undefined;
  /** Counts of non-summary events by what they hold (graph_def, meta_graph_def ...). */
  other: Record<string, number> = {};
  firstWallTime: number | undefined;
  lastWallTime: number | undefined;
  private readonly tags = new Map<string, EventTagInfo & { stepSet: Set<number>; shapeSet: Set<string>; rankSet: Set<number>; perStep: Map<number, number> }>();
  private readonly plugins = new Map<string, string>();

  /** The plugin a tag was first written with (metadata rides on the first value only). */
  pluginOf(tag: string): string | undefined {
    return this.plugins.get(tag);
  }

  /** Kind of a value, remembering plugins across events. */
  kindOf(v: SummaryValue): SummaryKind {
    if (v.pluginName && !this.plugins.has(v.tag)) this.plugins.set(v.tag, v.pluginName);
    return summaryKind(v, this.plugins.get(v.tag));
  }

  add(e: TFEvent): void {
    this.events++;
    if (e.wallTime) {
      this.firstWallTime ??= e.wallTime;
      this.lastWallTime = e.wallTime;
    }
    if (e.fileVersion) this.fileVersion ??= e.fileVersion;
    if (e.what && e.what !== 'summary') this.other[e.what] = (this.other[e.what] ?? 0) + 1;
    for (const v of e.values) {
      const kind = this.kindOf(v);
      let info = this.tags.get(v.tag);
      if (!info) {
        info = { tag: v.tag, kind, count: 0, steps: [], firstStep: e.step, lastStep: e.step, stepSet: new Set(), shapeSet: new Set(), rankSet: new Set(), perStep: new Map() };
        const plugin = this.plugins.get(v.tag);
        if (plugin) info.pluginName = plugin;
        this.tags.set(v.tag, info);
      }
      info.count++;
      info.firstStep = Math.min(info.firstStep, e.step);
      info.lastStep = Math.max(info.lastStep, e.step);
      // Values per step, for ids (TAG@STEP#K): kept for images and tensors only, so a log
      // of millions of scalar steps does not grow a map per tag.
      if (kind === 'image' || kind === 'tensor') info.perStep.set(e.step, (info.perStep.get(e.step) ?? 0) + 1);
      if (info.stepSet.size < MAX_STEPS_LISTED) info.stepSet.add(e.step);
      else if (!info.stepSet.has(e.step)) info.stepsTruncated = true;
      if (info.shapeSet.size < MAX_SHAPES) {
        if (v.image) info.shapeSet.add(`${v.image.height}x${v.image.width}`);
        else if (v.tensor && kind === 'image') info.shapeSet.add(tf2ImageSize(v.tensor));
        else if (v.tensor && kind !== 'scalar') {
          info.dtype ??= tfDtypeName(v.tensor.dtype ?? 0);
          info.shapeSet.add(formatShape(tensorShapeOf(v.tensor)));
        }
      }
      if (v.tensor && kind === 'tensor') info.rankSet.add(tensorShapeOf(v.tensor).length);
    }
  }

  /** How many values an image or tensor `tag` has at `step` (to tell ids apart); undefined for other kinds, which are not counted. */
  countAt(tag: string, step: number): number | undefined {
    const t = this.tags.get(tag);
    if (!t) return 0;
    if (t.kind !== 'image' && t.kind !== 'tensor') return undefined;
    return t.perStep.get(step) ?? 0;
  }

  tagInfo(tag: string): EventTagInfo | undefined {
    const t = this.tags.get(tag);
    return t && this.publicInfo(t);
  }

  tagList(): EventTagInfo[] {
    return [...this.tags.values()].map((t) => this.publicInfo(t));
  }

  private publicInfo(t: EventTagInfo & { stepSet: Set<number>; shapeSet: Set<string>; rankSet: Set<number> }): EventTagInfo {
    const out: EventTagInfo = { tag: t.tag, kind: t.kind, count: t.count, steps: [...t.stepSet].sort((a, b) => a - b), firstStep: t.firstStep, lastStep: t.lastStep };
    if (t.pluginName) out.pluginName = t.pluginName;
    if (t.stepsTruncated) out.stepsTruncated = true;
    if (t.dtype) out.dtype = t.dtype;
    if (t.shapeSet.size) out.shapes = [...t.shapeSet];
    if (t.rankSet.size) out.ranks = [...t.rankSet].sort();
    return out;
  }
}

/** Is this tag something attnlens can turn into alignment maps (images, 2-D/3-D float tensors)? */
export function isAttentionCandidate(t: EventTagInfo): boolean {
  if (t.kind === 'image') return true;
  if (t.kind !== 'tensor' || !t.ranks?.length) return false;
  // Attention is float; integer tensors (token ids, lengths) are not maps.
  if (!t.dtype || !/^(float16|float32|float64|bfloat16)(_ref)?$/.test(t.dtype)) return false;
  return t.ranks.every((r) => r === 2 || r === 3);
}

/** Tags to convert: `tag` when given (must be a candidate), else the candidates, preferring names that say attention/alignment. */
export function attentionTags(index: EventIndex, tag?: string, file?: string): string[] {
  const all = index.tagList();
  if (tag !== undefined) {
    const info = index.tagInfo(tag);
    if (!info) {
      fail('NOT_FOUND', `no tag ${JSON.stringify(tag)} in the event file`, {
        file,
        hint: `its tags are: ${all.map((t) => `${t.tag} (${t.kind})`).join(', ') || 'none'}`,
        details: { tags: all.map((t) => t.tag) },
      });
    }
    if (!isAttentionCandidate(info)) {
      fail('UNSUPPORTED', `tag ${JSON.stringify(tag)} holds ${info.kind} summaries${info.shapes ? ` of shape ${info.shapes.join(', ')}` : ''}, not attention`, {
        file,
        hint: 'attnlens converts image summaries (alignment images, as tensorflow/nmt writes) and 2-D or 3-D tensor summaries',
      });
    }
    return [tag];
  }
  const candidates = all.filter(isAttentionCandidate);
  if (!candidates.length) {
    const kinds = [...new Set(all.map((t) => t.kind))];
    fail('NOT_FOUND', `no attention in it: the event file holds ${all.length ? `only ${kinds.join(' and ')} summaries (${all.slice(0, 8).map((t) => t.tag).join(', ')}${all.length > 8 ? ', ...' : ''})` : 'no summaries'}`, {
      file,
      hint: 'attnlens converts image summaries of alignment_history (tensorflow/nmt attention_images) and 2-D/3-D tensor summaries; write one with tf.summary.image or tf.summary.write',
      details: { tags: all.map((t) => ({ tag: t.tag, kind: t.kind })) },
    });
  }
  const named = candidates.filter((t) => /attention|alignment|align/i.test(t.tag));
  return (named.length ? named : candidates).map((t) => t.tag);
}

export interface EncodeSummaryValue {
  tag: string;
  pluginName?: string;
  simpleValue?: number;
  image?: SummaryImage;
  /** A numeric tensor, or a string tensor given as its byte strings. */
  tensor?: Tensor | { shape: number[]; strings: Uint8Array[] };
}

export interface EncodeEvent {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  /** Stands for a graph_def (its bytes are not interpreted). */
  graphDef?: Uint8Array;
  summary?: EncodeSummaryValue[];
}

/** Serialize an Event, as TensorFlow's summary writers do (for fixtures and tests). */
export function encodeEvent(e: EncodeEvent): Uint8Array {
  const msg: Record<string, unknown> = { wallTime: e.wallTime ?? 0, step: e.step ?? 0 };
  if (e.fileVersion !== undefined) msg.fileVersion = e.fileVersion;
  else if (e.graphDef) msg.graphDef = e.graphDef;
  else if (e.summary) {
    msg.summary = {
      value: e.summary.map((v) => {
        const o: Record<string, unknown> = { tag: v.tag };
        if (v.pluginName) o.metadata = { pluginData: { pluginName: v.pluginName } };
        if (v.simpleValue !== undefined) o.simpleValue = v.simpleValue;
        else if (v.image) o.image = { height: v.image.height, width: v.image.width, colorspace: v.image.colorspace, encodedImageString: v.image.encoded };
        else if (v.tensor && 'strings' in v.tensor) o.tensor = { dtype: DT.STRING, tensorShape: { dim: v.tensor.shape.map((size) => ({ size })) }, stringVal: v.tensor.strings };
        else if (v.tensor) o.tensor = tensorProtoObject(v.tensor);
        return o;
      }),
    };
  }
  return tfSchema().Event.encode(msg).finish();
}
