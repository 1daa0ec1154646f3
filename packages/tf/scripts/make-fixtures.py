#!/usr/bin/python3
"""Write the @attnlens/tf test fixtures with an implementation independent of the
TypeScript one: protobuf wire format, TFRecord framing, CRC-32C and PNG encoding are
written out here by hand from the specs (FORMATS.md §4.3-4.5, the PNG spec), with
NumPy for the values. Run with Debian's python3 (numpy):

    /usr/bin/python3 packages/tf/scripts/make-fixtures.py

Outputs (KBs) go to packages/tf/tests/fixtures/, with expected.json holding the values
each file must decode to. Deterministic.
"""
import gzip
import json
import os
import struct
import zlib

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
rng = np.random.default_rng(6)

# ---- protobuf wire format ----------------------------------------------------------
def varint(n):
    n &= (1 << 64) - 1  # negative int64/int32 go out as 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def key(field, wire):
    return varint((field << 3) | wire)

def f_varint(field, n):
    return key(field, 0) + varint(n)

def f_bytes(field, b):
    return key(field, 2) + varint(len(b)) + b

def f_double(field, x):
    return key(field, 1) + struct.pack('<d', x)

def f_float(field, x):
    return key(field, 5) + struct.pack('<f', x)

def packed_varints(field, vals):
    return f_bytes(field, b''.join(varint(int(v)) for v in vals))

DT = {'float32': 1, 'float64': 2, 'int32': 3, 'uint8': 4, 'int16': 5, 'int8': 6, 'string': 7, 'int64': 9, 'bool': 10,
      'bfloat16': 14, 'uint16': 17, 'float16': 19, 'uint32': 22, 'uint64': 23}

def shape_proto(shape):
    # TensorShapeProto: dim = 2 (field 1 is unused), Dim.size = 1
    return b''.join(f_bytes(2, f_varint(1, d)) for d in shape)

def tensor_content(a):
    a = np.asarray(a)  # (np.ascontiguousarray would turn a 0-d array into 1-d)
    if not a.flags.c_contiguous:
        a = a.copy(order='C')
    return f_varint(1, DT[a.dtype.name]) + f_bytes(2, shape_proto(a.shape)) + f_bytes(4, a.astype(a.dtype.newbyteorder('<')).tobytes())

def tensor_half_val(a):
    # make_tensor_proto puts float16 in half_val as bit patterns (int32 varints)
    bits = np.ascontiguousarray(a, np.float16).view(np.uint16).ravel()
    return f_varint(1, DT['float16']) + f_bytes(2, shape_proto(a.shape)) + packed_varints(13, bits)

def tensor_float_val_unpacked(shape, vals):
    # float_val written unpacked (one key per value): readers must take both forms
    return f_varint(1, DT['float32']) + f_bytes(2, shape_proto(shape)) + b''.join(f_float(5, v) for v in vals)

def tensor_int64_val(shape, vals):
    return f_varint(1, DT['int64']) + f_bytes(2, shape_proto(shape)) + packed_varints(10, vals)

def tensor_strings(shape, strings):
    return f_varint(1, DT['string']) + f_bytes(2, shape_proto(shape)) + b''.join(f_bytes(8, s) for s in strings)

# ---- CRC-32C and TFRecord framing ----------------------------------------------------
TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (0x82F63B78 ^ (c >> 1)) if c & 1 else c >> 1
    TABLE.append(c)

def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

assert crc32c(b'123456789') == 0xE3069283
assert masked(b'\x1a\x11' + b'CRC test, one two') == 0x5794D08A

def record(payload):
    n = struct.pack('<Q', len(payload))
    return n + struct.pack('<I', masked(n)) + payload + struct.pack('<I', masked(payload))

# ---- PNG (grayscale, 8-bit), with filters Sub and Up as TF's encoder picks them ------
def png_gray(img):
    h, w = img.shape
    raw = bytearray()
    prev = np.zeros(w, np.int64)
    for y in range(h):
        row = img[y].astype(np.int64)
        ft = 2 if y % 2 else 1  # alternate Up / Sub so the decoder must undo both
        if ft == 1:
            left = np.concatenate([[0], row[:-1]])
            line = (row - left) & 0xFF
        else:
            line = (row - prev) & 0xFF
        raw.append(ft)
        raw += bytes(line.astype(np.uint8))
        prev = row
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xFFFFFFFF)
    ihdr = struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(bytes(raw))) + chunk(b'IEND', b'')

# ---- Events ---------------------------------------------------------------------------
def event(wall, step, body):
    return f_double(1, wall) + f_varint(2, step) + body

def summary(*values):
    return f_bytes(5, b''.join(f_bytes(1, v) for v in values))

def value_scalar(tag, x):
    return f_bytes(1, tag.encode()) + f_float(2, x)

def value_image(tag, img):
    h, w = img.shape
    image = f_varint(1, h) + f_varint(2, w) + f_varint(3, 1) + f_bytes(4, png_gray(img))
    return f_bytes(1, tag.encode()) + f_bytes(4, image)

def value_tensor(tag, tensor_bytes, plugin=None):
    meta = f_bytes(9, f_bytes(1, f_bytes(1, plugin.encode()))) if plugin else b''
    return f_bytes(1, tag.encode()) + meta + f_bytes(8, tensor_bytes)

def softmax_alignment(T, B, E, lengths_src):
    a = np.zeros((T, B, E), np.float32)
    for b in range(B):
        logits = rng.normal(0, 1.5, (T, E))
        logits[:, lengths_src[b]:] = -np.inf
        e = np.exp(logits - logits[:, :lengths_src[b]].max(axis=1, keepdims=True))
        a[:, b] = e / e.sum(axis=1, keepdims=True)
    return a

def tf1_image(a_te):
    """tensorflow/nmt: image = transpose(alignment)[enc, dec] * 255, then TF1 rescales so max -> 255."""
    img = a_te.T.astype(np.float64) * 255
    img = img * (255.0 / img.max())
    return np.clip(np.floor(img + 0.5), 0, 255).astype(np.uint8)

def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}

    # 1. TensorProto file: float16 alignment [T=5, B=2, E=4] as half_val (make_tensor_proto style)
    a16 = softmax_alignment(5, 2, 4, [4, 3]).astype(np.float16)
    open(os.path.join(OUT, 'alignment-f16.pb'), 'wb').write(tensor_half_val(a16))
    expected['alignment-f16.pb'] = {'dtype': 'float16', 'shape': list(a16.shape), 'bits': a16.view(np.uint16).ravel().tolist()}

    # 2. TensorProto file: float_val unpacked, a single value broadcast over [3, 4]
    open(os.path.join(OUT, 'broadcast.pb'), 'wb').write(tensor_float_val_unpacked((3, 4), [0.25]))
    expected['broadcast.pb'] = {'dtype': 'float32', 'shape': [3, 4], 'values': [0.25] * 12}

    # 3. GZIP TFRecord of two serialized tensors (tf.io.serialize_tensor -> tensor_content), [T, B, E]
    b0 = softmax_alignment(6, 3, 5, [5, 4, 2])
    b1 = softmax_alignment(4, 2, 5, [3, 5])
    recs = record(tensor_content(b0)) + record(tensor_content(b1))
    with open(os.path.join(OUT, 'alignments.tfrecord.gz'), 'wb') as f:
        f.write(gzip.compress(recs, mtime=0))
    expected['alignments.tfrecord.gz'] = {'records': [{'shape': list(b0.shape), 'values': b0.ravel().tolist()}, {'shape': list(b1.shape), 'values': b1.ravel().tolist()}]}

    # 4. TFRecord of tf.train.Examples: a flat float list + int64 shape, and a TensorProto in bytes
    ex_a = softmax_alignment(3, 1, 4, [4])[:, 0]  # [T=3, E=4]
    def feature_float(vals):
        return f_bytes(2, f_bytes(1, b''.join(struct.pack('<f', v) for v in vals)))
    def feature_int64(vals):
        return f_bytes(3, packed_varints(1, vals))
    def feature_bytes(vals):
        return f_bytes(1, b''.join(f_bytes(1, v) for v in vals))
    def example(features):
        entries = b''.join(f_bytes(1, f_bytes(1, k.encode()) + f_bytes(2, v)) for k, v in features.items())
        return f_bytes(1, entries)
    ex1 = example({'alignment': feature_float(ex_a.ravel()), 'alignment_shape': feature_int64(ex_a.shape), 'id': feature_bytes([b'first'])})
    ex_b = softmax_alignment(2, 1, 3, [3])[:, 0]
    ex2 = example({'alignment': feature_bytes([tensor_content(ex_b)]), 'id': feature_bytes([b'second'])})
    open(os.path.join(OUT, 'examples.tfrecord'), 'wb').write(record(ex1) + record(ex2))
    expected['examples.tfrecord'] = {'records': [{'shape': list(ex_a.shape), 'values': ex_a.ravel().tolist()}, {'shape': list(ex_b.shape), 'values': ex_b.ravel().tolist()}]}

    # 5. An event file: file_version, scalars, nmt-style v1 image summaries, a TF2 tensor summary
    #    (plugin metadata on the first value only) and a TF2 image summary (string tensor).
    al = softmax_alignment(7, 2, 4, [4, 3])  # [T, B, E]
    img0 = tf1_image(al[:, 0])            # [E=4, T=7]
    img1 = tf1_image(al[:5, 1, :3])       # [E=3, T=5]
    tf2 = softmax_alignment(3, 2, 2, [2, 2])
    tf2_img = np.clip(np.floor(al[:6, 0].T * 255 + 0.5), 0, 255).astype(np.uint8)  # [E=4, T=6]  # TF2: values in [0,1] * 255, no rescale
    evs = [
        event(1.5e9, 0, f_bytes(3, b'brain.Event:2')),
        event(1.5e9 + 1, 0, f_bytes(4, b'\x0a\x03abc')),  # a stand-in graph_def
        event(1.5e9 + 2, 1, summary(value_scalar('loss', 2.5), value_scalar('lr', 1.0))),
        event(1.5e9 + 3, 2, summary(value_scalar('loss', 2.0))),
        event(1.5e9 + 4, 2, summary(value_image('attention_images/image/0', img0))),
        event(1.5e9 + 5, 2, summary(value_image('attention_images/image/0', img1))),
        event(1.5e9 + 6, 3, summary(value_image('attention_images/image/0', img0))),
        event(1.5e9 + 7, 3, summary(value_tensor('alignment_history', tensor_content(tf2), 'custom'))),
        event(1.5e9 + 8, 4, summary(value_tensor('alignment_history', tensor_content(tf2)))),
        event(1.5e9 + 9, 4, summary(value_tensor('attention_tf2', tensor_strings((3,), [str(tf2_img.shape[1]).encode(), str(tf2_img.shape[0]).encode(), png_gray(tf2_img)]), 'images'))),
        event(1.5e9 + 10, 5, summary(value_tensor('accuracy', tensor_content(np.array(0.75, np.float32)), 'scalars'))),
    ]
    open(os.path.join(OUT, 'events.out.tfevents.1500000000.fixture'), 'wb').write(b''.join(record(e) for e in evs))
    expected['events.out.tfevents.1500000000.fixture'] = {
        'records': len(evs),
        'images': [{'step': 2, 'gray': img0.tolist()}, {'step': 2, 'gray': img1.tolist()}, {'step': 3, 'gray': img0.tolist()}],
        'tensor': {'shape': list(tf2.shape), 'values': tf2.ravel().tolist()},
        'tf2_image': {'gray': tf2_img.tolist()},
    }

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))

if __name__ == '__main__':
    main()
