#!/usr/bin/env python3
"""Writes test/conformance/fixtures/tf-events.json: what the two real TensorFlow event
files of ../shared/fixtures/real hold, read independently of attnlens with a hand-written
TFRecord + protobuf + PNG decoder (struct and zlib only; no TensorFlow needed):
records, tags (kind, count, steps), the other event kinds, and for tensorflow/nmt's
attention images every image's step, size, largest gray level and a SHA-256 of its gray
levels (a digest, so nothing of the real file is copied here).

  /usr/bin/python3 test/conformance/scripts/tf-events.py

Field numbers: tensorflow/core/util/event.proto (Event: wall_time 1, step 2,
file_version 3, graph_def 4, summary 5, meta_graph_def 9) and
tensorflow/core/framework/summary.proto (Summary.value 1; Value: tag 1, simple_value 2,
image 4, histo 5, audio 6, tensor 8; Image: height 1, width 2, colorspace 3,
encoded_image_string 4).
"""
import hashlib
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "real")
OUT = os.path.join(HERE, "..", "fixtures", "tf-events.json")
NMT = "negahead-chichat-nmt/events.out.tfevents.1536594755.ubuntu"
FLAMINGJAY = "flamingjay-han-ids/events.out.tfevents.1591802914.DESKTOP-55K6GPV"


def records(data):
    """TFRecord framing: u64 length, u32 crc, payload, u32 crc (CRCs not checked here)."""
    at = 0
    while at < len(data):
        (n,) = struct.unpack_from("<Q", data, at)
        yield data[at + 12: at + 12 + n]
        at += 12 + n + 4


def varint(b, at):
    v = shift = 0
    while True:
        c = b[at]
        at += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, at


def fields(b):
    """(field number, wire type, value) of one protobuf message; value is int or bytes."""
    at = 0
    while at < len(b):
        key, at = varint(b, at)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, at = varint(b, at)
        elif wt == 1:
            v, at = b[at: at + 8], at + 8
        elif wt == 2:
            n, at = varint(b, at)
            v, at = b[at: at + n], at + n
        elif wt == 5:
            v, at = b[at: at + 4], at + 4
        else:
            raise ValueError(f"wire type {wt}")
        yield num, wt, v


def png_gray(png):
    """Decode an 8-bit PNG and return (height, width, first channel of every pixel)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat = 8, b""
    while at < len(png):
        (n,) = struct.unpack_from(">I", png, at)
        kind, body = png[at + 4: at + 8], png[at + 8: at + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack_from(">IIBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    assert depth == 8
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1: (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line[::bpp]
        prev = line
    return h, w, list(out)


KIND = {2: "scalar", 4: "image", 5: "histogram", 6: "audio", 8: "tensor"}


def read(rel):
    with open(os.path.join(REAL, rel), "rb") as f:
        data = f.read()
    n, tags, other, images = 0, {}, {}, []
    for rec in records(data):
        n += 1
        step = 0
        summaries = []
        for num, _, v in fields(rec):
            if num == 2:
                step = v
            elif num == 5:
                summaries.append(v)
            elif num in (3, 4, 9):
                name = {3: "file_version", 4: "graph_def", 9: "meta_graph_def"}[num]
                other[name] = other.get(name, 0) + 1
        for s in summaries:
            for num, _, value in fields(s):
                if num != 1:
                    continue
                tag, kind, image = None, None, None
                for vn, _, vv in fields(value):
                    if vn == 1:
                        tag = vv.decode()
                    elif vn in KIND:
                        kind = KIND[vn]
                        if vn == 4:
                            image = vv
                t = tags.setdefault(tag, {"kind": kind, "count": 0, "steps": []})
                t["count"] += 1
                t["steps"].append(step)
                if image is not None:
                    encoded = next(x for k, _, x in fields(image) if k == 4)
                    h, w, px = png_gray(encoded)
                    images.append({"tag": tag, "step": step, "height": h, "width": w, "max": max(px), "pixels": px})
    for t in tags.values():
        t["firstStep"], t["lastStep"] = min(t["steps"]), max(t["steps"])
        t["steps"] = sorted(set(t["steps"]))
    for im in images:
        # A digest of each image's gray levels, not the levels: nothing of the real file is copied.
        im["sha256"] = hashlib.sha256(bytes(im.pop("pixels"))).hexdigest()
    return {"file": rel, "records": n, "tags": tags, "other": other, "images": images}


def main():
    out = {"nmt": read(NMT), "flamingjay": read(FLAMINGJAY)}
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
