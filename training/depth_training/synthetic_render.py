"""Vectorised analytic ray casting of a synthetic Scene: depth, shading, Kinect-like mask.

Camera frame: x right, y down, z forward (the optical axis). Camera ray directions are
built with unit z component, so a ray's hit parameter t is its Kinect depth z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from depth_training.synthetic_geometry import (
    BOX_FACE_NORMALS,
    ROOM_FACE_NORMALS,
    intersect_box,
    intersect_cylinder,
    intersect_room,
)
from depth_training.synthetic_scene import Camera, Primitive, Scene
from depth_training.synthetic_texture import noise_table, texture, value_noise

# NYU Depth v2 Kinect RGB intrinsics at 640x480 (fx, fy, cx, cy).
NYU_INTRINSICS = (518.8579, 519.4696, 325.5824, 253.7362)
NYU_SIZE = (640, 480)
MIN_RANGE = 0.5  # metres: the Kinect reads nothing nearer
GRAZING_COS = 0.15  # |cos| between ray and normal below this (~81 deg) gives no reading
PROJECTOR_BASELINE = 0.075  # metres, IR projector to the right of the IR camera
SHADOW_BIAS = 0.01  # metres: a shadow ray ignores occluders this close to its surface

# 12-bit linear to 8-bit sRGB-like (gamma 2.2) lookup.
_GAMMA_LUT = np.round(255 * (np.arange(4096, dtype=np.float64) / 4095) ** (1 / 2.2)).astype(np.uint8)


@dataclass
class RenderBuffers:
    """Everything one render produces; the sample is (rgb, depth, mask), the rest is for tests."""

    rgb: np.ndarray  # (H, W, 3) uint8
    depth: np.ndarray  # (H, W) float32, metres along the optical axis
    mask: np.ndarray  # (H, W) bool, True = the simulated Kinect has a reading
    primitive: np.ndarray  # (H, W) int16, 0 = room, k + 1 = scene.primitives[k]
    face: np.ndarray  # (H, W) int8, face id within that primitive
    cos_incidence: np.ndarray  # (H, W) float32, |cos| between camera ray and surface normal
    n_dot_l: np.ndarray  # (H, W) float32, cosine between normal and direction to light
    shadowed: np.ndarray  # (H, W) bool, the light is blocked by furniture
    irradiance: np.ndarray  # (H, W) float32, light reaching the surface (ambient included)


def intrinsics(width: int, height: int) -> tuple[float, float, float, float]:
    """NYU Kinect intrinsics scaled to width x height (pixel centres at integer coordinates)."""
    fx, fy, cx, cy = NYU_INTRINSICS
    sx, sy = width / NYU_SIZE[0], height / NYU_SIZE[1]
    return fx * sx, fy * sy, (cx + 0.5) * sx - 0.5, (cy + 0.5) * sy - 0.5


def camera_rotation(camera: Camera) -> np.ndarray:
    """Camera-to-world rotation, (3, 3) float64, columns = right, down, forward."""
    cp, sp = math.cos(camera.pitch), math.sin(camera.pitch)
    cy, sy = math.cos(camera.yaw), math.sin(camera.yaw)
    forward = np.array([cp * cy, cp * sy, -sp])
    right = np.array([sy, -cy, 0.0])
    down = np.cross(forward, right)
    cr, sr = math.cos(camera.roll), math.sin(camera.roll)
    right, down = cr * right + sr * down, cr * down - sr * right
    return np.stack([right, down, forward], axis=1)


def primitive_corners(p: Primitive) -> np.ndarray:
    """The 8 corners of a primitive's bounding box in world coordinates, (8, 3)."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)
    local = signs * np.asarray(p.half)  # (8, 3)
    c, s = math.cos(p.yaw), math.sin(p.yaw)
    if p.kind == "box":
        local = np.stack([c * local[:, 0] - s * local[:, 1], s * local[:, 0] + c * local[:, 1], local[:, 2]], 1)
    return local + np.asarray(p.center)


def _intersect(p: Primitive, origin, dx, dy, dz):
    if p.kind == "box":
        return intersect_box(origin, dx, dy, dz, p.center, p.half, p.yaw)
    return intersect_cylinder(origin, dx, dy, dz, p.center[:2], p.half[0], p.center[2] - p.half[2], p.center[2] + p.half[2])


def _screen_rect(corners, origin, rot, k, width, height):
    """Pixel rectangle (r0, r1, c0, c1) that contains a primitive, or None when behind."""
    cam = (corners - origin) @ rot  # (8, 3) camera coordinates
    z = cam[:, 2]
    if np.all(z <= 0.01):
        return None
    if np.any(z <= 0.01):
        return 0, height, 0, width
    fx, fy, cx, cy = k
    u = fx * cam[:, 0] / z + cx
    v = fy * cam[:, 1] / z + cy
    c0, c1 = max(int(math.floor(u.min())) - 1, 0), min(int(math.ceil(u.max())) + 2, width)
    r0, r1 = max(int(math.floor(v.min())) - 1, 0), min(int(math.ceil(v.max())) + 2, height)
    if c0 >= c1 or r0 >= r1:
        return None
    return r0, r1, c0, c1


def camera_rays(scene: Scene, width: int, height: int):
    """Per-pixel world ray directions (dx, dy, dz), each (H, W) float32, unit optical-axis component."""
    fx, fy, cx, cy = intrinsics(width, height)
    rot = camera_rotation(scene.camera).astype(np.float32)
    xc = ((np.arange(width, dtype=np.float32) - cx) / fx)[None, :]  # (1, W)
    yc = ((np.arange(height, dtype=np.float32) - cy) / fy)[:, None]  # (H, 1)
    return tuple(rot[i, 0] * xc + rot[i, 1] * yc + rot[i, 2] for i in range(3))


def cast_primary(scene: Scene, width: int, height: int):
    """Nearest hit of every camera ray: (t, primitive, face, (dx, dy, dz)), each (H, W)."""
    origin = scene.camera.position
    dx, dy, dz = camera_rays(scene, width, height)
    t, face = intersect_room(origin, dx, dy, dz, scene.room)
    prim = np.zeros((height, width), dtype=np.int16)
    rot = camera_rotation(scene.camera)
    k = intrinsics(width, height)
    for i, p in enumerate(scene.primitives):
        rect = _screen_rect(primitive_corners(p), np.asarray(origin), rot, k, width, height)
        if rect is None:
            continue
        sl = (slice(rect[0], rect[1]), slice(rect[2], rect[3]))
        tp, fp = _intersect(p, origin, dx[sl], dy[sl], dz[sl])
        closer = tp < t[sl]
        np.copyto(t[sl], tp, where=closer)
        np.copyto(face[sl], fp, where=closer)
        np.copyto(prim[sl], np.int16(i + 1), where=closer)
    return t, prim, face, (dx, dy, dz)


def _shadow(scene: Scene, px, py, pz, light_dist, candidates):
    """Which candidate surface points (flat indices) the furniture hides from the light."""
    lx, ly, lz = scene.light.position
    shadowed = np.zeros(px.shape, dtype=bool)
    if candidates.size == 0 or not scene.primitives:
        return shadowed
    # Shadow rays run from the light to the point, so t = 1 is the surface itself.
    sx, sy, sz = px[candidates] - lx, py[candidates] - ly, pz[candidates] - lz
    dist = light_dist[candidates]
    limit = 1.0 - SHADOW_BIAS / np.maximum(dist, 1e-3)
    ux, uy, uz = sx / dist, sy / dist, sz / dist
    groups: dict[int, list[Primitive]] = {}
    for p in scene.primitives:
        groups.setdefault(p.group, []).append(p)
    light = np.array([lx, ly, lz])
    for parts in groups.values():
        corners = np.concatenate([primitive_corners(p) for p in parts])
        lo, hi = corners.min(0), corners.max(0)
        centre, radius = (lo + hi) / 2, float(np.linalg.norm(hi - lo) / 2)
        w = centre - light
        wl = float(np.linalg.norm(w))
        if wl > radius:
            # Only rays inside the cone from the light around the bounding sphere can hit it.
            cos_max = math.sqrt(1 - (radius / wl) ** 2)
            near = (ux * (w[0] / wl) + uy * (w[1] / wl) + uz * (w[2] / wl) > cos_max) & (dist > wl - radius)
            sub = np.flatnonzero(near)
        else:
            sub = np.arange(candidates.size)
        if sub.size == 0:
            continue
        bx, by, bz, lim = sx[sub], sy[sub], sz[sub], limit[sub]
        blocked = np.zeros(sub.size, dtype=bool)
        for p in parts:
            tp, _ = _intersect(p, (lx, ly, lz), bx, by, bz)
            blocked |= tp < lim
        shadowed[candidates[sub[blocked]]] = True
    return shadowed


def _tables(scene: Scene):
    """Per (primitive, face) normal and material tables and per-primitive frames."""
    n = len(scene.primitives) + 1
    normals = np.zeros((n, 6, 3), dtype=np.float32)  # (primitive, face, xyz)
    materials = np.zeros((n, 6), dtype=np.int16)
    frame = np.zeros((n, 5), dtype=np.float32)  # centre x, y, z, cos yaw, sin yaw
    normals[0] = ROOM_FACE_NORMALS
    materials[0] = scene.room_materials
    frame[0] = (0, 0, 0, 1, 0)
    for i, p in enumerate(scene.primitives, start=1):
        c, s = math.cos(p.yaw), math.sin(p.yaw)
        if p.kind == "box":
            b = BOX_FACE_NORMALS
            normals[i] = np.stack([c * b[:, 0] - s * b[:, 1], s * b[:, 0] + c * b[:, 1], b[:, 2]], 1)
        else:
            normals[i, 1] = (0, 0, 1)  # the side normal (face 0) depends on the point
            c, s = 1.0, 0.0
        materials[i] = p.material
        frame[i] = (*p.center, c, s)
    return normals.reshape(-1, 3), materials.reshape(-1), frame


def render_buffers(scene: Scene, width: int, height: int, rng: np.random.Generator) -> RenderBuffers:
    """Render ``scene`` at width x height; ``rng`` drives the sensor noise and hole patterns."""
    t2, prim2, face2, (dx2, dy2, dz2) = cast_primary(scene, width, height)
    t, prim, face = t2.ravel(), prim2.ravel(), face2.ravel()
    dx, dy, dz = dx2.ravel(), dy2.ravel(), dz2.ravel()
    ox, oy, oz = scene.camera.position
    px, py, pz = ox + t * dx, oy + t * dy, oz + t * dz

    normal_table, material_table, frame = _tables(scene)
    key = prim.astype(np.int32) * 6 + face
    normal = normal_table[key]  # (N, 3)
    material = material_table[key]  # (N,)
    f = frame[prim]  # (N, 5)
    rx, ry, rz = px - f[:, 0], py - f[:, 1], pz - f[:, 2]
    lx_, ly_ = f[:, 3] * rx + f[:, 4] * ry, f[:, 3] * ry - f[:, 4] * rx
    axis = face >> 1
    u = np.where(axis == 0, ly_, lx_)
    v = np.where(axis == 2, ly_, rz)
    for i, p in enumerate(scene.primitives, start=1):
        if p.kind != "cylinder":
            continue
        side = np.flatnonzero(key == i * 6)
        r = np.float32(p.half[0])
        normal[side, 0], normal[side, 1], normal[side, 2] = rx[side] / r, ry[side] / r, 0.0
        u[side] = np.arctan2(ry[side], rx[side]) * r
        top = np.flatnonzero(key == i * 6 + 1)
        u[top], v[top] = rx[top], ry[top]
    nx, ny, nz = normal[:, 0], normal[:, 1], normal[:, 2]

    ray_len = np.sqrt(dx * dx + dy * dy + dz * dz)
    cos_inc = np.abs(nx * dx + ny * dy + nz * dz) / ray_len

    light = scene.light
    tlx, tly, tlz = light.position[0] - px, light.position[1] - py, light.position[2] - pz
    light_dist = np.sqrt(tlx * tlx + tly * tly + tlz * tlz)
    inv_ld = 1.0 / np.maximum(light_dist, 1e-3)
    n_dot_l = (nx * tlx + ny * tly + nz * tlz) * inv_ld
    shadowed = _shadow(scene, px, py, pz, light_dist, np.flatnonzero(n_dot_l > 0))
    falloff = light.power / (1.0 + 0.25 * light_dist * light_dist)
    direct = np.where(shadowed, 0.0, np.maximum(n_dot_l, 0.0) * falloff).astype(np.float32)
    irradiance = light.ambient * (0.85 + 0.15 * nz) + direct

    table = noise_table(rng)
    albedo = np.empty((t.size, 3), dtype=np.float32)
    specular = np.zeros(t.size, dtype=np.float32)
    ir_hole = np.zeros(t.size, dtype=bool)
    order = np.argsort(material, kind="stable")
    bounds = np.searchsorted(material[order], np.arange(len(scene.materials) + 1))
    for m, mat in enumerate(scene.materials):
        idx = order[bounds[m] : bounds[m + 1]]
        if idx.size == 0:
            continue
        albedo[idx] = texture(mat, table, u[idx], v[idx])
        if mat.specular > 0:
            # Blinn-Phong with the half vector between light and viewer.
            hx = tlx[idx] * inv_ld[idx] - dx[idx] / ray_len[idx]
            hy = tly[idx] * inv_ld[idx] - dy[idx] / ray_len[idx]
            hz = tlz[idx] * inv_ld[idx] - dz[idx] / ray_len[idx]
            n_dot_h = (nx[idx] * hx + ny[idx] * hy + nz[idx] * hz) / np.sqrt(hx * hx + hy * hy + hz * hz)
            specular[idx] = mat.specular * np.maximum(n_dot_h, 0) ** mat.shininess * (direct[idx] > 0) * falloff[idx]
        if mat.ir_absorbing:
            ir_hole[idx] = value_noise(table, u[idx] * 4 + 9.0, v[idx] * 4 + 3.0) > 0.35

    color = np.asarray(light.color, dtype=np.float32)
    linear = (albedo * irradiance[:, None] + specular[:, None]) * color  # (N, 3)
    exposure = rng.uniform(0.18, 0.3) / max(float(linear.mean()), 1e-4)
    linear *= np.float32(exposure)
    linear = linear.reshape(height, width, 3)
    if rng.uniform() < 0.5:  # slight defocus
        linear[1:-1] = 0.25 * linear[:-2] + 0.5 * linear[1:-1] + 0.25 * linear[2:]
        linear[:, 1:-1] = 0.25 * linear[:, :-2] + 0.5 * linear[:, 1:-1] + 0.25 * linear[:, 2:]
    linear += rng.standard_normal(linear.shape, dtype=np.float32) * np.float32(rng.uniform(0.002, 0.012))
    rgb = _GAMMA_LUT[np.clip(linear * 4095, 0, 4095).astype(np.int32)]

    depth = t2
    shiny = specular * exposure > 0.6
    mask = (
        (t >= MIN_RANGE)
        & (t <= scene.max_range)
        & (cos_inc > GRAZING_COS)
        & ~ir_hole
        & ~shiny
    ).reshape(height, width)
    mask &= ~projector_shadow(depth, intrinsics(width, height)[0])
    shape = (height, width)
    return RenderBuffers(
        rgb=rgb,
        depth=depth,
        mask=mask,
        primitive=prim2,
        face=face2,
        cos_incidence=cos_inc.reshape(shape),
        n_dot_l=n_dot_l.reshape(shape),
        shadowed=shadowed.reshape(shape),
        irradiance=irradiance.reshape(shape),
    )


def projector_shadow(depth: np.ndarray, fx: float) -> np.ndarray:
    """Pixels the Kinect's IR projector (PROJECTOR_BASELINE to the right) cannot light.

    A pixel at column x and depth z is lit by the projector along its own column
    x_p = x - fx * b / z. A nearer surface further right whose x_p is smaller hides it.
    depth (H, W) -> (H, W) bool.
    """
    cols = np.arange(depth.shape[1], dtype=np.float32)[None, :]  # (1, W)
    xp = cols - np.float32(fx * PROJECTOR_BASELINE) / depth  # (H, W)
    # Smallest projector column among the pixels strictly to the right.
    right_min = np.minimum.accumulate(xp[:, ::-1], axis=1)[:, ::-1]
    right_min = np.concatenate([right_min[:, 1:], np.full((depth.shape[0], 1), np.inf, np.float32)], axis=1)
    return xp > right_min + 0.25
