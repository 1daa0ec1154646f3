#!/usr/bin/env python3
"""Writes test/conformance/fixtures/real-attention/<case>/: a deterministic input X, valid
lengths, and the attention that packages/attention/scripts/variants_ref.py (NumPy, float64)
computes from the REAL weights of two files of ../shared/fixtures/real, read here with h5py.
Only these small outputs are committed, never the weights or the files themselves.

  /usr/bin/python3 test/conformance/scripts/real-attention.py   (Debian's python3-numpy, python3-h5py)

- mayuefine: mayuefine-amps/att.h5, Attention_layer attention_layer_7 (script/Attention.py):
  per-feature, W (64,64), b (64,), a (N, T, 64); T = 12 is any length (the layer has none).
- mschongchulshin: mschongchulshin-fatigue/fatigue_life_model.h5, the custom `Attention`
  (attention.py): step-bias, att_weight (64,1), att_bias (50,1), so T must be 50.
"""
import json
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..", "..")
REAL = os.path.join(REPO, "..", "shared", "fixtures", "real")
OUT = os.path.join(HERE, "..", "fixtures", "real-attention")
sys.path.insert(0, os.path.join(REPO, "packages", "attention", "scripts"))
import variants_ref  # noqa: E402
from han_ref import lengths_to_mask  # noqa: E402  (variants_ref put ../shared/reference on the path)

CASES = [
    {"name": "mayuefine", "file": "mayuefine-amps/att.h5", "layer": "attention_layer_7", "variant": "per-feature",
     "W": "model_weights/attention_layer_7/attention_layer_7/attention_layer_7_W:0",
     "b": "model_weights/attention_layer_7/attention_layer_7/attention_layer_7_b:0", "N": 3, "T": 12, "lengths": [12, 7, 2]},
    {"name": "mschongchulshin", "file": "mschongchulshin-fatigue/fatigue_life_model.h5", "layer": "attention", "variant": "step-bias",
     "W": "model_weights/attention/attention/att_weight", "b": "model_weights/attention/attention/att_bias", "N": 3, "T": 50, "lengths": [50, 31, 5]},
]


def main():
    for c in CASES:
        d = os.path.join(OUT, c["name"])
        os.makedirs(d, exist_ok=True)
        with h5py.File(os.path.join(REAL, c["file"]), "r") as f:
            W = f[c["W"]][()]
            b = f[c["b"]][()]
        F = W.shape[0]
        N, T = c["N"], c["T"]
        # deterministic, LSTM-output-like values in (-1, 1)
        i = np.arange(N * T * F, dtype=np.float64).reshape(N, T, F)
        X = np.tanh(np.sin(i * 0.37) * 1.7 + np.cos(i * 0.011)).astype(np.float32)
        lengths = np.array(c["lengths"], dtype=np.int64)
        a = variants_ref.recompute(c["variant"], X, W, b)
        am = variants_ref.recompute(c["variant"], X, W, b, lengths_to_mask(lengths, T))
        np.save(os.path.join(d, "X.npy"), X)
        np.save(os.path.join(d, "lengths.npy"), lengths)
        np.save(os.path.join(d, "attention.npy"), a)
        np.save(os.path.join(d, "attention_masked.npy"), am)
        meta = {k: c[k] for k in ("file", "layer", "variant", "W", "b")}
        meta.update({"W_shape": list(W.shape), "b_shape": list(b.shape), "W_sum": float(W.astype(np.float64).sum()),
                     "b_sum": float(b.astype(np.float64).sum()), "X_shape": list(X.shape), "attention_shape": list(a.shape)})
        with open(os.path.join(d, "case.json"), "w") as fh:
            json.dump(meta, fh, indent=1)
        print(c["name"], meta["attention_shape"], "W sum", meta["W_sum"])


if __name__ == "__main__":
    main()
