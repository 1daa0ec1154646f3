// A restricted unpickler: it builds plain values (None, bool, int, float, str, bytes,
// list, tuple, dict) and hands every global and persistent id to the caller, which
// decides what each may become. Nothing is ever imported or run.
//
// Why not the `pickleparser` npm package (0.2.1), which has the same two hooks: its LONG1
// reads lengths up to 8 bytes as unsigned, so a negative long comes out wrong and the
// legacy torch magic number (a 10-byte LONG1) is refused; its errors are bare Errors
// thrown from deep inside (a malformed stack becomes a TypeError); and its default
// dictionaries are plain objects, where a '__proto__' key reaches the prototype. The
// opcodes are those of CPython's Lib/pickle.py (protocols 0-5).
import { fail } from '@attnlens/core';

/** A Python tuple: a frozen array, told apart from a list where it matters (persistent ids). */
export type PyTuple = readonly PyValue[] & { readonly tuple: true };
export type PyKey = string | number | bigint | boolean | null;
/** dict, OrderedDict: insertion-ordered; keys that are not plain values are stringified. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  /** Attributes set by BUILD (an OrderedDict's `_metadata`). */
  attrs?: PyValue;
  set(k: PyValue, v: PyValue): void {
    this.map.set(isKey(k) ? k : describeValue(k), v);
  }
}
/** What a global or persistent id became: the caller's own object. */
export interface PyObject {
  readonly kind: string;
}
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyObject;

/** A global the pickle names (`module.name`), resolved by the caller. */
export interface PyGlobal extends PyObject {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
  /** REDUCE and NEWOBJ: what calling it with `args` gives. */
  call(args: PyValue[]): PyValue;
}

export interface UnpickleHooks {
  /** GLOBAL / STACK_GLOBAL / INST / OBJ: refuse (throw) or return what the name stands for. */
  resolveGlobal(module: string, name: string): PyGlobal;
  /** PERSID / BINPERSID: torch's storages. */
  persistentLoad(pid: PyValue): PyValue;
  /** BUILD on a caller's object (`obj.__setstate__(state)`). */
  build?(obj: PyValue, state: PyValue): void;
}

export const isKey = (v: PyValue): v is PyKey => v === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof v);
export const isTuple = (v: PyValue): v is PyTuple => Array.isArray(v) && (v as { tuple?: boolean }).tuple === true;
export const tuple = (items: PyValue[]): PyTuple => Object.freeze(Object.assign(items, { tuple: true as const })) as PyTuple;

/** A short description for messages: two levels deep and five items wide at most (a pickle may nest or cycle). */
export function describeValue(v: PyValue, depth = 0): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return v.length > 60 ? `${v.slice(0, 57)}...` : v;
  if (typeof v !== 'object') return String(v);
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (Array.isArray(v)) {
    if (depth >= 2) return `${isTuple(v) ? 'tuple' : 'list'}(${v.length})`;
    return `(${v.slice(0, 5).map((x) => describeValue(x, depth + 1)).join(', ')}${v.length > 5 ? ', ...' : ''})`;
  }
  if (v instanceof PyDict) return `dict(${v.map.size})`;
  return `<${(v as PyObject).kind}>`;
}

/** The pickle ended before STOP: the bytes given were not the whole pickle. */
export class PickleTruncated extends Error {}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/**
 * Unpickle one pickle from `bytes` at `start`. Returns the value and the offset after STOP.
 * Malformed input is a CORRUPT AttnlensError; running off the end throws PickleTruncated.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, start = 0, file?: string): { value: PyValue; end: number } {
  const r = new PickleReader(bytes, start, hooks, file);
  try {
    return r.run();
  } catch (e) {
    if (e instanceof RangeError && !(e instanceof PickleTruncated)) fail('CORRUPT', `has a damaged pickle (${e.message})`, { file, hint: 'the file is damaged; save it again' });
    throw e;
  }
}

const dec = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

class PickleReader {
  private p: number;
  private stack: Slot[] = [];
  private readonly memo = new Map<number, PyValue>();
  constructor(private readonly b: Uint8Array, start: number, private readonly hooks: UnpickleHooks, private readonly file?: string) {
    this.p = start;
  }

  private bad(what: string): never {
    return fail('CORRUPT', `has a damaged pickle: ${what} at byte ${this.p}`, { file: this.file, hint: 'the file is damaged or is not a PyTorch file; save it again' });
  }
  private need(n: number): void {
    if (n < 0 || this.p + n > this.b.length) throw new PickleTruncated(`pickle needs ${n} bytes at ${this.p}`);
  }
  private u8(): number {
    this.need(1);
    return this.b[this.p++]!;
  }
  private le(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.b[this.p + i]!;
    this.p += n;
    return v;
  }
  private bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n)) this.bad('an impossible length');
    this.need(n);
    const out = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }
  private line(): string {
    const nl = this.b.indexOf(0x0a, this.p);
    if (nl < 0) throw new PickleTruncated('pickle line without its newline');
    const s = latin1.decode(this.b.subarray(this.p, nl));
    this.p = nl + 1;
    return s;
  }
  private pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) this.bad('an empty stack');
    return v;
  }
  private top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.bad('an empty stack');
    return v;
  }
  /** Everything above the last MARK, which is removed. */
  private popMark(): PyValue[] {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) this.bad('no MARK');
    const items = this.stack.splice(at) as PyValue[];
    items.shift();
    return items;
  }
  private push(v: PyValue): void {
    this.stack.push(v);
  }
  private global(module: string, name: string): PyGlobal {
    return this.hooks.resolveGlobal(module, name);
  }
  private callable(v: PyValue): PyGlobal {
    if (typeof v === 'object' && v !== null && (v as PyObject).kind === 'global') return v as PyGlobal;
    return this.bad(`a call of ${describeValue(v)}, which is not a global`);
  }
  private setItems(target: PyValue, items: PyValue[]): void {
    if (!(target instanceof PyDict)) this.bad('SETITEM on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
  }
  private append(target: PyValue, items: PyValue[]): void {
    if (!Array.isArray(target) || isTuple(target)) this.bad('APPEND on something that is not a list');
    (target as PyValue[]).push(...items);
  }

  run(): { value: PyValue; end: number } {
    for (;;) {
      const op = this.u8();
      if (op === 0x2e) return { value: this.pop(), end: this.p }; // STOP
      this.step(op);
    }
  }

  private step(op: number): void {
    switch (op) {
      case 0x80: this.u8(); return; // PROTO
      case 0x95: this.le(8); return; // FRAME: framing is only a hint
      case 0x28: this.stack.push(MARK); return;
      case 0x30: this.pop(); return; // POP
      case 0x31: this.popMark(); return; // POP_MARK
      case 0x32: this.push(this.top()); return; // DUP
      case 0x4e: this.push(null); return; // NONE
      case 0x88: this.push(true); return;
      case 0x89: this.push(false); return;
      case 0x4b: this.push(this.le(1)); return; // BININT1
      case 0x4d: this.push(this.le(2)); return; // BININT2
      case 0x4a: this.push(this.le(4) | 0); return; // BININT (signed)
      case 0x8a: this.push(this.long(this.bytes(this.le(1)))); return; // LONG1
      case 0x8b: this.push(this.long(this.bytes(this.le(4)))); return; // LONG4
      case 0x49: this.push(this.intLine(this.line())); return; // INT (protocol 0; "01"/"00" are bools)
      case 0x4c: this.push(this.intLine(this.line().replace(/L$/, ''))); return; // LONG
      case 0x46: this.push(Number(this.line())); return; // FLOAT
      case 0x47: { this.need(8); const v = new DataView(this.b.buffer, this.b.byteOffset + this.p, 8).getFloat64(0, false); this.p += 8; this.push(v); return; } // BINFLOAT
      case 0x58: this.push(dec.decode(this.bytes(this.le(4)))); return; // BINUNICODE
      case 0x8c: this.push(dec.decode(this.bytes(this.le(1)))); return; // SHORT_BINUNICODE
      case 0x8d: this.push(dec.decode(this.bytes(this.le(8)))); return; // BINUNICODE8
      case 0x56: this.push(this.line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))); return; // UNICODE (raw-unicode-escape)
      case 0x53: this.push(this.quoted(this.line())); return; // STRING
      case 0x54: this.push(latin1.decode(this.bytes(this.le(4)))); return; // BINSTRING
      case 0x55: this.push(latin1.decode(this.bytes(this.le(1)))); return; // SHORT_BINSTRING
      case 0x42: this.push(this.bytes(this.le(4))); return; // BINBYTES
      case 0x43: this.push(this.bytes(this.le(1))); return; // SHORT_BINBYTES
      case 0x8e: case 0x96: this.push(this.bytes(this.le(8))); return; // BINBYTES8, BYTEARRAY8
      case 0x29: this.push(tuple([])); return; // EMPTY_TUPLE
      case 0x85: this.push(tuple([this.pop()])); return;
      case 0x86: { const b = this.pop(); this.push(tuple([this.pop(), b])); return; }
      case 0x87: { const c = this.pop(); const b = this.pop(); this.push(tuple([this.pop(), b, c])); return; }
      case 0x74: this.push(tuple(this.popMark())); return; // TUPLE
      case 0x5d: this.push([]); return; // EMPTY_LIST
      case 0x6c: this.push(this.popMark()); return; // LIST
      case 0x61: { const v = this.pop(); this.append(this.top(), [v]); return; } // APPEND
      case 0x65: { const items = this.popMark(); this.append(this.top(), items); return; } // APPENDS
      case 0x7d: this.push(new PyDict()); return; // EMPTY_DICT
      case 0x64: { const d = new PyDict(); this.setItems(d, this.popMark()); this.push(d); return; } // DICT
      case 0x73: { const v = this.pop(); const k = this.pop(); this.setItems(this.top(), [k, v]); return; } // SETITEM
      case 0x75: { const items = this.popMark(); this.setItems(this.top(), items); return; } // SETITEMS
      case 0x8f: this.push([]); return; // EMPTY_SET: sets become lists
      case 0x90: { const items = this.popMark(); this.append(this.top(), items); return; } // ADDITEMS
      case 0x91: this.push(this.popMark()); return; // FROZENSET
      case 0x70: this.memo.set(Number(this.line()), this.top()); return; // PUT
      case 0x71: this.memo.set(this.le(1), this.top()); return; // BINPUT
      case 0x72: this.memo.set(this.le(4), this.top()); return; // LONG_BINPUT
      case 0x94: this.memo.set(this.memo.size, this.top()); return; // MEMOIZE
      case 0x67: this.push(this.fromMemo(Number(this.line()))); return; // GET
      case 0x68: this.push(this.fromMemo(this.le(1))); return; // BINGET
      case 0x6a: this.push(this.fromMemo(this.le(4))); return; // LONG_BINGET
      case 0x63: { const m = this.line(); this.push(this.global(m, this.line())); return; } // GLOBAL
      case 0x93: { const n = this.pop(); const m = this.pop(); if (typeof m !== 'string' || typeof n !== 'string') this.bad('STACK_GLOBAL without two strings'); this.push(this.global(m, n)); return; }
      case 0x52: { const args = this.pop(); const f = this.callable(this.pop()); this.push(f.call(this.args(args))); return; } // REDUCE
      case 0x81: { const args = this.pop(); const cls = this.callable(this.pop()); this.push(cls.call(this.args(args))); return; } // NEWOBJ
      case 0x92: { this.pop(); const args = this.pop(); const cls = this.callable(this.pop()); this.push(cls.call(this.args(args))); return; } // NEWOBJ_EX (kwargs dropped)
      case 0x69: { const m = this.line(); const cls = this.global(m, this.line()); this.push(cls.call(this.popMark())); return; } // INST
      case 0x6f: { const items = this.popMark(); const cls = this.callable(items.shift() ?? null); this.push(cls.call(items)); return; } // OBJ
      case 0x62: { const state = this.pop(); this.build(this.top(), state); return; } // BUILD
      case 0x50: this.push(this.hooks.persistentLoad(this.line())); return; // PERSID
      case 0x51: this.push(this.hooks.persistentLoad(this.pop())); return; // BINPERSID
      case 0x82: case 0x83: case 0x84: // EXT1/2/4: the copyreg extension registry
        return fail('UNSUPPORTED', 'has a pickle that uses the copyreg extension registry (EXT opcodes), which attnlens does not resolve', { file: this.file, hint: 'save the object again with torch.save' });
      case 0x97: case 0x98: // NEXT_BUFFER, READONLY_BUFFER: out-of-band data a file cannot carry
        return this.bad('an out-of-band buffer');
      default:
        return this.bad(`unknown opcode 0x${op.toString(16)}`);
    }
  }

  private fromMemo(k: number): PyValue {
    if (!this.memo.has(k)) this.bad(`a memo key ${k} never stored`);
    return this.memo.get(k)!;
  }
  private args(v: PyValue): PyValue[] {
    if (!isTuple(v)) this.bad(`call arguments ${describeValue(v)} that are not a tuple`);
    return [...v];
  }
  private build(obj: PyValue, state: PyValue): void {
    if (obj instanceof PyDict) {
      obj.attrs = state; // OrderedDict's _metadata: kept, never interpreted
      return;
    }
    if (!this.hooks.build || typeof obj !== 'object' || obj === null || obj instanceof Uint8Array || Array.isArray(obj)) this.bad(`BUILD on ${describeValue(obj)}`);
    this.hooks.build(obj, state);
  }
  /** Two's-complement little-endian, as pickle.decode_long. */
  private long(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    if (b.length > 4096) this.bad('an integer of more than 4096 bytes');
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
  }
  private intLine(s: string): number | bigint | boolean {
    if (s === '01') return true;
    if (s === '00') return false;
    if (!/^[-+]?\d+$/.test(s.trim())) this.bad(`an integer literal ${JSON.stringify(s.slice(0, 20))}`);
    const v = BigInt(s.trim());
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  private quoted(s: string): string {
    if (s.length < 2 || s[0] !== s[s.length - 1] || (s[0] !== "'" && s[0] !== '"')) this.bad('a STRING without quotes');
    return s.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})|\\(['"\\nrt])/g, (_, h?: string, c?: string) =>
      h ? String.fromCharCode(parseInt(h, 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c!] ?? c!);
  }
}
