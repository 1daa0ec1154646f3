// Name every tensor of an unpickled checkpoint by its path of keys, and summarise the rest
// (epoch, loss lists, a Vocab) in a line each. Containers without tensors are summarised
// whole; a placeholder's state is searched for tensors too (a module saved whole).
import { fail } from '@attnlens/core';
import { isKind, type Opaque, type TensorRef } from './globals.js';
import { describeValue, isTuple, PyDict, type PyValue } from './pickle.js';

/** A value beside the tensors, summarised. */
export interface TorchEntry {
  name: string;
  /** int, float, str, bool, None, list, dict, bytes, or the class of a placeholder. */
  type: string;
  /** A short description (`7`, `list of 3: 1.5, 0.75, 0.125`, `argparse.Namespace, kept unread`). */
  summary: string;
  /** The value itself for numbers, strings and bools. */
  value?: number | string | boolean | null;
}

export const ROOT_TENSOR = 'tensor';
const tooDeep = (file?: string): never => fail('UNSUPPORTED', `nests containers more than ${MAX_DEPTH} deep`, { file, hint: 'save the tensors in a flatter dict' });
const MAX_DEPTH = 256;

export function walkCheckpoint(root: PyValue, file?: string): { tensors: { name: string; ref: TensorRef }[]; entries: TorchEntry[] } {
  const tensors: { name: string; ref: TensorRef }[] = [];
  const entries: TorchEntry[] = [];
  const seen = new Set<object>();
  const used = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let k = 2; used.has(n); k++) n = `${name}#${k}`;
    used.add(n);
    return n;
  };
  const holdsTensor = memoHolds(file);
  const visit = (v: PyValue, path: string[], depth: number): void => {
    if (depth > MAX_DEPTH) tooDeep(file);
    if (isKind<TensorRef>(v, 'tensor')) {
      tensors.push({ name: unique(path.join('/') || ROOT_TENSOR), ref: v });
      return;
    }
    const name = path.join('/') || '(root)';
    if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
      if (seen.has(v)) return; // a value the pickle memoised twice (or a cycle)
      if (holdsTensor(v)) {
        seen.add(v);
        if (isKind<Opaque>(v, 'opaque')) entries.push(isModule(v) ? { name, type: v.className, summary: `${v.className} saved whole: its parameters and buffers are listed under their state_dict names` } : summarise(name, v));
        for (const [k, child] of children(v)) visit(child, [...path, k], depth + 1);
        return;
      }
    }
    entries.push(summarise(name, v));
  };
  visit(root, [], 0);
  return { tensors, entries };
}

function children(v: PyValue): [string, PyValue][] {
  if (v instanceof PyDict) return [...v.map].map(([k, x]) => [String(k), x]);
  if (Array.isArray(v)) return v.map((x, i) => [String(i), x]);
  if (isModule(v)) return moduleTensors(v, '', 0);
  if (isKind<Opaque>(v, 'opaque')) return v.state === undefined ? [] : children(v.state);
  return [];
}

const isModule = (v: PyValue): v is Opaque & PyValue => isKind<Opaque>(v, 'opaque') && v.className.startsWith('torch.nn.modules.') && v.state instanceof PyDict;

/**
 * A torch.nn module saved whole: its parameters and buffers under the names its state_dict
 * would give them (`0.weight`), from `_parameters`, `_buffers` and `_modules`
 * (torch/nn/modules/module.py `_save_to_state_dict`); hooks and flags are left out.
 */
function moduleTensors(m: Opaque, prefix: string, depth: number): [string, PyValue][] {
  const st = (m.state as PyDict).map;
  const out: [string, PyValue][] = [];
  for (const key of ['_parameters', '_buffers']) {
    const d = st.get(key);
    if (d instanceof PyDict) for (const [k, t] of d.map) if (t !== null) out.push([`${prefix}${String(k)}`, t]);
  }
  const mods = st.get('_modules');
  if (mods instanceof PyDict && depth < MAX_DEPTH) {
    for (const [k, sub] of mods.map) if (isModule(sub)) out.push(...moduleTensors(sub, `${prefix}${String(k)}.`, depth + 1));
  }
  return out;
}

/** Does a value hold a tensor anywhere inside (memoised, cycle-safe)? */
function memoHolds(file?: string): (v: PyValue) => boolean {
  const memo = new Map<object, boolean>();
  const holds = (v: PyValue, depth: number): boolean => {
    if (isKind<TensorRef>(v, 'tensor')) return true;
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return false;
    if (depth > MAX_DEPTH) tooDeep(file);
    const m = memo.get(v);
    if (m !== undefined) return m;
    memo.set(v, false);
    const r = children(v).some(([, c]) => holds(c, depth + 1));
    memo.set(v, r);
    return r;
  };
  return (v) => holds(v, 0);
}

function summarise(name: string, v: PyValue): TorchEntry {
  if (v === null) return { name, type: 'None', summary: 'None', value: null };
  if (typeof v === 'boolean') return { name, type: 'bool', summary: String(v), value: v };
  if (typeof v === 'number') return { name, type: Number.isInteger(v) ? 'int' : 'float', summary: String(v), value: v };
  if (typeof v === 'bigint') return { name, type: 'int', summary: String(v), value: String(v) };
  if (typeof v === 'string') return { name, type: 'str', summary: JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v), value: v };
  if (v instanceof Uint8Array) return { name, type: 'bytes', summary: `${v.length} bytes` };
  if (Array.isArray(v)) {
    const kind = isTuple(v) ? 'tuple' : 'list';
    const head = v.slice(0, 5).map((x) => describeValue(x, 1)).join(', ');
    return { name, type: kind, summary: `${kind} of ${v.length}${v.length ? `: ${head}${v.length > 5 ? ', ...' : ''}` : ''}` };
  }
  if (v instanceof PyDict) {
    const keys = [...v.map.keys()].slice(0, 6).map(String).join(', ');
    return { name, type: 'dict', summary: `dict of ${v.map.size}${v.map.size ? ` (${keys}${v.map.size > 6 ? ', ...' : ''})` : ''}` };
  }
  if (isKind<Opaque>(v, 'opaque')) {
    const n = numpyScalar(v);
    if (n !== undefined) return { name, type: `numpy.${n.type}`, summary: String(n.value), value: typeof n.value === 'bigint' ? String(n.value) : n.value };
    return { name, type: v.className, summary: v.note ?? `${v.className}, kept as a placeholder (attnlens does not read its contents)` };
  }
  const kind = (v as { kind: string }).kind;
  return { name, type: kind, summary: describeValue(v) };
}

const SCALARS: Record<string, [string, number, (dv: DataView) => number | bigint | boolean]> = {
  f8: ['float64', 8, (d) => d.getFloat64(0, true)], f4: ['float32', 4, (d) => d.getFloat32(0, true)],
  i8: ['int64', 8, (d) => d.getBigInt64(0, true)], i4: ['int32', 4, (d) => d.getInt32(0, true)], i2: ['int16', 2, (d) => d.getInt16(0, true)],
  i1: ['int8', 1, (d) => d.getInt8(0)], u1: ['uint8', 1, (d) => d.getUint8(0)], b1: ['bool', 1, (d) => d.getUint8(0) !== 0],
};

/**
 * A NumPy scalar (`numpy.core.multiarray.scalar(numpy.dtype('f8', False, True), bytes)`, numpy's
 * own __reduce__): its value, for the little-endian numbers and bools; undefined otherwise.
 */
function numpyScalar(v: Opaque): { type: string; value: number | bigint | boolean } | undefined {
  if (v.className !== 'numpy.core.multiarray.scalar' && v.className !== 'numpy._core.multiarray.scalar') return undefined;
  const [dt, raw] = v.args;
  if (!isKind<Opaque>(dt, 'opaque') || !(raw instanceof Uint8Array) || typeof dt.args[0] !== 'string') return undefined;
  const order = Array.isArray(dt.state) ? dt.state[1] : '<';
  const s = SCALARS[dt.args[0]];
  if (!s || raw.length !== s[1] || (order !== '<' && order !== '|')) return undefined;
  return { type: s[0], value: s[2](new DataView(raw.buffer, raw.byteOffset, raw.byteLength)) };
}
