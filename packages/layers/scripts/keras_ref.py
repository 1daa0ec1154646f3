#!/usr/bin/env python3
"""NumPy float64 reference of every @attnlens/layers kernel, written from Keras's own source.

It is the specification the TypeScript kernels are tested against (make-fixtures.py writes its
answers to tests/fixtures/), and the building block other scripts use to compute whole-model
expected outputs:

    sys.path.insert(0, "packages/layers/scripts"); import keras_ref as K
    y, states = K.rnn("gru", x, mask, kernel, recurrent_kernel, bias, units=64,
                      activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                      return_sequences=True, go_backwards=False, masked_output="previous")

Layout: batch axis first, Keras 2 weight layouts (RNN kernel (F, G*U), gates LSTM i,f,c,o and
GRU z,r,h; Conv1D kernel (K, C, O)). Masks are 0/1 (N, T). Needs only NumPy (Debian python3-numpy).

Sources cited below as  K3 = keras-team/keras (Keras 3, keras/src/...),  K2 = keras-team/keras
2.x (keras/...),  TFK = tensorflow/tensorflow tensorflow/python/keras/... (tf.keras).
"""
import math

import numpy as np

F64 = np.float64

# ----------------------------------------------------------------------------- activations
# K3 keras/src/activations/activations.py (relu ... hard_silu) and keras/src/ops/nn.py;
# K2 keras/activations.py + keras/backend/tensorflow_backend.py hard_sigmoid (0.2x + 0.5, clipped).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _erf(x):
    return np.vectorize(math.erf, otypes=[F64])(x)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def activation(name, x, axis=-1, alpha=None):
    """Apply a built-in Keras activation by name (softmax/log_softmax over `axis`). `alpha` is the
    LeakyReLU layer's alpha/negative_slope (K2 default 0.3) or the ELU layer's alpha (default 1)."""
    x = np.asarray(x, dtype=F64)
    if name in ("linear", None):
        return x
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "sigmoid":
        return _sigmoid(x)
    if name == "tanh":
        return np.tanh(x)
    if name == "softmax":  # K3 ops.softmax: exp(x - max) / sum
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    if name == "log_softmax":
        m = x.max(axis=axis, keepdims=True)
        return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    if name == "hard_sigmoid":  # K1/K2: clip(0.2 * x + 0.5, 0, 1)
        return np.clip(0.2 * x + 0.5, 0.0, 1.0)
    if name == "hard_sigmoid_v3":  # K3 ops.hard_sigmoid: relu6(x + 3) / 6
        return np.clip(x + 3.0, 0.0, 6.0) / 6.0
    if name == "hard_silu":  # K3 ops.hard_silu: x * relu6(x + 3) / 6
        return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0
    if name == "elu":  # alpha = 1 unless given
        return np.where(x > 0, x, (1.0 if alpha is None else alpha) * np.expm1(np.minimum(x, 0.0)))
    if name == "selu":
        return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
    if name == "softplus":
        return _softplus(x)
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name == "exponential":
        return np.exp(x)
    if name in ("swish", "silu"):
        return x * _sigmoid(x)
    if name == "gelu":  # K3 ops.gelu(approximate=False): x/2 (1 + erf(x / sqrt 2))
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    if name == "gelu_approximate":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "relu6":
        return np.clip(x, 0.0, 6.0)
    if name == "leaky_relu":  # K3 activations.leaky_relu default negative_slope=0.2
        return np.where(x > 0, x, (0.2 if alpha is None else alpha) * x)
    if name == "mish":  # x * tanh(softplus(x))
        return x * np.tanh(_softplus(x))
    raise ValueError("unknown activation " + str(name))


ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "hard_sigmoid", "hard_sigmoid_v3",
               "elu", "selu", "softplus", "softsign", "exponential", "swish", "silu", "gelu", "gelu_approximate",
               "relu6", "leaky_relu", "mish", "hard_silu"]


# ----------------------------------------------------------------------------- dense, embedding
def dense(x, W, b=None, activation_name="linear"):
    """K3 keras/src/layers/core/dense.py Dense.call: activation(x @ kernel + bias) on the last axis."""
    y = np.asarray(x, F64) @ np.asarray(W, F64)
    if b is not None:
        y = y + np.asarray(b, F64)
    return activation(activation_name, y)


def embedding(ids, table):
    """K3 keras/src/layers/core/embedding.py call: ops.take(embeddings, ids, axis=0)."""
    return np.asarray(table, F64)[np.asarray(ids, np.int64)]


# ----------------------------------------------------------------------------- recurrent
def _cell_step(cell, x_t, h, c, kernel, rk, bias, units, act, rec, reset_after):
    """One step of the cell, as its call() computes it.

    simple: K2 keras/layers/recurrent.py SimpleRNNCell.call: act(x W + b + h U).
    lstm:   K2 LSTMCell.call (implementation 2): z = x W + h U + b; i, f, c~, o = split(z, 4);
            c = f(rec) * c + i(rec) * act(c~); h = o(rec) * act(c).
    gru:    K2 GRUCell.call; reset_after=False: x_h + (r * h) U_h;
            reset_after=True (K2.2.1+, TFK, K3 keras/src/layers/rnn/gru.py GRUCell.call):
            bias (2, 3U) = input bias, recurrent bias; x_h + r * (h U_h + b_rh).
            Both: h = z * h_prev + (1 - z) * hh.
    """
    U = units
    if cell == "simple":
        z = x_t @ kernel + h @ rk + (bias if bias is not None else 0.0)
        return activation(act, z), None
    if cell == "lstm":
        z = x_t @ kernel + h @ rk + (bias if bias is not None else 0.0)
        i = activation(rec, z[:, :U])
        f = activation(rec, z[:, U:2 * U])
        cc = activation(act, z[:, 2 * U:3 * U])
        o = activation(rec, z[:, 3 * U:])
        c_new = f * c + i * cc
        return o * activation(act, c_new), c_new
    if cell == "gru":
        if reset_after:
            b_in = bias[:3 * U] if bias is not None else 0.0
            b_rec = bias[3 * U:] if bias is not None else 0.0
            mx = x_t @ kernel + b_in
            mi = h @ rk + b_rec
            z = activation(rec, mx[:, :U] + mi[:, :U])
            r = activation(rec, mx[:, U:2 * U] + mi[:, U:2 * U])
            hh = activation(act, mx[:, 2 * U:] + r * mi[:, 2 * U:])
        else:
            mx = x_t @ kernel + (bias if bias is not None else 0.0)
            z = activation(rec, mx[:, :U] + h @ rk[:, :U])
            r = activation(rec, mx[:, U:2 * U] + h @ rk[:, U:2 * U])
            hh = activation(act, mx[:, 2 * U:] + (r * h) @ rk[:, 2 * U:])
        return z * h + (1.0 - z) * hh, None
    raise ValueError("unknown cell " + str(cell))


def rnn(cell, x, mask, kernel, recurrent_kernel, bias, units, activation="tanh", recurrent_activation="sigmoid",
        reset_after=False, return_sequences=False, go_backwards=False, masked_output="previous", initial_state=None):
    """The RNN layer's loop (K.rnn) over x (N, T, F) with mask (N, T) or None.

    Masked steps keep every state: K2 keras/backend/tensorflow_backend.py rnn():
    `new_states = [tf.where(tiled_mask_t, new_states[i], states[i]) ...]`, and output
    `tf.where(tiled_mask_t, output, states[0])` = the previous output ('previous'). K3
    keras/src/backend/tensorflow/rnn.py rnn(): the same, unless zero_output_for_mask, where a
    masked step's output is zeros ('zero'); K3 keras/src/layers/rnn/bidirectional.py (and TFK
    layers/wrappers.py) force zero_output_for_mask = return_sequences for both directions.
    go_backwards reverses the inputs and mask; the output sequence is in processing order.
    Returns (output (N, T, U) or (N, U), [h] or [h, c]).
    """
    x = np.asarray(x, F64)
    N, T, _ = x.shape
    kernel = np.asarray(kernel, F64)
    rk = np.asarray(recurrent_kernel, F64)
    bias = None if bias is None else np.asarray(bias, F64).reshape(-1)
    m = np.ones((N, T), bool) if mask is None else np.asarray(mask).astype(bool)
    if initial_state is None:
        h = np.zeros((N, units))
        c = np.zeros((N, units)) if cell == "lstm" else None
    else:
        h = np.asarray(initial_state[0], F64).copy()
        c = np.asarray(initial_state[1], F64).copy() if cell == "lstm" else None
    order = range(T - 1, -1, -1) if go_backwards else range(T)
    outs = []
    for t in order:
        mt = m[:, t:t + 1]
        h_new, c_new = _cell_step(cell, x[:, t], h, c, kernel, rk, bias, units, activation, recurrent_activation,
                                  reset_after)
        if masked_output == "zero":
            out = np.where(mt, h_new, 0.0)
        else:
            out = np.where(mt, h_new, h)
        h = np.where(mt, h_new, h)
        if c is not None:
            c = np.where(mt, c_new, c)
        outs.append(out)
    states = [h] if c is None else [h, c]
    if return_sequences:
        return np.stack(outs, axis=1), states
    # Without return_sequences the layer returns K.rnn's last_output = outputs[-1]: the final h
    # when masked steps carry it ('previous'), zeros for a sample whose last processed step is
    # masked under zero_output_for_mask (K3 rnn.py: `last_output = tf.where(mask_list[-1], ...)`).
    return outs[-1], states


# ----------------------------------------------------------------------------- conv, pooling
def _geometry(T, span, strides, padding):
    """TF 'VALID'/'SAME' arithmetic (tf.nn.convolution); 'causal' = left pad (K-1)*d then valid
    (K2 keras/layers/convolutional.py Conv1D.call: K.temporal_padding(inputs, (left_pad, 0)))."""
    if padding == "valid":
        return (max(0, (T - span) // strides + 1) if T >= span else 0), 0
    if padding == "causal":
        return (T - 1) // strides + 1, span - 1
    out = -(-T // strides)
    total = max((out - 1) * strides + span - T, 0)
    return out, total // 2


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation=1):
    """Conv1D, channels last: x (N, T, C), kernel (K, C, O) → (N, T', O). y[t] = Σ_k x[t*s - left + k*d] · W[k]."""
    x = np.asarray(x, F64)
    W = np.asarray(kernel, F64)
    N, T, C = x.shape
    K, _, O = W.shape
    out, left = _geometry(T, (K - 1) * dilation + 1, strides, padding)
    y = np.zeros((N, out, O))
    for s in range(out):
        for k in range(K):
            t = s * strides - left + k * dilation
            if 0 <= t < T:
                y[:, s] += x[:, t] @ W[k]
    if bias is not None:
        y += np.asarray(bias, F64)
    return y


def pool1d(x, kind, pool_size, strides, padding="valid"):
    """MaxPooling1D / AveragePooling1D (tf.nn.max_pool / avg_pool: 'SAME' averages only real steps)."""
    x = np.asarray(x, F64)
    N, T, C = x.shape
    out, left = _geometry(T, pool_size, strides, padding)
    y = np.zeros((N, out, C))
    for s in range(out):
        a = max(0, s * strides - left)
        b = min(T, s * strides - left + pool_size)
        win = x[:, a:b]
        y[:, s] = win.max(axis=1) if kind == "max" else win.mean(axis=1)
    return y


def global_pool1d(x, kind, mask=None):
    """GlobalMax/AveragePooling1D. K2 keras/layers/pooling.py GlobalAveragePooling1D.call and K3
    global_average_pooling1d.py: with a mask, sum(x * m) / sum(m) (NaN when fully masked);
    GlobalMaxPooling1D ignores the mask."""
    x = np.asarray(x, F64)
    if kind == "max":
        return x.max(axis=1)
    if mask is None:
        return x.mean(axis=1)
    m = np.asarray(mask, F64)[:, :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * m).sum(axis=1) / m.sum(axis=1)


# ----------------------------------------------------------------------------- normalisation
def batch_norm(x, gamma, beta, moving_mean, moving_variance, epsilon=1e-3, axis=-1):
    """BatchNormalization at inference: K3 keras/src/layers/normalization/batch_normalization.py
    call (training=False): (x - mean) / sqrt(var + eps) * gamma + beta along `axis`."""
    x = np.asarray(x, F64)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def r(v, default):
        return np.full(shape, default) if v is None else np.asarray(v, F64).reshape(shape)
    return (x - r(moving_mean, 0.0)) / np.sqrt(r(moving_variance, 1.0) + epsilon) * r(gamma, 1.0) + r(beta, 0.0)


def layer_norm(x, gamma, beta, epsilon=1e-3, axis=-1, rms_scaling=False):
    """K3 keras/src/layers/normalization/layer_normalization.py call: mean, biased variance over
    `axis`; (x - mean) * rsqrt(var + eps) * gamma + beta. rms_scaling=True (Keras 3): the same
    variance, but x * rsqrt(var + eps) * gamma, neither centred nor shifted."""
    x = np.asarray(x, F64)
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    if rms_scaling:
        return x / np.sqrt(var + epsilon) * np.asarray(gamma, F64)
    y = (x - mean) / np.sqrt(var + epsilon)
    if gamma is not None:
        y = y * np.asarray(gamma, F64)
    if beta is not None:
        y = y + np.asarray(beta, F64)
    return y


# ----------------------------------------------------------------------------- shape ops, merges
def permute(x, perm):
    """Transpose with `perm` over all axes, batch included (Keras's Permute dims d → perm [0, *d])."""
    return np.transpose(np.asarray(x, F64), perm)


def concatenate(inputs, axis=-1):
    return np.concatenate([np.asarray(v, F64) for v in inputs], axis=axis)


def _expand_ranks(inputs):
    """K2 keras/layers/merge.py _Merge.call / K3 keras/src/layers/merging/base_merge.py call:
    lower-rank inputs get axes inserted at 1 (expand_dims(x, axis=1)) until ranks agree."""
    xs = [np.asarray(v, F64) for v in inputs]
    r = max(v.ndim for v in xs)
    out = []
    for v in xs:
        while v.ndim < r:
            v = np.expand_dims(v, 1)
        out.append(v)
    return out


def merge(op, inputs):
    """Add, Subtract, Multiply, Average, Maximum, Minimum (K3 keras/src/layers/merging/*.py _merge_function)."""
    xs = _expand_ranks(inputs)
    y = xs[0]
    for v in xs[1:]:
        if op in ("add", "average"):
            y = y + v
        elif op == "subtract":
            y = y - v
        elif op == "multiply":
            y = y * v
        elif op == "maximum":
            y = np.maximum(y, v)
        elif op == "minimum":
            y = np.minimum(y, v)
        else:
            raise ValueError(op)
    return y / len(xs) if op == "average" else y


def _l2_normalize(x, axis):
    # K3 keras/src/layers/merging/dot.py: normalize → ops.normalize / K.l2_normalize: x / sqrt(max(sum x², 1e-12)).
    return x / np.sqrt(np.maximum((x ** 2).sum(axis=axis, keepdims=True), 1e-12))


def batch_dot(a, b, axes, normalize=False):
    """Keras Dot layer (K3 keras/src/layers/merging/dot.py batch_dot; K2 K.batch_dot): per sample,
    contract a's axis axes[0] with b's axis axes[1] (batch axis counted); (N, 1) for 2-D inputs."""
    a = np.asarray(a, F64)
    b = np.asarray(b, F64)
    ax = axes[0] % a.ndim
    bx = axes[1] % b.ndim
    if normalize:
        a = _l2_normalize(a, ax)
        b = _l2_normalize(b, bx)
    y = np.stack([np.tensordot(a[i], b[i], axes=(ax - 1, bx - 1)) for i in range(a.shape[0])])
    if y.ndim == 1:
        y = y[:, None]
    return y


def repeat_vector(x, n):
    """RepeatVector: (N, D) → (N, n, D)."""
    return np.repeat(np.asarray(x, F64)[:, None, :], n, axis=1)


# ----------------------------------------------------------------------------- built-in attention
def _apply_scores(scores, value, v_mask, causal, q_mask):
    """K3 keras/src/layers/attention/attention.py _apply_scores + _compute_attention_mask + call:
    scores -= 1e9 * (1 - mask) (done in float32, the layer's dtype, so a fully masked row is
    uniform), softmax over Tv, weights @ value, then result *= q_mask. TFK
    layers/dense_attention.py BaseDenseAttention does the same."""
    N, Tq, Tv = scores.shape
    keep = np.ones((N, Tq, Tv), bool)
    if v_mask is not None:
        keep &= np.asarray(v_mask).astype(bool)[:, None, :]
    if causal:  # row_index >= col_index
        keep &= np.tril(np.ones((Tq, Tv), bool))[None]
    s32 = scores.astype(np.float32)
    s32 = np.where(keep, s32, s32 - np.float32(1e9)).astype(F64)
    e = np.exp(s32 - s32.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    out = w @ np.asarray(value, F64)
    if q_mask is not None:
        out = out * np.asarray(q_mask, F64)[:, :, None]
    return out, w


def dot_attention(query, value, key=None, query_mask=None, value_mask=None, causal=False, score_mode="dot",
                  scale=None, concat_score_weight=None):
    """keras.layers.Attention. K3 attention.py _calculate_scores: dot: q @ kᵀ (* scale);
    concat: concat_score_weight * sum(tanh(scale * (q[:, :, None] + k[:, None])), -1)."""
    q = np.asarray(query, F64)
    v = np.asarray(value, F64)
    k = v if key is None else np.asarray(key, F64)
    sc = 1.0 if scale is None else float(scale)
    if score_mode == "dot":
        scores = (q @ np.swapaxes(k, 1, 2)) * sc
    else:
        w = 1.0 if concat_score_weight is None else float(concat_score_weight)
        scores = w * np.tanh(sc * (q[:, :, None, :] + k[:, None, :, :])).sum(axis=-1)
    return _apply_scores(scores, v, value_mask, causal, query_mask)


def additive_attention(query, value, key=None, query_mask=None, value_mask=None, causal=False, scale=None):
    """keras.layers.AdditiveAttention. K3 keras/src/layers/attention/additive_attention.py
    _calculate_scores: sum(scale * tanh(q[:, :, None] + k[:, None]), -1), scale (dim,) or 1."""
    q = np.asarray(query, F64)
    v = np.asarray(value, F64)
    k = v if key is None else np.asarray(key, F64)
    sc = 1.0 if scale is None else np.asarray(scale, F64)
    scores = (sc * np.tanh(q[:, :, None, :] + k[:, None, :, :])).sum(axis=-1)
    return _apply_scores(scores, v, value_mask, causal, query_mask)


# ----------------------------------------------------------------------------- weight layouts, wrappers
# (for whole-model fixture scripts: the TypeScript side of these lives in @attnlens/keras-graph)
def cudnn_to_keras(cell, kernel, recurrent_kernel, bias):
    """CuDNNGRU / CuDNNLSTM weights → GRU(reset_after=True) / LSTM weights. K2 keras/engine/saving.py
    _convert_rnn_weights (from_cudnn=True): per gate, input kernel k → k.T.reshape(k.shape, order='F'),
    recurrent kernel k → k.T; LSTM bias (8U) → sum of its halves; GRU bias (6U) → (2, 3U)."""
    g = 3 if cell == "gru" else 4
    kernel = np.asarray(kernel, F64)
    rk = np.asarray(recurrent_kernel, F64)
    k = np.hstack([p.T.reshape(p.shape, order="F") for p in np.hsplit(kernel, g)])
    r = np.hstack([p.T for p in np.hsplit(rk, g)])
    b = np.asarray(bias, F64)
    b = np.sum(np.split(b, 2, axis=0), axis=0) if cell == "lstm" else b.reshape(2, -1)
    return k, r, b


def keras1_rnn_weights(cell, weights):
    """Keras 1 per-gate GRU (9 arrays: W_z U_z b_z W_r U_r b_r W_h U_h b_h) and LSTM (12 arrays, gates
    stored i, c, f, o) → Keras 2 [kernel, recurrent_kernel, bias]: K2 keras/engine/saving.py
    preprocess_weights_for_loading, original_keras_version == '1'."""
    w = [np.asarray(v, F64) for v in weights]
    order = [0, 3, 6] if cell == "gru" else [0, 6, 3, 9]
    return [np.concatenate([w[i + j] for i in order], axis=-1) for j in range(3)]


def bidirectional_merge(y, y_rev, merge_mode, return_sequences):
    """K3 keras/src/layers/rnn/bidirectional.py call: y_rev flipped in time when return_sequences,
    then concat / sum / ave / mul (None: the pair)."""
    y = np.asarray(y, F64)
    y_rev = np.asarray(y_rev, F64)
    if return_sequences:
        y_rev = y_rev[:, ::-1]
    if merge_mode == "concat":
        return np.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2
    if merge_mode == "mul":
        return y * y_rev
    return y, y_rev


def masking(x, mask_value=0.0):
    """K3 keras/src/layers/core/masking.py call: mask = any(x != mask_value, axis=-1); output x * mask."""
    x = np.asarray(x, F64)
    m = np.any(x != mask_value, axis=-1)
    return x * m[..., None], m.astype(np.uint8)
