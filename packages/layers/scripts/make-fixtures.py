#!/usr/bin/env python3
"""Writes tests/fixtures/*.json: random small cases and keras_ref.py's float64 answers, so the
TypeScript tests check the kernels against the reference without running Python.

  /usr/bin/python3 packages/layers/scripts/make-fixtures.py   (needs python3-numpy)

Arrays are {"shape": [...], "data": [...]} with row-major data; inputs are float32 values
(exact in JSON), expected values float64 (NaN written as null).
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_ref as K  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "fixtures")
rng = np.random.default_rng(11)


def f32(*shape, scale=1.0):
    return (rng.normal(size=shape) * scale).astype(np.float32)


def arr(a):
    a = np.asarray(a)
    data = [None if (isinstance(v, float) and np.isnan(v)) else v for v in a.reshape(-1).tolist()]
    return {"shape": list(a.shape), "data": data}


def write(name, cases):
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
    print(name, len(cases), "cases")


def mask_of(rows):
    return np.array(rows, dtype=np.uint8)


def activations():
    x = np.concatenate([np.linspace(-7, 7, 29), [0.0, -0.0, 1e-8, -1e-8, 30.0, -30.0, 2.9, -2.9, 3.1, -3.1, 2.5]])
    x = x.astype(np.float32).reshape(5, 8)
    cases = [{"name": n, "x": arr(x), "lastDim": 8, "expected": arr(K.activation(n, x))} for n in K.ACTIVATIONS]
    for n, alpha in (("leaky_relu", 0.3), ("elu", 0.7)):  # the LeakyReLU / ELU layers' own alpha
        cases.append({"name": n, "alpha": alpha, "x": arr(x), "lastDim": 8, "expected": arr(K.activation(n, x, alpha=alpha))})
    return cases


def dense_cases():
    x, W, b = f32(5, 7), f32(7, 4, scale=0.5), f32(4)
    cases = [{"name": "dense bias relu", "x": arr(x), "W": arr(W), "b": arr(b), "activation": "relu",
              "expected": arr(K.dense(x, W, b, "relu"))},
             {"name": "dense no bias", "x": arr(x), "W": arr(W), "b": None, "activation": "linear",
              "expected": arr(K.dense(x, W, None))}]
    # shapes around the JS kernel's 4-row x 2-column register blocks: remainders of both
    for rows, inner, cols in ((3, 33, 300), (9, 6, 5), (4, 1, 2), (1, 17, 1), (13, 64, 193)):
        xw, Ww, bw = f32(rows, inner), f32(inner, cols, scale=0.3), f32(cols)
        cases.append({"name": f"dense ({rows}, {inner})·({inner}, {cols})", "x": arr(xw), "W": arr(Ww), "b": arr(bw),
                      "activation": "linear", "expected": arr(K.dense(xw, Ww, bw))})
    table = f32(9, 3)
    ids = np.array([[0, 8, 3], [4, 4, 0]], dtype=np.int32)
    emb = {"ids": arr(ids), "table": arr(table), "expected": arr(K.embedding(ids, table))}
    return {"dense": cases, "embedding": emb}


def rnn_cases():
    N, T, F, U = 4, 6, 3, 5
    x = f32(N, T, F)
    # full, gaps in the middle, post-padded, fully masked
    mask = mask_of([[1] * 6, [1, 0, 1, 1, 0, 1], [1, 1, 1, 0, 0, 0], [0] * 6])
    cases = []
    variants = [
        ("simple", False, "tanh", "sigmoid"),
        ("simple", False, "relu", "sigmoid"),
        ("gru", False, "tanh", "hard_sigmoid"),
        ("gru", True, "tanh", "sigmoid"),
        ("lstm", False, "tanh", "sigmoid"),
        ("lstm", False, "tanh", "hard_sigmoid"),
    ]
    for cell, reset_after, act, rec in variants:
        G = {"simple": 1, "gru": 3, "lstm": 4}[cell]
        kernel, rk = f32(F, G * U, scale=0.6), f32(U, G * U, scale=0.6)
        bias = f32(2 * G * U if reset_after else G * U, scale=0.3)
        for go_backwards in (False, True):
            for masked_output in ("previous", "zero"):
                for return_sequences in (True, False):
                    for use_mask in ((True, False) if masked_output == "previous" and return_sequences else (True,)):
                        m = mask if use_mask else None
                        y, states = K.rnn(cell, x, m, kernel, rk, bias, U, act, rec, reset_after, return_sequences,
                                          go_backwards, masked_output)
                        cases.append({
                            "name": f"{cell}{' reset_after' if reset_after else ''} {act}/{rec} back={go_backwards} "
                                    f"{masked_output} seq={return_sequences} mask={use_mask}",
                            "cell": cell, "units": U, "activation": act, "recurrentActivation": rec,
                            "resetAfter": reset_after, "goBackwards": go_backwards, "maskedOutput": masked_output,
                            "returnSequences": return_sequences, "x": arr(x), "mask": arr(m) if m is not None else None,
                            "kernel": arr(kernel), "recurrentKernel": arr(rk), "bias": arr(bias),
                            "expected": arr(y), "states": [arr(s) for s in states]})
    # initial states and no bias
    for cell in ("gru", "lstm"):
        G = 3 if cell == "gru" else 4
        kernel, rk = f32(F, G * U, scale=0.6), f32(U, G * U, scale=0.6)
        init = [f32(N, U, scale=0.5) for _ in range(2 if cell == "lstm" else 1)]
        y, states = K.rnn(cell, x, mask, kernel, rk, None, U, "tanh", "sigmoid", False, True, False, "previous", init)
        cases.append({"name": f"{cell} initial state, no bias", "cell": cell, "units": U, "activation": "tanh",
                      "recurrentActivation": "sigmoid", "resetAfter": False, "goBackwards": False,
                      "maskedOutput": "previous", "returnSequences": True, "x": arr(x), "mask": arr(mask),
                      "kernel": arr(kernel), "recurrentKernel": arr(rk), "bias": None,
                      "initialState": [arr(s) for s in init], "expected": arr(y), "states": [arr(s) for s in states]})
    return cases


def conv_cases():
    N, C, O, K_ = 2, 3, 4, 3
    cases = {"conv1d": [], "pool1d": [], "global": []}
    for T in (9, 2):
        x = f32(N, T, C)
        W, b = f32(K_, C, O, scale=0.5), f32(O)
        for padding in ("valid", "same", "causal"):
            for strides in (1, 2, 3):
                for dilation in (1, 2):
                    y = K.conv1d(x, W, b, strides, padding, dilation)
                    cases["conv1d"].append({"name": f"T={T} {padding} s={strides} d={dilation}", "x": arr(x), "kernel": arr(W),
                                            "bias": arr(b), "strides": strides, "padding": padding, "dilation": dilation,
                                            "expected": arr(y)})
        for kind in ("max", "avg"):
            for padding in ("valid", "same"):
                for pool, strides in ((2, 2), (3, 1), (3, 2), (2, 3)):
                    y = K.pool1d(x, kind, pool, strides, padding)
                    cases["pool1d"].append({"name": f"T={T} {kind} {padding} p={pool} s={strides}", "x": arr(x), "kind": kind,
                                            "poolSize": pool, "strides": strides, "padding": padding, "expected": arr(y)})
    # more output rows than the kernel gathers at once (512): blocks and a remainder
    x = f32(3, 300, 2)
    W, b = f32(K_, 2, O, scale=0.5), f32(O)
    cases["conv1d"].append({"name": "T=300 same s=1 d=2 (900 rows)", "x": arr(x), "kernel": arr(W), "bias": arr(b),
                            "strides": 1, "padding": "same", "dilation": 2, "expected": arr(K.conv1d(x, W, b, 1, "same", 2))})
    x = f32(3, 5, 2)
    mask = mask_of([[1, 1, 0, 1, 0], [1] * 5, [0] * 5])
    for kind in ("max", "avg"):
        for m in (None, mask):
            cases["global"].append({"name": f"{kind} mask={m is not None}", "x": arr(x), "kind": kind,
                                    "mask": arr(m) if m is not None else None, "expected": arr(K.global_pool1d(x, kind, m))})
    return cases


def norm_cases():
    x = f32(4, 3, 5, scale=2.0) + 1.0
    g, bt, mu, var = f32(5), f32(5), f32(5), np.abs(f32(5)) + 0.1
    cases = {"batchNorm": [], "layerNorm": []}
    cases["batchNorm"].append({"name": "last axis", "x": arr(x), "rows": 12, "dim": 5, "inner": 1, "gamma": arr(g), "beta": arr(bt),
                               "movingMean": arr(mu), "movingVariance": arr(var), "epsilon": 1e-3,
                               "expected": arr(K.batch_norm(x, g, bt, mu, var, 1e-3))})
    cases["batchNorm"].append({"name": "last axis, no gamma/beta", "x": arr(x), "rows": 12, "dim": 5, "inner": 1, "gamma": None,
                               "beta": None, "movingMean": arr(mu), "movingVariance": arr(var), "epsilon": 1e-5,
                               "expected": arr(K.batch_norm(x, None, None, mu, var, 1e-5))})
    g3, b3, m3, v3 = f32(3), f32(3), f32(3), np.abs(f32(3)) + 0.1
    cases["batchNorm"].append({"name": "axis 1 of (4, 3, 5)", "x": arr(x), "rows": 4, "dim": 3, "inner": 5, "gamma": arr(g3),
                               "beta": arr(b3), "movingMean": arr(m3), "movingVariance": arr(v3), "epsilon": 1e-3,
                               "expected": arr(K.batch_norm(x, g3, b3, m3, v3, 1e-3, axis=1))})
    for name, gg, bb in (("gamma beta", g, bt), ("no gamma beta", None, None)):
        cases["layerNorm"].append({"name": name, "x": arr(x), "rows": 12, "dim": 5, "gamma": arr(gg) if gg is not None else None,
                                   "beta": arr(bb) if bb is not None else None, "epsilon": 1e-3,
                                   "expected": arr(K.layer_norm(x, gg, bb, 1e-3))})
    cases["layerNorm"].append({"name": "rms_scaling", "x": arr(x), "rows": 12, "dim": 5, "gamma": arr(g), "beta": None,
                               "epsilon": 1e-3, "rmsScaling": True, "expected": arr(K.layer_norm(x, g, None, 1e-3, rms_scaling=True))})
    return cases


def shape_cases():
    c = {"permute": [], "concatenate": [], "elementwise": [], "batchDot": [], "repeatVector": []}
    x = f32(2, 3, 4, 5)
    for perm in ([0, 2, 1, 3], [0, 3, 1, 2], [3, 2, 1, 0]):
        c["permute"].append({"x": arr(x), "perm": perm, "expected": arr(K.permute(x, perm))})
    a, b = f32(2, 3, 4), f32(2, 3, 2)
    c["concatenate"].append({"parts": [arr(a), arr(b)], "axis": -1, "expected": arr(K.concatenate([a, b], -1))})
    a2 = f32(2, 1, 4)
    c["concatenate"].append({"parts": [arr(a), arr(a2)], "axis": 1, "expected": arr(K.concatenate([a, a2], 1))})
    p = [f32(2, 3, 4), f32(2, 4), f32(2, 3, 1), f32(2, 1, 4)]
    for op in ("add", "multiply", "average", "maximum", "minimum"):
        c["elementwise"].append({"op": op, "parts": [arr(v) for v in p[:3]], "expected": arr(K.merge(op, p[:3]))})
        c["elementwise"].append({"op": op, "parts": [arr(p[0]), arr(p[3])], "expected": arr(K.merge(op, [p[0], p[3]]))})
    c["elementwise"].append({"op": "subtract", "parts": [arr(p[0]), arr(p[1])], "expected": arr(K.merge("subtract", p[:2]))})
    c["elementwise"].append({"op": "subtract", "parts": [arr(p[2]), arr(p[0])], "expected": arr(K.merge("subtract", [p[2], p[0]]))})
    dots = [((2, 5), (2, 5), (1, 1)), ((2, 4, 3), (2, 6, 3), (2, 2)), ((2, 4, 3), (2, 4, 6), (1, 1)),
            ((2, 4, 3), (2, 3, 6), (2, 1)), ((2, 4, 3), (2, 3), (2, 1)), ((2, 4, 3), (2, 4, 3), (-1, -1))]
    for sa, sb, axes in dots:
        A, B = f32(*sa), f32(*sb)
        for normalize in (False, True):
            c["batchDot"].append({"a": arr(A), "b": arr(B), "axes": list(axes), "normalize": normalize,
                                  "expected": arr(K.batch_dot(A, B, axes, normalize))})
    v = f32(3, 4)
    c["repeatVector"].append({"x": arr(v), "times": 3, "expected": arr(K.repeat_vector(v, 3))})
    return c


def attention_cases():
    N, Tq, Tv, D = 3, 4, 5, 6
    q, v, k = f32(N, Tq, D), f32(N, Tv, D), f32(N, Tv, D)
    v7 = f32(N, Tv, 7)
    qm = mask_of([[1, 1, 1, 0], [1, 1, 1, 1], [0, 1, 1, 1]])
    vm = mask_of([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]])
    cases = []

    def add(name, fn, kind, **kw):
        out, w = fn(**kw)
        case = {"name": name, "kind": kind, "expected": arr(out), "scores": arr(w)}
        for key, val in kw.items():
            case[key] = arr(val) if isinstance(val, np.ndarray) else val
        cases.append(case)
    add("dot", K.dot_attention, "dot", query=q, value=v)
    add("dot scale, key, masks", K.dot_attention, "dot", query=q, value=v, key=k, query_mask=qm, value_mask=vm, scale=0.7)
    add("dot causal", K.dot_attention, "dot", query=q, value=v, causal=True)
    add("dot causal masks", K.dot_attention, "dot", query=q, value=v, query_mask=qm, value_mask=vm, causal=True)
    add("dot value dim 7", K.dot_attention, "dot", query=q, value=v7, key=k, value_mask=vm)
    add("concat", K.dot_attention, "dot", query=q, value=v, score_mode="concat", scale=1.3, concat_score_weight=0.8,
        value_mask=vm)
    add("additive", K.additive_attention, "additive", query=q, value=v)
    add("additive scale masks key", K.additive_attention, "additive", query=q, value=v, key=k, scale=f32(D),
        query_mask=qm, value_mask=vm)
    add("additive causal", K.additive_attention, "additive", query=q, value=v, causal=True, scale=f32(D))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    write("activations", activations())
    write("dense", dense_cases())
    write("rnn", rnn_cases())
    write("conv", conv_cases())
    write("norm", norm_cases())
    write("shape-ops", shape_cases())
    write("attention", attention_cases())


if __name__ == "__main__":
    main()
