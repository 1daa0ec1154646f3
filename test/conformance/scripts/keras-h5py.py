#!/usr/bin/env python3
"""Writes test/conformance/fixtures/keras-h5py.json: what h5py reads from the datasets
that test/conformance/keras.test.ts spot-checks in the real Keras files of
../shared/fixtures/real: shape, the first values (as float64) and the float64 sum.
A .keras archive is read through its model.weights.h5 member, as Keras 3 does.

  /usr/bin/python3 test/conformance/scripts/keras-h5py.py   (Debian's python3-h5py)
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "real")
OUT = os.path.join(HERE, "..", "fixtures", "keras-h5py.json")

# file -> [(dataset path, how many first values)]
SPOTS = {
    "flamingjay-han-ids/one_layer_best_model.hdf5": [
        ("model_weights/att_layer_1/att_layer_1/Variable:0", 3),
        ("model_weights/att_layer_1/att_layer_1/Variable_2:0", 3),
        ("model_weights/bidirectional_1/bidirectional_1/backward_gru_1/kernel:0", 3),
    ],
    "eindh-at-conv-lstm/model_0025-0.0035.h5": [
        ("model_weights/attention_with_context_1/attention_with_context_1/attention_with_context_1_W:0", 3),
        ("model_weights/attention_layer_1/attention_layer_1/att_weight2:0", 3),
        ("model_weights/time_distributed_1/time_distributed_1/kernel:0", 3),
    ],
    "suprobe-at-conv-lstm/model_0002-0.1149.h5": [
        ("model_weights/attention_layer_1/attention_layer_1/att_weight0:0", 3),
        ("model_weights/main_output/main_output/kernel:0", 3),
    ],
    "praveena-lstm-attention/final_model.h5": [
        ("model_weights/attention_layer_4/attention_layer_4/dense_11/kernel", 3),
        ("model_weights/attention_layer_4/attention_layer_4/dense_11/bias", 1),
        ("model_weights/lstm_4/lstm_4/lstm_cell/recurrent_kernel", 3),
    ],
    "praveena-lstm-attention/final_model.keras": [
        ("layers/attention_layer/score_dense/vars/0", 3),
        ("layers/attention_layer/score_dense/vars/1", 1),
        ("layers/lstm/cell/vars/1", 3),
    ],
    "dobiasd-frugally-deep/lstm.h5": [
        ("model_weights/lstm_15/lstm_15/kernel:0", 3),
        ("model_weights/bidirectional_6/bidirectional_6/backward_lstm_14/bias:0", 3),
    ],
    "dobiasd-frugally-deep/temp_stateful.h5": [
        ("model_weights/gru_1/gru_1/kernel:0", 3),
        ("model_weights/gru_1/gru_1/recurrent_kernel:0", 3),
    ],
    "aslaskin-digit/model.keras": [
        ("layers/dense/vars/0", 3),
        ("layers/conv2d_1/vars/1", 3),
    ],
    "sh2222222-mt/model.weights.h5": [
        ("layers/lstm_1/cell/vars/2", 3),
        ("layers/embedding_1/vars/0", 3),
    ],
    "mayuefine-amps/att.h5": [
        ("model_weights/attention_layer_7/attention_layer_7/attention_layer_7_W:0", 3),
        ("model_weights/attention_layer_7/attention_layer_7/attention_layer_7_b:0", 3),
        ("model_weights/conv1d_7/conv1d_7/kernel:0", 3),
    ],
    "mschongchulshin-fatigue/fatigue_life_model.h5": [
        ("model_weights/attention/attention/att_weight", 3),
        ("model_weights/attention/attention/att_bias", 3),
        ("model_weights/lstm_55/lstm_55/lstm_cell/bias", 3),
    ],
    "xingxiaoxuan-anomaly/attention_model.h5": [
        ("model_weights/dense_1/dense_1/kernel:0", 3),
        ("model_weights/lstm/lstm/bias:0", 3),
    ],
    "kevinlin19-thesis/model_attention.h5": [
        ("model_weights/dense_1/dense_1/kernel:0", 3),
        ("model_weights/lstm_1/lstm_1/kernel:0", 3),
    ],
    "stylianosioannou-inm706/attention_model.h5": [
        ("model_weights/gru/gru/gru_cell/bias", 3),
        ("model_weights/dense/dense/kernel", 3),
    ],
    "yaokui2018-sentiment/model_lstm.h5": [
        ("lstm/lstm/lstm_cell/recurrent_kernel:0", 3),
        ("dense/dense/kernel:0", 3),
    ],
}


def open_h5(rel):
    path = os.path.join(REAL, rel)
    if rel.endswith(".keras"):
        with zipfile.ZipFile(path) as z:
            return h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    return h5py.File(path, "r")


def spot(d, n):
    v = np.asarray(d[()], dtype=np.float64).ravel()
    return {"shape": list(d.shape), "first": v[:n].tolist(), "sum": float(v.sum())}


def main():
    out = {"h5py": h5py.__version__, "spots": {}}
    for rel, paths in SPOTS.items():
        with open_h5(rel) as f:
            out["spots"][rel] = {p: spot(f[p], n) for p, n in paths}
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
