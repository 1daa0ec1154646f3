// TensorFlow dumps: TensorProto, TFRecord (GZIP or not) and event files, via @attnlens/tf.
import { formatShape } from '@attnlens/core';
import { EXTRACT_SYNTAX, extractTFTensor, inspectTFFile, readLabelFiles, tfDocuments, type TFFileInfo } from '@attnlens/tf/node';
import { TF_FORMATS, type EventTagInfo } from '@attnlens/tf';
import type { FormatHandler } from './registry.js';

/** How `--array` names a value in a TensorFlow file (for extract). */
export const TF_ARRAY_SYNTAX = EXTRACT_SYNTAX;

export const tfFormat: FormatHandler = {
  name: 'TensorFlow',
  claims: TF_FORMATS, // the package says which sniffed formats are its dumps
  async inspect({ path, sniff }) {
    const info = await inspectTFFile(path, sniff.format);
    return { json: info, text: inspectText(path, info) };
  },
  extract({ path, sniff }, name) {
    return extractTFTensor(path, name, sniff.format);
  },
  async *documents({ path, sniff }, opts) {
    const labels = await readLabelFiles(opts);
    yield* tfDocuments(path, {
      ...labels,
      ...(opts.layout !== undefined ? { layout: opts.layout } : {}),
      ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
      ...(opts.step !== undefined ? { step: opts.step } : {}),
      ...(opts.array !== undefined ? { array: opts.array } : {}),
      ...(opts.skipCorrupt ? { skipCorrupt: true } : {}),
      ...(opts.warn ? { warn: opts.warn } : {}),
    }, sniff.format);
  },
};

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

function stepsText(t: EventTagInfo): string {
  if (t.steps.length <= 6 && !t.stepsTruncated) return `step${t.steps.length === 1 ? '' : 's'} ${t.steps.join(', ')}`;
  return `steps ${t.firstStep}..${t.lastStep}${t.stepsTruncated ? '' : ` (${t.steps.length} distinct)`}`;
}

export function inspectText(path: string, info: TFFileInfo): string {
  const comp = 'compression' in info && info.compression !== 'none' ? ` (${info.compression.toUpperCase()})` : '';
  if (info.format === 'tensorproto') return `${path}: TensorProto, ${info.dtype} ${formatShape(info.shape)}, ${plural(info.elements, 'element')}`;
  const lines: string[] = [];
  if (info.format === 'tfrecord') {
    const parts = Object.entries(info.counts).filter(([, n]) => n).map(([k, n]) => plural(n, k === 'unknown' ? 'unrecognised record' : k));
    lines.push(`${path}: TFRecord file${comp}, ${plural(info.records, 'record')}${parts.length ? `: ${parts.join(', ')}` : ''}`);
    for (const [k, n] of Object.entries(info.tensorShapes)) lines.push(`  tensor ${k}: ${plural(n, 'record')}`);
    for (const r of info.first.slice(0, 5)) {
      if (r.kind === 'example') lines.push(`  record ${r.record}: Example {${r.features!.map((f) => `${f.name}: ${f.kind}[${f.length}]`).join(', ')}}`);
      else if (r.kind === 'unknown') lines.push(`  record ${r.record}: ${r.bytes} bytes, neither a TensorProto nor an Example`);
    }
  } else {
    lines.push(`${path}: TensorFlow event file${comp}${info.fileVersion ? ` (${info.fileVersion})` : ''}, ${plural(info.records, 'record')}`);
    const w = Math.max(3, ...info.tags.map((t) => t.tag.length));
    for (const t of info.tags) {
      const extra = t.kind === 'image' && t.shapes ? `  sizes ${t.shapes.join(', ')}` : t.shapes ? `  ${t.dtype ?? ''} ${t.shapes.join(', ')}` : '';
      lines.push(`  ${t.tag.padEnd(w)}  ${t.kind.padEnd(6)}  ${plural(t.count, 'value').padEnd(11)}  ${stepsText(t)}${extra}`);
    }
    if (!info.tags.length) lines.push('  no summaries');
    const other = Object.entries(info.other).map(([k, n]) => `${k} ${n}`).join(', ');
    if (other) lines.push(`  also: ${other}`);
    lines.push(info.attentionTags.length
      ? `attention: ${info.attentionTags.join(', ')} (convert writes one alignment map per image or batch item)`
      : 'attention: none found (no image summaries or 2-D/3-D tensor summaries)');
  }
  if (info.corrupt.length) {
    lines.push(`${plural(info.corrupt.length, 'problem')}:`);
    for (const c of info.corrupt.slice(0, 10)) lines.push(`  ${c.message}`);
  }
  return lines.join('\n');
}
