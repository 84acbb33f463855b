"""Real-data sources behind the DepthSource interface of datasets.py: NYU Depth v2's labelled
.mat file with its official train/test split, and a folder of RGB images with 16-bit depth PNGs."""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np

from . import augment as aug
from ..camera import KINECT, Camera
from .datasets import Sample
from .matfile import read_mat

NYU_SPLIT_KEYS = {"train": "trainNdxs", "test": "testNdxs"}


class NYUDepthV2:
    """`nyu_depth_v2_labeled.mat` (MATLAB v7.3 = HDF5): `images` (N, 3, 640, 480) uint8 and
    `depths` (N, 640, 480) float32 metres, as h5py sees MATLAB's column-major arrays. `split`
    picks the official 795 training / 654 test frames of `splits.mat` (1-based indices), or
    `all`. `raw=True` takes `rawDepths` (Kinect holes = 0) instead of the filled `depths`."""

    def __init__(self, mat_path: str | Path, splits_path: str | Path | None, split: str = "train",
                 raw: bool = False):
        import h5py
        self.path = Path(mat_path)
        self.file = h5py.File(self.path, "r")
        key = "rawDepths" if raw else "depths"
        for k in ("images", key):
            if k not in self.file:
                raise ValueError(f"{self.path}: no dataset {k!r} (not an NYU Depth v2 labelled file)")
        self.images, self.depths = self.file["images"], self.file[key]
        n = self.images.shape[0]
        if self.images.shape[1] != 3 or self.depths.shape[0] != n:
            raise ValueError(f"{self.path}: images {self.images.shape} and {key} {self.depths.shape} disagree")
        if split == "all":
            self.indices = list(range(n))
        else:
            if split not in NYU_SPLIT_KEYS or splits_path is None:
                raise ValueError("split must be 'train' or 'test' with a splits file, or 'all'")
            arrays = read_mat(splits_path)
            if NYU_SPLIT_KEYS[split] not in arrays:
                raise ValueError(f"{splits_path}: no {NYU_SPLIT_KEYS[split]!r} in the splits file")
            ones = np.asarray(arrays[NYU_SPLIT_KEYS[split]]).astype(np.int64).ravel()
            if ones.size and (ones.min() < 1 or ones.max() > n):
                raise ValueError(f"{splits_path}: split index outside 1..{n}")
            self.indices = [int(i) - 1 for i in ones]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> Sample:
        j = self.indices[i]
        rgb = np.asarray(self.images[j]).transpose(2, 1, 0)        # (3, W, H) -> (H, W, 3)
        depth = np.asarray(self.depths[j], np.float32).T           # (W, H) -> (H, W)
        mask = np.isfinite(depth) & (depth > 0)
        return Sample(*aug.subsample(np.ascontiguousarray(rgb), depth, mask))


class ImageDepthFolder:
    """DIR/rgb/NAME.{png,jpg,jpeg} with DIR/depth/NAME.png: single-channel 16-bit PNG, depth in
    millimetres, 0 = missing (the format `depthd predict --format png16` writes). Both are
    brought to 320 x 240 by nearest-neighbour subsampling (a 640 x 480 pair: every other pixel).

    Optional DIR/cameras.csv gives each frame's camera, one row per frame after the header:

        name,focal_px,width
        kitchen-0001,554.26,640

    `name` is the rgb file's stem, `focal_px` the horizontal focal length in pixels of an image
    `width` pixels wide (e.g. the 640-wide original); it is converted to the 320-wide grid of
    the samples. Without the file every frame has the Kinect's camera (camera.KINECT; a warning
    says so). A
    malformed file, or one without a row for some frame, is refused (ValueError naming the
    file and the line); rows for frames that are not in rgb/ are ignored."""

    CAMERAS = "cameras.csv"

    def __init__(self, root: str | Path):
        root = Path(root)
        if not (root / "rgb").is_dir() or not (root / "depth").is_dir():
            raise ValueError(f"{root}: expected subfolders rgb/ and depth/")
        self.pairs = []
        for img in sorted((root / "rgb").iterdir()):
            if img.suffix.lower() in (".png", ".jpg", ".jpeg"):
                d = root / "depth" / (img.stem + ".png")
                if not d.exists():
                    raise ValueError(f"{img}: no depth file {d}")
                self.pairs.append((img, d))
        if not self.pairs:
            raise ValueError(f"{root}/rgb: no .png or .jpg images")
        default = KINECT.focal_at(aug.FULL_W)
        self.focal_px = [default] * len(self.pairs)  # on the 320-wide grid
        if not (root / self.CAMERAS).exists():
            # Not an error (the format users bring has no cameras), but a generator's folder
            # read before its cameras.csv is written would silently get wrong labels.
            warnings.warn(f"{root}: no {self.CAMERAS}; every frame is taken as the Kinect camera "
                          f"({default:g} px at width {aug.FULL_W})", stacklevel=2)
        else:
            cams = read_cameras(root / self.CAMERAS)
            for i, (img, _) in enumerate(self.pairs):
                if img.stem not in cams:
                    raise ValueError(f"{root / self.CAMERAS}: no row for frame {img.stem!r} ({img})")
                self.focal_px[i] = cams[img.stem].focal_at(aug.FULL_W)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i: int) -> Sample:
        from PIL import Image
        img_path, depth_path = self.pairs[i]
        rgb = np.asarray(Image.open(img_path).convert("RGB"))
        with Image.open(depth_path) as im:
            if im.mode not in ("I;16", "I;16B", "I"):
                raise ValueError(f"{depth_path}: depth must be a 16-bit single-channel PNG, got mode {im.mode}")
            mm = np.asarray(im).astype(np.int64)
        if mm.shape != rgb.shape[:2]:
            raise ValueError(f"{depth_path}: size {mm.shape[::-1]} differs from the image's {rgb.shape[1::-1]}")
        mask = mm > 0
        return Sample(*aug.subsample(rgb, (mm / 1000.0).astype(np.float32), mask), focal_px=self.focal_px[i])


CAMERAS_HEADER = ["name", "focal_px", "width"]


def read_cameras(path: Path) -> dict[str, Camera]:
    """cameras.csv (header `name,focal_px,width`) -> {name: Camera}; refuses a wrong header, a
    row without three fields, a focal length or width that is not a positive number, and a
    name given twice, naming the file and the line."""
    out: dict[str, Camera] = {}
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = [h.strip() for h in next(rows, [])]
        if header != CAMERAS_HEADER:
            raise ValueError(f"{path}: line 1: header must be {','.join(CAMERAS_HEADER)}, got {','.join(header)!r}")
        for row in rows:
            line = rows.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 3:
                raise ValueError(f"{path}: line {line}: expected 3 fields name,focal_px,width, got {len(row)}")
            name, focal, width = (c.strip() for c in row)
            try:
                cam = Camera(float(focal), int(width))
            except ValueError as e:
                raise ValueError(f"{path}: line {line}: bad camera {row!r} ({e})") from None
            if not name:
                raise ValueError(f"{path}: line {line}: empty name")
            if name in out:
                raise ValueError(f"{path}: line {line}: frame {name!r} given twice")
            out[name] = cam
    return out
