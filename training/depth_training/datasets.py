"""One dataset interface over every data source: a `DepthSource` gives 320 x 240 samples
(rgb uint8 (240, 320, 3), depth float32 metres (240, 320), mask bool (240, 320)), and
`DepthDataset` turns one into network inputs and 74 x 55 targets, augmented or centre-cropped."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch.utils.data import Dataset

from . import augment as aug
from .model import Normalization


@dataclass
class Sample:
    rgb: np.ndarray    # (240, 320, 3) uint8
    depth: np.ndarray  # (240, 320) float32 metres; anything where mask is False
    mask: np.ndarray   # (240, 320) bool, True = valid reading


class DepthSource(Protocol):
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> Sample: ...


class SyntheticArrays:
    """Pre-generated synthetic scenes: DIR/rgb.npy (N, 240, 320, 3) uint8, DIR/depth.npy
    (N, 240, 320) float32, DIR/mask.npy (N, 240, 320) bool (memory-mapped)."""

    def __init__(self, root: str | Path, limit: int | None = None):
        root = Path(root)
        self.rgb = np.load(root / "rgb.npy", mmap_mode="r")
        self.depth = np.load(root / "depth.npy", mmap_mode="r")
        self.mask = np.load(root / "mask.npy", mmap_mode="r")
        if not (len(self.rgb) == len(self.depth) == len(self.mask)):
            raise ValueError(f"{root}: rgb, depth and mask hold different numbers of scenes")
        self.count = len(self.rgb) if limit is None else min(limit, len(self.rgb))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> Sample:
        if not 0 <= i < self.count:
            raise IndexError(i)
        rgb, depth, mask = np.asarray(self.rgb[i]), np.asarray(self.depth[i]), np.asarray(self.mask[i])
        if depth.shape != (aug.FULL_H, aug.FULL_W):
            rgb, depth, mask = aug.subsample(rgb, depth, mask)
        return Sample(rgb, depth, mask)


class SyntheticScenes:
    """Scenes rendered on the fly from the procedural generator, one per seed."""

    def __init__(self, seeds: range | list[int]):
        from .synthetic import render_scene  # the renderer is optional for other sources
        self.render, self.seeds = render_scene, list(seeds)

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, i: int) -> Sample:
        s = self.render(self.seeds[i], width=aug.FULL_W, height=aug.FULL_H)
        return Sample(s.rgb, s.depth.astype(np.float32), s.mask.astype(bool))


class DepthDataset(Dataset):
    """Torch view of a source: (input (3, 228, 304) normalised, depth (1, 55, 74),
    mask (1, 55, 74) bool). Training draws the paper's augmentations from a generator seeded
    by (seed, epoch, index), so a run is reproducible; testing takes the centre crop."""

    def __init__(self, source: DepthSource, train: bool, seed: int = 0,
                 normalization: Normalization = Normalization()):
        self.source, self.train, self.seed, self.norm = source, train, seed, normalization
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, i: int):
        s = self.source[i]
        if self.train:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            rgb, depth, mask = aug.augment(s.rgb, s.depth, s.mask, aug.AugmentParams.random(rng))
        else:
            rgb, depth, mask = aug.centre_crop(s.rgb, s.depth, s.mask)
        depth, mask = aug.targets(depth, mask)
        mean = np.asarray(self.norm.mean, np.float32) * 255
        scale = 1 / (np.asarray(self.norm.std, np.float32) * 255)
        # Same arithmetic as Normalization.apply, in numpy (cheaper per sample in a loader).
        x = torch.from_numpy(((rgb - mean) * scale).transpose(2, 0, 1).copy())  # (3, 228, 304)
        d = torch.from_numpy(np.where(mask, depth, 0).astype(np.float32))[None]  # (1, 55, 74)
        m = torch.from_numpy(np.ascontiguousarray(mask))[None]                   # (1, 55, 74)
        return x, d, m


def open_source(spec: str) -> DepthSource:
    """`synthetic:DIR[:N]` (pre-generated arrays, the first N), `synthetic-seeds:A-B` (rendered on the fly),
    `folder:DIR`, `nyu:MAT:SPLITS:train|test` -> a DepthSource."""
    kind, _, rest = spec.partition(":")
    if kind == "synthetic":
        root, _, limit = rest.partition(":")
        return SyntheticArrays(root, int(limit) if limit else None)
    if kind == "synthetic-seeds":
        a, _, b = rest.partition("-")
        return SyntheticScenes(range(int(a), int(b)))
    if kind == "folder":
        from .sources import ImageDepthFolder
        return ImageDepthFolder(rest)
    if kind == "nyu":
        from .sources import NYUDepthV2
        mat, splits, split = rest.rsplit(":", 2)
        return NYUDepthV2(mat, splits, split)
    raise ValueError(f"unknown data source {spec!r} (synthetic:, synthetic-seeds:, folder:, nyu:)")
