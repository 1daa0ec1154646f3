#!/usr/bin/python3
"""Writes packages/torch/tests/fixtures/fwd-*: small PyTorch models that are a standard chain
(Embedding -> (Bi)GRU/LSTM, 1 or 2 layers -> attention; and a HAN with a word and a sentence
encoder), their state_dicts, token ids, and the attention torch itself computes over those ids,
packed (pack_padded_sequence) and unpacked (padding run through the RNN like any step).

Run with Debian's python3 (torch 1.13): /usr/bin/python3 packages/torch/scripts/make-forward-fixtures.py
Nothing here comes from attnlens: the expected weights are torch's forward pass, masked with
masked_fill(-inf) before the softmax, in float32.

Packing (torch/nn/utils/rnn.py pack_padded_sequence): each sequence runs its own first
`length` steps, both directions; the reverse direction starts at the sequence's own last valid
step, and pad_packed_sequence writes zeros past it.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(1113)
np.random.seed(1113)
V, E = 23, 6
summary = {}


def path(name):
    return os.path.join(OUT, name)


def run_rnn(rnn, x, lengths, packed):
    """x (B, T, F); packed: each row runs its own first `lengths` steps (lengths >= 1)."""
    if not packed:
        return rnn(x)[0]
    p = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    return pad_packed_sequence(rnn(p)[0], batch_first=True, total_length=x.shape[1])[0]


def write_safetensors_sorted(name, sd):
    """As safetensors.torch.save_file lays it out: the header's keys sorted by name (a Rust
    BTreeMap), so the state_dict's registration order is lost. Written by hand: Debian has no
    safetensors package."""
    header, blobs, off = {}, [], 0
    for k in sorted(sd):
        raw = sd[k].contiguous().numpy().astype('<f4').tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(sd[k].shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    with open(path(name), 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def masked_softmax(scores, mask):
    return torch.softmax(scores.masked_fill(~mask, float('-inf')), dim=-1)


class LinearHead(nn.Module):
    """The Made-With-ML form: a Linear(H, 1) score head."""

    def __init__(self, h):
        super().__init__()
        self.attn = nn.Linear(h, 1)

    def forward(self, x):
        return self.attn(x).squeeze(-1)


class ContextAttention(nn.Module):
    """Linear(H, A) + a context vector Linear(A, 1, bias=False): tanh(x W^T + b) u."""

    def __init__(self, h, a):
        super().__init__()
        self.attention = nn.Linear(h, a)
        self.context_vector = nn.Linear(a, 1, bias=False)

    def forward(self, x):
        return self.context_vector(torch.tanh(self.attention(x))).squeeze(-1)


class ParamAttention(nn.Module):
    """Parameter-style W (H, A), b (A,), u (A, 1): tanh(x W + b) u."""

    def __init__(self, h, a):
        super().__init__()
        self.W = nn.Parameter(torch.randn(h, a) * 0.5)
        self.b = nn.Parameter(torch.randn(a) * 0.5)
        self.u = nn.Parameter(torch.randn(a, 1) * 0.5)

    def forward(self, x):
        return torch.matmul(torch.tanh(torch.matmul(x, self.W) + self.b), self.u).squeeze(-1)


class Flat(nn.Module):
    def __init__(self, rnn, att_name, att):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.rnn = rnn
        self.att_name = att_name
        setattr(self, att_name, att)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(rnn.hidden_size * (2 if rnn.bidirectional else 1), 3)

    def forward(self, ids, packed):
        mask = ids != 0
        h = run_rnn(self.rnn, self.embedding(ids), mask.sum(1), packed)
        return masked_softmax(getattr(self, self.att_name)(h), mask)


def flat_ids(n, t, post=True):
    ids = np.zeros((n, t), np.int64)
    lengths = [t, 1, 3, t - 1, 4][:n]
    for i, L in enumerate(lengths):
        row = np.random.randint(1, V, size=L)
        if post:
            ids[i, :L] = row
        else:
            ids[i, t - L:] = row
    return ids


def flat_case(name, model, unpacked_pre):
    model.eval()
    sd = model.state_dict()
    torch.save(sd, path(f'fwd-{name}.pt'))
    ids = flat_ids(5, 7)
    np.save(path(f'fwd-{name}-ids.npy'), ids)
    with torch.no_grad():
        a = model(torch.from_numpy(ids), packed=True).numpy().astype(np.float32)
        np.save(path(f'fwd-{name}-packed.npy'), a)
        # Unpacked: padding runs through the RNN. For a one-way RNN with post-padding that
        # changes nothing at the valid steps, so pre-padded ids show the difference there.
        uids = flat_ids(5, 7, post=False) if unpacked_pre else ids
        if unpacked_pre:
            np.save(path(f'fwd-{name}-ids-pre.npy'), uids)
        u = model(torch.from_numpy(uids), packed=False).numpy().astype(np.float32)
        np.save(path(f'fwd-{name}-unpacked.npy'), u)
    summary[name] = {'keys': [[k, list(v.shape)] for k, v in sd.items()], 'unpacked_ids': 'pre' if unpacked_pre else 'same'}


class WordAttention(nn.Module):
    """sgrvinod's a-PyTorch-Tutorial-to-Text-Classification HAN layout (names as there)."""

    def __init__(self, hw, a):
        super().__init__()
        self.embeddings = nn.Embedding(V, E)
        self.word_rnn = nn.GRU(E, hw, num_layers=1, bidirectional=True, batch_first=True)
        self.word_attention = nn.Linear(2 * hw, a)
        self.word_context_vector = nn.Linear(a, 1, bias=False)


class SentenceAttention(nn.Module):
    def __init__(self, hw, hs, a):
        super().__init__()
        self.word_attention = WordAttention(hw, a)
        self.sentence_rnn = nn.LSTM(2 * hw, hs, num_layers=1, bidirectional=True, batch_first=True)
        self.sentence_attention = nn.Linear(2 * hs, a)
        self.sentence_context_vector = nn.Linear(a, 1, bias=False)


class Han(nn.Module):
    def __init__(self, hw=4, hs=3, a=5):
        super().__init__()
        self.sentence_attention = SentenceAttention(hw, hs, a)
        self.fc = nn.Linear(2 * hs, 2)

    def forward(self, ids, packed):
        sa = self.sentence_attention
        wa = sa.word_attention
        N, S, T = ids.shape
        wmask = ids != 0
        smask = wmask.any(-1)
        flat = ids.reshape(N * S, T)
        fm = wmask.reshape(N * S, T)
        real = fm.any(-1)
        # Only sentences holding a word are encoded (pack_padded_sequence refuses length 0).
        h = torch.zeros(N * S, T, 2 * wa.word_rnn.hidden_size)
        h[real] = run_rnn(wa.word_rnn, wa.embeddings(flat[real]), fm[real].sum(1), packed)
        ws = wa.word_context_vector(torch.tanh(wa.word_attention(h))).squeeze(-1)
        alpha = torch.zeros(N * S, T)
        alpha[real] = masked_softmax(ws[real], fm[real])
        sent = (alpha.unsqueeze(-1) * h).sum(1).reshape(N, S, -1)
        hs = run_rnn(sa.sentence_rnn, sent, smask.sum(1), packed)
        ss = sa.sentence_context_vector(torch.tanh(sa.sentence_attention(hs))).squeeze(-1)
        return alpha.reshape(N, S, T), masked_softmax(ss, smask)


def han_ids(n, s, t, empty_sentences):
    ids = np.zeros((n, s, t), np.int64)
    counts = [s, 2, 1, s][:n] if empty_sentences else [s] * n
    for i, c in enumerate(counts):
        for j in range(c):
            L = int(np.random.randint(1, t + 1))
            ids[i, j, :L] = np.random.randint(1, V, size=L)
    return ids


def han_case():
    model = Han().eval()
    sd = model.state_dict()
    torch.save(sd, path('fwd-han.pt'))
    with torch.no_grad():
        for mode, empty in (('packed', True), ('unpacked', False)):
            # Unpacked, a sentence of padding only would be a softmax over nothing (NaN in torch): none here.
            ids = han_ids(4, 3, 5, empty)
            np.save(path(f'fwd-han-ids-{mode}.npy'), ids)
            w, s = model(torch.from_numpy(ids), packed=(mode == 'packed'))
            np.save(path(f'fwd-han-{mode}-word.npy'), w.numpy().astype(np.float32))
            np.save(path(f'fwd-han-{mode}-sentence.npy'), s.numpy().astype(np.float32))
    summary['han'] = {'keys': [[k, list(v.shape)] for k, v in sd.items()]}


def main():
    flat_case('gru', Flat(nn.GRU(E, 5, batch_first=True), 'attention', LinearHead(5)), unpacked_pre=True)
    write_safetensors_sorted('fwd-gru.safetensors', torch.load(path('fwd-gru.pt')))
    flat_case('bilstm2', Flat(nn.LSTM(E, 4, num_layers=2, bidirectional=True, batch_first=True), 'attention', ContextAttention(8, 3)), unpacked_pre=False)
    flat_case('bigru2-param', Flat(nn.GRU(E, 3, num_layers=2, bidirectional=True, batch_first=True), 'attn', ParamAttention(6, 4)), unpacked_pre=False)
    han_case()
    # A Linear between the Embedding and the RNN, shape-preserving: the chain is not standard.
    m = Flat(nn.GRU(E, 5, batch_first=True), 'attention', LinearHead(5))
    sd = m.state_dict()
    sd = type(sd)([(k, v) for k, v in sd.items() if k.startswith('embedding')] + [('proj.weight', torch.randn(E, E)), ('proj.bias', torch.randn(E))] + [(k, v) for k, v in sd.items() if not k.startswith('embedding')])
    torch.save(sd, path('fwd-between.pt'))
    # No embedding: the RNN takes features, not ids.
    m = Flat(nn.GRU(E, 5, batch_first=True), 'attention', LinearHead(5))
    torch.save({k: v for k, v in m.state_dict().items() if not k.startswith('embedding')}, path('fwd-noemb.pt'))
    with open(path('fwd-summary.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': summary}, f, indent=1)


if __name__ == '__main__':
    main()
