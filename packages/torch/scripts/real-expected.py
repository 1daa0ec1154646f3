#!/usr/bin/python3
"""What torch 1.13 reads from the PyTorch and safetensors files of ../shared/fixtures/real:
every tensor's dtype, shape, first values and float64 sum, for test/conformance/torch.test.ts.
Run: /usr/bin/python3 packages/torch/scripts/real-expected.py > packages/torch/tests/fixtures/real-expected.json
safetensors is read by hand (8-byte length, JSON header, raw bytes: its README "Format"),
since the safetensors package is not installed; torch.frombuffer gives the values.
"""
import json
import os
import struct
import sys

import torch

REAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'shared', 'fixtures', 'real')
FILES = ['mohanaadshakir-bcai/attention_net.pt', 'venkatesh-seq2seq/best_seq2seq.pt', 'coffeevampir3-safetensors/model.safetensors']
ST = {'F32': torch.float32, 'F64': torch.float64, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64}


def spot(t):
    t = t.detach().to(torch.float64).reshape(-1)
    return {'dtype': None, 'shape': None, 'first': t[:3].tolist(), 'sum': float(t.sum())}


def read_safetensors(p):
    raw = open(p, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', None)
    out = {}
    for k, v in header.items():
        b, e = v['data_offsets']
        out[k] = (v['dtype'], torch.frombuffer(bytearray(raw[8 + n + b:8 + n + e]), dtype=ST[v['dtype']]).reshape(v['shape']))
    return out, meta


result = {}
for rel in FILES:
    p = os.path.join(REAL, rel)
    if rel.endswith('.safetensors'):
        tensors, meta = read_safetensors(p)
        entry = {'metadata': meta, 'tensors': {}}
        for k, (dt, t) in tensors.items():
            s = spot(t)
            s.update(dtype=str(t.dtype).replace('torch.', ''), shape=list(t.shape))
            entry['tensors'][k] = s
    else:
        sd = torch.load(p, map_location='cpu', weights_only=True) if 'weights_only' in torch.load.__code__.co_varnames else torch.load(p, map_location='cpu')
        entry = {'tensors': {}}
        for k, t in sd.items():
            s = spot(t)
            s.update(dtype=str(t.dtype).replace('torch.', ''), shape=list(t.shape))
            entry['tensors'][k] = s
    result[rel] = entry
json.dump(result, sys.stdout, indent=1)
print()
