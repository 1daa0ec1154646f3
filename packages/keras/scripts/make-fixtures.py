#!/usr/bin/env python3
"""Writes packages/keras/tests/fixtures: small Keras weight files in every layout
attnlens reads, laid out exactly as ../../shared/docs/FORMATS.md §1 documents
(Keras itself is not needed: h5py and numpy write the same bytes Keras would).

  /usr/bin/python3 packages/keras/scripts/make-fixtures.py   (Debian python3-h5py, python3-numpy)

Besides the files it writes manifest.json: for every dataset, the dtype, shape, sum
and first values as h5py reads them, so the tests compare against h5py, not against
themselves. Outputs are committed; tests never run python.
"""
import io
import json
import os
import shutil
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")
RNG = np.random.default_rng(20261121)


def vals(shape, dtype="<f4"):
    return (RNG.standard_normal(shape) * 0.5).astype(dtype)


# ---- attribute writers: every way h5py has stored Keras's string lists (FORMATS.md §1.3)

def fixed(obj, name, items):
    """h5py 2.x: a list of bytes became a NumPy S<maxlen> array, fixed-length NULLPAD ASCII."""
    if not items:
        obj.attrs[name] = np.array([])  # float64 (0,), as Keras writes [] for weightless layers
        return
    enc = [s.encode("utf8") for s in items]
    obj.attrs[name] = np.array(enc, dtype="S%d" % max(len(e) for e in enc))


def vlen_ascii(obj, name, items):
    """h5py 3.x: a list of bytes is tagged as variable-length ASCII."""
    if not items:
        obj.attrs[name] = np.array([])
        return
    obj.attrs.create(name, [s.encode("utf8") for s in items], dtype=h5py.string_dtype("ascii"))


def vlen_utf8(obj, name, items):
    """h5py 3.x: a list of str is variable-length UTF-8."""
    if not items:
        obj.attrs[name] = np.array([])
        return
    obj.attrs.create(name, items, dtype=h5py.string_dtype("utf-8"))


def fixed_utf8(obj, name, items):
    enc = [s.encode("utf8") for s in items]
    n = max(len(e) for e in enc)
    obj.attrs.create(name, np.array(enc, dtype="S%d" % n), dtype=h5py.string_dtype("utf-8", n))


def chunked(obj, name, items, pieces):
    """Keras >= 2.1.5 save_attributes_to_hdf5_group: name0, name1, ... each a fixed S array
    padded to the global maxlen (FORMATS.md §1.3)."""
    enc = [s.encode("utf8") for s in items]
    arr = np.array(enc, dtype="S%d" % max(len(e) for e in enc))
    for i, part in enumerate(np.array_split(arr, pieces)):
        obj.attrs["%s%d" % (name, i)] = part


def layer(parent, lname, weights, writer=fixed, names=None):
    """One legacy layer group: weight_names attribute, then a dataset per name, relative to
    the group (so '/' in a name makes intermediate groups)."""
    g = parent.create_group(lname)
    wn = [n for n, _ in weights]
    (names or writer)(g, "weight_names", wn)
    for n, a in weights:
        g.create_dataset(n, data=a)
    return g


def cfg(class_name, name, **extra):
    c = {"name": name, "trainable": True}
    c.update(extra)
    return {"class_name": class_name, "name": name, "config": c, "inbound_nodes": []}


def model_config(class_name, name, layers):
    return json.dumps({"class_name": class_name, "config": {"name": name, "layers": layers}}).encode("utf8")


# ---- the layouts

def keras1_full(path):
    """Keras 1.2.2 model.save on TensorFlow: no backend attribute, Sequential config as a
    list, flat names 'dense_1_W:0', Keras-1 GRU with 9 arrays, an unnamed AttLayer (param_i)."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": [
            {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": 10, "output_dim": 4, "mask_zero": True}},
            {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": 3, "return_sequences": True, "consume_less": "cpu"}},
            {"class_name": "AttLayer", "config": {"name": "attlayer_1"}},
            {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 2}},
        ]}).encode("utf8")
        f.attrs["training_config"] = b'{"loss": "categorical_crossentropy"}'
        mw = f.create_group("model_weights")
        fixed(mw, "layer_names", ["embedding_1", "gru_1", "attlayer_1", "dense_1"])
        layer(mw, "embedding_1", [("embedding_1_W:0", vals((10, 4)))])
        gru = []
        for gate in "zrh":
            gru += [("gru_1_W_%s:0" % gate, vals((4, 3))), ("gru_1_U_%s:0" % gate, vals((3, 3))), ("gru_1_b_%s:0" % gate, vals((3,)))]
        layer(mw, "gru_1", gru)
        layer(mw, "attlayer_1", [("param_0", vals((3, 2))), ("param_1", vals((2,))), ("param_2", vals((2, 1)))])
        layer(mw, "dense_1", [("dense_1_W:0", vals((3, 2))), ("dense_1_b:0", vals((2,)))])


def keras0_legacy(path):
    """Pre-1.0 weights: root nb_layers, groups layer_{k} with nb_params and param_{p}."""
    with h5py.File(path, "w") as f:
        f.attrs["nb_layers"] = 3
        for k, shapes in enumerate([[(4, 3), (3,)], [], [(3, 1)]]):
            g = f.create_group("layer_%d" % k)
            g.attrs["nb_params"] = len(shapes)
            for p, s in enumerate(shapes):
                g.create_dataset("param_%d" % p, data=vals(s))


def keras2_han(path):
    """Keras 2.2.4 + TF1 model.save of the richliao HAN (FORMATS.md §1.6 worked example),
    with h5py-2-style fixed-length string attributes: a TimeDistributed sentence encoder
    (nested groups), Bidirectional GRUs, an AttLayer named W/b/u inside it, a sentence-level
    AttLayer whose variables are unnamed (Variable:0 ...), and an AttentionLayer look-alike
    (att_weight0/1/2, all square) that must be reported unrecognised."""
    enc_layers = [
        cfg("InputLayer", "input_1", batch_input_shape=[None, 7], dtype="int32"),
        cfg("Embedding", "embedding_1", input_dim=12, output_dim=4, mask_zero=True),
        cfg("Bidirectional", "bidirectional_1", layer={"class_name": "GRU", "config": {"name": "gru_1", "units": 3, "return_sequences": True}}, merge_mode="concat"),
        cfg("AttLayer", "att_layer_1"),
    ]
    layers = [
        cfg("InputLayer", "input_2", batch_input_shape=[None, 5, 7], dtype="int32"),
        cfg("TimeDistributed", "time_distributed_1", layer={"class_name": "Model", "config": {"name": "model_1", "layers": enc_layers}}),
        cfg("Bidirectional", "bidirectional_2", layer={"class_name": "GRU", "config": {"name": "gru_2", "units": 3, "return_sequences": True}}),
        cfg("Dropout", "dropout_1", rate=0.5),
        cfg("AttLayer", "att_layer_2"),
        cfg("AttentionLayer", "attention_layer_1"),
        cfg("Dense", "dense_1", units=2, activation="softmax"),
    ]
    gru = lambda scope: [("%s/kernel:0" % scope, vals((4 if "_1" in scope else 6, 9))), ("%s/recurrent_kernel:0" % scope, vals((3, 9))), ("%s/bias:0" % scope, vals((9,)))]
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = model_config("Model", "model_2", layers)
        f.attrs["training_config"] = b'{"optimizer_config": {"class_name": "Adam"}, "loss": "categorical_crossentropy"}'
        mw = f.create_group("model_weights")
        fixed(mw, "layer_names", ["input_2", "time_distributed_1", "bidirectional_2", "dropout_1", "att_layer_2", "attention_layer_1", "dense_1"])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.2.4"
        layer(mw, "input_2", [])
        layer(mw, "time_distributed_1",
              [("embedding_1/embeddings:0", vals((12, 4)))]
              + gru("bidirectional_1/forward_gru_1") + gru("bidirectional_1/backward_gru_1")
              + [("att_layer_1/W:0", vals((6, 5))), ("att_layer_1/b:0", vals((5,))), ("att_layer_1/u:0", vals((5, 1)))])
        layer(mw, "bidirectional_2", gru("bidirectional_2/forward_gru_2") + gru("bidirectional_2/backward_gru_2"))
        layer(mw, "dropout_1", [])
        layer(mw, "att_layer_2", [("att_layer_2/Variable:0", vals((6, 4))), ("att_layer_2/Variable_1:0", vals((4,))), ("att_layer_2/Variable_2:0", vals((4, 1)))])
        layer(mw, "attention_layer_1", [("attention_layer_1/att_weight%d:0" % i, vals((6, 6))) for i in range(3)])
        layer(mw, "dense_1", [("dense_1/kernel:0", vals((6, 2))), ("dense_1/bias:0", vals((2,)))])
        ow = f.create_group("optimizer_weights")
        fixed(ow, "weight_names", ["Adam/iterations:0", "training/Adam/Variable:0"])
        ow.create_dataset("Adam/iterations:0", data=np.int64(42))
        ow.create_dataset("training/Adam/Variable:0", data=vals((12, 4)))


def tfkeras_full(path):
    """tf.keras 2.7 model.save with h5py 3: str root attributes (vlen UTF-8), bytes lists
    (vlen ASCII), zero-based layer names, LSTM cells under their own name scope, an
    AttentionWithContext (names W/b/u), a Dense(1) output that is not attention, the
    top_level_model_weights group, and NaN/Infinity tokens in model_config."""
    layers = [
        cfg("InputLayer", "input_1", batch_input_shape=[None, 6], dtype="int32"),
        cfg("Embedding", "embedding", input_dim=9, output_dim=3, mask_zero=True),
        cfg("Bidirectional", "bidirectional", layer={"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "return_sequences": True}}),
        cfg("AttentionWithContext", "attention_with_context", bias=True, W_constraint={"class_name": "MaxNorm", "config": {"max_value": float("inf")}}),
        cfg("Dense", "dense", units=1, activation="sigmoid", kernel_regularizer={"class_name": "L1L2", "config": {"l1": float("nan"), "l2": float("-inf")}}),
    ]
    lstm = lambda scope, fin: [("%s/kernel:0" % scope, vals((fin, 8))), ("%s/recurrent_kernel:0" % scope, vals((2, 8))), ("%s/bias:0" % scope, vals((8,)))]
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.7.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = model_config("Functional", "model", layers)
        mw = f.create_group("model_weights")
        vlen_ascii(mw, "layer_names", ["input_1", "embedding", "bidirectional", "attention_with_context", "dense"])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.7.0"
        layer(mw, "input_1", [], names=vlen_ascii)
        layer(mw, "embedding", [("embedding/embeddings:0", vals((9, 3)))], names=vlen_ascii)
        layer(mw, "bidirectional", lstm("bidirectional/forward_lstm/lstm_cell_1", 3) + lstm("bidirectional/backward_lstm/lstm_cell_2", 3), names=vlen_ascii)
        layer(mw, "attention_with_context", [
            ("attention_with_context/attention_with_context_W:0", vals((4, 4))),
            ("attention_with_context/attention_with_context_b:0", vals((4,))),
            ("attention_with_context/attention_with_context_u:0", vals((4,))),
        ], names=vlen_ascii)
        layer(mw, "dense", [("dense/kernel:0", vals((4, 1))), ("dense/bias:0", vals((1,)))], names=vlen_ascii)
        layer(mw, "top_level_model_weights", [], names=vlen_ascii)


def theano_weights(path):
    """Keras 2.1.5 save_weights on Theano: layer_names at the root, split into
    layer_names0/1 (and a layer's weight_names0/1), the backend as a 1-element array,
    keras_version a fixed-length scalar, Theano names (no ':0'), a bias-free AttLayer, an
    AttentionWithContext that must be read as x·W (awc-th), and a UTF-8 layer name stored
    under the ASCII character set."""
    with h5py.File(path, "w") as f:
        names = ["input_1", "bidirectional_1", "dropout_1", "attention_with_context_1", "att_layer_1", "couche_é_1", "dense_1"]
        chunked(f, "layer_names", names, 2)
        f.attrs.create("backend", [b"theano"], dtype=h5py.string_dtype("ascii"))
        f.attrs["keras_version"] = np.bytes_(b"2.1.5")
        layer(f, "input_1", [])
        bi = [("bidirectional_1/%s_gru_1/%s" % (d, k), vals(s)) for d in ("forward", "backward") for k, s in (("kernel", (4, 6)), ("recurrent_kernel", (2, 6)), ("bias", (6,)))]
        g = f.create_group("bidirectional_1")
        chunked(g, "weight_names", [n for n, _ in bi], 2)
        for n, a in bi:
            g.create_dataset(n, data=a)
        layer(f, "dropout_1", [])
        layer(f, "attention_with_context_1", [
            ("attention_with_context_1/attention_with_context_1_W", vals((4, 4))),
            ("attention_with_context_1/attention_with_context_1_b", vals((4,))),
            ("attention_with_context_1/attention_with_context_1_u", vals((4,))),
        ])
        layer(f, "att_layer_1", [("att_layer_1/W", vals((4, 3))), ("att_layer_1/u", vals((3, 1)))])
        layer(f, "couche_é_1", [("couche_é_1/kernel", vals((4, 2)))], names=fixed_utf8)
        layer(f, "dense_1", [("dense_1/kernel", vals((4, 2))), ("dense_1/bias", vals((2,)))])


def keras3_legacy(path):
    """Keras 3 model.save('x.h5'): weight names from w.path (no ':0'), layer names as
    vlen UTF-8, an AttentionLayer whose only weights are a Dense(1) score layer
    ('linear'), a Dense(1) output that is not attention, top_level_model_weights."""
    layers = [
        cfg("InputLayer", "input_layer", batch_shape=[None, 5, 1]),
        cfg("LSTM", "lstm", units=4, return_sequences=True),
        cfg("AttentionLayer", "attention_layer"),
        cfg("Dense", "dense_é", units=1),
    ]
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.10.0"
        f.attrs["backend"] = "jax"
        f.attrs["model_config"] = model_config("Functional", "functional", layers)
        mw = f.create_group("model_weights")
        vlen_utf8(mw, "layer_names", ["input_layer", "lstm", "attention_layer", "dense_é"])
        mw.attrs["backend"] = "jax"
        mw.attrs["keras_version"] = "3.10.0"
        layer(mw, "input_layer", [], names=vlen_utf8)
        layer(mw, "lstm", [("lstm/lstm_cell/kernel", vals((1, 16))), ("lstm/lstm_cell/recurrent_kernel", vals((4, 16))), ("lstm/lstm_cell/bias", vals((16,)))], names=vlen_utf8)
        layer(mw, "attention_layer", [("attention_layer/dense/kernel", vals((4, 1))), ("attention_layer/dense/bias", vals((1,)))], names=vlen_utf8)
        layer(mw, "dense_é", [("dense_é/kernel", vals((4, 1))), ("dense_é/bias", vals((1,)))], names=vlen_utf8)
        layer(mw, "top_level_model_weights", [], names=vlen_utf8)


def k3_node(*inputs):
    """Keras 3 inbound_nodes: one call whose args are keras tensors (keras_history [name, node, tensor])."""
    if not inputs:
        return []
    ts = [{"class_name": "__keras_tensor__", "config": {"shape": [None, 6, 3], "dtype": "float32", "keras_history": [n, 0, 0]}} for n in inputs]
    return [{"args": ts if len(ts) == 1 else [ts], "kwargs": {}}]  # several inputs: one list argument


def keras2_per_feature(path):
    """Keras 2.2.4 Sequential like mayuefine/c_AMPs-prediction att.h5: Embedding -> Conv1D ->
    a custom Attention_layer holding '{name}_W:0' (F,F) and '{name}_b:0' (F,) and no u
    (script/Attention.py: per-feature attention, a (T,F) map) -> Dense(1, sigmoid)."""
    F = 4
    layers = [cfg("Embedding", "embedding_1", input_dim=9, output_dim=5), cfg("Conv1D", "conv1d_1", filters=F, kernel_size=3),
              cfg("Attention_layer", "attention_layer_1"), cfg("Dense", "dense_1", units=1, activation="sigmoid")]
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = model_config("Sequential", "sequential_1", layers)
        mw = f.create_group("model_weights")
        fixed(mw, "layer_names", ["embedding_1", "conv1d_1", "attention_layer_1", "dense_1"])
        layer(mw, "embedding_1", [("embedding_1/embeddings:0", vals((9, 5)))])
        layer(mw, "conv1d_1", [("conv1d_1/kernel:0", vals((3, 5, F))), ("conv1d_1/bias:0", vals((F,)))])
        layer(mw, "attention_layer_1", [("attention_layer_1/attention_layer_1_W:0", vals((F, F))), ("attention_layer_1/attention_layer_1_b:0", vals((F,)))])
        layer(mw, "dense_1", [("dense_1/kernel:0", vals((F, 1))), ("dense_1/bias:0", vals((1,)))])


def keras3_step_bias(path):
    """Keras 3 legacy .h5 Functional like mschongchulshin's: LSTM -> a custom layer whose
    class_name is 'Attention' (Keras's built-in name) with att_weight (F,1) and att_bias (T,1),
    its weights a model output; beside it the built-in Attention (no weights) over a query and
    the LSTM output; a Dense(1) score head -> Flatten -> Activation('softmax') (attention
    built from built-in layers: linear); and a Dense(1) named like attention that only feeds a
    Dense (not attention by itself)."""
    T, F = 6, 3
    def l3(cls, name, inputs, **c):
        c["name"] = name
        return {"module": "keras.layers", "class_name": cls, "config": c, "registered_name": None, "name": name, "inbound_nodes": k3_node(*inputs)}
    layers = [
        l3("InputLayer", "input_layer", [], batch_shape=[None, T, 2]),
        l3("LSTM", "lstm", ["input_layer"], units=F, return_sequences=True),
        l3("Attention", "attention", ["lstm"]),
        l3("Lambda", "query", ["lstm"]),
        l3("Attention", "attention_1", ["query", "lstm"], score_mode="dot", use_scale=False),
        l3("Dense", "score", ["lstm"], units=1, activation="linear"),
        l3("Flatten", "flatten", ["score"]),
        l3("Activation", "attention_weights", ["flatten"], activation="softmax"),
        l3("Dense", "attention_dense", ["lstm"], units=1, activation="linear"),
        l3("Dense", "dense", ["attention_dense"], units=1, activation="linear"),
    ]
    config = {"class_name": "Functional", "config": {"name": "functional", "layers": layers,
              "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0], ["attention", 0, 1]]}}
    weights = {
        "lstm": [("lstm/lstm_cell/kernel", vals((2, 4 * F))), ("lstm/lstm_cell/recurrent_kernel", vals((F, 4 * F))), ("lstm/lstm_cell/bias", vals((4 * F,)))],
        "attention": [("attention/att_weight", vals((F, 1))), ("attention/att_bias", vals((T, 1)))],
        "score": [("score/kernel", vals((F, 1))), ("score/bias", vals((1,)))],
        "attention_dense": [("attention_dense/kernel", vals((F, 1))), ("attention_dense/bias", vals((1,)))],
        "dense": [("dense/kernel", vals((1, 1))), ("dense/bias", vals((1,)))],
    }
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.4.1"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        mw = f.create_group("model_weights")
        names = [l["name"] for l in layers]
        vlen_utf8(mw, "layer_names", names)
        for n in names:
            layer(mw, n, weights.get(n, []), names=vlen_utf8)


def keras1_theano_awc(path):
    """Keras 1.2.2 model.save on Theano: no backend attribute (Keras 1 wrote none), Sequential
    config as a list, Theano variable names without ':0' ('gru_1_W_z'), and an
    AttentionWithContext named '{layer}_W' / _b / _u, which must be read as x·W (awc-th)."""
    F = 3
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": [
            {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": 10, "output_dim": 4}},
            {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": F, "return_sequences": True}},
            {"class_name": "AttentionWithContext", "config": {"name": "attentionwithcontext_1"}},
            {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 2}},
        ]}).encode("utf8")
        mw = f.create_group("model_weights")
        fixed(mw, "layer_names", ["embedding_1", "gru_1", "attentionwithcontext_1", "dense_1"])
        layer(mw, "embedding_1", [("embedding_1_W", vals((10, 4)))])
        gru = []
        for gate in "zrh":
            gru += [("gru_1_W_%s" % gate, vals((4, F))), ("gru_1_U_%s" % gate, vals((F, F))), ("gru_1_b_%s" % gate, vals((F,)))]
        layer(mw, "gru_1", gru)
        layer(mw, "attentionwithcontext_1", [("attentionwithcontext_1_W", vals((F, F))), ("attentionwithcontext_1_b", vals((F,))), ("attentionwithcontext_1_u", vals((F,)))])
        layer(mw, "dense_1", [("dense_1_W", vals((F, 2))), ("dense_1_b", vals((2,)))])


def k3_vars(parent, path, arrays, name=None):
    g = parent.create_group(path + "/vars" if path else "vars")
    if name is not None:
        g.attrs["name"] = name
    for i, a in enumerate(arrays):
        g.create_dataset(str(i), data=a)


def keras3_weights(path):
    """Keras >= 3.6 save_weights('x.weights.h5'): layers/<snake class>/vars/<i>, a vars
    'name' attribute, 12 vars in one layer ('10' must sort after '9'), dense ... dense_10
    (numeric order), an AttentionWithContext (backend unknown: awc-tf by default), an
    optimizer and the root vars."""
    with h5py.File(path, "w") as f:
        k3_vars(f, "layers/input_layer", [], "input_layer")
        k3_vars(f, "layers/embedding", [vals((7, 3))], "embedding")
        k3_vars(f, "layers/attention_with_context", [vals((3, 3)), vals((3,)), vals((3,))], "attention_with_context")
        k3_vars(f, "layers/many_vars", [vals((i + 1,)) for i in range(12)], "many_vars")
        for i, suffix in enumerate(["", "_1", "_2", "_10"]):
            k3_vars(f, "layers/dense" + suffix, [vals((3, 2)), vals((2,))], "dense" + suffix)
        k3_vars(f, "optimizer", [np.int64(7), vals((7, 3))], "adam")
        k3_vars(f, "", [], "functional")


def keras213_weights(path):
    """tf.keras 2.13/2.14 .weights.h5: '_layer_checkpoint_dependencies' instead of 'layers'."""
    with h5py.File(path, "w") as f:
        k3_vars(f, "_layer_checkpoint_dependencies/dense", [vals((2, 3)), vals((3,))])
        k3_vars(f, "_layer_checkpoint_dependencies/att_layer", [vals((3, 2)), vals((2,)), vals((2, 1))])
        k3_vars(f, "", [])


def keras3_zip_weights():
    """model.weights.h5 of a Keras 3.4 .keras archive (no vars 'name' attributes yet, so
    layer names come from config.json by position)."""
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        k3_vars(f, "layers/input_layer", [])
        k3_vars(f, "layers/embedding", [vals((11, 4))])
        for d in ("forward_layer", "backward_layer"):
            k3_vars(f, "layers/bidirectional/" + d + "/cell", [vals((4, 8)), vals((2, 8)), vals((8,))])
            k3_vars(f, "layers/bidirectional/" + d, [])
        k3_vars(f, "layers/bidirectional", [])
        k3_vars(f, "layers/attention_with_context", [vals((4, 4)), vals((4,)), vals((4,))])
        k3_vars(f, "layers/dense", [vals((4, 3)), vals((3,))])
        k3_vars(f, "layers/dense_1", [vals((3, 1)), vals((1,))])
        k3_vars(f, "optimizer", [np.int64(3)])
        k3_vars(f, "", [])
    return bio.getvalue()


def keras3_config():
    def layer3(cls, name, **c):
        c["name"] = name
        return {"module": "keras.layers", "class_name": cls, "config": c, "registered_name": None, "name": name}
    return json.dumps({"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional_3", "layers": [
        layer3("InputLayer", "input_layer_2", batch_shape=[None, 6]),
        layer3("Embedding", "embedding_3", input_dim=11, output_dim=4),
        layer3("Bidirectional", "bidirectional_1", layer={"class_name": "LSTM", "config": {"name": "lstm_2", "units": 2}}),
        {"module": None, "class_name": "AttentionWithContext", "config": {"name": "attention_with_context_7", "bias": True, "eps": float("nan")}, "registered_name": "Custom>AttentionWithContext", "name": "attention_with_context_7"},
        layer3("Dense", "dense_9", units=3),
        layer3("Dense", "dense_10", units=1),
    ]}}).encode("utf8")


def keras_zip(path, entries, compression=zipfile.ZIP_STORED, zip64=False):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in entries:
            if zip64:
                with z.open(name, "w", force_zip64=True) as fh:
                    fh.write(data)
            else:
                z.writestr(name, data)


META = json.dumps({"keras_version": "3.4.1", "date_saved": "2026-11-21@10:00:00"}).encode("utf8")


def dtypes_weights(path):
    """save_weights layout holding float16 and big-endian weights (h5wasm throws on float16
    and must return big-endian values converted), integers, bool, a 0-d scalar and a Keras 3
    bfloat16 variable (2-byte opaque + attribute dtype='bfloat16')."""
    with h5py.File(path, "w") as f:
        vlen_ascii(f, "layer_names", ["att_layer", "misc"])
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.4.0"
        W = vals((4, 3), "<f2")
        W[0, 0] = np.float16(np.inf)
        W[0, 1] = np.float16(-0.0)
        W[0, 2] = np.float16(6.1e-05)  # subnormal boundary
        layer(f, "att_layer", [("att_layer/W:0", W), ("att_layer/b:0", vals((3,), ">f4")), ("att_layer/u:0", vals((3, 1), ">f8"))], names=vlen_ascii)
        bf = np.array([1.0, -2.5, 0.15625, 3.0e38], dtype="<f4").view("<u4") >> 16
        misc = [
            ("misc/i8:0", np.arange(-3, 3, dtype="i1").reshape(2, 3)),
            ("misc/u16:0", np.array([0, 1, 65535], dtype="<u2")),
            ("misc/i32be:0", np.array([-2, 70000, 1 << 30], dtype=">i4")),
            ("misc/i64:0", np.array([-(1 << 40), 5], dtype="<i8")),
            ("misc/u64be:0", np.array([1 << 60], dtype=">u8")),
            ("misc/flag:0", np.array([True, False, True])),
            ("misc/iterations:0", np.int64(1234)),
            ("misc/bf16:0", bf.astype("<u2").view("V2")),
        ]
        g = layer(f, "misc", misc, names=vlen_ascii)
        g["misc/bf16:0"].attrs["dtype"] = "bfloat16"


def plain_hdf5(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=np.arange(6, dtype="<f4").reshape(2, 3))
        f.create_group("g").attrs["note"] = "not keras"


def missing_dataset(path):
    """weight_names lists a dataset the group does not hold."""
    with h5py.File(path, "w") as f:
        vlen_ascii(f, "layer_names", ["dense_1"])
        g = f.create_group("dense_1")
        vlen_ascii(g, "weight_names", ["dense_1/kernel:0", "dense_1/bias:0"])
        g.create_dataset("dense_1/kernel:0", data=vals((2, 2)))


def corrupt_middle(src, path):
    """A copy whose symbol-table nodes after the root are zeroed: the superblock and root
    are intact, so HDF5 opens it, then cannot list the groups below."""
    data = bytearray(open(src, "rb").read())
    hits = []
    at = data.find(b"SNOD")
    while at >= 0:
        hits.append(at)
        at = data.find(b"SNOD", at + 4)
    for h in hits[1:]:
        data[h:h + 256] = bytes(256)
    open(path, "wb").write(data)


def manifest(paths):
    out = {}
    for name in paths:
        entry = {}
        full = os.path.join(OUT, name)
        if name.endswith(".keras"):
            with zipfile.ZipFile(full) as z:
                fh = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        else:
            fh = h5py.File(full, "r")
        with fh as f:
            def visit(p, obj):
                if not isinstance(obj, h5py.Dataset):
                    return
                a = obj[()]
                if obj.attrs.get("dtype") == "bfloat16":
                    a = (np.asarray(a).view("<u2").astype("<u4") << 16).view("<f4")
                a = np.asarray(a)
                flat = a.reshape(-1)
                num = flat.astype("f8") if flat.dtype.kind in "fiub" else None
                entry[p] = {
                    "dtype": obj.dtype.str, "shape": list(obj.shape),
                    "first": [None if not np.isfinite(x) else float(x) for x in num[:4]] if num is not None else None,
                    "nonfinite": [str(x) for x in num[:4] if not np.isfinite(x)] if num is not None else None,
                    "sum": float(num[np.isfinite(num)].sum()) if num is not None else None,
                }
            f.visititems(visit)
        out[name] = entry
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    p = lambda n: os.path.join(OUT, n)
    keras1_full(p("keras1-full.h5"))
    keras0_legacy(p("keras0-legacy.h5"))
    keras2_han(p("keras2-han.h5"))
    tfkeras_full(p("tfkeras27-full.h5"))
    theano_weights(p("keras2-theano-weights.h5"))
    keras3_legacy(p("keras3-legacy.h5"))
    keras3_weights(p("keras3.weights.h5"))
    keras213_weights(p("tfkeras213.weights.h5"))
    w = keras3_zip_weights()
    keras_zip(p("keras3.keras"), [("metadata.json", META), ("config.json", keras3_config()), ("model.weights.h5", w)])
    keras_zip(p("keras3-deflate64.keras"), [("metadata.json", META), ("config.json", keras3_config()), ("model.weights.h5", w)], zipfile.ZIP_DEFLATED, zip64=True)
    shutil.copy(p("tfkeras27-full.h5"), p("really-hdf5.keras"))
    dtypes_weights(p("dtypes.h5"))
    # bad or foreign input
    plain_hdf5(p("plain.h5"))
    # No empty.h5: an empty file as h5py writes it equals a file of ../shared/fixtures/real byte for
    # byte; tests/bad-input.test.ts writes one with h5wasm instead.
    missing_dataset(p("missing-dataset.h5"))
    src = open(p("keras2-han.h5"), "rb").read()
    open(p("truncated.h5"), "wb").write(src[: len(src) * 3 // 5])
    corrupt_middle(p("keras2-han.h5"), p("corrupt-middle.h5"))
    open(p("not-hdf5.h5"), "wb").write(b"this is a text file, not a model\n" * 4)
    keras_zip(p("no-weights.keras"), [("metadata.json", META), ("config.json", keras3_config())])
    npz = io.BytesIO()
    np.savez(npz, **{"layers/dense/vars/0": vals((2, 2))})
    keras_zip(p("npz-weights.keras"), [("metadata.json", META), ("config.json", keras3_config()), ("model.weights.npz", npz.getvalue())])
    # attention forms of the second corpus search, written after every other file so the RNG gives those the same values
    keras2_per_feature(p("keras2-per-feature.h5"))
    keras3_step_bias(p("keras3-step-bias.h5"))
    keras1_theano_awc(p("keras1-theano-awc.h5"))
    manifest(["keras1-full.h5", "keras0-legacy.h5", "keras2-han.h5", "tfkeras27-full.h5", "keras2-theano-weights.h5",
              "keras3-legacy.h5", "keras3.weights.h5", "tfkeras213.weights.h5", "keras3.keras", "dtypes.h5"])
    for n in sorted(os.listdir(OUT)):
        print("%8d  %s" % (os.path.getsize(p(n)), n))


if __name__ == "__main__":
    main()
