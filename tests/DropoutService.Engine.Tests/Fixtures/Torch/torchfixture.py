"""Writes PyTorch reference cases in the format TestSupport/TorchFixture.cs reads.

Used by the generate_*.py scripts beside it (run with Debian's python3-torch, e.g.
`/usr/bin/python3 tests/DropoutService.Engine.Tests/Fixtures/Torch/generate_conv.py`);
their JSON output is committed so CI needs no torch.
"""
import json
import os

import torch

FOLDER = os.path.dirname(os.path.abspath(__file__))


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    # float(x) of a float32 value is exact in float64, and repr() round-trips it.
    return {"shape": list(t.shape), "data": [float(x) for x in t.reshape(-1).tolist()]}


def write(name, generator, settings, tensors):
    document = {
        "generator": generator,
        "torch": torch.__version__,
        "settings": settings,
        "tensors": {k: tensor(v) for k, v in tensors.items()},
    }
    with open(os.path.join(FOLDER, name + ".json"), "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
