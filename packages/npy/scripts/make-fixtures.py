#!/usr/bin/python3
"""Write the small .npy/.npz fixtures of @attnlens/npy with NumPy, and the values
NumPy reads from them (tests/fixtures/expected.json); then check the files the
TypeScript writer wrote (tests/fixtures/ts-written/) with NumPy.

Run with Debian's python3 (python3-numpy) from anywhere:
    node packages/npy/scripts/write-ts-fixtures.mjs   # after `pnpm --filter @attnlens/npy build`
    /usr/bin/python3 packages/npy/scripts/make-fixtures.py
Outputs are committed; tests never run Python.
"""
import io
import json
import os
import struct
import sys
import zipfile

import time

import numpy as np

# zip entries carry the time they were written: pin it so reruns give the same bytes.
time.time = lambda: 1577880000.0

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'tests', 'fixtures')
TS = os.path.join(OUT, 'ts-written')
os.makedirs(OUT, exist_ok=True)

NAMES = {'f2': 'float16', 'f4': 'float32', 'f8': 'float64', 'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'i8': 'int64',
         'u1': 'uint8', 'u2': 'uint16', 'u4': 'uint32', 'u8': 'uint64', 'b1': 'bool'}
expected = {}


def dtype_name(dt):
    return NAMES[dt.kind + str(dt.itemsize)] if dt.kind != 'b' else 'bool'


def describe(a):
    """What a reader must produce: dtype, shape and the C-order little-endian bytes."""
    c = np.ascontiguousarray(a)
    if c.dtype.kind == 'b':
        raw = (c != 0).astype(np.uint8).tobytes()
    else:
        raw = c.astype(c.dtype.newbyteorder('<')).tobytes()
    d = {'dtype': dtype_name(a.dtype), 'shape': list(a.shape), 'hex': raw.hex()}
    if a.size and a.dtype.kind in 'fiub':
        with np.errstate(all='ignore'):
            s = float(np.nansum(np.where(np.isfinite(a.astype(np.float64)), a.astype(np.float64), 0)))
        d['finiteSum'] = s
    return d


def path(name):
    return os.path.join(OUT, name)


def save(name, a, **kw):
    assert ('-be' not in name or a.dtype.byteorder == '>') and ('fortran' not in name or a.flags.f_contiguous), name
    with open(path(name), 'wb') as f:
        np.lib.format.write_array(f, a, allow_pickle=False, **kw)
    back = np.load(path(name))
    assert back.dtype == a.dtype and back.shape == a.shape and back.tobytes() == a.tobytes(), name
    if back.dtype.kind in 'biuf':
        expected[name] = describe(back)


def raw_npy(header, data=b'', version=(1, 0), align=64, pad=True):
    """An .npy with a hand-written header text (for quirks NumPy's writer never makes)."""
    h = header.encode('utf8' if version[0] == 3 else 'latin1')
    fmt = '<H' if version[0] == 1 else '<I'
    pre = 8 + struct.calcsize(fmt)
    if pad:
        padlen = (align - (pre + len(h) + 1) % align) % align
        h = h + b' ' * padlen + b'\n'
    return b'\x93NUMPY' + bytes(version) + struct.pack(fmt, len(h)) + h + data


def write(name, b):
    with open(path(name), 'wb') as f:
        f.write(b)


def expect_error(name, code, match):
    expected[name] = {'error': code, 'match': match}


def values(dt, shape):
    """Deterministic values with the edge cases of each kind."""
    n = int(np.prod(shape))
    dt = np.dtype(dt)
    if dt.kind == 'f':
        fi = np.finfo(dt)
        special = [0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan, float(fi.max), float(fi.tiny), float(fi.smallest_subnormal), 1 / 3, -1e-3]
        v = np.array((special * (n // len(special) + 1))[:n], dtype=np.float64)
        with np.errstate(over='ignore'):
            return v.astype(dt).reshape(shape)
    if dt.kind == 'b':
        return (np.arange(n) % 3 == 1).reshape(shape)
    ii = np.iinfo(dt)
    special = [0, 1, -1 if ii.min < 0 else 2, ii.min, ii.max, ii.max - 1, 7, 100 % (ii.max + 1)]
    v = [special[i % len(special)] for i in range(n)]
    return np.array(v, dtype=dt).reshape(shape)


# --- every dtype, both byte orders ------------------------------------------------
for code in ['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']:
    a = values(code, (3, 4))
    save(f'dtype-{NAMES[code]}-le.npy', a)
    if a.dtype.itemsize > 1:
        save(f'dtype-{NAMES[code]}-be.npy', a.astype(a.dtype.newbyteorder('>')))

# --- Fortran order ----------------------------------------------------------------
save('fortran-float32-2d.npy', np.asfortranarray(np.arange(12, dtype='<f4').reshape(3, 4) * 1.5))
save('fortran-float64-be-3d.npy', np.asfortranarray((np.arange(24) - 7.25).reshape(2, 3, 4).astype('>f8')))
save('fortran-int16-4d.npy', np.asfortranarray(np.arange(120, dtype='<i2').reshape(2, 3, 4, 5) - 60))
save('fortran-bool-3d.npy', np.asfortranarray(np.arange(12).reshape(2, 3, 2) % 5 == 0))
save('fortran-uint64-be-2d.npy', np.asfortranarray(np.array([[0, 2**64 - 1, 3], [2**63, 5, 2**53 + 1]], dtype='>u8')))

# --- versions ---------------------------------------------------------------------
save('version-2.npy', np.arange(5, dtype='<f4') / 4, version=(2, 0))
save('version-3.npy', np.arange(4, dtype='<i4').reshape(2, 2) * -3, version=(3, 0))
save('version-3-fortran-be.npy', np.asfortranarray(np.arange(6, dtype='>i4').reshape(2, 3)), version=(3, 0))

# --- 0-d and zero-size ------------------------------------------------------------
save('scalar-float64.npy', np.array(3.5))
save('scalar-int64.npy', np.array(-(2**62), dtype='<i8'))
save('scalar-bool.npy', np.array(True))
save('empty-float32.npy', np.zeros((0,), dtype='<f4'))
save('empty-int16-3d.npy', np.zeros((3, 0, 2), dtype='<i2'))
save('empty-float64-fortran.npy', np.asfortranarray(np.zeros((0, 4), dtype='>f8')))

# --- several arrays in one file (np.save twice to one handle) ----------------------
a0 = (np.arange(6, dtype='<f4') / 2).reshape(2, 3)
a1 = np.array([1, -2, 3, 2**40], dtype='<i8')
a2 = np.asfortranarray(np.arange(6, dtype='>f8').reshape(3, 2))
buf = io.BytesIO()
for a in (a0, a1, a2):
    np.save(buf, a)
write('three-arrays.npy', buf.getvalue())
with open(path('three-arrays.npy'), 'rb') as f:
    got = [np.load(f) for _ in range(3)]
assert all(np.array_equal(g, a) for g, a in zip(got, (a0, a1, a2)))
expected['three-arrays.npy'] = {'arrays': [describe(g) for g in got]}
# an odd-sized first array, so the second array's data is not 8-byte aligned in the file
b0 = np.array([1, 2, 3], dtype='|u1')
b1 = np.array([0.5, -0.25], dtype='<f8')
buf = io.BytesIO()
np.save(buf, b0)
np.save(buf, b1)
write('two-arrays-unaligned.npy', buf.getvalue())
expected['two-arrays-unaligned.npy'] = {'arrays': [describe(b0), describe(b1)]}

g = np.array([[1.5, -2.0], [0.25, 8.0]], dtype='<f4')
buf = io.BytesIO()
np.save(buf, g)
write('trailing-garbage.npy', buf.getvalue() + b'this is not an array\n')
expected['trailing-garbage.npy'] = {'arrays': [describe(g)], 'trailingBytes': 21}
buf = io.BytesIO()
np.save(buf, g)
np.save(buf, a1)
write('two-arrays-trailing.npy', buf.getvalue() + b'\x00\x01\x02')
expected['two-arrays-trailing.npy'] = {'arrays': [describe(g), describe(a1)], 'trailingBytes': 3}
buf = io.BytesIO()
np.save(buf, g)
np.save(buf, a1)
write('second-array-truncated.npy', buf.getvalue()[:-5])
expect_error('second-array-truncated.npy', 'TRUNCATED', 'array 1')
buf = io.BytesIO()
np.save(buf, g)
write('second-array-magic-cut.npy', buf.getvalue() + b'\x93NUM')
expect_error('second-array-magic-cut.npy', 'TRUNCATED', 'array 1')

# --- header quirks NumPy still reads -----------------------------------------------
f4 = np.array([[1, 2, 3], [4, 5, 6]], dtype='<f4')
quirks = {
    'header-double-quotes.npy': ('{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}', f4),
    'header-key-order.npy': ("{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}", f4),
    'header-spaces.npy': ("{ 'descr' : '<f4' ,\t'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }", f4),
    'header-py2-long.npy': ("{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L), }", np.arange(6, dtype='<i4').reshape(2, 3)),
    'header-native-order.npy': ("{'descr': '=f8', 'fortran_order': False, 'shape': (3,), }", np.array([1.0, -1.0, 0.5])),
    'header-no-order-char.npy': ("{'descr': 'i2', 'fortran_order': False, 'shape': (3,), }", np.array([1, -1, 300], dtype='<i2')),
    'header-fortran-1d.npy': ("{'descr': '<u2', 'fortran_order': True, 'shape': (4,), }", np.array([1, 2, 3, 65535], dtype='<u2')),
    'header-1-tuple.npy': ("{'descr': '<f8', 'fortran_order': False, 'shape': (5,)}", np.arange(5, dtype='<f8')),
}
for name, (hdr, a) in quirks.items():
    write(name, raw_npy(hdr, np.asfortranarray(a).tobytes(order='F') if "'fortran_order': True" in hdr else a.tobytes()))
    back = np.load(path(name))
    assert np.array_equal(back, a) and back.shape == a.shape, name
    expected[name] = describe(back)
# NumPy < 1.14 aligned data to 16 bytes; some writers do not align at all
write('header-align-16.npy', raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", np.arange(4, dtype='<f8').tobytes(), align=16))
expected['header-align-16.npy'] = describe(np.load(path('header-align-16.npy')))
h = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
write('header-unaligned.npy', raw_npy(h + ' \n', np.array([2.5, -1, 7], dtype='<f8').tobytes(), pad=False))
assert (10 + len(h) + 2) % 8 != 0
expected['header-unaligned.npy'] = describe(np.load(path('header-unaligned.npy')))
write('bool-nonbinary.npy', raw_npy("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }", bytes([0, 1, 2, 255, 0])))
expected['bool-nonbinary.npy'] = describe(np.load(path('bool-nonbinary.npy')))

# --- bad input ---------------------------------------------------------------------
d = np.arange(100, dtype='<f8').reshape(10, 10)
buf = io.BytesIO()
np.save(buf, d)
write('truncated-data.npy', buf.getvalue()[:-100])
expect_error('truncated-data.npy', 'TRUNCATED', '800 bytes of data, but only 700')
write('truncated-header.npy', buf.getvalue()[:50])
expect_error('truncated-header.npy', 'TRUNCATED', 'inside the .npy header')
write('truncated-magic.npy', buf.getvalue()[:4])
expect_error('truncated-magic.npy', 'TRUNCATED', 'magic')
write('bad-header-syntax.npy', raw_npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", b'\0' * 8))
expect_error('bad-header-syntax.npy', 'CORRUPT', 'does not parse')
write('bad-header-unclosed.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", b'\0' * 8))
expect_error('bad-header-unclosed.npy', 'CORRUPT', 'does not parse')
write('bad-header-keys.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", b'\0' * 8))
expect_error('bad-header-keys.npy', 'CORRUPT', 'exactly the keys')
write('bad-header-missing-key.npy', raw_npy("{'descr': '<f4', 'shape': (2,)}", b'\0' * 8))
expect_error('bad-header-missing-key.npy', 'CORRUPT', 'exactly the keys')
write('bad-header-not-dict.npy', raw_npy("('<f4', False, (2,))", b'\0' * 8))
expect_error('bad-header-not-dict.npy', 'CORRUPT', 'not a Python dict')
write('bad-header-shape-negative.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", b'\0' * 24))
expect_error('bad-header-shape-negative.npy', 'CORRUPT', 'non-negative integers')
write('bad-header-shape-list.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", b'\0' * 24))
expect_error('bad-header-shape-list.npy', 'CORRUPT', 'non-negative integers')
write('bad-header-fortran.npy', raw_npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", b'\0' * 8))
expect_error('bad-header-fortran.npy', 'CORRUPT', 'fortran_order')
write('bad-descr.npy', raw_npy("{'descr': '<x9', 'fortran_order': False, 'shape': (2,), }", b'\0' * 8))
expect_error('bad-descr.npy', 'CORRUPT', "descr '<x9'")
write('shape-overflow.npy', raw_npy(f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({2**40}, {2**40}, {2**40}), }}", b'\0' * 16))
expect_error('shape-overflow.npy', 'CORRUPT', 'more than any file holds')
write('shape-exceeds-file.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }", b'\0' * 16))
expect_error('shape-exceeds-file.npy', 'TRUNCATED', '4000000000 bytes of data, but only 16')
write('header-huge-length.npy', b'\x93NUMPY\x02\x00' + struct.pack('<I', 0xfffffff0) + b"{'descr'")
expect_error('header-huge-length.npy', 'CORRUPT', 'header of 4294967280 bytes')
write('version-9.npy', b'\x93NUMPY\x09\x00' + raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", b'\0' * 4)[8:])
expect_error('version-9.npy', 'VERSION', 'version 9.0')
write('not-npy.npy', b'hello, this is a text file\n')
expect_error('not-npy.npy', 'CORRUPT', 'not a .npy file')
write('version-3-bad-utf8.npy', raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", b'\0' * 4, version=(3, 0)).replace(b"'descr'", b"'d\xffscr'"))
expect_error('version-3-bad-utf8.npy', 'CORRUPT', 'UTF-8')

# Arrays attnlens refuses: objects (pickle), structured, strings, complex, datetime.
obj = np.empty(3, dtype=object)
obj[0], obj[1], obj[2] = np.eye(2, dtype='<f4'), np.ones((3, 3), dtype='<f4'), 'x'
with open(path('pickled.npy'), 'wb') as f:
    np.lib.format.write_array(f, obj, allow_pickle=True)
expect_error('pickled.npy', 'UNSUPPORTED', 'pickle')
save('structured.npy', np.zeros(3, dtype=[('score', '<f4'), ('label', '<i4')]))
expected['structured.npy'] = {'error': 'UNSUPPORTED', 'match': "fields 'score', 'label'"}
save('unicode.npy', np.array(['ab', 'cde']))
expected['unicode.npy'] = {'error': 'UNSUPPORTED', 'match': 'unicode strings'}
save('bytes.npy', np.array([b'ab', b'cde']))
expected['bytes.npy'] = {'error': 'UNSUPPORTED', 'match': 'byte strings'}
save('complex.npy', np.array([1 + 2j, 3 - 1j], dtype='<c8'))
expected['complex.npy'] = {'error': 'UNSUPPORTED', 'match': 'complex numbers'}
save('datetime.npy', np.array(['2020-01-01', '2021-06-30'], dtype='<M8[D]'))
expected['datetime.npy'] = {'error': 'UNSUPPORTED', 'match': 'datetimes'}

# --- .npz ----------------------------------------------------------------------------
x = (np.arange(6, dtype='<f4') / 3).reshape(2, 3)
y = np.array([True, False, True])
z = np.asfortranarray((np.arange(6).reshape(2, 3) - 2).astype('>i8'))
np.savez(path('stored.npz'), x, y, named=z, **{'layer/attention': x * 2})
np.savez_compressed(path('compressed.npz'), x, y, named=z, **{'layer/attention': x * 2})
for name, comp in (('stored.npz', False), ('compressed.npz', True)):
    with np.load(path(name)) as npz:
        expected[name] = {'compressed': comp, 'entries': {k: describe(npz[k]) for k in npz.files}, 'order': list(npz.files)}
    with zipfile.ZipFile(path(name)) as zf:
        assert all(i.compress_type == (zipfile.ZIP_DEFLATED if comp else zipfile.ZIP_STORED) for i in zf.infolist())
big = np.tile(np.linspace(0, 1, 50, dtype='<f4'), 20).reshape(20, 50)  # compresses well: several deflate blocks
np.savez_compressed(path('compressed-single.npz'), attention=big)
expected['compressed-single.npz'] = {'compressed': True, 'entries': {'attention': describe(big)}, 'order': ['attention']}
np.savez(path('with-strings.npz'), attention=x, tokens=np.array(['the', 'cat']))
expected['with-strings.npz'] = {'compressed': False, 'entries': {'attention': describe(x)}, 'unsupported': {'tokens': 'unicode strings'}, 'order': ['attention', 'tokens']}
np.savez(path('empty.npz'))
expect_error('empty.npz', 'UNKNOWN_FORMAT', 'no .npy entries')
# a stored entry with one data byte flipped: zipfile (and so np.load) refuses it by CRC
with open(path('stored.npz'), 'rb') as f:
    b = bytearray(f.read())
with zipfile.ZipFile(path('stored.npz')) as zf:
    info = zf.getinfo('named.npy')
off = info.header_offset + 30 + len(info.filename.encode()) + struct.unpack('<H', b[info.header_offset + 28:info.header_offset + 30])[0] + 130
b[off] ^= 0x40
write('bad-crc.npz', bytes(b))
try:
    np.load(path('bad-crc.npz'))['named']
    raise SystemExit('bad-crc.npz: NumPy did not notice')
except zipfile.BadZipFile:
    pass
expect_error('bad-crc.npz', 'CORRUPT', 'CRC')
with open(path('compressed.npz'), 'rb') as f:
    write('truncated.npz', f.read()[:400])
expect_error('truncated.npz', 'TRUNCATED', 'end-of-central-directory')
# A deflated entry cut inside its compressed data (the directory intact): inflate fails.
with open(path('compressed-single.npz'), 'rb') as f:
    b = bytearray(f.read())
with zipfile.ZipFile(path('compressed-single.npz')) as zf:
    info = zf.getinfo('attention.npy')
start = info.header_offset + 30 + len(info.filename.encode()) + struct.unpack('<H', b[info.header_offset + 28:info.header_offset + 30])[0]
b[start + 40:start + info.compress_size] = b'\xff' * (info.compress_size - 40)
write('bad-deflate.npz', bytes(b))
expect_error('bad-deflate.npz', 'CORRUPT', 'attention.npy')

# The whole archive in ZIP64 form (end record + locator), as writers use past 65535 entries or 4 GiB.
with open(path('stored.npz'), 'rb') as f:
    b = f.read()
eocd = b.rfind(b'PK\x05\x06')
_, _, _, _, count, cd_size, cd_off, _ = struct.unpack('<IHHHHIIH', b[eocd:eocd + 22])
zip64_at = eocd
rec = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, count, count, cd_size, cd_off)
loc = struct.pack('<IIQI', 0x07064b50, 0, zip64_at, 1)
end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0)
write('zip64-end.npz', b[:eocd] + rec + loc + end)
with np.load(path('zip64-end.npz')) as npz:
    expected['zip64-end.npz'] = {'compressed': False, 'entries': {k: describe(npz[k]) for k in npz.files}, 'order': list(npz.files)}

# A Keras 3 archive saved with weights_format="npz": model.weights.npz inside a zip.
wbuf = io.BytesIO()
kern = (np.arange(12, dtype='<f4').reshape(4, 3) - 6) / 8
np.savez(wbuf, **{'layers/dense/vars/0': kern, 'layers/dense/vars/1': np.zeros(3, dtype='<f4')})
with zipfile.ZipFile(path('keras-npz-weights.keras'), 'w') as zf:
    zf.writestr('metadata.json', json.dumps({'keras_version': '3.6.0', 'date_saved': '2024-10-01@12:00:00'}))
    zf.writestr('config.json', json.dumps({'class_name': 'Sequential', 'config': {}}))
    zf.writestr('model.weights.npz', wbuf.getvalue())
expected['keras-npz-weights.keras'] = {'inner': 'model.weights.npz', 'entries': {'layers/dense/vars/0': describe(kern), 'layers/dense/vars/1': describe(np.zeros(3, dtype='<f4'))}}

with open(path('expected.json'), 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write('\n')
print(f'wrote {len(expected)} fixtures to {os.path.normpath(OUT)}')

# --- check what the TypeScript writer wrote -------------------------------------------
if not os.path.exists(os.path.join(TS, 'expected.json')):
    print('no ts-written/expected.json: run scripts/write-ts-fixtures.mjs first', file=sys.stderr)
    sys.exit(1)
with open(os.path.join(TS, 'expected.json')) as f:
    ts = json.load(f)
bad = 0
for name, want in sorted(ts.items()):
    p = os.path.join(TS, name)
    a = np.load(p)
    with open(p, 'rb') as f:
        ver = np.lib.format.read_magic(f)
        np.lib.format._read_array_header(f, ver)
        offset = f.tell()
    dt = np.dtype(want['descr'])
    ref = np.frombuffer(bytes.fromhex(want['hex']), dtype=dt).reshape(want['shape'])
    ok = a.dtype == dt and a.shape == tuple(want['shape']) and a.tobytes() == ref.tobytes() and offset % 64 == 0
    # NumPy's own np.save of the same array must give the very same bytes.
    mine = io.BytesIO()
    np.save(mine, ref)
    with open(p, 'rb') as f:
        same = f.read() == mine.getvalue()
    if not (ok and same):
        bad += 1
        print(f'ts-written/{name}: NumPy reads {a.dtype.str} {a.shape}; expected {want["descr"]} {want["shape"]}; data {"ok" if ok else "DIFFERS"}; bytes {"identical to np.save" if same else "DIFFER from np.save"}', file=sys.stderr)
print(f'checked {len(ts)} files written by encodeNpy/createNpyWriter with NumPy {np.__version__}: {len(ts) - bad} ok')
sys.exit(1 if bad else 0)
