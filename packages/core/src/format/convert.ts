// Between the TypeScript model (@attnlens/core attention.ts) and plain objects in the
// shape of the proto messages (lowerCamelCase, as protobufjs and proto3 JSON use).
// Empty strings in optional-in-spirit fields (name, layer ...) read back as undefined.
import { MAX_MAP_DEPTH, tooDeep, type AttentionDocument, type AttentionMap, type Provenance } from '../attention.js';
import { fail } from '../errors.js';

export interface MapObject {
  name?: string; shape?: number[]; weights?: ArrayLike<number | string>; colLabels?: string[]; rowLabels?: string[];
  validCols?: number | null; validRows?: number | null; layer?: string; variant?: string; rowTitle?: string; colTitle?: string;
  children?: MapObject[]; meta?: Record<string, string>;
}
export interface DocumentObject {
  id?: string; maps?: MapObject[]; trueLabel?: string | null; predictedLabel?: string | null;
  provenance?: Partial<Record<keyof Provenance, string>> | null; meta?: Record<string, string>;
}

const PROVENANCE_KEYS: (keyof Provenance)[] = ['sourceFormat', 'fileName', 'sha256', 'framework', 'frameworkVersion', 'generator', 'note'];
const MAP_STRINGS = ['name', 'layer', 'variant', 'rowTitle', 'colTitle'] as const;

export function mapToObject(m: AttentionMap, depth = 0): MapObject {
  if (depth > MAX_MAP_DEPTH) tooDeep('map');
  const o: MapObject = { shape: [...m.shape], weights: m.weights };
  for (const k of MAP_STRINGS) if (m[k]) o[k] = m[k];
  if (m.colLabels?.length) o.colLabels = m.colLabels;
  if (m.rowLabels?.length) o.rowLabels = m.rowLabels;
  if (m.validCols !== undefined) o.validCols = m.validCols;
  if (m.validRows !== undefined) o.validRows = m.validRows;
  if (m.children?.length) o.children = m.children.map((c) => mapToObject(c, depth + 1));
  if (m.meta && Object.keys(m.meta).length) o.meta = m.meta;
  return o;
}

export function documentToObject(d: AttentionDocument): DocumentObject {
  const o: DocumentObject = { id: d.id, maps: d.maps.map(mapToObject) };
  if (d.trueLabel !== undefined) o.trueLabel = d.trueLabel;
  if (d.predictedLabel !== undefined) o.predictedLabel = d.predictedLabel;
  if (d.provenance) {
    const p: Partial<Record<keyof Provenance, string>> = {};
    for (const k of PROVENANCE_KEYS) if (d.provenance[k]) p[k] = d.provenance[k];
    if (Object.keys(p).length) o.provenance = p;
  }
  if (d.meta && Object.keys(d.meta).length) o.meta = d.meta;
  return o;
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') fail('CORRUPT', `${where} must be a string`);
  return v;
}
function strings(v: unknown, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail('CORRUPT', `${where} must be an array of strings`);
  return v.length ? (v as string[]) : undefined;
}
function uint(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail('CORRUPT', `${where} must be a non-negative integer`);
  return n;
}
function record(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail('CORRUPT', `${where} must be an object of strings`);
  const e = Object.entries(v as object);
  if (e.some(([, s]) => typeof s !== 'string')) fail('CORRUPT', `${where} must be an object of strings`);
  return e.length ? Object.fromEntries(e) : undefined;
}
function weightsOf(v: unknown, where: string): Float32Array {
  if (v === undefined || v === null) return new Float32Array(0);
  if (v instanceof Float32Array) return v;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) fail('CORRUPT', `${where} must be an array of numbers`);
  const a = v as ArrayLike<unknown>;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x === 'number') out[i] = x;
    else if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') out[i] = Number(x);
    else fail('CORRUPT', `${where}[${i}] is not a number: ${JSON.stringify(x)}`);
  }
  return out;
}

/** Accept both lowerCamelCase and the original snake_case names, as proto3 JSON parsers must. */
function field(o: Record<string, unknown>, camel: string): unknown {
  if (camel in o) return o[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  return o[snake];
}

export function mapFromObject(raw: unknown, where: string, depth = 0): AttentionMap {
  // Checked before recursing, so a crafted hierarchy is a clear error, not a stack overflow.
  if (depth > MAX_MAP_DEPTH) tooDeep(where.replace(/(\.children\[\d+\])+$/, ''));
  if (typeof raw !== 'object' || raw === null) fail('CORRUPT', `${where} must be an object`);
  const o = raw as Record<string, unknown>;
  const shapeRaw = field(o, 'shape');
  const shape = (Array.isArray(shapeRaw) ? shapeRaw : []).map((d, i) => uint(d, `${where}.shape[${i}]`)!);
  if (shape.length !== 1 && shape.length !== 2) fail('CORRUPT', `${where}.shape must have 1 or 2 dimensions, has ${shape.length}`);
  const m: AttentionMap = { shape: shape as [number] | [number, number], weights: weightsOf(field(o, 'weights'), `${where}.weights`) };
  for (const k of MAP_STRINGS) {
    const s = str(field(o, k), `${where}.${k}`);
    if (s !== undefined) m[k] = s;
  }
  const cl = strings(field(o, 'colLabels'), `${where}.colLabels`);
  if (cl) m.colLabels = cl;
  const rl = strings(field(o, 'rowLabels'), `${where}.rowLabels`);
  if (rl) m.rowLabels = rl;
  const vc = uint(field(o, 'validCols'), `${where}.validCols`);
  if (vc !== undefined) m.validCols = vc;
  const vr = uint(field(o, 'validRows'), `${where}.validRows`);
  if (vr !== undefined) m.validRows = vr;
  const ch = field(o, 'children');
  if (Array.isArray(ch) && ch.length) m.children = ch.map((c, i) => mapFromObject(c, `${where}.children[${i}]`, depth + 1));
  const meta = record(field(o, 'meta'), `${where}.meta`);
  if (meta) m.meta = meta;
  return m;
}

export function documentFromObject(raw: unknown, where: string): AttentionDocument {
  if (typeof raw !== 'object' || raw === null) fail('CORRUPT', `${where} must be an object`);
  const o = raw as Record<string, unknown>;
  const id = field(o, 'id') ?? '';
  if (typeof id !== 'string') fail('CORRUPT', `${where}.id must be a string`);
  const mapsRaw = field(o, 'maps') ?? [];
  if (!Array.isArray(mapsRaw)) fail('CORRUPT', `${where}.maps must be an array`);
  const d: AttentionDocument = { id, maps: mapsRaw.map((m, i) => mapFromObject(m, `${where}.maps[${i}]`)) };
  // true/predicted labels are proto3 `optional`: "" is a real label, absent is none.
  const tl = field(o, 'trueLabel');
  if (tl !== undefined && tl !== null) d.trueLabel = String(tl);
  const pl = field(o, 'predictedLabel');
  if (pl !== undefined && pl !== null) d.predictedLabel = String(pl);
  const pr = field(o, 'provenance');
  if (pr && typeof pr === 'object') {
    const p: Provenance = {};
    for (const k of PROVENANCE_KEYS) {
      const s = str(field(pr as Record<string, unknown>, k), `${where}.provenance.${k}`);
      if (s !== undefined) p[k] = s;
    }
    if (Object.keys(p).length) d.provenance = p;
  }
  const meta = record(field(o, 'meta'), `${where}.meta`);
  if (meta) d.meta = meta;
  return d;
}
