#!/usr/bin/env python3
"""Small Keras model files, one per config dialect and layer family, and their expected outputs.

Files are written with h5py in each Keras's own layout (model_config as that Keras writes it,
model_weights/<layer>/<weight> with layer_names/weight_names attributes; Keras 1 `lstm_1_W_i`
naming; Keras 3 `.keras` zips with layers/<snake>/vars/<i>). Weights and inputs are random;
expected values come from NumPy: ../../layers/scripts/keras_ref.py (the kernels' reference,
written from Keras's source) and ../../../../shared/reference/han_ref.py (attention layers).
Conversions into the file layouts (Keras 1 per-gate weights, CuDNN's layout) invert what Keras's
loader does: keras/engine/saving.py preprocess_weights_for_loading (Keras 2.2) and tf.keras
hdf5_format.py _convert_rnn_weights.

Run: /usr/bin/python3 packages/keras-graph/scripts/make-fixtures.py   (Debian numpy + h5py)
Each case folder holds case.json: {file, config?, inputs: [npy], taps: [{layer, what, expected}]}.
"""
import io
import json
import os
import shutil
import sys
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "layers", "scripts"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))
import keras_ref as K  # noqa: E402
import han_ref  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "fixtures")
RNG = np.random.default_rng(20261201)


def vals(*shape):
    return (RNG.standard_normal(shape) * 0.4).astype("<f4")


def f64(a):
    return np.asarray(a, np.float64)


def names_attr(obj, key, items):
    """h5py 2.x style fixed-length bytes list ([] as float64 (0,), as Keras writes it)."""
    if not items:
        obj.attrs[key] = np.array([])
        return
    enc = [s.encode("utf8") for s in items]
    obj.attrs[key] = np.array(enc, dtype="S%d" % max(len(e) for e in enc))


def legacy_h5(path, version, config, weights, backend="tensorflow"):
    """model.save(): root attrs, model_weights/<layer>/<weight name> in Keras's order."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = version.encode()
        if backend:
            f.attrs["backend"] = backend.encode()
        f.attrs["model_config"] = json.dumps(config).encode()
        mw = f.create_group("model_weights")
        names_attr(mw, "layer_names", [n for n, _ in weights])
        for lname, ws in weights:
            g = mw.create_group(lname)
            names_attr(g, "weight_names", [n for n, _ in ws])
            for n, a in ws:
                g.create_dataset(n, data=a)


class Case:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(OUT, name)
        os.makedirs(self.dir, exist_ok=True)
        self.meta = {"inputs": [], "taps": []}

    def input(self, a):
        fn = "in%d.npy" % len(self.meta["inputs"])
        np.save(os.path.join(self.dir, fn), a)
        self.meta["inputs"].append(fn)

    def tap(self, layer, what, expected):
        fn = "expected%d.npy" % len(self.meta["taps"])
        np.save(os.path.join(self.dir, fn), np.asarray(expected, np.float32))
        self.meta["taps"].append({"layer": layer, "what": what, "expected": fn})

    def done(self, **extra):
        self.meta.update(extra)
        with open(os.path.join(self.dir, "case.json"), "w") as fh:
            json.dump(self.meta, fh, indent=1)


def node(*names):
    """Keras 2 inbound_nodes: one call reading [name, 0, 0] of each."""
    return [[[n, 0, 0, {}] for n in names]] if names else []


def layer2(cls, name, inbound, **cfg):
    cfg["name"] = name
    cfg.setdefault("trainable", True)
    return {"name": name, "class_name": cls, "config": cfg, "inbound_nodes": inbound}


def gru_cfg(name, units, **kw):
    c = {"name": name, "units": units, "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": True,
         "return_sequences": False, "return_state": False, "go_backwards": False, "stateful": False, "reset_after": False}
    c.update(kw)
    return {"class_name": "GRU", "config": c}


# --------------------------------------------------------------------------- Keras 1 Sequential
def keras1_sequential():
    """Keras 1.2.2 Sequential (config a bare list): Embedding → Convolution1D(same) →
    MaxPooling1D → LSTM (12 per-gate weights, hard_sigmoid) → GRU (9) → Dense(output_dim, softmax)."""
    c = Case("keras1-sequential")
    V, E, T, NF, U1, U2, O = 12, 4, 9, 5, 3, 4, 3
    emb = vals(V, E)
    convW = vals(3, 1, E, NF)  # Keras 1 TF dim ordering: (filter_length, 1, input_dim, nb_filter)
    convb = vals(NF)
    lstm = {k: vals(*s) for k, s in {"W": (NF, U1), "U": (U1, U1), "b": (U1,)}.items() for _ in [0]}
    lstm_g = {g: {"W": vals(NF, U1), "U": vals(U1, U1), "b": vals(U1)} for g in "icfo"}
    gru_g = {g: {"W": vals(U1, U2), "U": vals(U2, U2), "b": vals(U2)} for g in "zrh"}
    dW, db = vals(U2, O), vals(O)
    del lstm
    config = {"class_name": "Sequential", "config": [
        {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": V, "output_dim": E, "init": "uniform", "input_length": T,
                                               "mask_zero": False, "batch_input_shape": [None, T], "input_dtype": "int32", "trainable": True, "dropout": 0.0}},
        {"class_name": "Convolution1D", "config": {"name": "convolution1d_1", "nb_filter": NF, "filter_length": 3, "init": "glorot_uniform",
                                                   "activation": "relu", "border_mode": "same", "subsample_length": 1, "W_regularizer": None, "bias": True, "trainable": True}},
        {"class_name": "MaxPooling1D", "config": {"name": "maxpooling1d_1", "pool_length": 2, "stride": 2, "border_mode": "valid", "trainable": True}},
        {"class_name": "LSTM", "config": {"name": "lstm_1", "output_dim": U1, "init": "glorot_uniform", "inner_init": "orthogonal", "forget_bias_init": "one",
                                          "activation": "tanh", "inner_activation": "hard_sigmoid", "W_regularizer": None, "U_regularizer": None,
                                          "b_regularizer": None, "dropout_W": 0.0, "dropout_U": 0.0, "return_sequences": True, "go_backwards": False,
                                          "stateful": False, "unroll": False, "consume_less": "cpu", "trainable": True}},
        {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": U2, "init": "glorot_uniform", "inner_init": "orthogonal", "activation": "tanh",
                                         "inner_activation": "hard_sigmoid", "W_regularizer": None, "U_regularizer": None, "b_regularizer": None,
                                         "dropout_W": 0.0, "dropout_U": 0.0, "return_sequences": False, "go_backwards": True, "stateful": False,
                                         "unroll": False, "consume_less": "cpu", "trainable": True}},
        {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": O, "init": "glorot_uniform", "activation": "softmax", "W_regularizer": None,
                                           "b_regularizer": None, "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
                                           "bias": True, "input_dim": U2, "trainable": True}},
    ]}
    # Keras 1 LSTM.build: trainable_weights = [W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o].
    lstm_w = [("lstm_1_%s_%s" % (k, g), lstm_g[g][k]) for g in "icfo" for k in "WUb"]
    gru_w = [("gru_1_%s_%s" % (k, g), gru_g[g][k]) for g in "zrh" for k in "WUb"]
    weights = [("embedding_1", [("embedding_1_W", emb)]), ("convolution1d_1", [("convolution1d_1_W", convW), ("convolution1d_1_b", convb)]),
               ("maxpooling1d_1", []), ("lstm_1", lstm_w), ("gru_1", gru_w), ("dense_1", [("dense_1_W", dW), ("dense_1_b", db)])]
    legacy_h5(os.path.join(c.dir, "model.h5"), "1.2.2", config, weights, backend="tensorflow")
    ids = RNG.integers(0, V, (3, T)).astype(np.int32)
    c.input(ids)
    x = K.embedding(ids, f64(emb))
    x = K.conv1d(x, f64(convW[:, 0]), f64(convb), 1, "same", 1)
    x = K.activation("relu", x)
    c.tap("lstm_1", "input", x := K.pool1d(x, "max", 2, 2, "valid"))
    # Keras 2's loader: kernel = concat(W_i, W_f, W_c, W_o) (the i,c,f,o file order made i,f,c,o).
    cat = lambda g, k, order: np.concatenate([f64(g[o][k]) for o in order], axis=-1)
    y, _ = K.rnn("lstm", x, None, cat(lstm_g, "W", "ifco"), cat(lstm_g, "U", "ifco"), cat(lstm_g, "b", "ifco"), U1,
                 "tanh", "hard_sigmoid", return_sequences=True)
    c.tap("lstm_1", "output", y)
    h, _ = K.rnn("gru", y, None, cat(gru_g, "W", "zrh"), cat(gru_g, "U", "zrh"), cat(gru_g, "b", "zrh"), U2,
                 "tanh", "hard_sigmoid", go_backwards=True)
    c.tap("dense_1", "output", K.dense(h, f64(dW), f64(db), "softmax"))
    c.done(file="model.h5")


# --------------------------------------------------------------------------- Keras 2 HAN
def keras2_han():
    """Keras 2.2.4 HAN: TimeDistributed(Model(Embedding(mask_zero, frozen) → Bidirectional(GRU) → AttLayer
    with unnamed Variable:0 weights, as richliao's))
    over (N, S, T) ids, then Bidirectional(GRU) → AttLayer → Dense(softmax). Masked word steps
    carry the previous output: multi-backend Keras 2.2's Bidirectional does not force
    zero_output_for_mask (tf.keras and Keras 3 do; see tfkeras-shared and keras3-zip)."""
    c = Case("keras2-han")
    V, E, U, A, S, T, C = 15, 4, 3, 5, 3, 6, 2
    emb = vals(V, E)
    wf = [vals(E, 3 * U), vals(U, 3 * U), vals(3 * U)]
    wb = [vals(E, 3 * U), vals(U, 3 * U), vals(3 * U)]
    aW, ab, au = vals(2 * U, A), vals(A), vals(A, 1)
    sf = [vals(2 * U, 3 * U), vals(U, 3 * U), vals(3 * U)]
    sb = [vals(2 * U, 3 * U), vals(U, 3 * U), vals(3 * U)]
    sW, sbias, su = vals(2 * U, A), vals(A), vals(A, 1)
    dW, db = vals(2 * U, C), vals(C)
    enc_layers = [
        layer2("InputLayer", "input_1", [], batch_input_shape=[None, T], dtype="int32", sparse=False),
        layer2("Embedding", "embedding_1", node("input_1"), input_dim=V, output_dim=E, mask_zero=True, input_length=T, trainable=False),
        layer2("Bidirectional", "bidirectional_1", node("embedding_1"), layer=gru_cfg("gru_1", U, return_sequences=True), merge_mode="concat"),
        layer2("AttLayer", "att_layer_1", node("bidirectional_1")),
    ]
    encoder = {"name": "model_1", "layers": enc_layers, "input_layers": [["input_1", 0, 0]], "output_layers": [["att_layer_1", 0, 0]]}
    layers = [
        layer2("InputLayer", "input_2", [], batch_input_shape=[None, S, T], dtype="int32", sparse=False),
        layer2("TimeDistributed", "time_distributed_1", node("input_2"), layer={"class_name": "Model", "config": encoder}),
        layer2("Bidirectional", "bidirectional_2", node("time_distributed_1"), layer=gru_cfg("gru_2", U, return_sequences=True), merge_mode="concat"),
        layer2("AttLayer", "att_layer_2", node("bidirectional_2")),
        layer2("Dense", "dense_1", node("att_layer_2"), units=C, activation="softmax", use_bias=True),
    ]
    config = {"class_name": "Model", "config": {"name": "model_2", "layers": layers, "input_layers": [["input_2", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
    gw = lambda p, g, w: [("%s/%s_%s/%s:0" % (p, d, g, n), a) for d, ws in (("forward", w[0]), ("backward", w[1])) for n, a in zip(("kernel", "recurrent_kernel", "bias"), ws)]
    weights = [
        ("input_2", []),
        # A nested model lists every layer's trainable weights, then the non-trainable ones
        # (Network.weights): the frozen Embedding's table comes last; AttLayer's are unnamed.
        ("time_distributed_1", gw("bidirectional_1", "gru_1", (wf, wb))
         + [("Variable:0", aW), ("Variable_1:0", ab), ("Variable_2:0", au)] + [("embedding_1/embeddings:0", emb)]),
        ("bidirectional_2", gw("bidirectional_2", "gru_2", (sf, sb))),
        ("att_layer_2", [("att_layer_2/W:0", sW), ("att_layer_2/b:0", sbias), ("att_layer_2/u:0", su)]),
        ("dense_1", [("dense_1/kernel:0", dW), ("dense_1/bias:0", db)]),
    ]
    legacy_h5(os.path.join(c.dir, "model.h5"), "2.2.4", config, weights)
    N = 2
    ids = RNG.integers(1, V, (N, S, T)).astype(np.int32)
    ids[0, 0, 4:] = 0  # post-padding
    ids[1, 1, :2] = 0  # pre-padding
    ids[1, 2, :] = 0   # an empty sentence
    c.input(ids)
    flat = ids.reshape(N * S, T)
    mask = flat != 0

    def bigru(x, m, fw, bw):
        y1, _ = K.rnn("gru", x, m, *map(f64, fw), U, "tanh", "hard_sigmoid", return_sequences=True)
        y2, _ = K.rnn("gru", x, m, *map(f64, bw), U, "tanh", "hard_sigmoid", return_sequences=True, go_backwards=True)
        return np.concatenate([y1, y2[:, ::-1]], axis=-1)

    xw = bigru(K.embedding(flat, f64(emb)), mask, wf, wb)
    c.tap("time_distributed_1/att_layer_1", "input", xw.reshape(N, S, T, 2 * U))
    aw = han_ref.attlayer(xw, f64(aW), f64(ab), f64(au), mask=mask.astype(np.float64))
    c.tap("att_layer_1", "scores", aw.reshape(N, S, T))
    sent = (aw[..., None] * xw).sum(axis=1).reshape(N, S, 2 * U)
    c.tap("bidirectional_2", "input", sent)
    xs = bigru(sent, None, sf, sb)
    a_s = han_ref.attlayer(xs, f64(sW), f64(sbias), f64(su))
    c.tap("att_layer_2", "scores", a_s)
    c.tap("dense_1", "output", K.dense((a_s[..., None] * xs).sum(axis=1), f64(dW), f64(db), "softmax"))
    c.done(file="model.h5")


# --------------------------------------------------------------------------- CuDNN + attention_3d_block
def to_cudnn_kernel(k, gates):
    """Inverse of _convert_rnn_weights' transpose_input(from_cudnn=True): per gate, cuDNN's (U, F) row-major in the (F, U) slot."""
    F, GU = k.shape
    U = GU // gates
    return np.hstack([b.T.reshape(F, U) for b in np.hsplit(k, gates)]).astype("<f4")


def to_cudnn_recurrent(r, gates):
    return np.hstack([b.T for b in np.hsplit(r, gates)]).astype("<f4")


def keras2_cudnn():
    """Keras 2.2.0 Functional like xingxiaoxuan's: Conv1D(causal, dilation 2) → CuDNNLSTM → Permute →
    Dense(softmax over time) → Permute → Multiply (the attention_3d_block) → Flatten → Dense; and a
    CuDNNGRU branch (reset_after layout) concatenated in."""
    c = Case("keras2-cudnn")
    T, F, NF, U, G = 7, 3, 4, 3, 2
    cw, cb = vals(2, F, NF), vals(NF)
    lk, lr, lb1, lb2 = vals(NF, 4 * U), vals(U, 4 * U), vals(4 * U), vals(4 * U)
    gk, gr, gb = vals(NF, 3 * G), vals(G, 3 * G), vals(2, 3 * G)
    aW, ab = vals(T, T), vals(T)
    dW, db = vals(T * U + G, 1), vals(1)
    layers = [
        layer2("InputLayer", "input_1", [], batch_input_shape=[None, T, F], dtype="float32", sparse=False),
        layer2("Conv1D", "cnn1", node("input_1"), filters=NF, kernel_size=[2], strides=[1], padding="causal", data_format="channels_last",
               dilation_rate=[2], activation="relu", use_bias=True),
        layer2("CuDNNLSTM", "lstm", node("cnn1"), units=U, return_sequences=True, return_state=False, go_backwards=False, stateful=False),
        layer2("Permute", "permute_1", node("lstm"), dims=[2, 1]),
        layer2("Dense", "dense_1", node("permute_1"), units=T, activation="softmax", use_bias=True),
        layer2("Permute", "attention_vec", node("dense_1"), dims=[2, 1]),
        layer2("Multiply", "multiply_1", node("lstm", "attention_vec")),
        layer2("Flatten", "flatten_1", node("multiply_1"), data_format="channels_last"),
        layer2("CuDNNGRU", "gru", node("cnn1"), units=G, return_sequences=False, return_state=False, go_backwards=True, stateful=False),
        layer2("Concatenate", "concatenate_1", node("flatten_1", "gru"), axis=-1),
        layer2("Dense", "dense_2", node("concatenate_1"), units=1, activation="sigmoid", use_bias=True),
    ]
    config = {"class_name": "Model", "config": {"name": "model_1", "layers": layers, "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_2", 0, 0]]}}
    weights = [
        ("input_1", []), ("cnn1", [("cnn1/kernel:0", cw), ("cnn1/bias:0", cb)]),
        ("lstm", [("lstm/kernel:0", to_cudnn_kernel(lk, 4)), ("lstm/recurrent_kernel:0", to_cudnn_recurrent(lr, 4)), ("lstm/bias:0", np.concatenate([lb1, lb2]))]),
        ("permute_1", []), ("dense_1", [("dense_1/kernel:0", aW), ("dense_1/bias:0", ab)]), ("attention_vec", []), ("multiply_1", []), ("flatten_1", []),
        ("gru", [("gru/kernel:0", to_cudnn_kernel(gk, 3)), ("gru/recurrent_kernel:0", to_cudnn_recurrent(gr, 3)), ("gru/bias:0", gb.reshape(-1))]),
        ("concatenate_1", []), ("dense_2", [("dense_2/kernel:0", dW), ("dense_2/bias:0", db)]),
    ]
    legacy_h5(os.path.join(c.dir, "model.h5"), "2.2.0", config, weights)
    x = vals(3, T, F)
    c.input(x)
    h = K.activation("relu", K.conv1d(f64(x), f64(cw), f64(cb), 1, "causal", 2))
    # CuDNNLSTM: the sum of its two biases, tanh and the true sigmoid.
    y, _ = K.rnn("lstm", h, None, f64(lk), f64(lr), f64(lb1) + f64(lb2), U, "tanh", "sigmoid", return_sequences=True)
    c.tap("lstm", "output", y)
    att = K.dense(np.transpose(y, (0, 2, 1)), f64(aW), f64(ab), "softmax")
    c.tap("dense_1", "scores", att)
    g, _ = K.rnn("gru", h, None, f64(gk), f64(gr), f64(gb), G, "tanh", "sigmoid", reset_after=True, go_backwards=True)
    c.tap("gru", "output", g)
    flat = (y * np.transpose(att, (0, 2, 1))).reshape(3, -1)
    c.tap("dense_2", "output", K.dense(np.concatenate([flat, g], -1), f64(dW), f64(db), "sigmoid"))
    c.done(file="model.h5")


# --------------------------------------------------------------------------- tf.keras: shared layers, several inputs and outputs
def tfkeras_shared():
    """tf.keras 2.7 Functional: two inputs, two outputs, a Dense called twice (node index 1),
    Masking → Bidirectional(LSTM, merge ave) → GlobalAveragePooling1D (masked), GRU reset_after
    with return_state, BatchNormalization, LayerNormalization, Subtract, Dot."""
    c = Case("tfkeras-shared")
    T, F, U, D = 5, 3, 2, 4
    lf = [vals(F, 4 * U), vals(U, 4 * U), vals(4 * U)]
    lb = [vals(F, 4 * U), vals(U, 4 * U), vals(4 * U)]
    sk, sb = vals(F, D), vals(D)
    gk, gr, gb = vals(F, 3 * U), vals(U, 3 * U), vals(2, 3 * U)
    bn = [vals(D) + 1, vals(D), vals(D), np.abs(vals(D)) + 0.5]
    ln = [vals(U) + 1, vals(U)]
    ok, ob = vals(U + D + 1, 1), vals(1)
    lstm = {"class_name": "LSTM", "config": {"name": "lstm", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
                                             "return_sequences": True, "return_state": False, "go_backwards": False, "unroll": False, "time_major": False}}
    L = lambda cls, name, inbound, **cfg: {"class_name": cls, "config": dict(cfg, name=name, trainable=True, dtype="float32"), "name": name, "inbound_nodes": inbound}
    layers = [
        L("InputLayer", "seq", [], batch_input_shape=[None, T, F], sparse=False, ragged=False),
        L("InputLayer", "vec", [], batch_input_shape=[None, F], sparse=False, ragged=False),
        L("Masking", "masking", node("seq"), mask_value=0.0),
        L("Bidirectional", "bidirectional", node("masking"), layer=lstm, merge_mode="ave"),
        L("GlobalAveragePooling1D", "pool", node("bidirectional"), data_format="channels_last", keepdims=False),
        L("Dense", "shared", [[["vec", 0, 0, {}]], [["pool_proj", 0, 0, {}]]], units=D, activation="tanh", use_bias=True),
        L("Dense", "pool_proj", node("pool"), units=F, activation="linear", use_bias=False),
        L("Subtract", "subtract", [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]),
        L("BatchNormalization", "bn", node("subtract"), axis=-1, epsilon=0.001, center=True, scale=True),
        L("GRU", "gru", node("masking"), units=U, activation="tanh", recurrent_activation="sigmoid", use_bias=True, return_sequences=False,
          return_state=True, go_backwards=False, reset_after=True),
        L("LayerNormalization", "ln", [[["gru", 0, 1, {}]]], axis=[-1], epsilon=0.001, center=True, scale=True),
        L("Dot", "dot", [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]], axes=1, normalize=True),
        L("Concatenate", "concat", [[["ln", 0, 0, {}], ["bn", 0, 0, {}], ["dot", 0, 0, {}]]], axis=-1),
        L("Dense", "out", node("concat"), units=1, activation="sigmoid", use_bias=True),
    ]
    pk = vals(2 * U // 2, F)  # pool_proj kernel (U, F): the ave merge keeps U features
    config = {"class_name": "Functional", "config": {"name": "model", "layers": layers, "input_layers": [["seq", 0, 0], ["vec", 0, 0]],
                                                     "output_layers": [["out", 0, 0], ["gru", 0, 0]]}, "keras_version": "2.7.0", "backend": "tensorflow"}
    bw = lambda d, ws: [("bidirectional/%s_lstm/lstm_cell_%d/%s:0" % (d, 1 if d == "forward" else 2, n), a) for n, a in zip(("kernel", "recurrent_kernel", "bias"), ws)]
    weights = [
        ("seq", []), ("vec", []), ("masking", []), ("bidirectional", bw("forward", lf) + bw("backward", lb)), ("pool", []),
        ("shared", [("shared/kernel:0", sk), ("shared/bias:0", sb)]), ("pool_proj", [("pool_proj/kernel:0", pk)]), ("subtract", []),
        ("bn", [("bn/gamma:0", bn[0]), ("bn/beta:0", bn[1]), ("bn/moving_mean:0", bn[2]), ("bn/moving_variance:0", bn[3])]),
        ("gru", [("gru/gru_cell/kernel:0", gk), ("gru/gru_cell/recurrent_kernel:0", gr), ("gru/gru_cell/bias:0", gb)]),
        ("ln", [("ln/gamma:0", ln[0]), ("ln/beta:0", ln[1])]), ("dot", []), ("concat", []), ("out", [("out/kernel:0", ok), ("out/bias:0", ob)]),
    ]
    # A weights-only save (layer_names at the root) plus the to_json() text, like yaokui2018's.
    path = os.path.join(c.dir, "weights.h5")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.7.0"
        f.attrs["backend"] = b"tensorflow"
        names_attr(f, "layer_names", [n for n, _ in weights])
        for lname, ws in weights:
            g = f.create_group(lname)
            names_attr(g, "weight_names", [n for n, _ in ws])
            for n, a in ws:
                g.create_dataset(n, data=a)
    with open(os.path.join(c.dir, "model.json"), "w") as fh:
        json.dump(json.dumps(config), fh)  # saved as a JSON string, as json.dump(model.to_json()) does
    N = 3
    seq = vals(N, T, F)
    seq[0, 3:] = 0.0
    seq[2, 1] = 0.0  # a masked step in the middle
    vec = vals(N, F)
    c.input(seq)
    c.input(vec)
    m = np.any(seq != 0.0, axis=-1)
    y1, _ = K.rnn("lstm", seq, m, *map(f64, lf), U, return_sequences=True, masked_output="zero")
    y2, _ = K.rnn("lstm", seq, m, *map(f64, lb), U, return_sequences=True, go_backwards=True, masked_output="zero")
    y = (y1 + y2[:, ::-1]) / 2
    c.tap("bidirectional", "output", y)
    pool = K.global_pool1d(y, "avg", m)
    s0 = K.dense(f64(vec), f64(sk), f64(sb), "tanh")
    s1 = K.dense(K.dense(pool, f64(pk)), f64(sk), f64(sb), "tanh")
    b = K.batch_norm(s0 - s1, *map(f64, bn))
    out_g, states = K.rnn("gru", seq, m, f64(gk), f64(gr), f64(gb), U, reset_after=True)
    c.tap("gru", "output", out_g)
    lnv = K.layer_norm(states[0], *map(f64, ln))
    d = K.batch_dot(s0, s1, (1, 1), normalize=True)
    c.tap("out", "output", K.dense(np.concatenate([lnv, b, d], -1), f64(ok), f64(ob), "sigmoid"))
    c.done(file="weights.h5", config="model.json")


# --------------------------------------------------------------------------- Keras 3 .keras zip
def keras3_zip():
    """Keras 3.4 .keras: config.json with {module, class_name, registered_name}, {args, kwargs}
    inbound nodes; model.weights.h5 as layers/<snake>/vars/<i> (Bidirectional's halves under
    backward_layer/forward_layer, which sort backward first). Embedding(mask_zero) →
    Bidirectional(GRU reset_after, hard_sigmoid = relu6(x+3)/6 in Keras 3) → Attention(use_scale)
    self-attention (masked) → GlobalAveragePooling1D → Dense."""
    c = Case("keras3-zip")
    V, E, U, T, O = 10, 3, 2, 5, 2
    emb = vals(V, E)
    wf = [vals(E, 3 * U), vals(U, 3 * U), vals(2, 3 * U)]
    wb = [vals(E, 3 * U), vals(U, 3 * U), vals(2, 3 * U)]
    scale = np.array(1.7, "<f4")
    dW, db = vals(2 * U, O), vals(O)
    kt = lambda name, shape, i=0: {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, i]}}
    L = lambda cls, name, inbound, **cfg: {"module": "keras.layers", "class_name": cls, "config": dict(cfg, name=name, trainable=True,
                                           dtype={"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}),
                                           "registered_name": None, "name": name, "inbound_nodes": inbound}
    gru = {"module": "keras.layers", "class_name": "GRU", "config": {"name": "gru", "units": U, "activation": "tanh", "recurrent_activation": "hard_sigmoid",
                                                                     "use_bias": True, "return_sequences": True, "go_backwards": False, "reset_after": True,
                                                                     "zero_output_for_mask": False}, "registered_name": None}
    layers = [
        L("InputLayer", "input_layer", [], batch_shape=[None, T], sparse=False, ragged=False),
        L("Embedding", "embedding", [{"args": [kt("input_layer", [None, T])], "kwargs": {}}], input_dim=V, output_dim=E, mask_zero=True),
        L("Bidirectional", "bidirectional", [{"args": [kt("embedding", [None, T, E])], "kwargs": {"mask": None}}], layer=gru, merge_mode="concat"),
        L("Attention", "attention", [{"args": [[kt("bidirectional", [None, T, 2 * U]), kt("bidirectional", [None, T, 2 * U])]], "kwargs": {"mask": [None, None]}}],
          use_scale=True, score_mode="dot", dropout=0.0),
        L("GlobalAveragePooling1D", "pool", [{"args": [kt("attention", [None, T, 2 * U])], "kwargs": {}}], data_format="channels_last", keepdims=False),
        L("Dense", "dense", [{"args": [kt("pool", [None, 2 * U])], "kwargs": {}}], units=O, activation="linear", use_bias=True),
    ]
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": True, "layers": layers,
              "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]}, "registered_name": "Functional",
              "build_config": {"input_shape": [None, T]}}
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        def var(group, arrays):
            g = (f.require_group(group) if group else f).require_group("vars")
            for i, a in enumerate(arrays):
                g.create_dataset(str(i), data=a)
        var("layers/input_layer", [])
        var("layers/embedding", [emb])
        var("layers/bidirectional", [])
        var("layers/bidirectional/forward_layer", [])
        var("layers/bidirectional/forward_layer/cell", wf)
        var("layers/bidirectional/backward_layer", [])
        var("layers/bidirectional/backward_layer/cell", wb)
        var("layers/attention", [scale])
        var("layers/global_average_pooling1d", [])
        var("layers/dense", [dW, db])
        var("optimizer", [np.int64(1)])
        var("", [])
    with zipfile.ZipFile(os.path.join(c.dir, "model.keras"), "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.4.1", "date_saved": "2026-12-01@10:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", bio.getvalue())
    N = 3
    ids = RNG.integers(1, V, (N, T)).astype(np.int32)
    ids[0, 3:] = 0
    ids[2, :1] = 0
    c.input(ids)
    m = ids != 0
    x = K.embedding(ids, f64(emb))
    y1, _ = K.rnn("gru", x, m, *map(f64, wf), U, "tanh", "hard_sigmoid_v3", reset_after=True, return_sequences=True, masked_output="zero")
    y2, _ = K.rnn("gru", x, m, *map(f64, wb), U, "tanh", "hard_sigmoid_v3", reset_after=True, return_sequences=True, go_backwards=True, masked_output="zero")
    y = np.concatenate([y1, y2[:, ::-1]], -1)
    c.tap("bidirectional", "output", y)
    out, scores = K.dot_attention(y, y, query_mask=m, value_mask=m, scale=float(scale))
    c.tap("attention", "scores", scores)
    c.tap("dense", "output", K.dense(K.global_pool1d(out, "avg", m), f64(dW), f64(db)))
    c.done(file="model.keras")


# --------------------------------------------------------------------------- Keras 1 functional
def keras1_functional():
    """Keras 1.2.2 Model: inbound nodes as [name, node, tensor] triples, InputLayer's input_dtype,
    TimeDistributed(Dense), Bidirectional(GRU, merge sum) with per-gate weights named
    forward_gru_1_W_z..., RepeatVector, Merge(mode=mul/concat/dot/ave), SimpleRNN, BatchNormalization
    (Keras 1 running_std holds the variance)."""
    c = Case("keras1-functional")
    T, F, D, U, F2 = 4, 3, 3, 2, 2
    tdW, tdb = vals(F, D), vals(D)
    gru = {d: {g: {"W": vals(D, U), "U": vals(U, U), "b": vals(U)} for g in "zrh"} for d in ("forward", "backward")}
    pW, pb = vals(F2, U), vals(U)
    rnn = [vals(3 * U, 3), vals(3, 3), vals(3)]
    bn = [vals(3) + 1, vals(3), vals(3), np.abs(vals(3)) + 0.5]
    qW = vals(U, 3)
    tri = lambda *names: [[[n, 0, 0] for n in names]]
    L = lambda cls, name, inbound, **cfg: {"name": name, "class_name": cls, "config": dict(cfg, name=name, trainable=True), "inbound_nodes": inbound}
    gcfg = {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": U, "init": "glorot_uniform", "inner_init": "orthogonal", "activation": "tanh",
                                            "inner_activation": "hard_sigmoid", "return_sequences": True, "go_backwards": False, "stateful": False,
                                            "unroll": False, "consume_less": "cpu", "dropout_W": 0.0, "dropout_U": 0.0, "trainable": True}}
    merge = lambda mode, **kw: dict({"mode": mode, "concat_axis": -1, "dot_axes": -1, "output_shape": None, "output_mask": None, "arguments": {}, "mode_type": "raw",
                                     "output_shape_type": "raw"}, **kw)
    layers = [
        L("InputLayer", "seq", [], batch_input_shape=[None, T, F], input_dtype="float32", sparse=False),
        L("InputLayer", "vec", [], batch_input_shape=[None, F2], input_dtype="float32", sparse=False),
        L("TimeDistributed", "timedistributed_1", tri("seq"), layer={"class_name": "Dense", "config": {"name": "dense_1", "output_dim": D, "activation": "relu", "bias": True, "init": "glorot_uniform", "trainable": True}}),
        L("Bidirectional", "bidirectional_1", tri("timedistributed_1"), layer=gcfg, merge_mode="sum"),
        L("Dense", "dense_2", tri("vec"), output_dim=U, activation="tanh", bias=True, init="glorot_uniform", input_dim=F2),
        L("RepeatVector", "repeatvector_1", tri("dense_2"), n=T),
        L("Merge", "merge_1", tri("bidirectional_1", "repeatvector_1"), **merge("mul")),
        L("Merge", "merge_2", tri("merge_1", "bidirectional_1", "repeatvector_1"), **merge("concat")),
        L("SimpleRNN", "simplernn_1", tri("merge_2"), output_dim=3, activation="tanh", return_sequences=False, go_backwards=False, init="glorot_uniform",
          inner_init="orthogonal", dropout_W=0.0, dropout_U=0.0, consume_less="cpu", stateful=False, unroll=False),
        L("BatchNormalization", "batchnormalization_1", tri("simplernn_1"), epsilon=0.001, mode=0, axis=-1, momentum=0.99),
        L("Dense", "dense_3", tri("dense_2"), output_dim=3, activation="linear", bias=False, init="glorot_uniform"),
        L("Merge", "merge_3", tri("batchnormalization_1", "dense_3"), **merge("dot", dot_axes=1)),
        L("Merge", "merge_4", tri("batchnormalization_1", "dense_3"), **merge("ave")),
    ]
    config = {"class_name": "Model", "config": {"name": "model_1", "layers": layers, "input_layers": [["seq", 0, 0], ["vec", 0, 0]],
                                                "output_layers": [["merge_3", 0, 0], ["merge_4", 0, 0]]}}
    gw = [("%s_gru_1_%s_%s" % (d, k, g), gru[d][g][k]) for d in ("forward", "backward") for g in "zrh" for k in "WUb"]
    weights = [("seq", []), ("vec", []), ("timedistributed_1", [("dense_1_W", tdW), ("dense_1_b", tdb)]), ("bidirectional_1", gw),
               ("dense_2", [("dense_2_W", pW), ("dense_2_b", pb)]), ("repeatvector_1", []), ("merge_1", []), ("merge_2", []),
               ("simplernn_1", [("simplernn_1_W", rnn[0]), ("simplernn_1_U", rnn[1]), ("simplernn_1_b", rnn[2])]),
               ("batchnormalization_1", [("batchnormalization_1_gamma", bn[0]), ("batchnormalization_1_beta", bn[1]),
                                         ("batchnormalization_1_running_mean", bn[2]), ("batchnormalization_1_running_std", bn[3])]),
               ("dense_3", [("dense_3_W", qW)]), ("merge_3", []), ("merge_4", [])]
    legacy_h5(os.path.join(c.dir, "model.h5"), "1.2.2", config, weights, backend="tensorflow")
    seq, vec = vals(3, T, F), vals(3, F2)
    c.input(seq)
    c.input(vec)
    h = K.dense(f64(seq), f64(tdW), f64(tdb), "relu")
    cat = lambda d, k: np.concatenate([f64(gru[d][g][k]) for g in "zrh"], -1)
    y1, _ = K.rnn("gru", h, None, cat("forward", "W"), cat("forward", "U"), cat("forward", "b"), U, "tanh", "hard_sigmoid", return_sequences=True)
    y2, _ = K.rnn("gru", h, None, cat("backward", "W"), cat("backward", "U"), cat("backward", "b"), U, "tanh", "hard_sigmoid", return_sequences=True, go_backwards=True)
    bi = y1 + y2[:, ::-1]
    c.tap("bidirectional_1", "output", bi)
    p = K.dense(f64(vec), f64(pW), f64(pb), "tanh")
    rep = K.repeat_vector(p, T)
    m2 = np.concatenate([bi * rep, bi, rep], -1)
    r, _ = K.rnn("simple", m2, None, *map(f64, rnn), 3, "tanh")
    b = K.batch_norm(r, *map(f64, bn))
    q = K.dense(p, f64(qW))
    c.tap("merge_3", "output", K.batch_dot(b, q, (1, 1)))
    c.tap("merge_4", "output", (b + q) / 2)
    c.done(file="model.h5")


# --------------------------------------------------------------------------- Keras 2 zoo
def keras2_zoo():
    """Keras 2.3.1 Functional, many layer families at once: Embedding(mask_zero) → Dense (passes the
    mask) → LSTM(return_sequences, return_state) → Bidirectional(SimpleRNN, merge mul) →
    AttentionWithContext (TensorFlow: x·Wᵀ; summed, a Dense follows); Average of h and c;
    Bidirectional(LSTM, merge None) → Maximum/Minimum; a float input through Conv1D(strides 2, same)
    → AveragePooling1D(same) → GlobalMaxPooling1D → a nested Sequential → Reshape → Permute → Flatten;
    Activation, Concatenate, Add."""
    c = Case("keras2-zoo")
    V, E, D, U, T, T2, F2 = 9, 3, 4, 3, 6, 7, 2
    emb, dW, db = vals(V, E), vals(E, D), vals(D)
    lw = [vals(D, 4 * U), vals(U, 4 * U), vals(4 * U)]
    sf, sb = [vals(U, 2), vals(2, 2), vals(2)], [vals(U, 2), vals(2, 2), vals(2)]
    aW, ab, au = vals(2, 2), vals(2), vals(2)
    bf, bb = [vals(U, 8), vals(2, 8), vals(8)], [vals(U, 8), vals(2, 8), vals(8)]
    cw, cb = vals(3, F2, 4), vals(4)
    n1, n1b, n2, n2b = vals(4, 6), vals(6), vals(6, 2), vals(2)
    hW, hb = vals(U, 2), vals(2)
    oW, ob = vals(2 + 2 + 2 + 2 + 2 + 2, 1), vals(1)
    L = layer2
    seqm = {"name": "sequential_1", "layers": [
        {"class_name": "Dense", "config": {"name": "dense_5", "units": 6, "activation": "linear", "use_bias": True, "batch_input_shape": [None, 4]}},
        {"class_name": "Activation", "config": {"name": "activation_1", "activation": "relu"}},
        {"class_name": "Dense", "config": {"name": "dense_6", "units": 2, "activation": "tanh", "use_bias": True}}]}
    rnn = lambda cls, name, units, **kw: {"class_name": cls, "config": dict({"name": name, "units": units, "activation": "tanh", "recurrent_activation": "sigmoid",
                                                                             "use_bias": True, "return_sequences": True, "return_state": False, "go_backwards": False}, **kw)}
    layers = [
        L("InputLayer", "ids", [], batch_input_shape=[None, T], dtype="int32", sparse=False),
        L("InputLayer", "signal", [], batch_input_shape=[None, T2, F2], dtype="float32", sparse=False),
        L("Embedding", "embedding_1", node("ids"), input_dim=V, output_dim=E, mask_zero=True),
        L("Dense", "dense_1", node("embedding_1"), units=D, activation="relu", use_bias=True),
        L("LSTM", "lstm_1", node("dense_1"), units=U, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True, return_sequences=True, return_state=True,
          go_backwards=False, implementation=2),
        L("Bidirectional", "bidirectional_1", [[["lstm_1", 0, 0, {}]]], layer=rnn("SimpleRNN", "simple_rnn_1", 2), merge_mode="mul"),
        L("AttentionWithContext", "attention_with_context_1", node("bidirectional_1")),
        L("Average", "average_1", [[["lstm_1", 0, 1, {}], ["lstm_1", 0, 2, {}]]]),
        L("Dense", "dense_2", node("average_1"), units=2, activation="elu", use_bias=True),
        L("Bidirectional", "bidirectional_2", [[["lstm_1", 0, 0, {}]]], layer=rnn("LSTM", "lstm_2", 2, return_sequences=False, go_backwards=True), merge_mode=None),
        L("Maximum", "maximum_1", [[["bidirectional_2", 0, 0, {}], ["bidirectional_2", 0, 1, {}]]]),
        L("Minimum", "minimum_1", [[["bidirectional_2", 0, 0, {}], ["bidirectional_2", 0, 1, {}]]]),
        L("Conv1D", "conv1d_1", node("signal"), filters=4, kernel_size=[3], strides=[2], padding="same", data_format="channels_last", dilation_rate=[1],
          activation="selu", use_bias=True),
        L("AveragePooling1D", "average_pooling1d_1", node("conv1d_1"), pool_size=[2], strides=[2], padding="same", data_format="channels_last"),
        L("GlobalMaxPooling1D", "global_max_pooling1d_1", node("average_pooling1d_1"), data_format="channels_last"),
        {"name": "sequential_1", "class_name": "Sequential", "config": seqm, "inbound_nodes": node("global_max_pooling1d_1")},
        L("Reshape", "reshape_1", node("sequential_1"), target_shape=[2, 1]),
        L("Permute", "permute_1", node("reshape_1"), dims=[2, 1]),
        L("Flatten", "flatten_1", node("permute_1"), data_format="channels_last"),
        L("Add", "add_1", node("maximum_1", "minimum_1")),
        L("Concatenate", "concatenate_1", node("attention_with_context_1", "dense_2", "add_1", "flatten_1", "maximum_1", "minimum_1"), axis=-1),
        L("Dense", "dense_3", node("concatenate_1"), units=1, activation="softplus", use_bias=True),
    ]
    config = {"class_name": "Model", "config": {"name": "model_1", "layers": layers, "input_layers": [["ids", 0, 0], ["signal", 0, 0]],
                                                "output_layers": [["dense_3", 0, 0]]}}
    bw = lambda l, inner, f, b: [("%s/%s_%s/%s:0" % (l, d, inner, n), a) for d, ws in (("forward", f), ("backward", b)) for n, a in zip(("kernel", "recurrent_kernel", "bias"), ws)]
    awc = "attention_with_context_1/attention_with_context_1_"
    weights = [
        ("ids", []), ("signal", []), ("embedding_1", [("embedding_1/embeddings:0", emb)]), ("dense_1", [("dense_1/kernel:0", dW), ("dense_1/bias:0", db)]),
        ("lstm_1", [("lstm_1/kernel:0", lw[0]), ("lstm_1/recurrent_kernel:0", lw[1]), ("lstm_1/bias:0", lw[2])]),
        ("bidirectional_1", bw("bidirectional_1", "simple_rnn_1", sf, sb)),
        ("attention_with_context_1", [(awc + "W:0", aW), (awc + "b:0", ab), (awc + "u:0", au)]),
        ("average_1", []), ("dense_2", [("dense_2/kernel:0", hW), ("dense_2/bias:0", hb)]),
        ("bidirectional_2", bw("bidirectional_2", "lstm_2", bf, bb)), ("maximum_1", []), ("minimum_1", []),
        ("conv1d_1", [("conv1d_1/kernel:0", cw), ("conv1d_1/bias:0", cb)]), ("average_pooling1d_1", []), ("global_max_pooling1d_1", []),
        ("sequential_1", [("dense_5/kernel:0", n1), ("dense_5/bias:0", n1b), ("dense_6/kernel:0", n2), ("dense_6/bias:0", n2b)]),
        ("reshape_1", []), ("permute_1", []), ("flatten_1", []), ("add_1", []), ("concatenate_1", []), ("dense_3", [("dense_3/kernel:0", oW), ("dense_3/bias:0", ob)]),
    ]
    legacy_h5(os.path.join(c.dir, "model.h5"), "2.3.1", config, weights)
    N = 3
    ids = RNG.integers(1, V, (N, T)).astype(np.int32)
    ids[0, 4:] = 0
    ids[1, :2] = 0
    sig = vals(N, T2, F2)
    c.input(ids)
    c.input(sig)
    m = ids != 0
    h = K.dense(K.embedding(ids, f64(emb)), f64(dW), f64(db), "relu")
    seq, (hh, cc) = K.rnn("lstm", h, m, *map(f64, lw), U, "tanh", "hard_sigmoid", return_sequences=True)
    c.tap("lstm_1", "output", seq)
    # Multi-backend Keras 2.3: a masked step of either direction carries its previous output.
    y1, _ = K.rnn("simple", seq, m, *map(f64, sf), 2, return_sequences=True)
    y2, _ = K.rnn("simple", seq, m, *map(f64, sb), 2, return_sequences=True, go_backwards=True)
    bi = y1 * y2[:, ::-1]
    a = han_ref.awc(bi, f64(aW), f64(ab), f64(au), backend="tensorflow", mask=m.astype(np.float64))
    c.tap("attention_with_context_1", "scores", a)
    ctxv = (a[..., None] * bi).sum(1)
    d2 = K.dense((hh + cc) / 2, f64(hW), f64(hb), "elu")
    f, _ = K.rnn("lstm", seq, m, *map(f64, bf), 2, go_backwards=True)
    b, _ = K.rnn("lstm", seq, m, *map(f64, bb), 2, go_backwards=False)  # the backward copy flips go_backwards
    mx, mn = np.maximum(f, b), np.minimum(f, b)
    cv = K.activation("selu", K.conv1d(f64(sig), f64(cw), f64(cb), 2, "same", 1))
    g = K.global_pool1d(K.pool1d(cv, "avg", 2, 2, "same"), "max")
    c.tap("sequential_1", "input", g)
    nested = K.dense(K.activation("relu", K.dense(g, f64(n1), f64(n1b))), f64(n2), f64(n2b), "tanh")
    c.tap("sequential_1", "output", nested)
    out = K.dense(np.concatenate([ctxv, d2, mx + mn, nested, mx, mn], -1), f64(oW), f64(ob), "softplus")
    c.tap("dense_3", "output", out)
    c.done(file="model.h5")


# --------------------------------------------------------------------------- x·a unsummed
def keras2_awc_unsummed():
    """eindH's AttentionWithContext returns x·a unsummed: here it feeds an LSTM, which needs (N, T, F)."""
    c = Case("keras2-awc-unsummed")
    T, F, U = 5, 3, 2
    aW, ab, au = vals(F, F), vals(F), vals(F)
    lw = [vals(F, 4 * U), vals(U, 4 * U), vals(4 * U)]
    layers = [layer2("InputLayer", "x", [], batch_input_shape=[None, T, F], dtype="float32", sparse=False),
              layer2("AttentionWithContext", "attention_with_context_1", node("x")),
              layer2("LSTM", "lstm_1", node("attention_with_context_1"), units=U, activation="tanh", recurrent_activation="sigmoid", use_bias=True, return_sequences=False)]
    config = {"class_name": "Model", "config": {"name": "model_1", "layers": layers, "input_layers": [["x", 0, 0]], "output_layers": [["lstm_1", 0, 0]]}}
    awc = "attention_with_context_1/attention_with_context_1_"
    weights = [("x", []), ("attention_with_context_1", [(awc + "W:0", aW), (awc + "b:0", ab), (awc + "u:0", au)]),
               ("lstm_1", [("lstm_1/kernel:0", lw[0]), ("lstm_1/recurrent_kernel:0", lw[1]), ("lstm_1/bias:0", lw[2])])]
    legacy_h5(os.path.join(c.dir, "model.h5"), "2.3.1", config, weights)
    x = vals(2, T, F)
    c.input(x)
    a = han_ref.awc(f64(x), f64(aW), f64(ab), f64(au), backend="tensorflow")
    c.tap("attention_with_context_1", "output", f64(x) * a[..., None])
    c.tap("lstm_1", "output", K.rnn("lstm", f64(x) * a[..., None], None, *map(f64, lw), U)[0])
    c.done(file="model.h5")


# --------------------------------------------------------------------------- Keras 3 legacy .h5
def keras3_legacy():
    """Keras 3.10 model.save('x.h5'): weight names from w.path without ':0'; Bidirectional(LSTM) as
    bidirectional/forward_lstm/lstm_cell/..., TimeDistributed(Dense), AdditiveAttention(use_scale) with
    query and value masks, LayerNormalization, Dense(hard_sigmoid = relu6(x+3)/6), a Masking input."""
    c = Case("keras3-legacy")
    T, F, U, D = 5, 3, 2, 4
    lf = [vals(F, 4 * U), vals(U, 4 * U), vals(4 * U)]
    lb = [vals(F, 4 * U), vals(U, 4 * U), vals(4 * U)]
    tdW, tdb = vals(2 * U, D), vals(D)
    scale = vals(D)
    ln = [vals(D) + 1, vals(D)]
    oW, ob = vals(D, 2), vals(2)
    kt = lambda name, shape: {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, 0]}}
    L = lambda cls, name, args, **cfg: {"module": "keras.layers", "class_name": cls, "config": dict(cfg, name=name, trainable=True),
                                        "registered_name": None, "name": name, "inbound_nodes": [{"args": args, "kwargs": {}}] if args else []}
    lstm = {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "lstm", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
                                                                        "use_bias": True, "return_sequences": True, "zero_output_for_mask": False}, "registered_name": None}
    back = {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "backward_lstm", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
                                                                        "use_bias": True, "return_sequences": True, "go_backwards": True, "zero_output_for_mask": True}, "registered_name": None}
    dense = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": D, "activation": "tanh", "use_bias": True}, "registered_name": None}
    layers = [
        L("InputLayer", "input_layer", None, batch_shape=[None, T, F]),
        L("Masking", "masking", [kt("input_layer", [None, T, F])], mask_value=0.0),
        L("Bidirectional", "bidirectional", [kt("masking", [None, T, F])], layer=lstm, backward_layer=back, merge_mode="concat"),
        L("TimeDistributed", "time_distributed", [kt("bidirectional", [None, T, 2 * U])], layer=dense),
        L("AdditiveAttention", "additive_attention", [[kt("time_distributed", [None, T, D]), kt("time_distributed", [None, T, D])]], use_scale=True, dropout=0.0),
        L("LayerNormalization", "layer_normalization", [kt("additive_attention", [None, T, D])], axis=[-1], epsilon=0.001, center=True, scale=True),
        L("GlobalAveragePooling1D", "pool", [kt("layer_normalization", [None, T, D])], data_format="channels_last", keepdims=False),
        L("Dense", "out", [kt("pool", [None, D])], units=2, activation="hard_sigmoid", use_bias=True),
    ]
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": True, "layers": layers,
              "input_layers": [["input_layer", 0, 0]], "output_layers": [["out", 0, 0]]}, "registered_name": "Functional"}
    bw = [("bidirectional/%s_lstm/lstm_cell/%s" % (d, n), a) for d, ws in (("forward", lf), ("backward", lb)) for n, a in zip(("kernel", "recurrent_kernel", "bias"), ws)]
    weights = [("input_layer", []), ("masking", []), ("bidirectional", bw), ("time_distributed", [("time_distributed/dense/kernel", tdW), ("time_distributed/dense/bias", tdb)]),
               ("additive_attention", [("additive_attention/scale", scale)]), ("layer_normalization", [("layer_normalization/gamma", ln[0]), ("layer_normalization/beta", ln[1])]),
               ("pool", []), ("out", [("out/kernel", oW), ("out/bias", ob)])]
    legacy_h5(os.path.join(c.dir, "model.h5"), "3.10.0", config, weights)
    N = 3
    x = vals(N, T, F)
    x[0, 3:] = 0.0
    x[2, 0] = 0.0
    c.input(x)
    m = np.any(x != 0, -1)
    xm = f64(x)
    y1, _ = K.rnn("lstm", xm, m, *map(f64, lf), U, return_sequences=True, masked_output="zero")
    y2, _ = K.rnn("lstm", xm, m, *map(f64, lb), U, return_sequences=True, go_backwards=True, masked_output="zero")
    bi = np.concatenate([y1, y2[:, ::-1]], -1)
    c.tap("bidirectional", "output", bi)
    td = K.dense(bi, f64(tdW), f64(tdb), "tanh")
    out, scores = K.additive_attention(td, td, query_mask=m, value_mask=m, scale=f64(scale))
    c.tap("additive_attention", "scores", scores)
    lnv = K.layer_norm(out, *map(f64, ln))
    c.tap("out", "output", K.dense(K.global_pool1d(lnv, "avg", m), f64(oW), f64(ob), "hard_sigmoid_v3"))
    c.done(file="model.h5")


# --------------------------------------------------------------------------- Keras 3 .keras, a nested model
def keras3_nested():
    """Keras 3.4 .keras HAN-like: TimeDistributed(Functional(Embedding(mask_zero) → GRU → Dense)) over
    (N, S, T) ids → GlobalAveragePooling1D → Dense. model.weights.h5 keeps the inner model's layers as
    layers/time_distributed/layer/layers/<snake class>/..., stored in name order (dense, embedding,
    gru), not config order: only the group names tell which weights are whose."""
    c = Case("keras3-nested")
    V, E, U, D, S, T = 8, 3, 2, 3, 3, 4
    emb = vals(V, E)
    gw = [vals(E, 3 * U), vals(U, 3 * U), vals(2, 3 * U)]
    dW, db = vals(U, D), vals(D)
    oW, ob = vals(D, 1), vals(1)
    kt = lambda name, shape: {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, 0]}}
    L = lambda cls, name, args, **cfg: {"module": "keras.layers", "class_name": cls, "config": dict(cfg, name=name, trainable=True),
                                        "registered_name": None, "name": name, "inbound_nodes": [{"args": args, "kwargs": {}}] if args else []}
    inner = {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional", "config": {"name": "encoder", "trainable": True, "layers": [
        L("InputLayer", "words", None, batch_shape=[None, T], dtype="int32"),
        L("Embedding", "embedding", [kt("words", [None, T])], input_dim=V, output_dim=E, mask_zero=True),
        L("GRU", "gru", [kt("embedding", [None, T, E])], units=U, activation="tanh", recurrent_activation="sigmoid", use_bias=True, reset_after=True, return_sequences=False),
        L("Dense", "dense", [kt("gru", [None, U])], units=D, activation="relu", use_bias=True),
    ], "input_layers": [["words", 0, 0]], "output_layers": [["dense", 0, 0]]}}
    layers = [
        L("InputLayer", "doc", None, batch_shape=[None, S, T], dtype="int32"),
        L("TimeDistributed", "time_distributed", [kt("doc", [None, S, T])], layer=inner),
        L("GlobalAveragePooling1D", "pool", [kt("time_distributed", [None, S, D])], data_format="channels_last", keepdims=False),
        L("Dense", "out", [kt("pool", [None, D])], units=1, activation="sigmoid", use_bias=True),
    ]
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "han", "trainable": True, "layers": layers,
              "input_layers": [["doc", 0, 0]], "output_layers": [["out", 0, 0]]}, "registered_name": "Functional"}
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        def var(group, arrays):
            g = (f.require_group(group) if group else f).require_group("vars")
            for i, a in enumerate(arrays):
                g.create_dataset(str(i), data=a)
        var("layers/input_layer", [])
        var("layers/time_distributed", [])
        var("layers/time_distributed/layer", [])
        var("layers/time_distributed/layer/layers/input_layer", [])
        var("layers/time_distributed/layer/layers/embedding", [emb])
        var("layers/time_distributed/layer/layers/gru", [])
        var("layers/time_distributed/layer/layers/gru/cell", gw)
        var("layers/time_distributed/layer/layers/dense", [dW, db])
        var("layers/global_average_pooling1d", [])
        var("layers/dense", [oW, ob])
        var("", [])
    with zipfile.ZipFile(os.path.join(c.dir, "model.keras"), "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.4.1", "date_saved": "2026-12-01@10:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", bio.getvalue())
    N = 2
    ids = RNG.integers(1, V, (N, S, T)).astype(np.int32)
    ids[0, 1, 2:] = 0
    c.input(ids)
    flat = ids.reshape(N * S, T)
    h, _ = K.rnn("gru", K.embedding(flat, f64(emb)), flat != 0, *map(f64, gw), U, reset_after=True)
    enc = K.dense(h, f64(dW), f64(db), "relu").reshape(N, S, D)
    c.tap("time_distributed/gru", "output", h.reshape(N, S, U))
    c.tap("out", "output", K.dense(enc.mean(1), f64(oW), f64(ob), "sigmoid"))
    c.done(file="model.keras")


# --------------------------------------------------------------------------- activation layers
def keras2_activations():
    """Keras 2.2.4 Sequential of the activation layers (keras/layers/advanced_activations.py):
    LeakyReLU(alpha), PReLU(shared_axes=[1]: alpha (1, F)), ELU(alpha), ReLU(max_value,
    negative_slope, threshold) = K.relu, ThresholdedReLU(theta), Softmax."""
    c = Case("keras2-activations")
    T, F = 4, 3
    d1, b1 = vals(F, F), vals(F)
    alpha = vals(1, F)
    S = lambda cls, name, **cfg: {"class_name": cls, "config": dict(cfg, name=name, trainable=True)}
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        S("Dense", "dense_1", units=F, activation="linear", use_bias=True, batch_input_shape=[None, T, F]),
        S("LeakyReLU", "leaky_re_lu_1", alpha=0.2),
        S("PReLU", "p_re_lu_1", shared_axes=[1]),
        S("ELU", "elu_1", alpha=0.7),
        S("ReLU", "re_lu_1", max_value=1.5, negative_slope=0.1, threshold=0.2),
        S("ThresholdedReLU", "thresholded_re_lu_1", theta=0.3),
        S("Softmax", "softmax_1", axis=-1),
    ]}}
    weights = [("dense_1", [("dense_1/kernel:0", d1), ("dense_1/bias:0", b1)]), ("leaky_re_lu_1", []), ("p_re_lu_1", [("p_re_lu_1/alpha:0", alpha)]),
               ("elu_1", []), ("re_lu_1", []), ("thresholded_re_lu_1", []), ("softmax_1", [])]
    legacy_h5(os.path.join(c.dir, "model.h5"), "2.2.4", config, weights)
    x = vals(3, T, F) * 3
    c.input(x)
    h = K.dense(f64(x), f64(d1), f64(b1))
    h = np.where(h >= 0, h, 0.2 * h)  # LeakyReLU: K.relu(x, alpha)
    h = np.where(h >= 0, h, f64(alpha) * h)  # PReLU: relu(x) - alpha * relu(-x)
    c.tap("p_re_lu_1", "output", h)
    h = np.where(h > 0, h, 0.7 * np.expm1(h))  # ELU
    h = np.minimum(h * (h > 0.2), 1.5) - 0.1 * np.maximum(0.2 - h, 0)  # K.relu(x, 0.1, 1.5, 0.2)
    h = h * (h > 0.3)  # ThresholdedReLU
    c.tap("thresholded_re_lu_1", "output", h)
    c.tap("softmax_1", "output", K.activation("softmax", h))
    c.done(file="model.h5")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for make in (keras1_sequential, keras1_functional, keras2_han, keras2_zoo, keras2_awc_unsummed, keras2_activations, keras2_cudnn, tfkeras_shared, keras3_zip, keras3_legacy, keras3_nested):
        make()
    print("wrote", OUT)


if __name__ == "__main__":
    main()
