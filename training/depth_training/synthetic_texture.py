"""Procedural textures for the synthetic renderer: value noise and five surface patterns.

Textures are evaluated at surface coordinates (u, v) in metres, one float32 array each,
and return linear-RGB albedo of shape (n, 3).
"""

from __future__ import annotations

import numpy as np

from depth_training.synthetic_scene import CHECKER, NOISE, PLAIN, STRIPES, WOOD, Material

NOISE_SIZE = 64  # lattice period of the value-noise table (a power of two)


def noise_table(rng: np.random.Generator) -> np.ndarray:
    """A random lattice for value noise, (NOISE_SIZE, NOISE_SIZE) float32 in [0, 1]."""
    return rng.random((NOISE_SIZE, NOISE_SIZE), dtype=np.float32)


def value_noise(table: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinearly interpolated lattice noise at (u, v) in lattice units, values in [0, 1]."""
    fu, fv = np.floor(u), np.floor(v)
    au, av = u - fu, v - fv
    # Smoothstep weights hide the lattice.
    au = au * au * (3 - 2 * au)
    av = av * av * (3 - 2 * av)
    mask = NOISE_SIZE - 1
    iu, iv = fu.astype(np.int32) & mask, fv.astype(np.int32) & mask
    iu1, iv1 = (iu + 1) & mask, (iv + 1) & mask
    top = table[iv, iu] + au * (table[iv, iu1] - table[iv, iu])
    bottom = table[iv1, iu] + au * (table[iv1, iu1] - table[iv1, iu])
    return top + av * (bottom - top)


def fractal_noise(table: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Two octaves of value noise, values in [0, 1]."""
    return (2 * value_noise(table, u, v) + value_noise(table, 2.03 * u + 17.1, 2.03 * v + 5.3)) / 3


def texture(material: Material, table: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Albedo of ``material`` at surface coordinates (u, v) metres: (n, 3) float32."""
    c, s = np.float32(np.cos(material.angle)), np.float32(np.sin(material.angle))
    u, v = c * u + s * v, c * v - s * u
    inv = np.float32(1.0 / material.scale)
    kind = material.kind
    if kind == PLAIN:
        mix = 0.15 * value_noise(table, u * 1.5, v * 1.5)
    elif kind == CHECKER:
        mix = ((np.floor(u * inv) + np.floor(v * inv)).astype(np.int32) & 1).astype(np.float32)
    elif kind == STRIPES:
        mix = ((u * inv) % 1.0 < 0.5).astype(np.float32)
    elif kind == WOOD:
        # Growth rings across the grain, warped by noise along it.
        rings = (v * inv + 2.5 * value_noise(table, u * 0.6, v * 3.0)) % 1.0
        mix = rings * rings
    elif kind == NOISE:
        mix = fractal_noise(table, u * inv, v * inv)
    else:
        raise ValueError(f"unknown texture kind {kind}")
    a = np.asarray(material.color_a, dtype=np.float32)
    b = np.asarray(material.color_b, dtype=np.float32)
    albedo = a + mix[:, None] * (b - a)  # (n, 3)
    # Low-frequency grime on every surface.
    albedo *= (0.85 + 0.3 * value_noise(table, u * 0.9 + 31.0, v * 0.9 + 7.0))[:, None]
    return albedo.astype(np.float32, copy=False)
