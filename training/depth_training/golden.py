"""Golden files for the Swift engine: small random-weight variants, inputs and every activation.

python -m depth_training.golden OUT_DIR   (training/scripts/make_golden.sh calls this)
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from .export import save_model, write_safetensors
from .model import VARIANTS, DepthNet, Normalization

#: name -> (variant, batch size, seed). Different widths, non-paper input sizes.
GOLDEN = {"golden-a": ("golden-a", 3, 1234), "golden-b": ("golden-b", 2, 5678)}


def init_golden(model: DepthNet, g: torch.Generator) -> None:
    """He-scaled uniform weights and small positive biases, so that ReLUs stay partly open and
    every activation carries signal (paper init would shrink them towards zero)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.copy_(torch.rand(p.shape, generator=g) * 0.2 - 0.05)
            else:
                fan_in = p[0].numel()
                bound = math.sqrt(6.0 / fan_in)
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * bound)


def golden_images(n: int, h: int, w: int, g: torch.Generator) -> torch.Tensor:
    """(n, h, w, 3) uint8-valued float pixels: smooth gradients plus noise, like a photo."""
    ys = torch.linspace(0, 1, h).view(1, h, 1, 1)
    xs = torch.linspace(0, 1, w).view(1, 1, w, 1)
    a = torch.rand(n, 1, 1, 3, generator=g)
    b = torch.rand(n, 1, 1, 3, generator=g)
    base = 255 * (0.5 * a * ys + 0.5 * b * xs) + 60 * torch.rand(n, h, w, 3, generator=g)
    return base.clamp(0, 255).round()


def write_expected(path: Path, model: DepthNet, norm: Normalization, rgb: torch.Tensor,
                   only_output: bool = False, metadata: dict | None = None) -> torch.Tensor:
    """Write `input`, every activation (or only `act.output`) and `rgb`; returns the output."""
    x = norm.apply(rgb.permute(0, 3, 1, 2).contiguous())  # (N, 3, H, W) normalised
    model.eval()
    with torch.no_grad():
        acts = model.forward_with_activations(x)
    tensors = {"input": x, "rgb": rgb}
    if only_output:
        tensors["act.output"] = acts["act.output"]
    else:
        tensors.update(acts)
    write_safetensors(path, {k: v.to(torch.float32) for k, v in tensors.items()}, metadata)
    return acts["act.output"]


def make_golden(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (variant, batch, seed) in GOLDEN.items():
        g = torch.Generator().manual_seed(seed)
        model = DepthNet(VARIANTS[variant])
        init_golden(model, g)
        norm = Normalization()
        weights = out_dir / f"{name}.safetensors"
        save_model(model, weights, norm, name=name,
                   description=f"random-weight golden model ({variant}, seed {seed})",
                   trained_on="random weights (golden file)")
        a = model.arch
        rgb = golden_images(batch, a.input_height, a.input_width, g)
        expected = out_dir / f"{name}.expected.safetensors"
        write_expected(expected, model, norm, rgb)
        written += [weights, expected]
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out_dir", type=Path)
    for path in make_golden(p.parse_args().out_dir):
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
