#!/usr/bin/env python3
"""Reference maths, NumPy only and float64, for the two attention layers han_ref.py does not
cover, written in its style (../shared/reference/han_ref.py): the specification the
engine's `step-bias` and `per-feature` variants are tested against.

- step_bias: mschongchulshin/fatigue_life_predictor @ 7c057dc, fatigue_life_predictor/attention.py
    self.W = add_weight("att_weight", (F, 1)); self.b = add_weight("att_bias", (T, 1))
    e = K.tanh(K.dot(x, self.W) + self.b)      # b broadcasts over the batch: one bias per step
    a = K.softmax(e, axis=1)                   # over time; tf.nn.softmax subtracts the max
- per_feature: mayuefine/c_AMPs-prediction @ cf7658b, script/Attention.py (Attention_layer)
    uit = K.dot(x, self.W) + self.b            # W (F, F), b (F,); a 2-D W: plain x·W
    a = K.exp(K.tanh(uit)); a *= mask          # no max-subtraction, no context vector
    a /= K.sum(a, axis=1, keepdims=True) + K.epsilon()   # over time, for each feature
    return K.sum(x * a, axis=1)                # so a is (T, F): one weight per step and feature

Mask semantics follow han_ref.py: masked steps get exactly 0, a fully masked sequence all zeros.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "reference"))
from han_ref import EPS, _masked_normalise, _softmax  # noqa: E402


def step_bias(x, w, b, mask=None, normalise="softmax"):
    """x (N, T, F), w (F, 1) or (F,), b (T, 1) or (T,) -> (N, T)."""
    e = np.tanh(x @ w.reshape(-1) + b.reshape(-1))
    if normalise == "eps":
        return _masked_normalise(e, mask, EPS)
    return _softmax(e, mask)


def per_feature(x, W, b=None, mask=None, normalise="eps"):
    """x (N, T, F), W (F, F), b (F,) or None -> (N, T, F): each feature normalised over time."""
    h = x @ W
    if b is not None:
        h = h + b.reshape(-1)
    h = np.tanh(h)
    # han_ref's normalisers work over the last axis: put time last, then back.
    m = None if mask is None else mask[:, None, :]
    ht = np.swapaxes(h, 1, 2)
    a = _softmax(ht, m) if normalise == "softmax" else _masked_normalise(ht, m, EPS)
    return np.swapaxes(a, 1, 2)


def recompute(variant, x, W, b, mask=None, normalise=None):
    x = np.asarray(x, np.float64)
    W = np.asarray(W, np.float64)
    b = None if b is None else np.asarray(b, np.float64)
    if variant == "step-bias":
        return step_bias(x, W, b, mask, normalise or "softmax")
    if variant == "per-feature":
        return per_feature(x, W, b, mask, normalise or "eps")
    raise ValueError("unknown variant " + variant)


def pooled(variant, x, a):
    """What the layer returns besides a: Σ_t x·a, (N, F) — a check that a has the layer's shape."""
    return (x * (a if variant == "per-feature" else a[..., None])).sum(axis=1)
