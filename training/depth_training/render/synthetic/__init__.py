"""Procedural synthetic indoor scenes with exact metric depth and Kinect-like holes.

    sample = render_scene(seed=7)            # 320x240, a random room with 4-12 objects
    sample.rgb    # (240, 320, 3) uint8
    sample.depth  # (240, 320) float32, metres along the optical axis (like a Kinect)
    sample.mask   # (240, 320) bool, True where the simulated Kinect has a reading

Command line: ``python -m depth_training.render.synthetic --count 200 --bench --preview out.png``
prints throughput and writes a preview grid (rgb | depth | mask).
The scene model lives in scene, the ray casting in geometry and render, the textures in texture.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from .render import render_buffers
from .scene import sample_scene


@dataclass
class SyntheticSample:
    """One rendered frame."""

    rgb: np.ndarray  # (H, W, 3) uint8
    depth: np.ndarray  # (H, W) float32, metres, exact z-depth everywhere (also where masked)
    mask: np.ndarray  # (H, W) bool, True = valid reading


def render_scene(seed: int, width: int = 320, height: int = 240, *, num_objects: int | None = None) -> SyntheticSample:
    """Render the random indoor scene fixed by ``seed``.

    ``num_objects`` overrides the random furniture count (4-12); 0 gives an empty room.
    """
    if width < 8 or height < 8:
        raise ValueError(f"render size must be at least 8x8, got {width}x{height}")
    if num_objects is not None and not 0 <= num_objects <= 64:
        raise ValueError(f"num_objects must be in [0, 64], got {num_objects}")
    rng = np.random.default_rng(seed)
    scene = sample_scene(rng, num_objects)
    b = render_buffers(scene, width, height, rng)
    return SyntheticSample(rgb=b.rgb, depth=b.depth, mask=b.mask)


def depth_colors(depth: np.ndarray, mask: np.ndarray, max_depth: float = 10.0) -> np.ndarray:
    """Colour-mapped depth for people to look at: (H, W) -> (H, W, 3) uint8, masked pixels black."""
    from matplotlib import colormaps

    rgb = colormaps["turbo"](np.clip(depth / max_depth, 0, 1))[..., :3]
    rgb = (rgb * 255).astype(np.uint8)
    rgb[~mask] = 0
    return rgb


def preview_grid(samples: list[SyntheticSample]) -> np.ndarray:
    """Rows of rgb | colour depth | mask, one row per sample: (n*H, 3*W, 3) uint8."""
    rows = []
    for s in samples:
        mask_rgb = np.repeat((s.mask.astype(np.uint8) * 255)[..., None], 3, axis=2)
        rows.append(np.concatenate([s.rgb, depth_colors(s.depth, s.mask), mask_rgb], axis=1))
    return np.concatenate(rows, axis=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render synthetic indoor RGB-D scenes.")
    parser.add_argument("--count", type=int, default=100, help="number of scenes to render")
    parser.add_argument("--seed", type=int, default=0, help="first seed (seeds seed .. seed+count-1)")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--bench", action="store_true", help="print throughput")
    parser.add_argument("--preview", help="write a PNG grid (rgb | depth | mask) of the first scenes")
    parser.add_argument("--preview-rows", type=int, default=6)
    parser.add_argument("--preview-scale", type=int, default=2, help="subsample factor for the preview")
    args = parser.parse_args(argv)

    samples = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    valid = 0.0
    for i in range(args.count):
        s = render_scene(args.seed + i, args.width, args.height)
        valid += float(s.mask.mean())
        if len(samples) < args.preview_rows:
            samples.append(s)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if args.bench:
        print(
            f"rendered {args.count} scenes at {args.width}x{args.height} in {wall:.2f} s wall, {cpu:.2f} s CPU: "
            f"{args.count / wall:.1f} images/s wall, {args.count / cpu:.1f} images/s per core "
            f"({1000 * cpu / args.count:.1f} ms CPU each); mean valid fraction {valid / args.count:.3f}"
        )
    if args.preview:
        from PIL import Image

        k = max(args.preview_scale, 1)
        grid = preview_grid([type(s)(s.rgb[::k, ::k], s.depth[::k, ::k], s.mask[::k, ::k]) for s in samples])
        Image.fromarray(grid).save(args.preview, optimize=True)
        print(f"wrote {args.preview} ({grid.shape[1]}x{grid.shape[0]})")

