"""PyTorch side of scripts/bench-engine.sh: writes random-weight models and a shared input (first
call), times the reference model (eval, no_grad) at batch 1 and batch 8, and saves its outputs.

python training/scripts/bench_engine_torch.py OUT_DIR --threads T [--variants paper,half,paper-f16]
A variant is an architecture name from VARIANTS, optionally with the suffix `-f16`: its weights file
stores every tensor as F16 (the random weights rounded to F16), and PyTorch runs on exactly those
values widened to fp32, as it would load the file.
Writes OUT_DIR/VARIANT.safetensors (weights), OUT_DIR/VARIANT.io.safetensors (`input` (8, 3, H, W)
and `output` (8, 1, oh, ow) from PyTorch) once, and appends one line of timings per call to
OUT_DIR/torch-timings.jsonl, so that the script can alternate rounds with the Swift side.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from safetensors.torch import load_file

from depth_training.export import load_model, save_model, write_safetensors
from depth_training.fixture_models import make_random

BATCH = 8
HALF_SUFFIX = "-f16"


def storage(variant: str) -> tuple[str, torch.dtype]:
    """The architecture name and the weights file's storage dtype of a benchmark variant."""
    if variant.endswith(HALF_SUFFIX):
        return variant[: -len(HALF_SUFFIX)], torch.float16
    return variant, torch.float32


def median_seconds(fn, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median process CPU seconds (all threads) of one call."""
    fn()  # warm-up: first-call allocations and kernel selection
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out_dir", type=Path)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--variants", default="paper,half")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    timings = {"threads": torch.get_num_threads(), "torch": torch.__version__, "variants": {}}
    for variant in args.variants.split(","):
        weights, io = args.out_dir / f"{variant}.safetensors", args.out_dir / f"{variant}.io.safetensors"
        if weights.exists() and io.exists():
            model, _, _ = load_model(weights)
            x = load_file(str(io))["input"]                                      # (8, 3, H, W)
        else:
            arch, dtype = storage(variant)
            g = torch.Generator().manual_seed(2014)
            # He-scaled weights keep activations non-trivial, so the output comparison means something.
            model = make_random(arch, g)
            save_model(model, weights, name=f"bench-{variant}",
                       description=f"random weights for the engine benchmark ({variant})",
                       trained_on="random weights (benchmark)", dtype=dtype)
            # Reloaded, so that PyTorch runs on exactly what the file holds (F16 values widened to fp32).
            model, _, _ = load_model(weights)
            a = model.arch
            x = torch.randn(BATCH, 3, a.input_height, a.input_width, generator=g)  # (8, 3, H, W)
        model.eval()
        with torch.no_grad():
            output = model(x)                                                   # (8, 1, oh, ow)
            one = x[:1].contiguous()
            batch1 = median_seconds(lambda: model(one), args.repeats * 2)
            batch8 = median_seconds(lambda: model(x), args.repeats)
        write_safetensors(io, {"input": x, "output": output})
        timings["variants"][variant] = {"batch1_seconds": batch1[0], "batch8_seconds": batch8[0],
                                        "batch1_cpu_seconds": batch1[1], "batch8_cpu_seconds": batch8[1]}
        print(f"torch {variant}: batch 1 {batch1[0] * 1e3:.1f} ms, batch 8 {batch8[0] * 1e3 / BATCH:.1f} ms/image", flush=True)
    with open(args.out_dir / "torch-timings.jsonl", "a") as f:
        f.write(json.dumps(timings) + "\n")


if __name__ == "__main__":
    main()
