"""Procedural textures for the synthetic renderer: smooth value noise and five patterns.

Textures are evaluated at surface coordinates (u, v) in metres, one float32 array each,
and return linear-RGB albedo of shape (n, 3).
"""

from __future__ import annotations

import numpy as np

from .scene import CHECKER, NOISE, PLAIN, STRIPES, WOOD, Material

_CELLS = 32  # lattice cells per noise period
_TEXELS = 8  # table texels per lattice cell
_SIZE = _CELLS * _TEXELS  # 256, a power of two so indices wrap with a mask
_WRAP_OFFSET = 1 << 20  # keeps lookup coordinates positive before truncation


def _smooth_noise_table() -> np.ndarray:
    """Value noise on a 32x32 lattice, smoothstep-interpolated to 256x256 texels, in [0, 1]."""
    lattice = np.random.default_rng(20141208).random((_CELLS, _CELLS))
    f = np.arange(_SIZE) / _TEXELS
    i0 = np.floor(f).astype(int)
    a = f - i0
    a = a * a * (3 - 2 * a)
    i1 = (i0 + 1) % _CELLS
    rows = lattice[i0] * (1 - a)[:, None] + lattice[i1] * a[:, None]  # (256, 32) along v
    table = rows[:, i0] * (1 - a)[None, :] + rows[:, i1] * a[None, :]  # (256, 256)
    return table.astype(np.float32)


NOISE_TABLE = _smooth_noise_table()  # (256, 256) float32, periodic


def value_noise(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Smooth noise in [0, 1] at (u, v) in lattice units (one feature per unit), periodic in 32."""
    iu = (u * np.float32(_TEXELS) + np.float32(_WRAP_OFFSET)).astype(np.int32) & (_SIZE - 1)
    iv = (v * np.float32(_TEXELS) + np.float32(_WRAP_OFFSET)).astype(np.int32) & (_SIZE - 1)
    return NOISE_TABLE[iv, iu]


def value_noise_reference(u: float, v: float) -> float:
    """Slow scalar twin of value_noise: the same texel, found one coordinate at a time."""
    iu = int(np.floor(np.float32(u) * np.float32(_TEXELS) + np.float32(_WRAP_OFFSET))) % _SIZE
    iv = int(np.floor(np.float32(v) * np.float32(_TEXELS) + np.float32(_WRAP_OFFSET))) % _SIZE
    return float(NOISE_TABLE[iv, iu])


def texture(material: Material, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Albedo of ``material`` at surface coordinates (u, v) metres: (n, 3) float32."""
    c, s = np.float32(np.cos(material.angle)), np.float32(np.sin(material.angle))
    u, v = c * u + s * v + np.float32(material.noise_offset[0]), c * v - s * u + np.float32(material.noise_offset[1])
    inv = np.float32(1.0 / material.scale)
    kind = material.kind
    if kind == PLAIN:
        mix = np.float32(0.15) * value_noise(u * np.float32(1.5), v * np.float32(1.5))
    elif kind == CHECKER:
        mix = ((np.floor(u * inv) + np.floor(v * inv)).astype(np.int32) & 1).astype(np.float32)
    elif kind == STRIPES:
        mix = ((u * inv) % np.float32(1.0) < 0.5).astype(np.float32)
    elif kind == WOOD:
        # Growth rings across the grain, warped by noise along it.
        rings = (v * inv + np.float32(2.5) * value_noise(u * np.float32(0.6), v * np.float32(3.0))) % np.float32(1.0)
        mix = rings * rings
    elif kind == NOISE:
        mix = np.float32(0.65) * value_noise(u * inv, v * inv) + np.float32(0.35) * value_noise(
            u * (2.03 * inv) + np.float32(7.1), v * (2.03 * inv) + np.float32(3.3)
        )
    else:
        raise ValueError(f"unknown texture kind {kind}")
    a = np.asarray(material.color_a, dtype=np.float32)
    b = np.asarray(material.color_b, dtype=np.float32)
    # Low-frequency grime on every surface.
    grime = np.float32(0.85) + np.float32(0.3) * value_noise(u * np.float32(0.9) + np.float32(13.0), v * np.float32(0.9))
    return (a + mix[:, None] * (b - a)) * grime[:, None]  # (n, 3)
