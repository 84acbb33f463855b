"""Random indoor scene descriptions for the synthetic renderer (no pixels here).

A Scene is a plain description: a room (an axis-aligned box from the origin), the
furniture as boxes and vertical cylinders, materials, one point light and a camera.
``sample_scene`` draws one from a NumPy Generator, so a seed fixes the whole scene.
World frame: x and y horizontal, z up, the floor at z = 0, lengths in metres.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import numpy as np

# Texture kinds understood by texture.py.
PLAIN, CHECKER, STRIPES, WOOD, NOISE = range(5)


@dataclass
class Material:
    """Surface appearance: a procedural texture of two colours plus sensor-relevant flags."""

    kind: int  # PLAIN, CHECKER, STRIPES, WOOD or NOISE
    color_a: tuple[float, float, float]  # linear RGB albedo in [0, 1]
    color_b: tuple[float, float, float]
    scale: float = 0.3  # metres per texture period
    angle: float = 0.0  # texture rotation in radians
    specular: float = 0.0  # Blinn-Phong strength, 0 = matte
    shininess: float = 32.0
    ir_absorbing: bool = False  # Kinect gets patchy or no returns from this surface
    noise_offset: tuple[float, float] = (0.0, 0.0)  # where in the noise field this surface starts


@dataclass
class Primitive:
    """A box (half extents) or a vertical cylinder (half = (radius, radius, half height))."""

    kind: str  # "box" or "cylinder"
    center: tuple[float, float, float]
    half: tuple[float, float, float]
    yaw: float  # rotation about the vertical axis, radians (ignored by cylinders)
    material: int  # index into Scene.materials
    group: int  # which piece of furniture it belongs to (for shadow culling)
    # Flat decorations (pictures, doors, windows, rugs) would only shadow a centimetre of the
    # surface they lie on, invisible at 320x240; skipping them saves shadow rays.
    casts_shadow: bool = True


@dataclass
class Camera:
    position: tuple[float, float, float]
    yaw: float  # heading of the optical axis in the floor plane, radians
    pitch: float  # downward tilt, radians (positive looks down)
    roll: float  # radians


@dataclass
class Light:
    position: tuple[float, float, float]
    power: float  # diffuse irradiance scale at 1 m
    ambient: float  # uniform ambient irradiance
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    size: float = 0.0  # edge of a square, horizontal area light in metres; 0 = a point light
    # Unshadowed fill from a window or a bright wall: irradiance fill * max(0, n . fill_direction).
    fill: float = 0.0
    fill_direction: tuple[float, float, float] = (0.0, 0.0, 1.0)


@dataclass
class Scene:
    room: tuple[float, float, float]  # width (x), depth (y), height (z)
    room_materials: tuple[int, int, int, int, int, int]  # walls x=0, x=W, y=0, y=D, floor, ceiling
    materials: list[Material]
    primitives: list[Primitive]
    camera: Camera
    light: Light
    max_range: float = 10.0  # Kinect gives no reading beyond this depth (metres)


def _color(rng: np.random.Generator, sat: tuple[float, float], val: tuple[float, float]):
    h = rng.uniform(0, 1)
    s = rng.uniform(*sat)
    v = rng.uniform(*val)
    # HSV values are perceptual; square them into roughly linear albedo.
    return tuple(float(c) ** 2.2 for c in colorsys.hsv_to_rgb(h, s, v))


def _material(rng: np.random.Generator, kinds, sat=(0.0, 0.6), val=(0.25, 0.95)) -> Material:
    kind = int(kinds[int(rng.integers(len(kinds)))])
    a = _color(rng, sat, val)
    # The second colour stays near the first for wood and noise, free for patterns.
    if kind in (WOOD, NOISE):
        f = rng.uniform(0.45, 0.8)
        b = tuple(c * f for c in a)
    else:
        b = _color(rng, sat, val)
    glossy = rng.uniform() < 0.2
    return Material(
        kind=kind,
        color_a=a,
        color_b=b,
        scale=float(rng.uniform(0.08, 0.6)),
        angle=float(math.pi / 2 * rng.integers(2) + rng.normal(0, 0.05)),
        specular=float(rng.uniform(0.3, 0.8)) if glossy else 0.0,
        shininess=float(rng.uniform(16, 96)),
        ir_absorbing=False,
        noise_offset=(float(rng.uniform(0, 32)), float(rng.uniform(0, 32))),
    )


def _wood(rng: np.random.Generator) -> Material:
    m = _material(rng, [WOOD], sat=(0.35, 0.7), val=(0.35, 0.85))
    # Wood hues: orange to brown.
    h = rng.uniform(0.05, 0.11)
    m.color_a = tuple(float(c) ** 2.2 for c in colorsys.hsv_to_rgb(h, rng.uniform(0.4, 0.75), rng.uniform(0.4, 0.85)))
    m.color_b = tuple(c * rng.uniform(0.45, 0.7) for c in m.color_a)
    m.scale = float(rng.uniform(0.05, 0.15))
    return m


def _sample_camera(rng: np.random.Generator, room) -> Camera:
    w, d, _ = room
    # The wall the camera stands in front of; people mostly shoot along a room's long axis.
    if rng.uniform() < 0.75:
        wall = int(rng.integers(2)) + (0 if w >= d else 2)
    else:
        wall = int(rng.integers(4))
    back = rng.uniform(0.3, 1.2)
    if wall == 0:
        pos, heading = (back, rng.uniform(0.4, d - 0.4)), 0.0
    elif wall == 1:
        pos, heading = (w - back, rng.uniform(0.4, d - 0.4)), math.pi
    elif wall == 2:
        pos, heading = (rng.uniform(0.4, w - 0.4), back), math.pi / 2
    else:
        pos, heading = (rng.uniform(0.4, w - 0.4), d - back), -math.pi / 2
    x = float(np.clip(pos[0], 0.3, w - 0.3))
    y = float(np.clip(pos[1], 0.3, d - 0.3))
    return Camera(
        position=(x, y, float(rng.uniform(1.2, 1.8))),
        yaw=float(heading + rng.uniform(-0.6, 0.6)),
        pitch=float(np.radians(rng.uniform(0, 20))),
        roll=float(np.radians(np.clip(rng.normal(0, 1.5), -4, 4))),
    )


def _furniture(rng, kind: str, mats: list[Material], group: int, ceiling: float):
    """Parts of one piece of furniture in its own frame (centred at the origin, on the floor)
    and its footprint half extents (hx, hy)."""
    parts = []

    def box(cx, cy, cz, hx, hy, hz, m):
        parts.append(Primitive("box", (cx, cy, cz), (hx, hy, hz), 0.0, m, group))

    def new_mat(wood_p=0.5):
        m = _wood(rng) if rng.uniform() < wood_p else _material(rng, [PLAIN, NOISE, STRIPES, CHECKER])
        # Black or glossy furniture (screens, leather, lacquer) often returns no IR reading.
        m.ir_absorbing = bool(max(m.color_a) < 0.03 or rng.uniform() < (0.3 if m.specular > 0 else 0.05))
        mats.append(m)
        return len(mats) - 1

    if kind == "table":
        hx, hy = rng.uniform(0.4, 0.9), rng.uniform(0.3, 0.5)
        top, th, leg = rng.uniform(0.68, 0.78), rng.uniform(0.015, 0.03), rng.uniform(0.02, 0.04)
        m_top, m_leg = new_mat(0.7), new_mat(0.5)
        box(0, 0, top - th, hx, hy, th, m_top)
        for sx in (-1, 1):
            for sy in (-1, 1):
                box(sx * (hx - 2 * leg), sy * (hy - 2 * leg), (top - 2 * th) / 2, leg, leg, (top - 2 * th) / 2, m_leg)
        if rng.uniform() < 0.6:  # something on the table
            r, h = rng.uniform(0.04, 0.12), rng.uniform(0.08, 0.35)
            x, y = rng.uniform(-hx + r, hx - r), rng.uniform(-hy + r, hy - r)
            parts.append(Primitive("cylinder", (x, y, top + h / 2), (r, r, h / 2), 0.0, new_mat(0.1), group))
        return parts, (hx, hy)
    if kind == "chair":
        hx = hy = rng.uniform(0.2, 0.26)
        seat, th, leg = rng.uniform(0.42, 0.48), 0.02, 0.018
        m = new_mat(0.6)
        box(0, 0, seat - th, hx, hy, th, m)
        for sx in (-1, 1):
            for sy in (-1, 1):
                box(sx * (hx - leg), sy * (hy - leg), (seat - 2 * th) / 2, leg, leg, (seat - 2 * th) / 2, m)
        back_h = rng.uniform(0.35, 0.5)
        box(0, -hy + th, seat + back_h / 2, hx, th, back_h / 2, m)
        return parts, (hx, hy)
    if kind == "shelf":
        hx, hy = rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.22)
        h = min(rng.uniform(0.9, 2.1), ceiling - 0.35)
        th = rng.uniform(0.01, 0.02)
        m = new_mat(0.6)
        for sx in (-1, 1):  # sides
            box(sx * (hx - th), 0, h / 2, th, hy, h / 2, m)
        box(0, hy - th, h / 2, hx - 2 * th, th, h / 2, m)  # back panel (+y is the back)
        n = int(rng.integers(2, 6))
        for i in range(n + 1):  # boards, bottom to top
            z = th + i * (h - 2 * th) / n
            box(0, 0, z, hx - 2 * th, hy - th, th, m)
        if rng.uniform() < 0.7:  # a row of books on one board, in a few covers
            covers = [new_mat(0.0) for _ in range(3)]
            i = int(rng.integers(0, n))
            z0 = th + i * (h - 2 * th) / n + th
            room_h = (h - 2 * th) / n - 2 * th
            bh = min(rng.uniform(0.15, 0.3), room_h * 0.9)
            x = -hx + 2 * th + rng.uniform(0, 0.1)
            while x < hx - 2 * th - 0.12 and bh > 0.04:
                bw = rng.uniform(0.03, 0.12)
                box(x + bw / 2, 0.0, z0 + bh / 2, bw / 2, hy * 0.7, bh / 2, covers[int(rng.integers(3))])
                x += bw + 0.005
                if len(parts) > 22:
                    break
        return parts, (hx, hy)
    if kind == "cylinder":
        r, h = rng.uniform(0.12, 0.35), rng.uniform(0.3, 1.1)
        parts.append(Primitive("cylinder", (0, 0, h / 2), (r, r, h / 2), 0.0, new_mat(0.3), group))
        return parts, (r, r)
    if kind == "sofa":
        hx, hy = rng.uniform(0.45, 1.1), rng.uniform(0.4, 0.5)
        seat, back, arm = rng.uniform(0.38, 0.48), rng.uniform(0.75, 0.95), rng.uniform(0.08, 0.14)
        m = new_mat(0.1)
        box(0, -0.05, seat / 2, hx - arm, hy - 0.05, seat / 2, m)  # seat block
        box(0, hy - 0.1, back / 2, hx, 0.1, back / 2, m)  # back (+y)
        for sx in (-1, 1):
            box(sx * (hx - arm / 2), -0.05, 0.3, arm / 2, hy - 0.05, 0.3, m)  # arms, 0.6 high
        return parts, (hx, hy)
    if kind == "bed":
        hx, hy = rng.uniform(0.45, 0.9), rng.uniform(0.95, 1.05)
        top = rng.uniform(0.4, 0.6)
        box(0, 0, top / 2, hx, hy, top / 2, new_mat(0.0))  # mattress and frame
        head = rng.uniform(0.8, 1.2)
        box(0, hy + 0.03, head / 2, hx, 0.03, head / 2, new_mat(0.8))  # headboard against the wall
        return parts, (hx, hy + 0.06)
    # A plain box: cabinet, chest of drawers, crate, desk pedestal.
    hx, hy = rng.uniform(0.2, 1.0), rng.uniform(0.2, 0.5)
    h = rng.uniform(0.3, 1.3)
    box(0, 0, h / 2, hx, hy, h / 2, new_mat(0.5))
    return parts, (hx, hy)


def _fill_direction(rng: np.random.Generator) -> tuple[float, float, float]:
    """A unit vector towards a window: mostly horizontal, a little from above."""
    a, up = rng.uniform(-math.pi, math.pi), rng.uniform(0.1, 0.6)
    n = math.sqrt(1 + up * up)
    return (math.cos(a) / n, math.sin(a) / n, up / n)


def _decorations(rng: np.random.Generator, room, mats: list[Material], first_group: int) -> list[Primitive]:
    """Flat things that add texture but little relief: pictures on walls, a rug on the floor."""
    w, d, _ = room
    out = []
    group = first_group
    for _ in range(int(rng.integers(0, 4))):  # pictures
        wall = int(rng.integers(4))
        length = d if wall < 2 else w
        hx, hz, hy = rng.uniform(0.15, 0.5), rng.uniform(0.12, 0.4), rng.uniform(0.008, 0.02)
        if 2 * hx > length - 0.4:
            continue
        along, z = rng.uniform(hx + 0.2, length - hx - 0.2), rng.uniform(1.1, 1.9)
        off = hy + 0.003
        x, y = [(off, along), (w - off, along), (along, off), (along, d - off)][wall]
        yaw = [-math.pi / 2, math.pi / 2, math.pi, 0.0][wall]
        mats.append(_material(rng, [PLAIN, NOISE, STRIPES, CHECKER], sat=(0.1, 0.9), val=(0.1, 0.95)))
        out.append(Primitive("box", (x, y, z), (hx, hy, hz), yaw, len(mats) - 1, group, casts_shadow=False))
        group += 1
    for _ in range(int(rng.integers(0, 3))):  # doors (from the floor) and windows (bright, IR-lossy)
        window = rng.uniform() < 0.5
        wall = int(rng.integers(4))
        length = d if wall < 2 else w
        hx, hy = (rng.uniform(0.4, 0.9), 0.01) if window else (rng.uniform(0.4, 0.5), 0.02)
        hz = rng.uniform(0.4, 0.7) if window else rng.uniform(0.98, 1.05)
        z = rng.uniform(0.9, 1.2) + hz if window else hz
        if 2 * hx > length - 0.4 or z + hz > room[2] - 0.05:
            continue
        along = rng.uniform(hx + 0.2, length - hx - 0.2)
        x, y = [(hy, along), (w - hy, along), (along, hy), (along, d - hy)][wall]
        yaw = [-math.pi / 2, math.pi / 2, math.pi, 0.0][wall]
        if window:
            m = _material(rng, [PLAIN, NOISE], sat=(0.0, 0.3), val=(0.9, 1.0))
            m.ir_absorbing = True  # sunlight and glass: Kinect readings drop out
        else:
            m = _wood(rng) if rng.uniform() < 0.5 else _material(rng, [PLAIN], val=(0.4, 0.95))
        mats.append(m)
        out.append(Primitive("box", (x, y, z), (hx, hy, hz), yaw, len(mats) - 1, group, casts_shadow=False))
        group += 1
    if rng.uniform() < 0.4:  # a rug
        hx, hy = rng.uniform(0.4, 1.2), rng.uniform(0.3, 0.8)
        r = math.hypot(hx, hy)
        if 2 * r < min(w, d) - 0.2:
            mats.append(_material(rng, [NOISE, STRIPES, CHECKER, PLAIN], sat=(0.1, 0.8), val=(0.15, 0.8)))
            mats[-1].specular = 0.0
            x, y = rng.uniform(r, w - r), rng.uniform(r, d - r)
            out.append(Primitive("box", (x, y, 0.005), (hx, hy, 0.005), float(rng.uniform(-math.pi, math.pi)), len(mats) - 1, group, casts_shadow=False))
    return out


def sample_scene(rng: np.random.Generator, num_objects: int | None = None) -> Scene:
    """Draw a random room with ``num_objects`` pieces of furniture (4-12 when None)."""
    room = (float(rng.uniform(2.5, 8.0)), float(rng.uniform(2.5, 8.0)), float(rng.uniform(2.4, 3.2)))
    if rng.uniform() < 0.08:
        # Now and then a long open-plan room or corridor whose far end lies beyond Kinect range.
        long_side = float(rng.uniform(8.0, 12.0))
        room = (long_side, room[1], room[2]) if room[0] >= room[1] else (room[0], long_side, room[2])
    w, d, h = room
    mats: list[Material] = []
    floor = _wood(rng) if rng.uniform() < 0.45 else _material(rng, [CHECKER, NOISE, PLAIN], val=(0.2, 0.8))
    if floor.kind == CHECKER:
        floor.scale = float(rng.uniform(0.3, 0.8))  # floor tiles
    wall_m = _material(rng, [PLAIN, PLAIN, NOISE, STRIPES], sat=(0.0, 0.35), val=(0.55, 0.98))
    wall_m.scale = float(rng.uniform(0.15, 0.6))  # finer wallpaper only aliases at 320x240
    ceil_m = _material(rng, [PLAIN, NOISE], sat=(0.0, 0.1), val=(0.8, 1.0))
    ceil_m.specular = 0.0
    mats += [wall_m, floor, ceil_m]
    walls = [0, 0, 0, 0]
    if rng.uniform() < 0.35:  # an accent wall
        mats.append(_material(rng, [PLAIN, STRIPES, NOISE], sat=(0.0, 0.6), val=(0.4, 0.95)))
        walls[int(rng.integers(4))] = len(mats) - 1
    camera = _sample_camera(rng, room)

    count = int(rng.integers(4, 13)) if num_objects is None else num_objects
    kinds = ["box", "table", "shelf", "cylinder", "chair", "sofa", "bed"]
    kind_cdf = np.cumsum([0.26, 0.18, 0.18, 0.12, 0.14, 0.07, 0.05])
    prims: list[Primitive] = []
    placed: list[tuple[float, float, float]] = []  # footprint circles (x, y, r)
    cam_xy = camera.position[:2]
    for group in range(count):
        kind = kinds[int(np.searchsorted(kind_cdf, rng.uniform()))]
        n_mats = len(mats)
        parts, (hx, hy) = _furniture(rng, kind, mats, group, h)
        radius = math.hypot(hx, hy)
        for _attempt in range(12):
            if kind in ("shelf", "box", "sofa", "bed") and rng.uniform() < 0.7:
                # Against a wall, its back (+y side) to the wall.
                wall = int(rng.integers(4))
                yaw = [-math.pi / 2, math.pi / 2, math.pi, 0.0][wall] + rng.normal(0, 0.02)
                length = d if wall < 2 else w
                if 2 * hx > length - 0.1:
                    continue
                along = rng.uniform(hx + 0.05, length - hx - 0.05)
                off = hy + 0.02
                x, y = [(off, along), (w - off, along), (along, off), (along, d - off)][wall]
            else:
                if 2 * radius > min(w, d) - 0.1:
                    continue
                yaw = rng.uniform(-math.pi, math.pi)
                if rng.uniform() < 0.6:
                    # In front of the camera, so that more of the furniture is in view.
                    dist, bearing = rng.uniform(1.0, 5.0), camera.yaw + rng.uniform(-0.5, 0.5)
                    x, y = cam_xy[0] + dist * math.cos(bearing), cam_xy[1] + dist * math.sin(bearing)
                    if not (radius <= x <= w - radius and radius <= y <= d - radius):
                        continue
                else:
                    x, y = rng.uniform(radius, w - radius), rng.uniform(radius, d - radius)
            if math.hypot(x - cam_xy[0], y - cam_xy[1]) < radius + 0.6:
                continue
            if any(math.hypot(x - px, y - py) < radius + pr for px, py, pr in placed):
                continue
            c, s = math.cos(yaw), math.sin(yaw)
            for p in parts:
                lx, ly, lz = p.center
                p.center = (x + c * lx - s * ly, y + s * lx + c * ly, lz)
                p.yaw = yaw
                prims.append(p)
            placed.append((x, y, radius))
            break
        else:
            del mats[n_mats:]  # no room for this piece

    if count > 0:
        prims += _decorations(rng, room, mats, count)

    light = Light(
        position=(float(rng.uniform(0.25, 0.75) * w), float(rng.uniform(0.25, 0.75) * d), h - float(rng.uniform(0.05, 0.3))),
        power=float(rng.uniform(1.5, 4.0)),
        ambient=float(rng.uniform(0.12, 0.35)),
        color=tuple(float(v) for v in (1.0, rng.uniform(0.85, 1.0), rng.uniform(0.7, 1.0))),
        size=float(rng.uniform(0.1, 0.5)),
        fill=float(rng.uniform(0.0, 0.4)),
        fill_direction=_fill_direction(rng),
    )
    return Scene(
        room=room,
        room_materials=(walls[0], walls[1], walls[2], walls[3], 1, 2),
        materials=mats,
        primitives=prims,
        camera=camera,
        light=light,
        max_range=float(rng.uniform(9.5, 10.0)),
    )
