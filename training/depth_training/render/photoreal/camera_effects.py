"""From a rendered view (linear light, exact depth) to what a camera and a depth sensor would
give: denoise the path tracer's 4 samples per pixel (OpenImageDenoise, guided by albedo and
normals), white-balance error, automatic exposure with a random bias, vignetting, slight lens
blur, sensor shot and read noise, a filmic tone curve, sRGB, and JPEG compression; depth to
16-bit millimetres with optional Kinect-like holes. Every random choice comes from the
generator passed in, so a frame is reproducible."""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import numpy as np

MAX_DEPTH_M = 20.0   # farther (sky through a window) is "no reading", as on a depth sensor


@dataclass
class RenderedView:
    colour: np.ndarray   # (H, W, 3) float32 linear radiance
    albedo: np.ndarray   # (H, W, 3) float32 in [0, 1]
    normal: np.ndarray   # (H, W, 3) float32 in [-1, 1]
    depth: np.ndarray    # (H, W) float32 metres along the optical axis


def read_exr(path) -> RenderedView:
    """A multilayer EXR written by blender_room.py."""
    import OpenEXR
    ch = OpenEXR.File(str(path)).parts[0].channels
    normal = np.stack([ch[f"ViewLayer.Denoising Normal.{a}"].pixels for a in "XYZ"], axis=-1)
    return RenderedView(colour=np.ascontiguousarray(ch["ViewLayer.Combined"].pixels[..., :3], np.float32),
                        albedo=np.ascontiguousarray(ch["ViewLayer.Denoising Albedo"].pixels, np.float32),
                        normal=np.ascontiguousarray(normal, np.float32),
                        depth=np.asarray(ch["ViewLayer.Depth.Z"].pixels, np.float32))


def denoise(view: RenderedView) -> np.ndarray:
    """(H, W, 3) linear colour without the path tracer's noise."""
    import pyoidn
    c = np.nan_to_num(np.maximum(view.colour, 0), nan=0.0, posinf=0.0)
    return pyoidn.denoise(c, np.clip(view.albedo, 0, 1), np.clip(view.normal, -1, 1), hdr=True)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of (H, W, C), edges clamped."""
    if sigma < 0.2:
        return img
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    pad = np.pad(img, ((r, r), (r, r), (0, 0)), mode="edge")
    rows = sum(k[i] * pad[:, i:i + img.shape[1]] for i in range(2 * r + 1))      # (H + 2r, W, C)
    return sum(k[i] * rows[i:i + img.shape[0]] for i in range(2 * r + 1))        # (H, W, C)


def filmic(x: np.ndarray) -> np.ndarray:
    """ACES filmic approximation (Narkowicz 2015): linear exposure-scaled light -> [0, 1]."""
    return np.clip(x * (2.51 * x + 0.03) / (x * (2.43 * x + 0.59) + 0.14), 0, 1)


def srgb(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(np.maximum(x, 0), 1 / 2.4) - 0.055)


def develop(linear: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """(H, W, 3) linear light -> (H, W, 3) uint8 sRGB as a camera would take it, and the
    parameters drawn."""
    h, w, _ = linear.shape
    p = {"auto_wb": float(rng.uniform(0.6, 1.0)), "wb_red": float(rng.uniform(0.9, 1.1)), "wb_blue": float(rng.uniform(0.9, 1.1)),
         "ev_bias": float(rng.uniform(-0.7, 0.5)), "vignette": float(rng.uniform(0.0, 0.4)),
         "blur_px": float(rng.uniform(0.0, 0.9)), "shot_noise": float(rng.uniform(0.0, 0.004)),
         "read_noise": float(rng.uniform(0.0, 0.006)), "jpeg_quality": int(rng.integers(60, 96))}
    # The camera's automatic white balance (grey world, mostly but not fully applied), then its error.
    means = linear.reshape(-1, 3).mean(axis=0) + 1e-6                      # (3,)
    grey = (means.mean() / means) ** p["auto_wb"]
    img = linear * (grey * np.array([p["wb_red"], 1.0, p["wb_blue"]])).astype(np.float32)
    lum = img @ np.array([0.2126, 0.7152, 0.0722], np.float32)   # (H, W)
    key = float(np.exp(np.mean(np.log(lum + 1e-4))))            # geometric mean: auto exposure
    img = img * (0.18 / max(key, 1e-6) * 2 ** p["ev_bias"])
    yy, xx = np.mgrid[0:h, 0:w]
    r2 = ((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / ((w / 2) ** 2 + (h / 2) ** 2)  # (H, W) 0 centre, 1 corner
    img = img * (1 - p["vignette"] * r2)[..., None]
    img = _blur(img, p["blur_px"])
    img = filmic(img)
    noise_sd = np.sqrt(p["shot_noise"] * img + p["read_noise"] ** 2)
    img = img + rng.standard_normal(img.shape).astype(np.float32) * noise_sd
    out = np.clip(np.round(srgb(np.clip(img, 0, 1)) * 255), 0, 255).astype(np.uint8)
    return out, p


def jpeg(rgb: np.ndarray, quality: int) -> bytes:
    from PIL import Image
    buf = BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def depth_millimetres(depth: np.ndarray, rng: np.random.Generator, hole_share: float = 0.25) -> tuple[np.ndarray, bool]:
    """(H, W) metres -> (H, W) uint16 millimetres, 0 = no reading (beyond MAX_DEPTH_M, not
    finite). In `hole_share` of frames, Kinect-like holes: a shadow band beside depth edges
    and reflective-looking blobs dropped."""
    valid = np.isfinite(depth) & (depth > 0) & (depth < MAX_DEPTH_M)
    holes = bool(rng.random() < hole_share)
    if holes:
        d = np.where(valid, depth, MAX_DEPTH_M)
        jump = np.zeros_like(valid)
        jump[:, 1:] = np.abs(np.diff(np.log(d), axis=1)) > 0.08   # the projector's shadow side
        width = int(rng.integers(1, 4))
        band = jump.copy()
        for s in range(1, width + 1):
            band[:, s:] |= jump[:, :-s]
        valid &= ~band
        for _ in range(int(rng.integers(0, 4))):
            cy, cx = rng.integers(0, depth.shape[0]), rng.integers(0, depth.shape[1])
            ry, rx = rng.integers(3, 15, size=2)
            yy, xx = np.ogrid[:depth.shape[0], :depth.shape[1]]
            valid &= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 > 1
    mm = np.where(valid, np.clip(np.round(depth * 1000), 1, 65535), 0).astype(np.uint16)
    return mm, holes
