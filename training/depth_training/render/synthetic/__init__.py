"""Procedural synthetic indoor scenes with exact metric depth and Kinect-like holes.

    sample = render_scene(seed=7)            # 320x240, a random room with 4-12 objects
    sample.rgb    # (240, 320, 3) uint8
    sample.depth  # (240, 320) float32, metres along the optical axis (like a Kinect)
    sample.mask   # (240, 320) bool, True where the simulated Kinect has a reading

Command line: ``python -m depth_training.render.synthetic --count 200 --bench --preview out.png``
prints throughput and writes a preview grid (rgb | depth | mask) (`__main__`).
Modules: `scene` (the random scene description), `geometry` and `render` (the vectorised ray
casting), `texture` (the procedural textures), `reference` (the slow scalar ray caster the
vectorised one is tested against), `generate` (pre-render train / val / test arrays).
"""

from __future__ import annotations

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
