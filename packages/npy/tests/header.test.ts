import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DTYPES } from '@attnlens/core';
import { inspectNpyHeader, parseNpyHeader } from '../src/index.js';
import { encodeNpyHeader } from '../src/header.js';
import { parsePyLiteral, PyDict, PyLiteralError, PyTuple, pyRepr } from '../src/literal.js';
import { errorOf } from './helpers.js';

/** An .npy preamble + header for a hand-written header text. */
function npy(text: string, version = 1, data = 0): Uint8Array {
  const body = new TextEncoder().encode(text + '\n');
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + body.length + data);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, body.length, true);
  else dv.setUint32(8, body.length, true);
  out.set(body, pre);
  return out;
}

describe('the header as the Python literal it is', () => {
  it('reads tuples as Python does: (), (5,), (5) and trailing commas', () => {
    expect((parsePyLiteral('()') as PyTuple).items).toEqual([]);
    expect((parsePyLiteral('(5,)') as PyTuple).items).toEqual([5]);
    expect(parsePyLiteral('(5)')).toBe(5);
    expect((parsePyLiteral('(3, 4, )') as PyTuple).items).toEqual([3, 4]);
    expect((parsePyLiteral('(3L, 4l)') as PyTuple).items).toEqual([3, 4]);
    expect(parsePyLiteral('[1, [2, (3,)]]')).toEqual([1, [2, new PyTuple([3])]]);
  });
  it('reads True/False/None, either quote and escapes', () => {
    const d = parsePyLiteral(`{"a": True, 'b': False, 'c': None, 'd': 'it\\'s', "e": "x\\ny", u'f': b'g', 'h': '\\x41\\u00e9'}`) as PyDict;
    expect(d.entries).toEqual([['a', true], ['b', false], ['c', null], ['d', "it's"], ['e', 'x\ny'], ['f', 'g'], ['h', 'Aé']]);
  });
  it('says where it stopped understanding', () => {
    const cases: [string, RegExp][] = [
      ["{'a': Maybe}", /name Maybe/], ["{'a': 1", /expected , or }/], ["{'a' 1}", /expected :/], ["{1: 2}", /keys must be strings/],
      ["{'a': 1.5}", /only integers/], ["{'a': 'x}", /unterminated/], ["{'a': 1} x", /after the literal/], ['', /end of header/],
      [`{'a': ${'9'.repeat(30)}}`, /too large/], ['('.repeat(100), /nested too deeply/], ["{'a': '\\q'}", /bad escape/],
    ];
    for (const [text, msg] of cases) {
      let err: unknown;
      try {
        parsePyLiteral(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(PyLiteralError);
      expect((err as Error).message, text).toMatch(msg);
    }
    try {
      parsePyLiteral("{'a': Maybe}");
    } catch (e) {
      expect((e as PyLiteralError).column).toBe(7);
    }
  });
  it('prints a literal back as Python would', () => {
    expect(pyRepr(parsePyLiteral("[('a', '<f4'), ('b', '<i4', (2,))]"))).toBe("[('a', '<f4'), ('b', '<i4', (2,))]");
    expect(pyRepr(parsePyLiteral("{'x': (), 'y': True, 'z': None}"))).toBe("{'x': (), 'y': True, 'z': None}");
  });
});

describe('parseNpyHeader', () => {
  it('gives the contract fields, with the data offset from the header length', () => {
    const b = npy("{'descr': '>f8', 'fortran_order': True, 'shape': (3, 4), }", 1, 96);
    const h = parseNpyHeader(b);
    expect(h).toEqual({ version: [1, 0], descr: '>f8', dtype: 'float64', byteOrder: '>', fortranOrder: true, shape: [3, 4], headerBytes: b.length - 96, dataBytes: 96 });
    expect(parseNpyHeader(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", 2)).version).toEqual([2, 0]);
    expect(parseNpyHeader(npy("{'descr': '?', 'fortran_order': False, 'shape': (2,), }")).dtype).toBe('bool');
  });
  it('reads a version 3.0 header as UTF-8 and 1.0 as latin-1', () => {
    const h3 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 3);
    expect(parseNpyHeader(h3).version).toEqual([3, 0]);
    // latin-1 0xe9 is 'é'; a v1 header with it still parses (in a place that does not matter: a key would).
    const h1 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }");
    const withLatin = new Uint8Array(h1.length);
    withLatin.set(h1);
    withLatin[h1.length - 1] = 0x20;
    expect(parseNpyHeader(withLatin).shape).toEqual([1]);
  });
  it('refuses what NumPy refuses', () => {
    expect(errorOf(() => parseNpyHeader(npy("{'descr': '<f4', 'shape': (1,)}"))).message).toMatch(/exactly the keys/);
    expect(errorOf(() => parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}"))).message).toMatch(/fortran_order/);
    expect(errorOf(() => parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}"))).code).toBe('CORRUPT');
    expect(errorOf(() => parseNpyHeader(npy("{'descr': 7, 'fortran_order': False, 'shape': (1,)}"))).message).toMatch(/neither a dtype string/);
    expect(errorOf(() => parseNpyHeader(new Uint8Array())).code).toBe('TRUNCATED');
    expect(errorOf(() => parseNpyHeader(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}").subarray(0, 9))).code).toBe('TRUNCATED');
  });
  it('names what an unreadable dtype holds, and inspectNpyHeader still describes it', () => {
    const cases: [string, RegExp][] = [
      ["'|O'", /Python objects.*pickle/], ["'<U7'", /unicode strings.*7 characters/], ["'|S4'", /byte strings.*4 bytes/],
      ["'<c16'", /complex/], ["'<m8[s]'", /timedeltas/], ["'|V16'", /opaque bytes/], ["'<f16'", /extended-precision/],
      ["'<i3'", /item size/], ["[('a', '<f4'), ('b', '|O')]", /fields 'a', 'b', some holding Python objects/],
      ["[(('title', 'x'), '<f8')]", /fields 'x'/],
    ];
    for (const [descr, msg] of cases) {
      const b = npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (2,), }`);
      const e = errorOf(() => parseNpyHeader(b, 'a.npy'));
      expect(e.code, descr).toBe('UNSUPPORTED');
      expect(e.message, descr).toMatch(msg);
      expect(e.file).toBe('a.npy');
      const info = inspectNpyHeader(b);
      expect(info.header).toBeUndefined();
      expect(info.shape).toEqual([2]);
      expect(info.unsupported?.code).toBe('UNSUPPORTED');
    }
  });
  it('refuses sizes that overflow, before anything is allocated', () => {
    const e = errorOf(() => parseNpyHeader(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (${2 ** 30}, ${2 ** 30}), }`)));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/9223372036854775808 bytes/);
    // a zero dimension makes any other size harmless, as in NumPy
    expect(parseNpyHeader(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (${2 ** 50}, 0), }`)).dataBytes).toBe(0);
  });
});

describe('encodeNpyHeader', () => {
  it('writes what NumPy 1.24 writes for a small array', () => {
    const h = encodeNpyHeader('float32', [3, 4]);
    const text = new TextDecoder().decode(h.subarray(10));
    expect(h.length).toBe(128);
    expect(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + ' '.repeat(20))).toBe(true);
    expect(text.endsWith(' \n')).toBe(true);
    expect(new TextDecoder().decode(encodeNpyHeader('bool', [5]).subarray(10, 60))).toContain("'descr': '|b1'");
  });
  it('round-trips through parseNpyHeader for every dtype and shape, data at a multiple of 64', () => {
    fc.assert(fc.property(fc.constantFrom(...DTYPES), fc.array(fc.nat({ max: 1000 }), { maxLength: 4 }), (dtype, shape) => {
      const b = encodeNpyHeader(dtype, shape);
      expect(b.length % 64).toBe(0);
      const h = parseNpyHeader(b);
      expect(h.dtype).toBe(dtype);
      expect(h.shape).toEqual(shape);
      expect(h.fortranOrder).toBe(false);
      expect(h.headerBytes).toBe(b.length);
      expect(h.version).toEqual([1, 0]);
    }));
  });
  it('keeps the same length whatever the first axis holds (the streaming writer relies on it)', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 100 }), { maxLength: 4 }), fc.nat(), (rest, n) => {
      expect(encodeNpyHeader('int16', [n, ...rest]).length).toBe(encodeNpyHeader('int16', [0, ...rest]).length);
    }));
    expect(encodeNpyHeader('int16', [Number.MAX_SAFE_INTEGER, 2]).length).toBe(encodeNpyHeader('int16', [0, 2]).length);
  });
  it('switches to version 2.0 only when the header outgrows 65535 bytes', () => {
    const shape = new Array(25000).fill(1);
    const b = encodeNpyHeader('float64', shape);
    expect(b[6]).toBe(2);
    expect(b.length % 64).toBe(0);
    expect(parseNpyHeader(b).shape).toHaveLength(25000);
    expect(encodeNpyHeader('float64', new Array(20000).fill(1))[6]).toBe(1);
  });
});
