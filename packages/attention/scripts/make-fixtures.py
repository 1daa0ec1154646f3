#!/usr/bin/env python3
"""Writes tests/fixtures/: small cases computed by ../shared/reference/han_ref.py (the
specification), covering every variant, the weight shapes users meet, both
normalisations and masks, so the TypeScript tests check the engine against the
reference itself without running Python.

  /usr/bin/python3 packages/attention/scripts/make-fixtures.py   (needs python3-numpy)

Each case is a folder with W.npy [b.npy] [u.npy] X.npy [lengths.npy] expected.npy and
case.json (variant, normalise, whether lengths are used).
"""
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))
from han_ref import recompute, lengths_to_mask  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "fixtures")


def case(name, variant, W, b, u, x, lengths=None, normalise="eps"):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    mask = None if lengths is None else lengths_to_mask(lengths, x.shape[-2])
    xx = x if x.ndim == 3 else x[None]
    expected = recompute(variant, xx, W, b, u, mask, normalise)
    arrays = {"W": W, "b": b, "u": u, "X": x, "lengths": lengths, "expected": expected}
    for k, v in arrays.items():
        if v is not None:
            np.save(os.path.join(d, k + ".npy"), v)
    with open(os.path.join(d, "case.json"), "w") as fh:
        json.dump({"variant": variant, "normalise": normalise,
                   "weights": [k for k in ("W", "b", "u") if arrays[k] is not None],
                   "lengths": lengths is not None}, fh, indent=1)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    rng = np.random.default_rng(5)
    f32 = np.float32
    N, T, F, A = 3, 7, 6, 5
    x = np.tanh(rng.normal(size=(N, T, F)) * 1.3).astype(f32)
    lengths = np.array([7, 3, 0], dtype=np.int64)  # full, padded, fully masked
    Wsq = (rng.normal(size=(F, F)) * 0.6).astype(f32)
    Wfa = (rng.normal(size=(F, A)) * 0.6).astype(f32)
    bF = (rng.normal(size=(F,)) * 0.2).astype(f32)
    bA = (rng.normal(size=(A,)) * 0.2).astype(f32)
    uF = rng.normal(size=(F,)).astype(f32)
    uA = rng.normal(size=(A,)).astype(f32)

    case("awc-tf", "awc-tf", Wsq, bF, uF, x)
    case("awc-tf-masked", "awc-tf", Wsq, bF, uF, x, lengths)
    case("awc-th", "awc-th", Wsq, bF, uF, x)
    case("awc-th-masked-softmax", "awc-th", Wsq, bF, uF, x, lengths, "softmax")
    case("awc-tf-nobias", "awc-tf", Wsq, None, uF, x)
    case("attlayer-u-col", "attlayer", Wfa, bA, uA.reshape(A, 1), x)
    case("attlayer-u-row-b-row-masked", "attlayer", Wfa, bA.reshape(1, A), uA.reshape(1, A), x, lengths)
    case("attlayer-nobias-softmax", "attlayer", Wfa, None, uA.reshape(A, 1), x, None, "softmax")
    case("attlayer-float64", "attlayer", Wfa.astype(np.float64), bA.astype(np.float64), uA.astype(np.float64),
         x.astype(np.float64), lengths)
    case("attlayer-2d", "attlayer", Wfa, bA, uA, x[0])
    wl = rng.normal(size=(1, F)).astype(f32)  # torch nn.Linear(F, 1).weight
    case("linear", "linear", wl, np.array([0.3], dtype=f32), None, x)
    case("linear-masked", "linear", wl.reshape(F), None, None, x, lengths)
    # Large scores: eps normalisation without max-subtraction, still finite in float64.
    big = (rng.normal(size=(F, F))).astype(f32)
    case("awc-tf-large-u", "awc-tf", big, bF, (uF * 12).astype(f32), x)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
