"""Data preparation and augmentation as in Eigen et al. (2014), on numpy arrays.

Every sample is first brought to 320 x 240 by plain subsampling. Training takes a random
304 x 228 crop after scaling (s in [1, 1.5], depth / s), rotation (+-5 degrees), a per-channel
colour factor in [0.8, 1.2] and a horizontal flip (p = 0.5); testing takes the centre crop.
Depth and mask are always resampled by nearest neighbour, so no valid and missing values are
ever blended and a mask stays a mask; RGB is resampled bilinearly (black outside the source).

Targets at the 74 x 55 output: depth and mask of the 304 x 228 crop at [1::4, 1::4] (76 x 57),
without its first and last row and column, i.e. crop rows 5, 9, ..., 221 and columns 5, 9, ...,
297. Output cell j is centred on crop pixel 4j + 6 (fine conv1 9x9/2 then pool 3x3/2), so this
choice is the centred one, one pixel off the exact centre (see eigen2014.md).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FULL_W, FULL_H = 320, 240
CROP_W, CROP_H = 304, 228
OUT_W, OUT_H = 74, 55
TARGET_START, TARGET_STEP = 5, 4


def subsample(rgb: np.ndarray, depth: np.ndarray, mask: np.ndarray,
              width: int = FULL_W, height: int = FULL_H):
    """Nearest-neighbour subsampling to width x height; 640 x 480 -> [::2, ::2] exactly.
    rgb (H, W, 3) uint8, depth (H, W) float32, mask (H, W) bool."""
    h, w = depth.shape
    rows = (np.arange(height) * h) // height  # (height,)
    cols = (np.arange(width) * w) // width    # (width,)
    ix = np.ix_(rows, cols)
    return rgb[ix], depth[ix].astype(np.float32), mask[ix].astype(bool)


def targets(depth: np.ndarray, mask: np.ndarray):
    """(228, 304) crop -> (55, 74) targets at rows 5 + 4i, columns 5 + 4j."""
    sl = (slice(TARGET_START, TARGET_START + TARGET_STEP * OUT_H, TARGET_STEP),
          slice(TARGET_START, TARGET_START + TARGET_STEP * OUT_W, TARGET_STEP))
    return depth[sl], mask[sl]


def centre_crop(rgb: np.ndarray, depth: np.ndarray, mask: np.ndarray):
    """The test-time crop: centre 304 x 228 of a 320 x 240 sample (depth 0 where masked)."""
    y0, x0 = (FULL_H - CROP_H) // 2, (FULL_W - CROP_W) // 2
    sl = (slice(y0, y0 + CROP_H), slice(x0, x0 + CROP_W))
    m = mask[sl].astype(bool)
    return rgb[sl].astype(np.float32), np.where(m, depth[sl], 0).astype(np.float32), m


@dataclass(frozen=True)
class AugmentParams:
    scale: float = 1.0          # s in [1, 1.5]; depth is divided by s
    angle: float = 0.0          # degrees in [-5, 5], counter-clockwise on screen
    colour: tuple = (1.0, 1.0, 1.0)  # per-channel factor in [0.8, 1.2]
    flip: bool = False          # horizontal
    crop_x: float = 8.0         # crop origin in the scaled image, 0 .. 320 s - 304
    crop_y: float = 6.0         # 0 .. 240 s - 228

    @staticmethod
    def random(rng: np.random.Generator) -> "AugmentParams":
        s = float(rng.uniform(1.0, 1.5))
        return AugmentParams(
            scale=s, angle=float(rng.uniform(-5.0, 5.0)),
            colour=tuple(float(c) for c in rng.uniform(0.8, 1.2, size=3)),
            flip=bool(rng.random() < 0.5),
            crop_x=float(rng.uniform(0, FULL_W * s - CROP_W)),
            crop_y=float(rng.uniform(0, FULL_H * s - CROP_H)))


def source_coordinates(p: AugmentParams, out_w: int = CROP_W, out_h: int = CROP_H,
                       in_w: int = FULL_W, in_h: int = FULL_H):
    """Continuous source (x, y) pixel coordinates, each (out_h, out_w), for every crop pixel
    (before the flip): undo the crop offset, the rotation about the scaled image's centre,
    then the scale. Pixel centres sit at integer coordinates."""
    v, u = np.mgrid[0:out_h, 0:out_w].astype(np.float64)  # (out_h, out_w) each
    cx, cy = in_w * p.scale / 2, in_h * p.scale / 2
    px, py = u + 0.5 + p.crop_x - cx, v + 0.5 + p.crop_y - cy
    # Inverse of a counter-clockwise on-screen rotation (y grows downwards).
    a = math.radians(p.angle)
    qx = math.cos(a) * px - math.sin(a) * py + cx
    qy = math.sin(a) * px + math.cos(a) * py + cy
    return qx / p.scale - 0.5, qy / p.scale - 0.5


def _bilinear(img: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """img (H, W, 3) uint8 sampled bilinearly at the affine grid (x, y), each (h, w) ->
    (h, w, 3) float32; black outside the image. PIL does the work (4x faster than numpy)."""
    from PIL import Image
    h, w = x.shape
    # The grid is affine in the output pixel (u, v): x = a u + b v + c. PIL's continuous
    # coordinates put pixel centres at +0.5 on both sides.
    a, b, c = x[0, 1] - x[0, 0], x[1, 0] - x[0, 0], x[0, 0]
    d, e, f = y[0, 1] - y[0, 0], y[1, 0] - y[0, 0], y[0, 0]
    coef = (a, b, c + 0.5 - 0.5 * (a + b), d, e, f + 0.5 - 0.5 * (d + e))
    out = Image.fromarray(np.ascontiguousarray(img)).transform(
        (w, h), Image.Transform.AFFINE, coef, resample=Image.Resampling.BILINEAR)
    return np.asarray(out, dtype=np.float32)


def augment(rgb: np.ndarray, depth: np.ndarray, mask: np.ndarray, p: AugmentParams):
    """320 x 240 sample -> augmented 304 x 228 crop: rgb (228, 304, 3) float32 in 0..255,
    depth (228, 304) float32 metres (divided by s), mask (228, 304) bool (False outside)."""
    sx, sy = source_coordinates(p, in_w=depth.shape[1], in_h=depth.shape[0])
    out_rgb = _bilinear(rgb, sx, sy)
    out_rgb = np.clip(out_rgb * np.asarray(p.colour, np.float32), 0, 255)
    ix, iy = np.rint(sx).astype(np.int64), np.rint(sy).astype(np.int64)
    inside = (ix >= 0) & (ix < depth.shape[1]) & (iy >= 0) & (iy < depth.shape[0])
    ixc, iyc = np.clip(ix, 0, depth.shape[1] - 1), np.clip(iy, 0, depth.shape[0] - 1)
    out_mask = mask[iyc, ixc] & inside
    out_depth = np.where(out_mask, depth[iyc, ixc] / np.float32(p.scale), 0).astype(np.float32)
    if p.flip:
        out_rgb, out_depth, out_mask = out_rgb[:, ::-1], out_depth[:, ::-1], out_mask[:, ::-1]
    return np.ascontiguousarray(out_rgb), np.ascontiguousarray(out_depth), np.ascontiguousarray(out_mask)
