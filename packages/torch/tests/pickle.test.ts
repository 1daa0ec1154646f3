// The restricted unpickler on hand-made pickles (opcodes as CPython's Lib/pickle.py writes
// them): values, the hooks, and damaged or hostile streams refused without a crash.
import { describe, expect, it } from 'vitest';
import { isAttnlensError } from '@attnlens/core';
import { resolveGlobal } from '../src/globals.js';
import { isTuple, PickleTruncated, PyDict, unpickle, type PyValue, type UnpickleHooks } from '../src/pickle.js';
import { walkCheckpoint } from '../src/walk.js';

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const hooks: UnpickleHooks = { resolveGlobal: (m, n) => resolveGlobal(m, n), persistentLoad: () => null };
const load = (bytes: Uint8Array | string) => unpickle(typeof bytes === 'string' ? enc(bytes) : bytes, hooks).value;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (isAttnlensError(e)) return e.code;
    if (e instanceof PickleTruncated) return 'TRUNCATED';
    throw e;
  }
  return 'OK';
};

describe('unpickle', () => {
  it('reads the legacy torch magic number (a 10-byte LONG1) and negative longs exactly', () => {
    const magic = '\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.';
    expect(load(magic)).toBe(0x1950a86a20f9469cfc6cn);
    expect(load('\x80\x02\x8a\x01\xff.')).toBe(-1); // pickle.dumps(-1 as LONG1)
    expect(load('\x80\x02\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80.')).toBe(-(2n ** 63n));
    expect(load('\x80\x02J\xff\xff\xff\xff.')).toBe(-1); // BININT is signed
  });

  it('builds dicts, tuples, lists, strings, floats; a "__proto__" key is only a key', () => {
    const v = load('\x80\x02}q\x00(X\x09\x00\x00\x00__proto__K\x01X\x01\x00\x00\x00tK\x01K\x02\x86G?\xf8\x00\x00\x00\x00\x00\x00]q\x01(K\x03\x88eu.') as PyDict;
    expect(v).toBeInstanceOf(PyDict);
    expect(v.map.get('__proto__')).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const t = [...v.map.keys()];
    expect(t).toEqual(['__proto__', 't', 1.5]);
    expect(isTuple(v.map.get('t')!)).toBe(true);
  });

  it('an OrderedDict through REDUCE, with its _metadata kept aside by BUILD', () => {
    const v = load('\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aK\x07s}q\x02X\x09\x00\x00\x00_metadataN sb.'.replace(' ', '')) as PyDict;
    expect([...v.map]).toEqual([['a', 7]]);
    expect(v.attrs).toBeInstanceOf(PyDict);
  });

  it('a tuple is told from a list', () => {
    expect(isTuple(load('\x80\x02K\x01K\x02\x86.'))).toBe(true);
    expect(isTuple(load('\x80\x02]K\x01a.'))).toBe(false);
  });

  it.each([
    ['a BINUNICODE claiming 4 GB', '\x80\x02X\xff\xff\xff\xffabc.', 'TRUNCATED'],
    ['no STOP', '\x80\x02K\x01', 'TRUNCATED'],
    ['an unknown opcode', '\x80\x02\xff.', 'CORRUPT'],
    ['a memo key never stored', '\x80\x02h\x05.', 'CORRUPT'],
    ['STOP on an empty stack', '\x80\x02.', 'CORRUPT'],
    ['SETITEM on a list', '\x80\x02]K\x01K\x02s.', 'CORRUPT'],
    ['a call of something that is not a global', '\x80\x02K\x01)R.', 'CORRUPT'],
    ['a persistent id that is not a storage', '\x80\x02K\x01Q.', 'OK'],
    ['EXT1', '\x80\x02\x82\x01.', 'UNSUPPORTED'],
    ['STACK_GLOBAL of os.system', '\x80\x02X\x02\x00\x00\x00osX\x06\x00\x00\x00system\x93.', 'UNSUPPORTED'],
    ['INST of subprocess.Popen', '\x80\x02(isubprocess\nPopen\n.', 'UNSUPPORTED'],
    ['GLOBAL nt.system (Windows os.system)', 'cnt\nsystem\n.', 'UNSUPPORTED'],
    ['GLOBAL builtins.getattr', 'c__builtin__\ngetattr\n.', 'UNSUPPORTED'],
  ])('%s: %s', (_what, bytes, want) => {
    expect(code(() => load(bytes))).toBe(want);
  });

  it('100 000 nested lists: a clear error from the walk, not a stack overflow', () => {
    const n = 100_000;
    const bytes = enc(`\x80\x02${']'.repeat(n)}${'a'.repeat(n - 1)}.`);
    const v = load(bytes);
    expect(code(() => walkCheckpoint(v))).toBe('UNSUPPORTED');
  });

  it('a list that holds itself (memo GET): walked once', () => {
    const v = load('\x80\x02]q\x00h\x00a.') as PyValue[];
    expect(v[0]).toBe(v);
    expect(walkCheckpoint(v).entries).toHaveLength(1);
  });
});
