#!/usr/bin/env python3
"""Writes test/cli/fixtures/compute/: the inputs of test/cli/compute.test.ts and the
attention each `attnlens compute` call must give, computed by the NumPy reference
../shared/reference/han_ref.py (float64), not by the engine under test.

  /usr/bin/python3 test/cli/scripts/make-compute-fixtures.py   (needs python3-numpy)

Inputs: W (F, A), b (A,), u (A, 1) of an AttLayer; X (N, T, F); lengths L (N,) int64
(full, padded, empty, ...); ids (N, T) int32 with pad id 9; a linear head wl (F, 1),
bl (1,); x4 (2, 3, T, F). Outputs: expected_<case>.npy, float64.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))
from han_ref import recompute, lengths_to_mask  # noqa: E402

OUT = os.path.join(HERE, "..", "fixtures", "compute")
F, A, N, T = 6, 4, 5, 7


def seq(n, s):
    """A deterministic, sign-changing sequence in [-0.8, 0.8]."""
    return (np.sin(np.arange(n) * 1.37 + s) * 0.8).astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    W = seq(F * A, 1).reshape(F, A)
    b = seq(A, 2)
    u = seq(A, 3).reshape(A, 1)
    X = seq(N * T * F, 4).reshape(N, T, F)
    L = np.array([7, 3, 0, 5, 1], dtype=np.int64)
    i = np.arange(N * T)
    ids = np.where(i % 3 == 0, 9, i % T).astype(np.int32).reshape(N, T)
    wl = seq(F, 5).reshape(F, 1)
    bl = np.array([0.25], dtype=np.float32)
    x4 = seq(2 * 3 * T * F, 8).reshape(2, 3, T, F)
    inputs = {"W": W, "b": b, "u": u, "X": X, "L": L, "ids": ids, "wl": wl, "bl": bl, "x4": x4}
    for k, v in inputs.items():
        np.save(os.path.join(OUT, k + ".npy"), v)

    m = lengths_to_mask(L, T)
    expected = {
        "plain": recompute("attlayer", X, W, b, u),
        "masked": recompute("attlayer", X, W, b, u, m),
        "softmax_masked": recompute("attlayer", X, W, b, u, m, "softmax"),
        "nobias": recompute("attlayer", X, W, None, u),
        "ids": recompute("attlayer", X, W, b, u, (ids != 9).astype(np.float64)),
        "linear_masked": recompute("linear", X, wl, bl, None, m),
        "x4": recompute("attlayer", x4.reshape(6, T, F), W, b, u).reshape(2, 3, T),
    }
    for k, v in expected.items():
        np.save(os.path.join(OUT, f"expected_{k}.npy"), v.astype(np.float64))
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
