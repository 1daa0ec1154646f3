#!/usr/bin/env python3
"""Expected forward passes of the runnable real models in ../shared/fixtures/real, in NumPy.

Weights are read with h5py straight from the real files (nothing of them is copied into the
repository); inputs are deterministic random arrays written here; every layer is computed with
../../layers/scripts/keras_ref.py and ../../../../shared/reference/han_ref.py, never with the
code under test. Writes tests/real/<case>/{in*.npy, expected*.npy, case.json} (small), which
test/conformance/forward.test.ts compares to 1e-5.

Run: /usr/bin/python3 packages/keras-graph/scripts/real-forward.py   (Debian numpy + h5py)
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "real")
sys.path.insert(0, os.path.join(HERE, "..", "..", "layers", "scripts"))
sys.path.insert(0, os.path.join(REAL, "..", "..", "reference"))
import keras_ref as K  # noqa: E402
import han_ref  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "real")
RNG = np.random.default_rng(1201)
F64 = np.float64


def A(a):
    return np.asarray(a, F64)


class Weights:
    def __init__(self, rel):
        self.h = h5py.File(os.path.join(REAL, rel), "r")
        self.g = self.h["model_weights"] if "model_weights" in self.h else self.h

    def __call__(self, layer, *names):
        return [np.asarray(self.g[layer][n], F64) for n in names]


class Case:
    def __init__(self, name, file, config=None):
        self.dir = os.path.join(OUT, name)
        os.makedirs(self.dir)
        self.meta = {"file": file, "inputs": [], "taps": [], "feeds": []}
        if config:
            self.meta["config"] = config

    def input(self, a):
        fn = "in%d.npy" % len(self.meta["inputs"])
        np.save(os.path.join(self.dir, fn), a)
        self.meta["inputs"].append(fn)

    def feed_real(self, layer, rel, rows):
        """Feed the first `rows` rows of a real .npy (N, T) as float32 (rows, T, 1). The case names
        the real file instead of saving the rows: nothing of ../shared/fixtures/real is copied."""
        self.meta["feeds"].append({"layer": layer, "real": rel, "rows": rows})
        return np.load(os.path.join(REAL, rel))[:rows].astype(np.float32)[..., None]

    def tap(self, layer, what, v):
        fn = "expected%d.npy" % len(self.meta["taps"])
        np.save(os.path.join(self.dir, fn), np.asarray(v, np.float32))
        self.meta["taps"].append({"layer": layer, "what": what, "expected": fn})

    def done(self):
        with open(os.path.join(self.dir, "case.json"), "w") as fh:
            json.dump(self.meta, fh, indent=1)


def lstm(x, w, units, rec="sigmoid", act="tanh", **kw):
    return K.rnn("lstm", x, kw.pop("mask", None), *w, units, act, rec, **kw)


def flamingjay():
    """BiGRU(32)×2 (reset_after false, hard_sigmoid) → AttLayer (W, b, u as Variable:0..2) → Dense relu → Dense sigmoid."""
    c = Case("flamingjay", "flamingjay-han-ids/one_layer_best_model.hdf5")
    w = Weights(c.meta["file"])
    x = (RNG.standard_normal((4, 10, 196)) * 0.5).astype(np.float32)
    c.input(x)

    def bigru(v, layer, g, units):
        names = ["%s/%s_%s/%s:0" % (layer, d, g, n) for d in ("forward", "backward") for n in ("kernel", "recurrent_kernel", "bias")]
        ws = w(layer, *names)
        y1, _ = K.rnn("gru", v, None, *ws[:3], units, "tanh", "hard_sigmoid", return_sequences=True)
        y2, _ = K.rnn("gru", v, None, *ws[3:], units, "tanh", "hard_sigmoid", return_sequences=True, go_backwards=True)
        return np.concatenate([y1, y2[:, ::-1]], -1)

    h = bigru(bigru(A(x), "bidirectional_1", "gru_1", 32), "bidirectional_2", "gru_2", 12)
    c.tap("att_layer_1", "input", h)
    W, b, u = w("att_layer_1", "att_layer_1/Variable:0", "att_layer_1/Variable_1:0", "att_layer_1/Variable_2:0")
    a = han_ref.attlayer(h, W, b, u)
    c.tap("att_layer_1", "scores", a)
    s = (a[..., None] * h).sum(1)
    d1 = K.dense(s, *w("dense_1", "dense_1/kernel:0", "dense_1/bias:0"), "relu")
    c.tap("dense_2", "output", K.dense(d1, *w("dense_2", "dense_2/kernel:0", "dense_2/bias:0"), "sigmoid"))
    c.done()


def eindh():
    """TimeDistributed(Conv1D same)×2 → TimeDistributed(Flatten) → Dense → LSTM → AttentionWithContext
    (TensorFlow: x·Wᵀ; returns x·a unsummed into lstm_2) → LSTM."""
    c = Case("eindh", "eindh-at-conv-lstm/model_0025-0.0035.h5")
    w = Weights(c.meta["file"])
    N = 3
    main = RNG.random((N, 15, 7, 1)).astype(np.float32)
    aux = [RNG.random((N, 15, 1)).astype(np.float32) for _ in range(2)]
    for a in [main, *aux]:
        c.input(a)
    v = A(main).reshape(N * 15, 7, 1)
    for td in ("time_distributed_1", "time_distributed_2"):
        k, b = w(td, td + "/kernel:0", td + "/bias:0")
        v = K.activation("relu", K.conv1d(v, k, b, 1, "same", 1))
    v = v.reshape(N, 15, 7 * 15)
    v = K.dense(v, *w("dense_1", "dense_1/kernel:0", "dense_1/bias:0"))
    y, _ = lstm(v, w("lstm_1", "lstm_1/kernel:0", "lstm_1/recurrent_kernel:0", "lstm_1/bias:0"), 15, return_sequences=True)
    c.tap("attention_with_context_1", "input", y)
    p = "attention_with_context_1/attention_with_context_1_"
    W, b, u = w("attention_with_context_1", p + "W:0", p + "b:0", p + "u:0")
    a = han_ref.awc(y, W, b, u, backend="tensorflow")
    c.tap("attention_with_context_1", "scores", a)
    h, _ = lstm(y * a[..., None], w("lstm_2", "lstm_2/kernel:0", "lstm_2/recurrent_kernel:0", "lstm_2/bias:0"), 15)
    c.tap("lstm_2", "output", h)
    c.done()


def xingxiaoxuan():
    """Conv1D(k=1) relu → CuDNNLSTM(64) → Dense(64, softmax) → Permute([1,2]) → Multiply → Flatten → Dense sigmoid.
    CuDNNLSTM weights to LSTM's as tf.keras hdf5_format.py _convert_rnn_weights(from_cudnn=True) does:
    per gate kernel.T.reshape(kernel.shape, order='F'), recurrent .T, the two biases summed."""
    c = Case("xingxiaoxuan", "xingxiaoxuan-anomaly/attention_model.h5")
    w = Weights(c.meta["file"])
    x = RNG.random((3, 24, 3)).astype(np.float32)
    c.input(x)
    k, b = w("cnn1", "cnn1/kernel:0", "cnn1/bias:0")
    h = K.activation("relu", K.conv1d(A(x), k, b, 1, "valid", 1))
    lk, lr, lb = w("lstm", "lstm/kernel:0", "lstm/recurrent_kernel:0", "lstm/bias:0")
    lk = np.hstack([g.T.reshape(g.shape, order="F") for g in np.hsplit(lk, 4)])
    lr = np.hstack([g.T for g in np.hsplit(lr, 4)])
    lb = np.sum(np.split(lb, 2), axis=0)
    y, _ = K.rnn("lstm", h, None, lk, lr, lb, 64, "tanh", "sigmoid", return_sequences=True)
    c.tap("lstm", "output", y)
    att = K.dense(y, *w("dense_1", "dense_1/kernel:0", "dense_1/bias:0"), "softmax")
    c.tap("dense_1", "scores", att)
    c.tap("dense_2", "output", K.dense((y * att).reshape(3, -1), *w("dense_2", "dense_2/kernel:0", "dense_2/bias:0"), "sigmoid"))
    c.done()


def temp_stateful():
    """tf.keras GRU(1, linear, no bias, reset_after) with its initial state as the second input."""
    c = Case("temp_stateful", "dobiasd-frugally-deep/temp_stateful.h5")
    w = Weights(c.meta["file"])
    x = RNG.standard_normal((1, 3, 1)).astype(np.float32)
    s = RNG.standard_normal((1, 1)).astype(np.float32)
    c.input(x)
    c.input(s)
    k, r = w("gru_1", "gru_1/kernel:0", "gru_1/recurrent_kernel:0")
    y, _ = K.rnn("gru", A(x), None, k, r, None, 1, "linear", "sigmoid", reset_after=True, return_sequences=True, initial_state=[A(s)])
    c.tap("gru_1", "output", y)
    c.done()


def dobiasd_lstm():
    """lstm.h5: all 17 outputs — LSTMs with relu/linear recurrent activations, return_state (h, c as outputs 1, 2),
    Bidirectional on a 1-step input, and lstm_15 with (h, c) given as inputs. Each layer's units and activations
    are read from the file's model_config (data), the maths is keras_ref's."""
    c = Case("dobiasd_lstm", "dobiasd-frugally-deep/lstm.h5")
    w = Weights(c.meta["file"])
    cfg = {l["name"]: l["config"] for l in json.loads(w.h.attrs["model_config"])["config"]["layers"]}
    N = 2
    ins = [RNG.standard_normal(s).astype(np.float32) * 0.5 for s in [(N, 17, 4), (N, 1, 10), (N, 6, 4), (N, 12), (N, 12)]]
    for a in ins:
        c.input(a)
    x1, x2, x3, h0, c0 = map(A, ins)

    def run(name, x, **kw):
        k = cfg[name]
        return lstm(x, w(name, name + "/kernel:0", name + "/recurrent_kernel:0", name + "/bias:0"), k["units"], rec=k["recurrent_activation"],
                    act=k["activation"], return_sequences=k["return_sequences"], **kw)

    def bi(name, x):
        inner = cfg[name]["layer"]["config"]
        ws = [w(name, "%s/%s_%s/%s:0" % (name, d, inner["name"], n))[0] for d in ("forward", "backward") for n in ("kernel", "recurrent_kernel", "bias")]
        o = dict(rec=inner["recurrent_activation"], act=inner["activation"], return_sequences=inner["return_sequences"])
        f, _ = lstm(x, ws[:3], inner["units"], **o)
        b, _ = lstm(x, ws[3:], inner["units"], go_backwards=True, **o)
        return np.concatenate([f, b[:, ::-1] if inner["return_sequences"] else b], -1)

    y1, _ = run("lstm_1", x1)
    y8, _ = run("lstm_8", x2)
    outs = {}
    outs["lstm_2"] = [run("lstm_2", y1)[0]]
    y, (h, cc) = run("lstm_3", x1)
    outs["lstm_3"] = [y, h, cc]
    outs["bidirectional_2"] = [bi("bidirectional_2", bi("bidirectional_1", x1))]
    outs["lstm_6"] = [run("lstm_6", x1)[0]]
    outs["bidirectional_3"] = [bi("bidirectional_3", x1)]
    outs["lstm_9"] = [run("lstm_9", y8)[0]]
    y, (h, cc) = run("lstm_10", x2)
    outs["lstm_10"] = [y, h, cc]
    outs["bidirectional_5"] = [bi("bidirectional_5", bi("bidirectional_4", x2))]
    outs["lstm_13"] = [run("lstm_13", x2)[0]]
    outs["bidirectional_6"] = [bi("bidirectional_6", x2)]
    y, (h, cc) = run("lstm_15", x3, initial_state=[h0, c0])
    outs["lstm_15"] = [y, h, cc]
    for name, vs in outs.items():
        for i, v in enumerate(vs):
            c.tap(name, "output", v)
            c.meta["taps"][-1]["index"] = i
    c.done()


def yaokui():
    """Weights-only tf.keras 2.6 file + model_lstm.json: Embedding(mask_zero) → LSTM(hard_sigmoid) → Dense softmax → Activation softmax."""
    c = Case("yaokui", "yaokui2018-sentiment/model_lstm.h5", config="yaokui2018-sentiment/model_lstm.json")
    w = Weights(c.meta["file"])
    ids = RNG.integers(1, 8307, (3, 100)).astype(np.int32)
    ids[0, :60] = 0  # Keras pad_sequences pads before
    ids[1, 90:] = 0
    c.input(ids)
    x = K.embedding(ids, *w("embedding", "embedding/embeddings:0"))
    h, _ = lstm(x, w("lstm", "lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0", "lstm/lstm_cell/bias:0"), 50, rec="hard_sigmoid", mask=ids != 0)
    c.tap("lstm", "output", h)
    p = K.dense(h, *w("dense", "dense/kernel:0", "dense/bias:0"), "softmax")
    c.tap("activation", "output", K.activation("softmax", p))
    c.done()


def praveena():
    """Keras 3.10 legacy .h5 (and the .keras twin): a custom ExpandDimsLayer (not runnable) → LSTM(64) →
    AttentionLayer with a Dense(1) scorer (softmax over time) → Dense. Fed at lstm_4's input."""
    c = Case("praveena", "praveena-lstm-attention/final_model.h5")
    w = Weights(c.meta["file"])
    x = c.feed_real("lstm_4", "praveena-lstm-attention/X_data.npy", 4)
    y, _ = lstm(A(x), w("lstm_4", "lstm_4/lstm_cell/kernel", "lstm_4/lstm_cell/recurrent_kernel", "lstm_4/lstm_cell/bias"), 64, return_sequences=True)
    c.tap("attention_layer_4", "input", y)
    wk, wb = w("attention_layer_4", "attention_layer_4/dense_11/kernel", "attention_layer_4/dense_11/bias")
    a = han_ref.linear(y, wk, wb)
    c.tap("attention_layer_4", "scores", a)
    c.tap("dense_12", "output", K.dense((a[..., None] * y).sum(1), *w("dense_12", "dense_12/kernel", "dense_12/bias")))
    c.done()


def mschongchulshin():
    """Keras 3.4 legacy .h5: 7 stacked LSTMs with Dropout, up to the custom 'Attention' layer's input."""
    c = Case("mschongchulshin", "mschongchulshin-fatigue/fatigue_life_model.h5")
    w = Weights(c.meta["file"])
    x = RNG.random((2, 50, 2)).astype(np.float32)
    c.input(x)
    v = A(x)
    for l, u in [("lstm_49", 96), ("lstm_50", 96), ("lstm_51", 32), ("lstm_52", 32), ("lstm_53", 128), ("lstm_54", 64), ("lstm_55", 64)]:
        v, _ = lstm(v, w(l, l + "/lstm_cell/kernel", l + "/lstm_cell/recurrent_kernel", l + "/lstm_cell/bias"), u, return_sequences=True)
    c.tap("attention", "input", v)
    # attention.py: e = tanh(x·W + b) with b one value per step (T, 1); a = softmax(e, axis=1)
    # (K.softmax subtracts the max); returns (Σ_t x·a, a).
    W, b = w("attention", "attention/att_weight", "attention/att_bias")
    e = np.tanh(v @ W + b)[..., 0]
    a = np.exp(e - e.max(1, keepdims=True))
    a /= a.sum(1, keepdims=True)
    c.tap("attention", "scores", a)
    d = K.dense((a[..., None] * v).sum(1), *w("dense_14", "dense_14/kernel", "dense_14/bias"), "relu")
    c.tap("dense_15", "output", K.dense(d, *w("dense_15", "dense_15/kernel", "dense_15/bias")))
    c.done()


def mayuefine():
    """Keras 2.2.4 Sequential: Embedding(21, 128) → Conv1D(64, 16) relu → MaxPooling1D(5) → Dropout →
    Attention_layer (script/Attention.py: a = exp(tanh(x·W + b)) / (Σ_t + K.epsilon()), one weight per
    step and feature, output Σ_t x·a) → Dense(1, sigmoid)."""
    c = Case("mayuefine", "mayuefine-amps/att.h5")
    w = Weights(c.meta["file"])
    ids = RNG.integers(0, 21, (2, 300)).astype(np.int32)
    c.input(ids)
    x = K.embedding(ids, *w("embedding_7", "embedding_7/embeddings:0"))
    x = K.activation("relu", K.conv1d(x, *w("conv1d_7", "conv1d_7/kernel:0", "conv1d_7/bias:0"), 1, "valid", 1))
    x = K.pool1d(x, "max", 5, 5, "valid")
    c.tap("attention_layer_7", "input", x)
    W, b = w("attention_layer_7", "attention_layer_7/attention_layer_7_W:0", "attention_layer_7/attention_layer_7_b:0")
    a = np.exp(np.tanh(x @ W + b))
    a /= a.sum(1, keepdims=True) + 1e-7
    c.tap("attention_layer_7", "scores", a)
    c.tap("dense_7", "output", K.dense((a * x).sum(1), *w("dense_7", "dense_7/kernel:0", "dense_7/bias:0"), "sigmoid"))
    c.done()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for make in (flamingjay, eindh, xingxiaoxuan, temp_stateful, dobiasd_lstm, yaokui, praveena, mschongchulshin, mayuefine):
        make()
    print("wrote", OUT)


if __name__ == "__main__":
    main()
