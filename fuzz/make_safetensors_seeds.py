"""Writes the safetensors fuzz seed corpus (fuzz/corpus/safetensors): tiny valid depth models in
F32 and F16 from the one maker of test models (depth_training.fixture_models, the training
package's own exporter), and a few near-misses of them.

    PYTHONPATH=training .venv/bin/python fuzz/make_safetensors_seeds.py fuzz/corpus/safetensors
"""
from __future__ import annotations

import sys
from pathlib import Path

from depth_training.fixture_models import write_fuzz_seed

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for tag in ["f16", "f32"]:
    write_fuzz_seed(out / f"tiny-{tag}.safetensors", tag)
valid = (out / "tiny-f16.safetensors").read_bytes()
header_length = int.from_bytes(valid[:8], "little")
(out / "truncated-data").write_bytes(valid[:-7])
(out / "header-only").write_bytes(valid[:8 + header_length])
(out / "header-length-huge").write_bytes((2**63).to_bytes(8, "little") + valid[8:64])
(out / "empty-object").write_bytes((8).to_bytes(8, "little") + b"{}      ")
