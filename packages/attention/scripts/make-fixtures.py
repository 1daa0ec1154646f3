#!/usr/bin/env python3
"""Writes tests/fixtures/: small cases computed by ../shared/reference/han_ref.py (the
specification), so the TypeScript tests check the engine against the reference itself
without running Python.

  /usr/bin/python3 packages/attention/scripts/make-fixtures.py   (needs python3-numpy, python3-h5py)

- reference/<case>/: every variant, the weight shapes users meet, both normalisations and
  masks. W.npy [b.npy] [u.npy] X.npy [lengths.npy] expected.npy and case.json (variant,
  normalise, whether lengths are used). step-bias and per-feature cases come from
  scripts/variants_ref.py (b (T,1) for step-bias; expected (N, T, F) for per-feature).
- han/: a richliao-style hierarchical attention network saved the way Keras 2.2.4 saves a
  full model (docs/FORMATS.md §1.1, §1.6 worked example): AttLayer att_layer_1 inside
  time_distributed_1 (word level), att_layer_2 (sentence level), with word and sentence
  inputs, word lengths, and both levels' expected weights.
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))
from han_ref import recompute, lengths_to_mask  # noqa: E402
sys.path.insert(0, HERE)
import variants_ref  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "fixtures")


def case(name, variant, W, b, u, x, lengths=None, normalise="eps"):
    d = os.path.join(OUT, "reference", name)
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
    han(rng)
    variants(np.random.default_rng(12))
    print("wrote", sorted(os.listdir(os.path.join(OUT, "reference"))), "and han/")


def variant_case(name, variant, W, b, x, lengths=None, normalise=None):
    """A case of scripts/variants_ref.py (step-bias, per-feature), in the same layout as case()."""
    d = os.path.join(OUT, "reference", name)
    os.makedirs(d, exist_ok=True)
    mask = None if lengths is None else lengths_to_mask(lengths, x.shape[-2])
    xx = x if x.ndim == 3 else x[None]
    expected = variants_ref.recompute(variant, xx, W, b, mask, normalise)
    arrays = {"W": W, "b": b, "X": x, "lengths": lengths, "expected": expected}
    for k, v in arrays.items():
        if v is not None:
            np.save(os.path.join(d, k + ".npy"), v)
    with open(os.path.join(d, "case.json"), "w") as fh:
        json.dump({"variant": variant, "normalise": normalise or ("softmax" if variant == "step-bias" else "eps"),
                   "weights": [k for k in ("W", "b") if arrays[k] is not None],
                   "lengths": lengths is not None}, fh, indent=1)


def variants(rng):
    """step-bias and per-feature, with the weight shapes the real layers save."""
    f32 = np.float32
    N, T, F = 3, 7, 6
    x = np.tanh(rng.normal(size=(N, T, F)) * 1.3).astype(f32)
    lengths = np.array([7, 4, 0], dtype=np.int64)
    w = (rng.normal(size=(F, 1)) * 0.8).astype(f32)
    bT = (rng.normal(size=(T, 1)) * 0.5).astype(f32)
    variant_case("step-bias", "step-bias", w, bT, x)
    variant_case("step-bias-flat-masked", "step-bias", w.reshape(F), bT.reshape(T), x, lengths)
    variant_case("step-bias-eps", "step-bias", w, bT, x, None, "eps")
    W = (rng.normal(size=(F, F)) * 0.7).astype(f32)  # not symmetric: x·W and x·Wᵀ differ
    bF = (rng.normal(size=(F,)) * 0.3).astype(f32)
    variant_case("per-feature", "per-feature", W, bF, x)
    variant_case("per-feature-masked", "per-feature", W, bF, x, lengths)
    variant_case("per-feature-nobias-softmax", "per-feature", W, None, x, None, "softmax")
    variant_case("per-feature-2d", "per-feature", W, bF.reshape(1, F), x[1])


def han(rng):
    """A small HAN: words F=6 -> A=4 attention, sentences F=5 -> A=3 attention, Dense(2)."""
    d = os.path.join(OUT, "han")
    os.makedirs(d, exist_ok=True)
    f32 = np.float32
    N, S, T, F, A, F2, A2 = 2, 3, 4, 6, 4, 5, 3
    emb = (rng.normal(size=(20, F)) * 0.5).astype(f32)
    W1, b1, u1 = (rng.normal(size=(F, A)) * 0.7).astype(f32), (rng.normal(size=(A,)) * 0.1).astype(f32), rng.normal(size=(A, 1)).astype(f32)
    W2, b2, u2 = (rng.normal(size=(F2, A2)) * 0.7).astype(f32), (rng.normal(size=(A2,)) * 0.1).astype(f32), rng.normal(size=(A2, 1)).astype(f32)
    Wd, bd = (rng.normal(size=(F2, 2)) * 0.3).astype(f32), np.zeros(2, f32)
    xw = np.tanh(rng.normal(size=(N, S, T, F))).astype(f32)
    xs = np.tanh(rng.normal(size=(N, S, F2))).astype(f32)
    lengths = np.array([[4, 2, 1], [3, 4, 0]], dtype=np.int32)
    mask = lengths_to_mask(lengths.reshape(-1), T)
    word = recompute("attlayer", xw.reshape(N * S, T, F), W1, b1, u1, mask).reshape(N, S, T)
    sent = recompute("attlayer", xs, W2, b2, u2, None)
    for k, v in {"X_word": xw, "X_sentence": xs, "word_lengths": lengths, "expected_word": word, "expected_sentence": sent}.items():
        np.save(os.path.join(d, k + ".npy"), v)
    att = lambda name: {"class_name": "AttLayer", "config": {"name": name, "trainable": True}, "name": name, "inbound_nodes": []}
    config = {"class_name": "Model", "config": {"name": "model_2", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, S, T], "dtype": "int32", "name": "input_2"}, "name": "input_2", "inbound_nodes": []},
        {"class_name": "TimeDistributed", "name": "time_distributed_1", "inbound_nodes": [],
         "config": {"name": "time_distributed_1", "trainable": True, "layer": {"class_name": "Model", "config": {"name": "model_1", "layers": [
             {"class_name": "InputLayer", "config": {"batch_input_shape": [None, T], "dtype": "int32", "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
             {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": 20, "output_dim": F, "mask_zero": True}, "name": "embedding_1", "inbound_nodes": []},
             att("att_layer_1")], "input_layers": [["input_1", 0, 0]], "output_layers": [["att_layer_1", 0, 0]]}}}},
        att("att_layer_2"),
        {"class_name": "Dense", "config": {"name": "dense_1", "units": 2, "activation": "softmax", "use_bias": True}, "name": "dense_1", "inbound_nodes": []},
    ], "input_layers": [["input_2", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
    with h5py.File(os.path.join(d, "han.h5"), "w") as h:
        h.attrs["keras_version"] = b"2.2.4"
        h.attrs["backend"] = b"tensorflow"
        h.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = h.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"input_2", b"time_distributed_1", b"att_layer_2", b"dense_1"])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.2.4"
        layers = {
            "input_2": [],
            "time_distributed_1": [("embedding_1/embeddings:0", emb), ("att_layer_1/W:0", W1), ("att_layer_1/b:0", b1), ("att_layer_1/u:0", u1)],
            "att_layer_2": [("att_layer_2/W:0", W2), ("att_layer_2/b:0", b2), ("att_layer_2/u:0", u2)],
            "dense_1": [("dense_1/kernel:0", Wd), ("dense_1/bias:0", bd)],
        }
        for lname, ws in layers.items():
            lg = g.create_group(lname)
            lg.attrs["weight_names"] = np.array([n.encode() for n, _ in ws], dtype="S") if ws else np.array([], dtype="S1")
            for n, v in ws:
                lg.create_dataset(n, data=v)


if __name__ == "__main__":
    main()
