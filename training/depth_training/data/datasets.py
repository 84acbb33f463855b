"""One dataset interface over every data source: a `DepthSource` gives 320 x 240 samples
(rgb uint8 (240, 320, 3), depth float32 metres (240, 320), mask bool (240, 320), and the frame's
focal length on that 320-wide grid), and `DepthDataset` turns one into network inputs and
74 x 55 targets in the canonical camera (camera.py), augmented or centre-cropped."""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch.utils.data import Dataset

from . import augment as aug
from ..camera import KINECT, Camera
from ..model import Normalization


@dataclass
class Sample:
    rgb: np.ndarray    # (240, 320, 3) uint8
    depth: np.ndarray  # (240, 320) float32 metres; anything where mask is False
    mask: np.ndarray   # (240, 320) bool, True = valid reading
    #: horizontal focal length in pixels of this 320-wide sample (default: the Kinect's)
    focal_px: float = KINECT.focal_at(aug.FULL_W)


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
        from ..render.synthetic import render_scene  # the renderer is optional for other sources
        self.render, self.seeds = render_scene, list(seeds)

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, i: int) -> Sample:
        s = self.render(self.seeds[i], width=aug.FULL_W, height=aug.FULL_H)
        return Sample(s.rgb, s.depth.astype(np.float32), s.mask.astype(bool))


class DepthDataset(Dataset):
    """Torch view of a source: (input (3, 228, 304) normalised, depth (1, 55, 74),
    mask (1, 55, 74) bool). Depth labels are canonical: the frame's depth times F / f, F the
    focal length of `camera` and f the frame's own, both on the 320-wide grid. Training draws
    the paper's augmentations from a generator seeded by (seed, epoch, index), so a run is
    reproducible (the scale augmentation's depth / s applies on top); testing takes the centre
    crop. `metric=True` (evaluation) keeps the labels in true metres and adds a fourth item,
    f / F (1,) float32: the factor that brings a canonical prediction to metres."""

    def __init__(self, source: DepthSource, train: bool, seed: int = 0,
                 normalization: Normalization = Normalization(), camera: Camera = KINECT,
                 metric: bool = False):
        self.source, self.train, self.seed, self.norm = source, train, seed, normalization
        self.canonical_px, self.metric = camera.focal_at(aug.FULL_W), metric
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, i: int):
        s = self.source[i]
        to_metres = np.float32(s.focal_px / self.canonical_px)  # f / F
        sample_depth = s.depth if self.metric else s.depth / to_metres
        if self.train:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            rgb, depth, mask = aug.augment(s.rgb, sample_depth, s.mask, aug.AugmentParams.random(rng))
        else:
            rgb, depth, mask = aug.centre_crop(s.rgb, sample_depth, s.mask)
        depth, mask = aug.targets(depth, mask)
        mean = np.asarray(self.norm.mean, np.float32) * 255
        scale = 1 / (np.asarray(self.norm.std, np.float32) * 255)
        # Same arithmetic as Normalization.apply, in numpy (cheaper per sample in a loader).
        x = torch.from_numpy(((rgb - mean) * scale).transpose(2, 0, 1).copy())  # (3, 228, 304)
        d = torch.from_numpy(np.where(mask, depth, 0).astype(np.float32))[None]  # (1, 55, 74)
        m = torch.from_numpy(np.ascontiguousarray(mask))[None]                   # (1, 55, 74)
        if self.metric:
            return x, d, m, torch.tensor([to_metres])                              # f / F (1,)
        return x, d, m


class ConcatSource:
    """Several sources one after another, each part taken `repeat` times per pass (a repeated
    frame gets a fresh augmentation each time: DepthDataset seeds by the concatenated index)."""

    def __init__(self, parts: list[tuple[DepthSource, int]]):
        if not parts or any(r < 1 for _, r in parts):
            raise ValueError("a concatenation needs at least one part, each repeated at least once")
        self.parts = parts
        self.ends = list(itertools.accumulate(len(src) * r for src, r in parts))

    def __len__(self) -> int:
        return self.ends[-1]

    @property
    def distinct_frames(self) -> int:
        """Frames without the repeats."""
        return sum(distinct_frames(src) for src, _ in self.parts)

    def __getitem__(self, i: int) -> Sample:
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = bisect.bisect_right(self.ends, i)
        src = self.parts[k][0]
        return src[(i - (self.ends[k - 1] if k else 0)) % len(src)]


def distinct_frames(source: DepthSource) -> int:
    """Frames of a source, not counting a concatenation's repeats."""
    return getattr(source, "distinct_frames", len(source))


def open_source(spec: str) -> DepthSource:
    """`synthetic:DIR[:N]` (pre-generated arrays, the first N), `synthetic-seeds:A-B` (rendered on the fly),
    `folder:DIR` (sources.ImageDepthFolder), `nyu:MAT:SPLITS:train|test` -> a DepthSource.
    Several specs joined by `+` make one concatenated source (so no `+` in paths), and a part
    ending in `*K` is taken K times per epoch (quote the spec in a shell), e.g.
    `folder:training/data/photoreal/train*2+synthetic:training/data/synthetic/train:2600`."""
    parts = [(_open_one(body), times) for body, times in _parts(spec)]
    if len(parts) == 1 and parts[0][1] == 1:
        return parts[0][0]
    return ConcatSource(parts)


def data_paths(spec: str) -> list[Path]:
    """The folders an open_source spec reads from disk (its `folder:` and `synthetic:` parts), in
    order; `synthetic-seeds:` (rendered on the fly) and `nyu:` name none."""
    paths = []
    for body, _ in _parts(spec):
        kind, _, rest = body.partition(":")
        if kind in ("folder", "synthetic"):
            paths.append(Path(rest if kind == "folder" else rest.partition(":")[0]))
    return paths


def _parts(spec: str) -> list[tuple[str, int]]:
    """`A*K+B` -> [(A, K), (B, 1)]: each part of a spec and how often it is taken per epoch."""
    parts = []
    for part in spec.split("+"):
        body, star, times = part.rpartition("*")
        if not star:
            parts.append((part, 1))
        elif not body or not times.isdigit() or int(times) < 1:
            raise ValueError(f"{part!r}: a repeated part is SPEC*K with a whole K >= 1")
        else:
            parts.append((body, int(times)))
    return parts


def _open_one(spec: str) -> DepthSource:
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
    raise ValueError(f"unknown data source {spec!r} (synthetic:, synthetic-seeds:, folder:, nyu:; "
                     f"joined by +, each optionally *K)")
