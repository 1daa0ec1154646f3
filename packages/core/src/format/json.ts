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

function stringify(v: unknown, indent: string, key?: string): string {
  if (key === 'weights' && v && typeof v === 'object' && 'length' in v) {
    const a = v as ArrayLike<number>;
    const parts = new Array<string>(a.length);
    for (let i = 0; i < a.length; i++) parts[i] = formatFloat32(a[i]!);
    return `[${parts.join(', ')}]`;
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + stringify(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${stringify(x, inner, k)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

export function encodeJson(docs: Iterable<AttentionDocument>, h: Partial<StreamHeader> = {}): string {
  const header: Record<string, unknown> = { magic: MAGIC, version: FORMAT_VERSION };
  if (h.generator) header.generator = h.generator;
  if (h.meta && Object.keys(h.meta).length) header.meta = h.meta;
  return stringify({ header, documents: [...docs].map(documentToObject) }, '') + '\n';
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
    fail('CORRUPT', `not valid JSON (${(e as Error).message})`, { file, hint: 'an .attn.json file is written by `attnlens convert`' });
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
