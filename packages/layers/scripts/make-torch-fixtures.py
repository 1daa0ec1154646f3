#!/usr/bin/env python3
"""Writes tests/fixtures/torch.json: torch.nn.GRU and torch.nn.LSTM run by PyTorch itself
(Debian python3-torch, CPU, float32), their weights in PyTorch's layout, and the outputs. The
test converts the weights with torchGruToKeras / torchLstmToKeras and runs runRnn: a check of
both the GRU reset_after=True / LSTM formulas and the converters that does not go through
keras_ref.py. Packed sequences (pack_padded_sequence) give the final state at each sample's
length, which is what a Keras mask over post-padding gives.

  /usr/bin/python3 packages/layers/scripts/make-torch-fixtures.py
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "torch.json")


def arr(t):
    a = t.detach().cpu().numpy().astype(np.float64)
    return {"shape": list(a.shape), "data": a.reshape(-1).tolist()}


def main():
    torch.manual_seed(3)
    N, T, F, U = 3, 7, 4, 6
    x = torch.randn(N, T, F)
    lengths = torch.tensor([7, 4, 1])
    cases = []
    for kind in ("gru", "lstm"):
        mod = (torch.nn.GRU if kind == "gru" else torch.nn.LSTM)(F, U, batch_first=True)
        with torch.no_grad():
            for p in mod.parameters():  # wider than the default init so the gates saturate sometimes
                p.uniform_(-0.8, 0.8)
            out, hn = mod(x)
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            _, hn_packed = mod(packed)
        hs = [hn] if kind == "gru" else list(hn)
        hs_packed = [hn_packed] if kind == "gru" else list(hn_packed)
        cases.append({
            "kind": kind, "units": U, "x": arr(x), "lengths": lengths.tolist(),
            "weight_ih": arr(mod.weight_ih_l0), "weight_hh": arr(mod.weight_hh_l0),
            "bias_ih": arr(mod.bias_ih_l0), "bias_hh": arr(mod.bias_hh_l0),
            "output": arr(out), "states": [arr(h[0]) for h in hs], "packedStates": [arr(h[0]) for h in hs_packed],
        })
    # The reverse direction of a bidirectional GRU: Keras go_backwards, its output flipped back in time.
    mod = torch.nn.GRU(F, U, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for p in mod.parameters():
            p.uniform_(-0.8, 0.8)
        out, hn = mod(x)
    cases.append({
        "kind": "gru", "direction": "reverse", "units": U, "x": arr(x), "lengths": lengths.tolist(),
        "weight_ih": arr(mod.weight_ih_l0_reverse), "weight_hh": arr(mod.weight_hh_l0_reverse),
        "bias_ih": arr(mod.bias_ih_l0_reverse), "bias_hh": arr(mod.bias_hh_l0_reverse),
        "output": arr(out[:, :, U:]), "states": [arr(hn[1])], "packedStates": [],
    })
    with open(OUT, "w") as fh:
        json.dump({"torch": torch.__version__, "cases": cases}, fh, separators=(",", ":"))
    print("wrote", OUT, "torch", torch.__version__)


if __name__ == "__main__":
    main()
