"""Slow, obviously correct scalar ray casting: the reference the vectorised renderer is tested
against. One ray at a time, plain Python floats, every primitive tested, no culling."""

from __future__ import annotations

import math

from .scene import Primitive, Scene

_EPS = 1e-4


def _room_exit(o, d, size) -> float:
    best = math.inf
    for a in range(3):
        for plane in (0.0, size[a]):
            if d[a] != 0:
                t = (plane - o[a]) / d[a]
                if t > _EPS:
                    best = min(best, t)
    return best


def _box(o, d, p: Primitive) -> float:
    c, s = math.cos(p.yaw), math.sin(p.yaw)
    rel = [o[i] - p.center[i] for i in range(3)]
    lo = [c * rel[0] + s * rel[1], -s * rel[0] + c * rel[1], rel[2]]
    ld = [c * d[0] + s * d[1], -s * d[0] + c * d[1], d[2]]
    near, far = -math.inf, math.inf
    for a in range(3):
        if ld[a] == 0:
            if abs(lo[a]) > p.half[a]:
                return math.inf
            continue
        t1, t2 = (-p.half[a] - lo[a]) / ld[a], (p.half[a] - lo[a]) / ld[a]
        near, far = max(near, min(t1, t2)), min(far, max(t1, t2))
    return near if near <= far and near > _EPS else math.inf


def _cylinder(o, d, p: Primitive) -> float:
    r, z0, z1 = p.half[0], p.center[2] - p.half[2], p.center[2] + p.half[2]
    px, py = o[0] - p.center[0], o[1] - p.center[1]
    best = math.inf
    a = d[0] ** 2 + d[1] ** 2
    if a > 0:
        b = px * d[0] + py * d[1]
        disc = b * b - a * (px * px + py * py - r * r)
        if disc >= 0:
            t = (-b - math.sqrt(disc)) / a
            if t > _EPS and z0 <= o[2] + t * d[2] <= z1:
                best = t
    if d[2] != 0:
        for z in (z0, z1):
            t = (z - o[2]) / d[2]
            if _EPS < t < best and (px + t * d[0]) ** 2 + (py + t * d[1]) ** 2 <= r * r:
                best = t
    return best


def first_hit(scene: Scene, origin, direction) -> tuple[float, int]:
    """Nearest hit along origin + t * direction: (t, 0 for the room or k + 1 for primitive k)."""
    t, which = _room_exit(origin, direction, scene.room), 0
    for k, p in enumerate(scene.primitives):
        tp = _box(origin, direction, p) if p.kind == "box" else _cylinder(origin, direction, p)
        if tp < t:
            t, which = tp, k + 1
    return t, which


def light_blocked(scene: Scene, point, bias: float) -> bool:
    """Whether any shadow-casting primitive lies on the segment from the light to ``point``
    (short of it by ``bias`` metres)."""
    light = scene.light.position
    d = [point[i] - light[i] for i in range(3)]
    length = math.sqrt(sum(x * x for x in d))
    for p in scene.primitives:
        if not p.casts_shadow:
            continue
        t = _box(light, d, p) if p.kind == "box" else _cylinder(light, d, p)
        if t < 1 - bias / length:
            return True
    return False
