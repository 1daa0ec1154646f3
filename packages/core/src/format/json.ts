// The .attn.json file: the canonical proto3 JSON mapping of AttentionFile.
// Written by hand rather than with protobufjs' toObject so that float32 weights
// print in their shortest round-tripping form (0.1, not 0.10000000149011612),
// and arrays of numbers and tokens stay on one line. tests/format.test.ts checks
// that protobufjs' own fromObject reads what this writes.
import type { AttentionDocument } from '../attention.js';
import { fail } from '../errors.js';
import { documentFromObject, documentToObject } from './convert.js';
import type { StreamHeader } from './pb.js';
import { FORMAT_VERSION, MAGIC } from './schema.js';

/** Shortest decimal that reads back as the same float32; NaN/Infinity as proto3 JSON strings. */
export function formatFloat32(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  for (let p = 1; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** Weights are turned into text this many at a time, so a 10^7-weight map never becomes one giant string. */
const WEIGHT_SLICE = 1 << 16;

function* weightsText(a: ArrayLike<number>): Generator<string> {
  yield '[';
  for (let i = 0; i < a.length; i += WEIGHT_SLICE) {
    const end = Math.min(a.length, i + WEIGHT_SLICE);
    const parts = new Array<string>(end - i);
    for (let k = i; k < end; k++) parts[k - i] = formatFloat32(a[k]!);
    yield (i ? ', ' : '') + parts.join(', ');
  }
  yield ']';
}

/** JSON text of `v` in pieces: two-space indent, arrays of scalars (and weights) on one line. */
function* stringify(v: unknown, indent: string, key?: string): Generator<string> {
  if (key === 'weights' && v && typeof v === 'object' && 'length' in v) {
    yield* weightsText(v as ArrayLike<number>);
    return;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      yield `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      return;
    }
    const inner = indent + '  ';
    yield '[\n';
    for (const [i, x] of v.entries()) {
      yield (i ? ',\n' : '') + inner;
      yield* stringify(x, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  if (v && typeof v === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (!entries.length) {
      yield '{}';
      return;
    }
    yield '{\n';
    for (const [i, [k, x]] of entries.entries()) {
      yield `${i ? ',\n' : ''}${inner}${JSON.stringify(k)}: `;
      yield* stringify(x, inner, k);
    }
    yield `\n${indent}}`;
    return;
  }
  yield JSON.stringify(v);
}

/** The text before the first document of an .attn.json file. */
export function jsonHead(h: Partial<StreamHeader> = {}): string {
  const header: Record<string, unknown> = { magic: MAGIC, version: FORMAT_VERSION };
  if (h.generator) header.generator = h.generator;
  if (h.meta && Object.keys(h.meta).length) header.meta = h.meta;
  return `{\n  "header": ${[...stringify(header, '  ')].join('')},\n  "documents": [`;
}

/** One document of an .attn.json file, in pieces (the first without a leading comma). */
export function* jsonDocument(d: AttentionDocument, first: boolean): Generator<string> {
  yield first ? '\n    ' : ',\n    ';
  yield* stringify(documentToObject(d), '    ');
}

/** The text after the last of `count` documents. */
export function jsonTail(count: number): string {
  return count ? '\n  ]\n}\n' : ']\n}\n';
}

export function encodeJson(docs: Iterable<AttentionDocument>, h: Partial<StreamHeader> = {}): string {
  const out = [jsonHead(h)];
  let n = 0;
  for (const d of docs) out.push(...jsonDocument(d, n++ === 0));
  out.push(jsonTail(n));
  return out.join('');
}

/** Does this text start like an .attn.json file? */
export function looksLikeAttnJson(head: string): boolean {
  return /^\s*\{/.test(head) && /"magic"\s*:\s*"attnlens"/.test(head);
}

export function decodeJson(text: string, file?: string): { header: StreamHeader; documents: AttentionDocument[] } {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    fail('CORRUPT', `not valid JSON (${(e as Error).message})`, { file, hint: 'an .attn.json file is written by attnlens (writeDocuments, or converting a dump); convert the source file again' });
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('CORRUPT', 'an .attn.json file must hold one object', { file });
  const root = o as Record<string, unknown>;
  const h = (root.header ?? {}) as Record<string, unknown>;
  if (h.magic !== MAGIC) fail('CORRUPT', 'no "header": {"magic": "attnlens"}: this is not an .attn.json file', { file });
  const version = Number(h.version ?? 0);
  if (version > FORMAT_VERSION) fail('VERSION', `written in attnlens format version ${version}; this attnlens reads up to ${FORMAT_VERSION}`, { file, hint: 'upgrade attnlens' });
  const docs = root.documents ?? [];
  if (!Array.isArray(docs)) fail('CORRUPT', '"documents" must be an array', { file });
  try {
    return {
      header: { version, ...(typeof h.generator === 'string' && h.generator ? { generator: h.generator } : {}) },
      documents: docs.map((d, i) => documentFromObject(d, `document ${i}`)),
    };
  } catch (e) {
    throw file && e instanceof Error && 'withFile' in e ? (e as import('../errors.js').AttnlensError).withFile(file) : e;
  }
}
