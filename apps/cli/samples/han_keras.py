"""A richliao HAN (and a flat AttLayer model) in Keras 2.2.4's HDF5 layout, and its forward pass in NumPy.

Used by make-samples.py (the bundled sample) and test/cli/scripts/make-forward-fixtures.py
(the CLI's expected values). The model follows richliao/textClassifier textClassifierHATT.py:
  sentence_input (T,) int32 → Embedding(V, E, mask_zero) → Bidirectional(GRU(U, return_sequences))
  → AttLayer(A) = sent_encoder (a Model);  review_input (S, T) → TimeDistributed(sent_encoder)
  → Bidirectional(GRU(U, return_sequences)) → AttLayer(A) → Dense(2, softmax).
AttLayer.call (textClassifierHATT.py): uit = tanh(x·W + b); ait = exp(uit·u) (· mask);
ait /= Σ ait + K.epsilon(); output Σ x·ait; compute_mask returns None, so the sentence level
gets no mask. The GRU loop is packages/layers/scripts/keras_ref.py (written from Keras's source);
the Tokenizer is packages/text/scripts/make-fixtures.py (a copy of keras_preprocessing/text.py).
"""
import importlib.util
import json
import os
import sys

import h5py
import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'packages', 'layers', 'scripts'))
import keras_ref as K  # noqa: E402

_spec = importlib.util.spec_from_file_location('text_fixtures', os.path.join(REPO, 'packages', 'text', 'scripts', 'make-fixtures.py'))
text = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text)
Tokenizer, pad_sequences = text.Tokenizer, text.pad_sequences
EPS = 1e-7  # K.epsilon()


def gru_config(name, units, return_sequences=True):
    return {"name": name, "trainable": True, "return_sequences": return_sequences, "return_state": False, "go_backwards": False,
            "stateful": False, "unroll": False, "units": units, "activation": "tanh", "recurrent_activation": "sigmoid",
            "use_bias": True, "kernel_initializer": {"class_name": "VarianceScaling", "config": {}}, "dropout": 0.0,
            "recurrent_dropout": 0.0, "implementation": 1, "reset_after": False}


def bigru_config(name, gru_name, units):
    return {"name": name, "trainable": True, "layer": {"class_name": "GRU", "config": gru_config(gru_name, units)}, "merge_mode": "concat"}


def node(*names):
    return [[[n, 0, 0, {}] for n in names]]


def random_weights(rng, V, E, U, A):
    """Embedding (V, E), GRU kernels in Keras 2 layout (z, r, h), AttLayer W (2U, A), b (A,), u (A, 1)."""
    g = lambda fin: {"kernel": rng.normal(0, 0.5, (fin, 3 * U)).astype(np.float32), "recurrent_kernel": rng.normal(0, 0.4, (U, 3 * U)).astype(np.float32), "bias": rng.normal(0, 0.1, 3 * U).astype(np.float32)}
    att = lambda: {"W": rng.normal(0, 0.5, (2 * U, A)).astype(np.float32), "b": rng.normal(0, 0.1, A).astype(np.float32), "u": rng.normal(0, 1.0, (A, 1)).astype(np.float32)}
    return {"embeddings": rng.normal(0, 0.8, (V, E)).astype(np.float32), "gru1f": g(E), "gru1b": g(E), "att1": att(),
            "gru2f": g(2 * U), "gru2b": g(2 * U), "att2": att(), "dense": {"kernel": rng.normal(0, 0.5, (2 * U, 2)).astype(np.float32), "bias": np.zeros(2, np.float32)}}


def bigru(x, mask, wf, wb, U):
    """Bidirectional(GRU(return_sequences), merge concat) as multi-backend Keras 2.2.4 runs it:
    keras/layers/wrappers.py Bidirectional.call (keras-team/keras 002746f) calls both layers and
    merges, with no zero_output_for_mask, so a masked step carries the previous output (K.rnn's
    tf.where(mask, output, states[0])); tf.keras and Keras 3 would output zeros there."""
    args = dict(units=U, activation="tanh", recurrent_activation="sigmoid", reset_after=False, return_sequences=True, masked_output="previous")
    f, _ = K.rnn("gru", x, mask, wf["kernel"], wf["recurrent_kernel"], wf["bias"], **args)
    b, _ = K.rnn("gru", x, mask, wb["kernel"], wb["recurrent_kernel"], wb["bias"], go_backwards=True, **args)
    return np.concatenate([f, b[:, ::-1]], axis=-1)  # Bidirectional reverses the backward sequence back


def attlayer(x, mask, w):
    """richliao AttLayer: weights (N, T) and output (N, F), float64."""
    uit = np.tanh(x @ w["W"].astype(np.float64) + w["b"])
    a = np.exp((uit @ w["u"].astype(np.float64))[..., 0])
    if mask is not None:
        a = a * mask
    a = a / (a.sum(axis=1, keepdims=True) + EPS)
    return a, (x * a[..., None]).sum(axis=1)


def han_forward(ids, w, U):
    """ids (N, S, T) → word attention (N, S, T), sentence attention (N, S), the X of each level, and the predictions."""
    N, S, T = ids.shape
    flat = ids.reshape(N * S, T)
    mask = (flat != 0).astype(np.float64)  # Embedding(mask_zero=True)
    h = bigru(K.embedding(flat, w["embeddings"]), mask, w["gru1f"], w["gru1b"], U)
    a1, sv = attlayer(h, mask, w["att1"])
    h2 = bigru(sv.reshape(N, S, -1), None, w["gru2f"], w["gru2b"], U)  # no mask: AttLayer.compute_mask is None
    a2, dv = attlayer(h2, None, w["att2"])
    probs = K.dense(dv, w["dense"]["kernel"], w["dense"]["bias"], "softmax")
    return a1.reshape(N, S, T), a2, h.reshape(N, S, T, -1), h2, probs


def _layer_group(mw, name, weights):
    g = mw.create_group(name)
    if not weights:
        g.attrs["weight_names"] = np.array([], dtype=np.float64)  # what h5py makes of an empty list
        return
    g.attrs["weight_names"] = np.array([np.bytes_(n) for n, _ in weights])
    for n, v in weights:
        g.create_dataset(n, data=v)


def _gru_weights(prefix, g):
    return [(f"{prefix}/kernel:0", g["kernel"]), (f"{prefix}/recurrent_kernel:0", g["recurrent_kernel"]), (f"{prefix}/bias:0", g["bias"])]


def _save(path, config, groups):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = np.bytes_("2.2.4")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(config))
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([np.bytes_(n) for n, _ in groups])
        mw.attrs["backend"] = np.bytes_("tensorflow")
        mw.attrs["keras_version"] = np.bytes_("2.2.4")
        for name, ws in groups:
            _layer_group(mw, name, ws)


def write_han_h5(path, w, S, T, U):
    """Keras 2.2.4 `model.save` of the HAN (FORMATS.md §1.1): the sentence encoder nested in TimeDistributed."""
    V, E = w["embeddings"].shape
    sent_encoder = {"name": "model_1", "layers": [
        {"name": "input_1", "class_name": "InputLayer", "config": {"batch_input_shape": [None, T], "dtype": "int32", "sparse": False, "name": "input_1"}, "inbound_nodes": []},
        {"name": "embedding_1", "class_name": "Embedding", "config": {"name": "embedding_1", "trainable": True, "batch_input_shape": [None, T], "dtype": "float32", "input_dim": V, "output_dim": E, "mask_zero": True, "input_length": T}, "inbound_nodes": node("input_1")},
        {"name": "bidirectional_1", "class_name": "Bidirectional", "config": bigru_config("bidirectional_1", "gru_1", U), "inbound_nodes": node("embedding_1")},
        {"name": "att_layer_1", "class_name": "AttLayer", "config": {"name": "att_layer_1", "trainable": True}, "inbound_nodes": node("bidirectional_1")},
    ], "input_layers": [["input_1", 0, 0]], "output_layers": [["att_layer_1", 0, 0]]}
    config = {"class_name": "Model", "config": {"name": "model_2", "layers": [
        {"name": "input_2", "class_name": "InputLayer", "config": {"batch_input_shape": [None, S, T], "dtype": "int32", "sparse": False, "name": "input_2"}, "inbound_nodes": []},
        {"name": "time_distributed_1", "class_name": "TimeDistributed", "config": {"name": "time_distributed_1", "trainable": True, "layer": {"class_name": "Model", "config": sent_encoder}}, "inbound_nodes": node("input_2")},
        {"name": "bidirectional_2", "class_name": "Bidirectional", "config": bigru_config("bidirectional_2", "gru_2", U), "inbound_nodes": node("time_distributed_1")},
        {"name": "att_layer_2", "class_name": "AttLayer", "config": {"name": "att_layer_2", "trainable": True}, "inbound_nodes": node("bidirectional_2")},
        {"name": "dense_1", "class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "units": 2, "activation": "softmax", "use_bias": True}, "inbound_nodes": node("att_layer_2")},
    ], "input_layers": [["input_2", 0, 0]], "output_layers": [["dense_1", 0, 0]]}, "keras_version": "2.2.4", "backend": "tensorflow"}
    att = lambda name, a: [(f"{name}/W:0", a["W"]), (f"{name}/b:0", a["b"]), (f"{name}/u:0", a["u"])]
    _save(path, config, [
        ("input_2", []),
        ("time_distributed_1", [("embedding_1/embeddings:0", w["embeddings"])] + _gru_weights("bidirectional_1/forward_gru_1", w["gru1f"])
         + _gru_weights("bidirectional_1/backward_gru_1", w["gru1b"]) + att("att_layer_1", w["att1"])),
        ("bidirectional_2", _gru_weights("bidirectional_2/forward_gru_2", w["gru2f"]) + _gru_weights("bidirectional_2/backward_gru_2", w["gru2b"])),
        ("att_layer_2", att("att_layer_2", w["att2"])),
        ("dense_1", [("dense_1/kernel:0", w["dense"]["kernel"]), ("dense_1/bias:0", w["dense"]["bias"])]),
    ])


def write_flat_h5(path, w, T, U, lam=False):
    """A flat model: ids (T,) → Embedding(mask_zero) → BiGRU → AttLayer → Dense(2, softmax);
    with `lam`, a Lambda (Python bytecode, not runnable from the file) sits between the BiGRU and the AttLayer."""
    V, E = w["embeddings"].shape
    layers = [
        {"name": "input_1", "class_name": "InputLayer", "config": {"batch_input_shape": [None, T], "dtype": "int32", "sparse": False, "name": "input_1"}, "inbound_nodes": []},
        {"name": "embedding_1", "class_name": "Embedding", "config": {"name": "embedding_1", "trainable": True, "input_dim": V, "output_dim": E, "mask_zero": True, "input_length": T}, "inbound_nodes": node("input_1")},
        {"name": "bidirectional_1", "class_name": "Bidirectional", "config": bigru_config("bidirectional_1", "gru_1", U), "inbound_nodes": node("embedding_1")},
    ]
    before = "bidirectional_1"
    if lam:
        layers.append({"name": "lambda_1", "class_name": "Lambda", "config": {"name": "lambda_1", "trainable": True, "function": ["4wEAAAAAAAAAAQAAAAIAAABDAAAAcwgAAAB8AGQBFABTACkCTukCAAAAqQApAdoBeHIBAAAAcgEAAAD6HjxpcHl0aG9uLWlucHV0LTEtYTM5YmJlNDEzZmM1PtoIPGxhbWJkYT4BAAAA8wAAAAA=", None, None], "function_type": "lambda", "output_shape": None, "output_shape_type": "raw", "arguments": {}}, "inbound_nodes": node("bidirectional_1")})
        before = "lambda_1"
    layers += [
        {"name": "att_layer_1", "class_name": "AttLayer", "config": {"name": "att_layer_1", "trainable": True}, "inbound_nodes": node(before)},
        {"name": "dense_1", "class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "units": 2, "activation": "softmax", "use_bias": True}, "inbound_nodes": node("att_layer_1")},
    ]
    config = {"class_name": "Model", "config": {"name": "model_1", "layers": layers, "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}, "keras_version": "2.2.4", "backend": "tensorflow"}
    groups = [("input_1", []), ("embedding_1", [("embedding_1/embeddings:0", w["embeddings"])]),
              ("bidirectional_1", _gru_weights("bidirectional_1/forward_gru_1", w["gru1f"]) + _gru_weights("bidirectional_1/backward_gru_1", w["gru1b"]))]
    if lam:
        groups.append(("lambda_1", []))
    groups += [("att_layer_1", [("att_layer_1/W:0", w["att1"]["W"]), ("att_layer_1/b:0", w["att1"]["b"]), ("att_layer_1/u:0", w["att1"]["u"])]),
               ("dense_1", [("dense_1/kernel:0", w["dense"]["kernel"]), ("dense_1/bias:0", w["dense"]["bias"])])]
    _save(path, config, groups)


def flat_forward(ids, w, U):
    """ids (N, T) → attention (N, T), the attention layer's input X, and the predictions."""
    mask = (ids != 0).astype(np.float64)
    h = bigru(K.embedding(ids, w["embeddings"]), mask, w["gru1f"], w["gru1b"], U)
    a, v = attlayer(h, mask, w["att1"])
    return a, h, K.dense(v, w["dense"]["kernel"], w["dense"]["bias"], "softmax")
