#!/usr/bin/env python3
"""Writes test/conformance/fixtures/npy-numpy.json: what NumPy reads from each real .npy
of ../shared/fixtures/real that test/conformance/npy.test.ts checks: dtype string,
shape, data offset, float64 sum, and the values at four flat indices.

  /usr/bin/python3 test/conformance/scripts/npy-values.py   (Debian's python3-numpy)
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "real")
OUT = os.path.join(HERE, "..", "fixtures", "npy-numpy.json")
FILES = [
    "barronalex-tacotron/test.npy",
    "flamingjay-han-ids/test_predicted.npy",
    "praveena-lstm-attention/X_data.npy",
    "praveena-lstm-attention/attention_weights.npy",
    "siddevkota-transformer/attn_weights.npy",
    "yijing-sie-attention/generated_logits-39.npy",
]


def offset(path):
    """Bytes before the data: what np.lib.format reads as the header."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        np.lib.format._read_array_header(f, version)
        return f.tell()


def describe(rel):
    path = os.path.join(REAL, rel)
    a = np.load(path)
    flat = a.ravel()
    n = flat.size
    return {
        "file": rel,
        "descr": a.dtype.str,
        "shape": list(a.shape),
        "offset": offset(path),
        "sum": float(a.astype(np.float64).sum()),
        "at": [[i, flat[i].item()] for i in (0, 1, n // 2, n - 1)],
    }


def main():
    out = {"numpy": np.__version__, "arrays": [describe(f) for f in FILES]}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
