"""Writes the safetensors fuzz seed corpus (fuzz/corpus/safetensors): tiny valid depth models in
F32 and F16 made with the training package's own exporter, and a few near-misses of them.

    PYTHONPATH=training .venv/bin/python fuzz/make_safetensors_seeds.py fuzz/corpus/safetensors
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
from depth_training.export import save_model
from depth_training.model import Architecture, DepthNet

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
model = DepthNet(Architecture.sized(48, 40, (1, 2, 1, 1, 1), 2, (1, 1)))
for dtype, tag in [(torch.float16, "f16"), (torch.float32, "f32")]:
    path = out / f"tiny-{tag}.safetensors"
    save_model(model, path, name="fuzz-seed", description="tiny model for fuzzing", trained_on="nothing",
               dtype=dtype)
valid = (out / "tiny-f16.safetensors").read_bytes()
header_length = int.from_bytes(valid[:8], "little")
(out / "truncated-data").write_bytes(valid[:-7])
(out / "header-only").write_bytes(valid[:8 + header_length])
(out / "header-length-huge").write_bytes((2**63).to_bytes(8, "little") + valid[8:64])
(out / "empty-object").write_bytes((8).to_bytes(8, "little") + b"{}      ")
