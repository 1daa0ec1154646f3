#!/usr/bin/python3
"""Writes packages/torch/tests/fixtures: torch.save files of every generation torch 1.13 can
write (and the newer layout made by rewriting a zip), safetensors written by hand, damaged
and hostile files, and attention modules with the attention torch itself computes.

Run with Debian's python3 (torch 1.13, numpy): /usr/bin/python3 packages/torch/scripts/make-fixtures.py
The expected values (expected.json, *.npy) come from torch and numpy, never from attnlens.
"""
import argparse
import collections
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import types
import zipfile

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(13)
np.random.seed(13)
expected = {}


def path(name):
    return os.path.join(OUT, name)


def values(t):
    """A tensor's values as JSON: float64 numbers are exact for every float dtype (bfloat16 too)."""
    t = t.detach()
    if t.dtype == torch.bfloat16 or t.dtype == torch.float16:
        t = t.to(torch.float32)
    if t.dtype == torch.int64:
        return [str(int(v)) for v in t.reshape(-1).tolist()]
    if t.dtype == torch.bool:
        return [bool(v) for v in t.reshape(-1).tolist()]
    return [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]


DT = {torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.bfloat16: 'bfloat16',
      torch.int64: 'int64', torch.int32: 'int32', torch.int16: 'int16', torch.int8: 'int8', torch.uint8: 'uint8',
      torch.bool: 'bool'}


def describe(tensors):
    return {k: {'dtype': DT[v.dtype], 'shape': list(v.shape), 'values': values(v)} for k, v in tensors.items()}


# ---- layouts: one state_dict with every dtype and every storage trick ---------------------
base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5
rnn_flat = torch.randn(20)  # one storage shared by two views, like cuDNN's flattened RNN weights
layouts = collections.OrderedDict()
layouts['lin.weight'] = torch.randn(3, 5)
layouts['lin.bias'] = torch.randn(3)
layouts['transposed'] = base.t()  # non-contiguous: stride (1, 4)
layouts['column'] = base[:, 2]  # storage offset 2, stride (4,)
layouts['rows_1_3'] = base[1:3]  # storage offset 4
layouts['rnn.weight_ih_l0'] = rnn_flat[0:12].view(3, 4)
layouts['rnn.weight_hh_l0'] = rnn_flat[12:20].view(2, 4)
layouts['half'] = torch.tensor([0.5, -2.0, 65504.0, 6.1e-5, 1 / 3], dtype=torch.float16)
layouts['bf16'] = torch.tensor([1.0, -3.140625, 1e30, 1 / 3, 2.0 ** -100], dtype=torch.bfloat16)
layouts['f64'] = torch.tensor([[1 / 3, -2.5], [1e300, 5e-324]], dtype=torch.float64)
layouts['steps'] = torch.tensor([0, -1, 2 ** 40, -(2 ** 62)], dtype=torch.int64)
layouts['i32'] = torch.tensor([-7, 2 ** 31 - 1], dtype=torch.int32)
layouts['i16'] = torch.tensor([-300, 300], dtype=torch.int16)
layouts['i8'] = torch.tensor([-128, 127], dtype=torch.int8)
layouts['u8'] = torch.tensor([0, 255, 7], dtype=torch.uint8)
layouts['mask'] = torch.tensor([[True, False], [False, True]])
layouts['scalar'] = torch.tensor(2.5)
layouts['empty'] = torch.zeros(0, 3)
expected['layouts'] = describe(layouts)

torch.save(layouts, path('layouts-zip.pt'))  # folder 'layouts-zip/' (the file stem)
torch.save(layouts, path('layouts-legacy.pt'), _use_new_zipfile_serialization=False)
buf = io.BytesIO()
torch.save(layouts, buf)  # folder 'archive/'
open(path('layouts-archive.pt'), 'wb').write(buf.getvalue())


def rewrite_zip(src, dst, rename=None, extra=(), transform=None, drop=(), method=zipfile.ZIP_STORED):
    """Copy a torch zip, renaming its top folder, adding entries, changing entry bytes (stored, as torch writes)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', method) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            top, rest = info.filename.split('/', 1)
            if rest in drop:
                continue
            if transform:
                data = transform(rest, data)
            zout.writestr((rename or top) + '/' + rest, data)
        for rest, data in extra:
            zout.writestr((rename or top) + '/' + rest, data)


# The newest layout (torch >= 2.1, like mohanaadshakir-bcai/attention_net.pt): byteorder,
# .format_version, .storage_alignment, .data/serialization_id, a folder named after nothing.
rewrite_zip(path('layouts-zip.pt'), path('layouts-v2.pt'), rename='renamed_model', extra=[
    ('.format_version', b'1'), ('.storage_alignment', b'64'), ('byteorder', b'little'), ('.data/serialization_id', b'1234567890'),
])

# A repacked archive (`zip -r`): every entry deflated.
rewrite_zip(path('layouts-zip.pt'), path('layouts-deflated.pt'), method=zipfile.ZIP_DEFLATED)

# A TorchScript archive (torch.jit.save): code/ and compiled classes, refused.
with torch.random.fork_rng():  # the fixtures after this one keep their random values
    torch.jit.save(torch.jit.script(nn.Linear(2, 1)), path('torchscript.pt'))

# A big-endian writer: every storage of a float32-only state_dict byte-swapped, byteorder 'big'.
be = collections.OrderedDict(w=torch.randn(2, 3), b=torch.randn(3))
expected['bigendian'] = describe(be)
torch.save(be, path('tmp-be.pt'))
rewrite_zip(path('tmp-be.pt'), path('bigendian.pt'), extra=[('byteorder', b'big')],
            transform=lambda rest, d: np.frombuffer(d, '<f4').astype('>f4').tobytes() if rest.startswith('data/') else d)
os.remove(path('tmp-be.pt'))

# ---- a nested training checkpoint with foreign objects beside the tensors --------------------
vocab_mod = types.ModuleType('torchtext.vocab')
sys.modules['torchtext'] = types.ModuleType('torchtext')
sys.modules['torchtext.vocab'] = vocab_mod


class Vocab:
    """Stands in for torchtext.vocab.Vocab: a foreign class pickled by reference."""

    def __init__(self, itos):
        self.itos = itos
        self.stoi = {s: i for i, s in enumerate(itos)}


Vocab.__module__ = 'torchtext.vocab'
Vocab.__qualname__ = 'Vocab'
vocab_mod.Vocab = Vocab


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(6, 4)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.emb(x).mean(1))


tiny = Tiny()
opt = torch.optim.Adam(tiny.parameters(), lr=0.01)
tiny(torch.tensor([[1, 2, 3]])).sum().backward()
opt.step()
ckpt = {
    'epoch': 7,
    'model_state_dict': tiny.state_dict(),
    'optimizer_state_dict': opt.state_dict(),
    'loss': 0.125,
    'losses': [1.5, 0.75, 0.125],
    'args': argparse.Namespace(lr=0.01, hidden=4),
    'vocab': Vocab(['<pad>', 'a', 'b']),
    'note': 'best so far',
    'best_acc': np.float64(0.875),  # NumPy scalars, as sklearn metrics give them
    'np_epoch': np.int64(-3),
}
torch.save(ckpt, path('checkpoint.pt'))
torch.save(ckpt, path('checkpoint-legacy.pt'), _use_new_zipfile_serialization=False)
flat = {}
for k, v in tiny.state_dict().items():
    flat['model_state_dict/' + k] = v
for pid, st in opt.state_dict()['state'].items():
    for k, v in st.items():
        if torch.is_tensor(v):
            flat['optimizer_state_dict/state/%d/%s' % (pid, k)] = v
expected['checkpoint'] = describe(flat)

# ---- safetensors, written by hand (ST README "Format") -------------------------------------
ST_DT = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'I16': '<i2', 'I8': 'i1', 'U8': 'u1', 'BOOL': '?'}


def write_safetensors(name, tensors, metadata=None, pad_to=8, mangle=None):
    header, blobs, off = {}, [], 0
    for k, (dt, shape, raw) in tensors.items():
        header[k] = {'dtype': dt, 'shape': shape, 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    if metadata is not None:
        header['__metadata__'] = metadata
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % pad_to)
    data = struct.pack('<Q', len(h)) + h + b''.join(blobs)
    if mangle:
        data = mangle(data)
    open(path(name), 'wb').write(data)


st_vals = {
    'F64': np.array([[1 / 3, -2.0], [1e300, 5e-324]]), 'F32': np.arange(6, dtype='<f4').reshape(2, 3) / 7,
    'F16': np.array([0.5, -65504, 6e-5], '<f2'), 'I64': np.array([-(2 ** 62), 3], '<i8'), 'I32': np.array([-5, 2 ** 31 - 1], '<i4'),
    'I16': np.array([-300, 300], '<i2'), 'I8': np.array([-128, 127], 'i1'), 'U8': np.array([[0, 255]], 'u1'),
    'BOOL': np.array([True, False, True]),
}
bf16 = torch.tensor([1.0, -3.140625, 1e30, 1 / 3], dtype=torch.bfloat16)
st = {'t_' + k.lower(): (k, list(v.shape), v.astype(ST_DT[k]).tobytes()) for k, v in st_vals.items()}
st['t_bf16'] = ('BF16', [4], bf16.view(torch.int16).numpy().tobytes())
st['t_scalar'] = ('F32', [], np.array(2.5, '<f4').tobytes())
st['t_empty'] = ('F32', [0, 2], b'')
write_safetensors('dtypes.safetensors', st, metadata={'format': 'pt', 'note': 'every dtype'})
exp_st = {}
for k, v in st_vals.items():
    vals = [str(int(x)) for x in v.reshape(-1)] if k == 'I64' else v.reshape(-1).tolist()
    exp_st['t_' + k.lower()] = {'shape': list(v.shape), 'values': vals}
exp_st['t_bf16'] = {'shape': [4], 'values': values(bf16)}
expected['safetensors'] = exp_st

# damaged safetensors
small = {'w': ('F32', [2, 2], np.ones(4, '<f4').tobytes())}
write_safetensors('bad-header-long.safetensors', small, mangle=lambda d: struct.pack('<Q', 10 ** 6) + d[8:])
bad_json = b'{"w": {"dtype": "F32", "shape": [2, 2], '  # cut short: starts with { but is not JSON
open(path('bad-header-json.safetensors'), 'wb').write(struct.pack('<Q', len(bad_json)) + bad_json + np.ones(4, '<f4').tobytes())
write_safetensors('bad-offsets.safetensors', {'w': ('F32', [4, 4], np.ones(4, '<f4').tobytes())})  # 16 bytes for 64
write_safetensors('bad-dtype.safetensors', {'w': ('C64', [1], b'\0' * 8)})


def overlap(d):  # the second tensor's data_offsets moved onto the first's bytes
    n = struct.unpack('<Q', d[:8])[0]
    h = json.loads(d[8:8 + n])
    h['b']['data_offsets'] = [0, 16]
    hb = json.dumps(h).encode()
    hb += b' ' * (-len(hb) % 8)
    return struct.pack('<Q', len(hb)) + hb + d[8 + n:]


write_safetensors('bad-overlap.safetensors', {'a': ('F32', [4], np.ones(4, '<f4').tobytes()), 'b': ('F32', [4], np.ones(4, '<f4').tobytes())}, mangle=overlap)

# ---- damaged torch files ------------------------------------------------------------------
full = open(path('layouts-zip.pt'), 'rb').read()
open(path('truncated-zip.pt'), 'wb').write(full[:len(full) // 2])
legacy = open(path('layouts-legacy.pt'), 'rb').read()
open(path('truncated-legacy.pt'), 'wb').write(legacy[:len(legacy) - 40])
short = collections.OrderedDict(w=torch.randn(4, 4))
torch.save(short, path('tmp-short.pt'))
rewrite_zip(path('tmp-short.pt'), path('short-storage.pt'), transform=lambda rest, d: d[:24] if rest.startswith('data/') else d)
os.remove(path('tmp-short.pt'))

# ---- hostile pickles: each REDUCEs a dangerous global with 'touch MARKER' -------------------
# Written by hand so the global is spelled exactly (pickle itself writes os.system as posix.system).
# MARKER is relative: a test runs attnlens in an empty folder and checks that no marker appeared.
MARKERS = {}


def reduce_pickle(module, name, marker):
    arg = ('touch ' + marker).encode()
    return b'\x80\x02c' + module.encode() + b'\n' + name.encode() + b'\n' + b'X' + struct.pack('<I', len(arg)) + arg + b'\x85R.'


def hostile_zip(name, pkl):
    with zipfile.ZipFile(path(name), 'w', zipfile.ZIP_STORED) as z:
        z.writestr('archive/data.pkl', pkl)
        z.writestr('archive/version', b'3\n')


hostile = {
    'hostile-os-system.pt': ('os', 'system'),
    'hostile-posix-system.pt': ('posix', 'system'),
    'hostile-eval.pt': ('builtins', 'eval'),
    'hostile-popen.pt': ('subprocess', 'Popen'),
    'hostile-unknown-class.pt': ('__main__', 'Evil'),
}
for fname, (mod, nm) in hostile.items():
    marker = 'attnlens-marker-' + fname[:-3]
    MARKERS[fname] = {'global': mod + '.' + nm, 'marker': marker}
    pkl = reduce_pickle(mod, nm, marker)
    if fname == 'hostile-eval.pt':  # eval wants an expression
        arg = ("__import__('os').system('touch %s')" % marker).encode()
        pkl = b'\x80\x02cbuiltins\neval\nX' + struct.pack('<I', len(arg)) + arg + b'\x85R.'
    if fname == 'hostile-popen.pt':  # Popen(['touch', MARKER])
        a, b = b'touch', marker.encode()
        pkl = b'\x80\x02csubprocess\nPopen\nX' + struct.pack('<I', len(a)) + a + b'X' + struct.pack('<I', len(b)) + b + b'\x86\x85R.'
    hostile_zip(fname, pkl)
    # Prove the fixture is live: Python's own unpickler does run it (in a scratch folder).
    if mod != '__main__':
        with tempfile.TemporaryDirectory() as d:
            code = 'import pickle,sys,time; pickle.loads(open(sys.argv[1],"rb").read()); time.sleep(0.3)'
            raw = zipfile.ZipFile(path(fname)).read('archive/data.pkl')
            open(os.path.join(d, 'p.pkl'), 'wb').write(raw)
            subprocess.run([sys.executable, '-c', code, 'p.pkl'], cwd=d, check=False, capture_output=True)
            assert os.path.exists(os.path.join(d, marker)), 'hostile fixture %s did not create its marker under pickle.loads' % fname
# a legacy-format file whose object pickle is hostile (after the three header pickles)
legacy_hdr = io.BytesIO()
for obj in (0x1950a86a20f9469cfc6c, 1001, dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))):
    pickle.dump(obj, legacy_hdr, protocol=2)
open(path('hostile-legacy.pt'), 'wb').write(legacy_hdr.getvalue() + reduce_pickle('posix', 'system', 'attnlens-marker-hostile-legacy'))
MARKERS['hostile-legacy.pt'] = {'global': 'posix.system', 'marker': 'attnlens-marker-hostile-legacy'}
expected['hostile'] = MARKERS

# ---- attention modules, with the attention torch computes ------------------------------------
N, T, H, A = 3, 6, 8, 5
lengths = np.array([6, 4, 1], dtype=np.int64)
mask = torch.arange(T)[None, :] < torch.from_numpy(lengths)[:, None]
X = torch.randn(N, T, H)
np.save(path('att-x.npy'), X.numpy())
np.save(path('att-lengths.npy'), lengths)


def masked_softmax(scores, m):
    return torch.softmax(scores.masked_fill(~m, float('-inf')), dim=-1)


class LinearHead(nn.Module):  # Made-With-ML: a Linear(H, 1) score head over RNN outputs
    def __init__(self):
        super().__init__()
        self.embeddings = nn.Embedding(10, H)
        self.rnn = nn.GRU(H, H // 2, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(H, 1)
        self.fc = nn.Linear(H, 2)


m = LinearHead()
torch.save(m.state_dict(), path('att-linear.pt'))
write_safetensors('att-linear.safetensors', {k: ('F32', list(v.shape), v.numpy().astype('<f4').tobytes()) for k, v in m.state_dict().items()})
with torch.no_grad():
    np.save(path('att-linear.expected.npy'), masked_softmax(m.attn(X).squeeze(-1), mask).numpy())


class HAN(nn.Module):  # word: Linear(H, A) + context Linear(A, 1, bias=False); sentence likewise
    def __init__(self, S_H, S_A):
        super().__init__()
        self.word_attention = nn.Linear(H, A)
        self.word_context_vector = nn.Linear(A, 1, bias=False)
        self.sentence_attention = nn.Linear(S_H, S_A)
        self.sentence_context_vector = nn.Linear(S_A, 1, bias=False)
        self.fc = nn.Linear(S_H, 3)


S, SH, SA = 4, 6, 3
han = HAN(SH, SA)
torch.save(han.state_dict(), path('att-han.pt'))
XS = torch.randn(N, S, SH)
slengths = np.array([4, 2, 3], dtype=np.int64)
smask = torch.arange(S)[None, :] < torch.from_numpy(slengths)[:, None]
np.save(path('att-han-sx.npy'), XS.numpy())
np.save(path('att-han-slengths.npy'), slengths)
with torch.no_grad():
    np.save(path('att-han-word.expected.npy'), masked_softmax(han.word_context_vector(torch.tanh(han.word_attention(X))).squeeze(-1), mask).numpy())
    np.save(path('att-han-sentence.expected.npy'), masked_softmax(han.sentence_context_vector(torch.tanh(han.sentence_attention(XS))).squeeze(-1), smask).numpy())


class Seq(nn.Module):  # nn.Sequential(Linear, Tanh, Linear) with a bias on the context
    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(H, H, batch_first=True)
        self.attention = nn.Sequential(nn.Linear(H, A), nn.Tanh(), nn.Linear(A, 1))


sq = Seq()
torch.save(sq.state_dict(), path('att-sequential.pt'))
with torch.no_grad():
    np.save(path('att-sequential.expected.npy'), masked_softmax(sq.attention(X).squeeze(-1), mask).numpy())


class ParamHAN(nn.Module):  # EdGENetworks-style parameters: tanh(x·W + b)·u
    def __init__(self):
        super().__init__()
        self.word_gru = nn.GRU(H, H // 2, bidirectional=True)
        self.weight_W_word = nn.Parameter(torch.randn(H, A) * 0.5)
        self.bias_word = nn.Parameter(torch.randn(A, 1) * 0.5)
        self.weight_proj_word = nn.Parameter(torch.randn(A, 1) * 0.5)


ph = ParamHAN()
torch.save(ph.state_dict(), path('att-param.pt'))
with torch.no_grad():
    sq_ = torch.tanh(X @ ph.weight_W_word + ph.bias_word.t())
    np.save(path('att-param.expected.npy'), masked_softmax((sq_ @ ph.weight_proj_word).squeeze(-1), mask).numpy())


class Unrecognised(nn.Module):  # Bahdanau (needs the decoder state) and multi-head attention
    def __init__(self):
        super().__init__()
        self.decoder = nn.Module()
        self.decoder.cell = nn.LSTMCell(H, H)
        self.decoder.attention = nn.Module()
        self.decoder.attention.W = nn.Linear(2 * H, H)
        self.decoder.attention.v = nn.Linear(H, 1, bias=False)
        self.mha = nn.MultiheadAttention(H, 2)


torch.save(Unrecognised().state_dict(), path('att-unrecognised.pt'))

# ---- saved attention tensors, for convert ---------------------------------------------------
att = masked_softmax(torch.randn(2, 3, 4), torch.ones(2, 3, 4, dtype=torch.bool))
torch.save(att, path('alignments.pt'))
write_safetensors('alignments.safetensors', {'attention': ('F32', [2, 3, 4], att.numpy().astype('<f4').tobytes())})
expected['alignments'] = {'shape': [2, 3, 4], 'values': values(att)}

# ---- hierarchical inputs for `compute --model att-han.pt --sentence-inputs`: N·S word sequences --
g = torch.Generator().manual_seed(7)
XW = torch.randn(N * S, T, H, generator=g)
wlengths = np.array([6, 5, 4, 3, 2, 6, 1, 1, 3, 4, 5, 6], dtype=np.int64)
wmask = torch.arange(T)[None, :] < torch.from_numpy(wlengths)[:, None]
np.save(path('att-han-wx.npy'), XW.numpy())
np.save(path('att-han-wlengths.npy'), wlengths)
with torch.no_grad():
    np.save(path('att-han-hword.expected.npy'), masked_softmax(han.word_context_vector(torch.tanh(han.word_attention(XW))).squeeze(-1), wmask).numpy())

# ---- storages saved on cuda:0 (written here without CUDA by patching the location tag) -------
cuda = collections.OrderedDict(w=torch.arange(6, dtype=torch.float32).reshape(2, 3))
real_tag = torch.serialization.location_tag
torch.serialization.location_tag = lambda storage: 'cuda:0'
torch.save(cuda, path('cuda.pt'))
torch.save(cuda, path('cuda-legacy.pt'), _use_new_zipfile_serialization=False)
torch.serialization.location_tag = real_tag
expected['cuda'] = describe(cuda)

# an older zip generation: `.data/version` instead of `version`
rewrite_zip(path('cuda.pt'), path('data-version.pt'), rename='old', drop=('version',), extra=[('.data/version', b'3\n')])

# ---- a zip whose storages dwarf its pickle, to see that opening reads no tensor data -------
lazy = collections.OrderedDict(big=torch.zeros(100_000), small=torch.arange(4, dtype=torch.float32))
torch.save(lazy, path('lazy.pt'))

# ---- a whole nn.Sequential saved with torch.save(model): torch.nn classes, kept as placeholders
seq = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
torch.save(seq, path('whole-sequential.pt'))
expected['whole_sequential'] = describe(collections.OrderedDict(seq.state_dict()))

# ---- broadcast views (stride 0): one stored element read as many ----------------------------
bc = collections.OrderedDict(b=torch.tensor([3.0]).expand(4, 5), r=torch.arange(3.0).expand(2, 3))
torch.save(bc, path('broadcast.pt'))
expected['broadcast'] = describe(bc)

# ---- torch >= 2.3's _rebuild_tensor_v3 (dtype given, untyped byte storage), for uint16 ------
# torch 1.13 cannot write it, so the pickle is assembled by hand after torch/_tensor.py
# `_reduce_ex_internal` (v3 for the new dtypes, with `self.untyped_storage()`).
def bu(s):
    b = s.encode()
    return b'X' + struct.pack('<I', len(b)) + b


v3_pkl = (b'\x80\x02ccollections\nOrderedDict\n)R' + bu('u16') + b'ctorch._utils\n_rebuild_tensor_v3\n('
          + b'(' + bu('storage') + b'ctorch\nUntypedStorage\n' + bu('0') + bu('cpu') + b'K\x08tQ'
          + b'K\x00K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rctorch\nuint16\ntRs.')
with zipfile.ZipFile(path('rebuild-v3.pt'), 'w', zipfile.ZIP_STORED) as z:
    z.writestr('archive/data.pkl', v3_pkl)
    z.writestr('archive/data/0', struct.pack('<4H', 1, 2, 65535, 300))
    z.writestr('archive/version', b'3\n')
import pickletools
pickletools.dis(v3_pkl, out=io.StringIO())  # well-formed (parsed, not run)

json.dump(expected, open(path('expected.json'), 'w'), indent=1)
total = sum(os.path.getsize(path(f)) for f in os.listdir(OUT))
print('wrote %d files, %d bytes, to %s' % (len(os.listdir(OUT)), total, OUT))
