"""Vectorised analytic ray casting of a synthetic Scene: depth, shading, Kinect-like mask.

Camera frame: x right, y down, z forward (the optical axis). Camera ray directions are
built with unit z component, so a ray's hit parameter t is its Kinect depth z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .geometry import (
    BOX_FACE_NORMALS,
    ROOM_FACE_NORMALS,
    T_EPSILON,
    box_slab,
    cylinder_hit,
    inverse_local_directions,
    room_exit,
    to_local,
)
from .scene import Camera, Primitive, Scene
from .texture import texture, value_noise

# NYU Depth v2 Kinect RGB intrinsics at 640x480 (fx, fy, cx, cy).
NYU_INTRINSICS = (518.8579, 519.4696, 325.5824, 253.7362)
NYU_SIZE = (640, 480)
MIN_RANGE = 0.5  # metres: the Kinect reads nothing nearer
GRAZING_COS = 0.15  # |cos| between ray and normal below this (~81 deg) gives no reading
PROJECTOR_BASELINE = 0.075  # metres, IR projector to the right of the IR camera
SHADOW_BIAS = 0.01  # metres: a shadow ray ignores occluders this close to its surface
EDGE_JUMP = 0.05  # relative depth step between neighbours that loses the farther pixel
SPECULAR_SATURATION = 0.6  # exposed highlight level that saturates the IR camera: no reading
PENUMBRA_PIXELS = 7  # soft shadows are re-tested this far from a hard shadow edge
TOP_TOLERANCE = 1e-3  # metres: cylinder hits this close to the top height are on the cap

# 12-bit linear to 8-bit (gamma 2.2) lookup.
_GAMMA_LUT = np.round(255 * (np.arange(4096, dtype=np.float64) / 4095) ** (1 / 2.2)).astype(np.uint8)
# Sensor noise is cut from one long fixed Gaussian sequence at a random offset (much cheaper
# than drawing fresh normals per image, and still deterministic per seed).
_SENSOR_NOISE = np.random.default_rng(518).standard_normal(1 << 20, dtype=np.float32)


@dataclass
class RenderBuffers:
    """Everything one render produces; the sample is (rgb, depth, mask), the rest is for tests."""

    rgb: np.ndarray  # (H, W, 3) uint8
    depth: np.ndarray  # (H, W) float32, metres along the optical axis
    mask: np.ndarray  # (H, W) bool, True = the simulated Kinect has a reading
    primitive: np.ndarray  # (H, W) int16, 0 = room, k + 1 = scene.primitives[k]
    face: np.ndarray  # (H, W) int8, face id (room and boxes: 0 -x .. 5 +z; cylinder: 0 side, 1 top)
    cos_incidence: np.ndarray  # (H, W) float32, |cos| between camera ray and surface normal
    n_dot_l: np.ndarray  # (H, W) float32, cosine between normal and direction to light
    shadowed: np.ndarray  # (H, W) bool, the light's centre is blocked by furniture
    visibility: np.ndarray  # (H, W) float32 in [0, 1], the lit fraction of the area light
    irradiance: np.ndarray  # (H, W) float32, light reaching the surface (ambient included)
    holes: dict[str, np.ndarray]  # cause -> (H, W) bool; mask is True where none applies


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


def camera_ray(camera: Camera, width: int, height: int, row: float, col: float) -> np.ndarray:
    """World direction of the ray through pixel (row, col), unit optical-axis component, (3,)."""
    fx, fy, cx, cy = intrinsics(width, height)
    return camera_rotation(camera) @ np.array([(col - cx) / fx, (row - cy) / fy, 1.0])


def camera_rays(scene: Scene, width: int, height: int):
    """Per-pixel world ray directions (dx, dy, dz), each (H, W) float32, unit optical-axis component."""
    fx, fy, cx, cy = intrinsics(width, height)
    rot = camera_rotation(scene.camera).astype(np.float32)
    xc = ((np.arange(width, dtype=np.float32) - cx) / fx)[None, :]  # (1, W)
    yc = ((np.arange(height, dtype=np.float32) - cy) / fy)[:, None]  # (H, 1)
    return tuple(rot[i, 0] * xc + rot[i, 1] * yc + rot[i, 2] for i in range(3))


def primitive_corners(p: Primitive) -> np.ndarray:
    """The 8 corners of a primitive's bounding box in world coordinates, (8, 3)."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)
    local = signs * np.asarray(p.half)  # (8, 3)
    if p.kind == "box":
        c, s = math.cos(p.yaw), math.sin(p.yaw)
        local = np.stack([c * local[:, 0] - s * local[:, 1], s * local[:, 0] + c * local[:, 1], local[:, 2]], 1)
    return local + np.asarray(p.center)


def _screen_rect(corners, origin, rot, k, width, height):
    """Pixel rectangle (r0, r1, c0, c1) holding the projected corners; None when unseen."""
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


def _groups(scene: Scene):
    """Primitives grouped by furniture piece and yaw: [(yaw, [(index, primitive, corners (8, 3))])]."""
    groups: dict[tuple[int, float], list] = {}
    for i, p in enumerate(scene.primitives):
        groups.setdefault((p.group, p.yaw), []).append((i, p, primitive_corners(p)))
    return [(key[1], parts) for key, parts in groups.items()]


def cast_primary(scene: Scene, width: int, height: int, groups=None):
    """Nearest hit of every camera ray: (t, primitive, (dx, dy, dz)), each (H, W).

    primitive is int16: 0 = room, k + 1 = scene.primitives[k].
    """
    origin = scene.camera.position
    dx, dy, dz = camera_rays(scene, width, height)
    t = room_exit(origin, dx, dy, dz, scene.room)
    prim = np.zeros((height, width), dtype=np.int16)
    rot = camera_rotation(scene.camera)
    k = intrinsics(width, height)
    o = np.asarray(origin)
    for yaw, parts in groups if groups is not None else _groups(scene):
        rects = [(i, p, _screen_rect(corners, o, rot, k, width, height)) for i, p, corners in parts]
        rects = [(i, p, r) for i, p, r in rects if r is not None]
        if not rects:
            continue
        # Directions in the piece's frame, once for the rectangle around all its parts.
        g0, g1 = min(r[0] for _, _, r in rects), max(r[1] for _, _, r in rects)
        h0, h1 = min(r[2] for _, _, r in rects), max(r[3] for _, _, r in rects)
        ix, iy, iz = inverse_local_directions(dx[g0:g1, h0:h1], dy[g0:g1, h0:h1], dz[g0:g1, h0:h1], yaw)
        for i, p, (r0, r1, c0, c1) in rects:
            sub_t = t[r0:r1, c0:c1]
            if p.kind == "box":
                local = (slice(r0 - g0, r1 - g0), slice(c0 - h0, c1 - h0))
                near, far = box_slab(to_local(origin, p.center, p.yaw), ix[local], iy[local], iz[local], p.half)
                closer = (near <= far) & (near > T_EPSILON) & (near < sub_t)
            else:
                sl = (slice(r0, r1), slice(c0, c1))
                near = cylinder_hit(origin, dx[sl], dy[sl], dz[sl], p.center[:2], p.half[0], p.center[2] - p.half[2], p.center[2] + p.half[2])
                closer = near < sub_t
            np.copyto(sub_t, near, where=closer)
            np.copyto(prim[r0:r1, c0:c1], np.int16(i + 1), where=closer)
    return t, prim, (dx, dy, dz)


def _occlusion(groups, centre, offsets, px, py, pz) -> np.ndarray:
    """Whether furniture hides points (n,) from lights at centre + each horizontal offset.

    Returns (len(offsets), n) bool. Each piece of furniture is first culled with one cone
    from the centre around its bounding sphere, widened by the largest offset: a segment
    from an offset light to P stays within that offset of the segment from the centre to P.
    """
    blocked = np.zeros((len(offsets), px.size), dtype=bool)
    if px.size == 0 or not groups:
        return blocked
    lx, ly, lz = centre
    sx, sy, sz = px - lx, py - ly, pz - lz
    dist = np.sqrt(sx * sx + sy * sy + sz * sz)
    inv = 1.0 / np.maximum(dist, 1e-3)
    ux, uy, uz = sx * inv, sy * inv, sz * inv
    spread = max(math.hypot(ox, oy) for ox, oy in offsets)
    light = np.array([lx, ly, lz])
    for yaw, parts in groups:
        corners = np.concatenate([c for _, _, c in parts])
        lo, hi = corners.min(0), corners.max(0)
        centre_g, radius = (lo + hi) / 2, float(np.linalg.norm(hi - lo) / 2) + spread
        w = centre_g - light
        wl = float(np.linalg.norm(w))
        if wl > radius:
            # Only rays inside the cone from the light around the bounding sphere can hit it.
            cos_max = math.sqrt(1 - (radius / wl) ** 2)
            w = (w / wl).astype(np.float32)
            sub = np.flatnonzero((ux * w[0] + uy * w[1] + uz * w[2] > cos_max) & (dist > wl - radius))
        else:
            sub = np.arange(px.size)
        if sub.size == 0:
            continue
        qx, qy, qz = px[sub], py[sub], pz[sub]
        for j, (ox, oy) in enumerate(offsets):
            pos = (lx + ox, ly + oy, lz)
            # Shadow rays run from the light to the point, so t = 1 is the surface itself.
            bx, by, bz = qx - pos[0], qy - pos[1], qz - pos[2]
            limit = 1.0 - SHADOW_BIAS / np.maximum(np.sqrt(bx * bx + by * by + bz * bz), 1e-3)
            ix, iy, iz = inverse_local_directions(bx, by, bz, yaw)
            hit = np.zeros(sub.size, dtype=bool)
            for _, p, _ in parts:
                if p.kind == "box":
                    near, far = box_slab(to_local(pos, p.center, p.yaw), ix, iy, iz, p.half)
                    hit |= (near <= far) & (near > T_EPSILON) & (near < limit)
                else:
                    z0, z1 = p.center[2] - p.half[2], p.center[2] + p.half[2]
                    hit |= cylinder_hit(pos, bx, by, bz, p.center[:2], p.half[0], z0, z1) < limit
            blocked[j, sub] |= hit
    return blocked


def _soft_visibility(groups, light, hard, facing, px, py, pz) -> np.ndarray:
    """Lit fraction of a square area light, (N,) float32.

    Penumbrae only occur near the edges of the hard shadow cast from the light's centre, so
    only pixels within PENUMBRA_PIXELS of such an edge are re-tested, against a 2x2 grid
    of points on the light; everywhere else the centre's answer stands.
    """
    visibility = (~hard).ravel().astype(np.float32)
    if light.size <= 0 or not hard.any():
        return visibility
    edge = np.zeros_like(hard)
    edge[:, 1:] |= hard[:, 1:] != hard[:, :-1]
    edge[1:] |= hard[1:] != hard[:-1]
    step = 1
    while step <= PENUMBRA_PIXELS:  # dilate by 1, 2, 4, ... pixels
        edge[step:] |= edge[:-step].copy()
        edge[:-step] |= edge[step:].copy()
        edge[:, step:] |= edge[:, :-step].copy()
        edge[:, :-step] |= edge[:, step:].copy()
        step *= 2
    near = np.flatnonzero(edge.ravel() & facing)
    if near.size == 0:
        return visibility
    q = light.size / 4  # centres of a 2x2 grid of cells on the light
    blocked = _occlusion(groups, light.position, [(-q, -q), (q, -q), (-q, q), (q, q)], px[near], py[near], pz[near])
    visibility[near] = 1.0 - blocked.mean(axis=0, dtype=np.float32)
    return visibility


def _tables(scene: Scene):
    """Per (primitive, face) normals and materials, and per-primitive frames.

    Returns normals (P*6, 3), materials (P*6,), frame (8, P): centre xyz, cos, sin, half xyz.
    """
    n = len(scene.primitives) + 1
    normals = np.zeros((n, 6, 3), dtype=np.float32)  # (primitive, face, xyz)
    materials = np.zeros((n, 6), dtype=np.int16)
    frame = np.zeros((8, n), dtype=np.float32)
    normals[0] = ROOM_FACE_NORMALS
    materials[0] = scene.room_materials
    half_room = [r / 2 for r in scene.room]
    frame[:, 0] = (*half_room, 1, 0, *half_room)
    for i, p in enumerate(scene.primitives, start=1):
        c, s = math.cos(p.yaw), math.sin(p.yaw)
        if p.kind == "box":
            b = BOX_FACE_NORMALS
            normals[i] = np.stack([c * b[:, 0] - s * b[:, 1], s * b[:, 0] + c * b[:, 1], b[:, 2]], 1)
        else:
            normals[i, 1] = (0, 0, 1)  # the side normal (face 0) depends on the point
            c, s = 1.0, 0.0
        materials[i] = p.material
        frame[:, i] = (*p.center, c, s, *p.half)
    return normals.reshape(-1, 3), materials.reshape(-1), frame


def _surface(scene: Scene, prim, px, py, pz):
    """Face id, normal (N, 3) and texture coordinates (u, v) of each hit point."""
    normal_table, material_table, frame = _tables(scene)
    cx, cy, cz, cos, sin, hx, hy, hz = (np.take(row, prim) for row in frame)
    rx, ry, rz = px - cx, py - cy, pz - cz
    lx, ly = cos * rx + sin * ry, cos * ry - sin * rx  # hit point in the primitive's frame
    # The face of a box (or the room) is the one the point lies on: the largest |local| / half.
    qx, qy, qz = np.abs(lx) / hx, np.abs(ly) / hy, np.abs(rz) / hz
    axis = np.where((qx >= qy) & (qx >= qz), np.int8(0), np.where(qy >= qz, np.int8(1), np.int8(2)))
    positive = np.where(axis == 0, lx, np.where(axis == 1, ly, rz)) > 0
    face = (axis * 2 + positive).astype(np.int8)
    u = np.where(axis == 0, ly, lx)
    v = np.where(axis == 2, ly, rz)
    for i, p in enumerate(scene.primitives, start=1):
        if p.kind != "cylinder":
            continue
        on = np.flatnonzero(prim == i)
        top = rz[on] > p.half[2] - TOP_TOLERANCE
        face[on] = top
        side, cap = on[~top], on[top]
        u[side], v[side] = np.arctan2(ry[side], rx[side]) * np.float32(p.half[0]), rz[side]
        u[cap], v[cap] = rx[cap], ry[cap]
    key = prim.astype(np.int32) * 6 + face
    normal = normal_table[key]  # (N, 3)
    for i, p in enumerate(scene.primitives, start=1):
        if p.kind == "cylinder":
            side = np.flatnonzero(key == i * 6)
            r = np.float32(p.half[0])
            normal[side, 0], normal[side, 1], normal[side, 2] = rx[side] / r, ry[side] / r, 0.0
    return face, normal, material_table[key], u, v


def render_buffers(scene: Scene, width: int, height: int, rng: np.random.Generator) -> RenderBuffers:
    """Render ``scene`` at width x height; ``rng`` drives exposure, sensor noise and blur."""
    groups = _groups(scene)
    t2, prim2, (dx2, dy2, dz2) = cast_primary(scene, width, height, groups)
    t, prim = t2.ravel(), prim2.ravel()
    dx, dy, dz = dx2.ravel(), dy2.ravel(), dz2.ravel()
    ox, oy, oz = scene.camera.position
    px, py, pz = ox + t * dx, oy + t * dy, oz + t * dz
    face, normal, material, u, v = _surface(scene, prim, px, py, pz)
    nx, ny, nz = normal[:, 0], normal[:, 1], normal[:, 2]

    inv_ray = 1.0 / np.sqrt(dx * dx + dy * dy + dz * dz)
    cos_inc = np.abs(nx * dx + ny * dy + nz * dz) * inv_ray

    light = scene.light
    tlx, tly, tlz = light.position[0] - px, light.position[1] - py, light.position[2] - pz
    light_dist = np.sqrt(tlx * tlx + tly * tly + tlz * tlz)
    inv_ld = 1.0 / np.maximum(light_dist, 1e-3)
    n_dot_l = (nx * tlx + ny * tly + nz * tlz) * inv_ld
    facing = n_dot_l > 0
    casters = [(yaw, parts) for yaw, parts in groups if parts[0][1].casts_shadow]
    lit_side = np.flatnonzero(facing)
    shadowed = np.zeros(t.size, dtype=bool)
    shadowed[lit_side] = _occlusion(casters, light.position, [(0.0, 0.0)], px[lit_side], py[lit_side], pz[lit_side])[0]
    visibility = _soft_visibility(casters, light, shadowed.reshape(height, width), facing, px, py, pz)
    falloff = np.float32(light.power) / (1.0 + 0.25 * light_dist * light_dist)
    direct = np.maximum(n_dot_l, 0.0) * falloff * visibility
    irradiance = np.float32(light.ambient) * (0.85 + 0.15 * nz) + direct
    if light.fill > 0:
        fx_, fy_, fz_ = (np.float32(c) for c in light.fill_direction)
        irradiance += np.float32(light.fill) * np.maximum(nx * fx_ + ny * fy_ + nz * fz_, 0)

    albedo = np.empty((t.size, 3), dtype=np.float32)
    specular = np.zeros(t.size, dtype=np.float32)
    ir_hole = np.zeros(t.size, dtype=bool)
    order = np.argsort(material, kind="stable")
    bounds = np.searchsorted(material[order], np.arange(len(scene.materials) + 1))
    for m, mat in enumerate(scene.materials):
        idx = order[bounds[m] : bounds[m + 1]]
        if idx.size == 0:
            continue
        albedo[idx] = texture(mat, u[idx], v[idx])
        if mat.specular > 0:
            # Blinn-Phong with the half vector between light and viewer.
            hx = tlx[idx] * inv_ld[idx] - dx[idx] * inv_ray[idx]
            hy = tly[idx] * inv_ld[idx] - dy[idx] * inv_ray[idx]
            hz = tlz[idx] * inv_ld[idx] - dz[idx] * inv_ray[idx]
            n_dot_h = (nx[idx] * hx + ny[idx] * hy + nz[idx] * hz) / np.sqrt(hx * hx + hy * hy + hz * hz)
            specular[idx] = mat.specular * np.maximum(n_dot_h, 0) ** mat.shininess * (direct[idx] > 0) * falloff[idx]
        if mat.ir_absorbing:
            ir_hole[idx] = value_noise(u[idx] * 4 + 9.0, v[idx] * 4 + 3.0) > 0.35

    linear = albedo * irradiance[:, None]  # (N, 3)
    linear += specular[:, None]
    linear *= np.asarray(light.color, dtype=np.float32)
    exposure = np.float32(rng.uniform(0.18, 0.3) / max(float(linear.mean()), 1e-4))
    linear = linear.reshape(height, width, 3)
    if rng.uniform() < 0.5:  # slight defocus
        linear[1:-1] = 0.25 * linear[:-2] + 0.5 * linear[1:-1] + 0.25 * linear[2:]
        linear[:, 1:-1] = 0.25 * linear[:, :-2] + 0.5 * linear[:, 1:-1] + 0.25 * linear[:, 2:]
    linear *= np.float32(4095) * exposure
    n = linear.size
    if n <= _SENSOR_NOISE.size:
        start = int(rng.integers(0, _SENSOR_NOISE.size - n + 1))
        noise = _SENSOR_NOISE[start : start + n].reshape(linear.shape)
    else:
        noise = rng.standard_normal(linear.shape, dtype=np.float32)
    linear += noise * np.float32(4095 * rng.uniform(0.002, 0.012))
    np.clip(linear, 0, 4095, out=linear)
    rgb = _GAMMA_LUT[linear.astype(np.int16)]

    shape = (height, width)
    holes = {
        "out_of_range": ((t < MIN_RANGE) | (t > scene.max_range)).reshape(shape),
        "grazing": (cos_inc <= GRAZING_COS).reshape(shape),
        "dark_material": ir_hole.reshape(shape),
        "specular": (specular * exposure > SPECULAR_SATURATION).reshape(shape),
        "projector_shadow": projector_shadow(t2, intrinsics(width, height)[0]),
        "edge": edge_dropout(t2),
    }
    mask = ~np.logical_or.reduce(list(holes.values()))
    return RenderBuffers(
        rgb=rgb,
        depth=t2,
        mask=mask,
        primitive=prim2,
        face=face.reshape(shape),
        cos_incidence=cos_inc.reshape(shape),
        n_dot_l=n_dot_l.reshape(shape),
        shadowed=shadowed.reshape(shape),
        visibility=visibility.reshape(shape),
        irradiance=irradiance.reshape(shape),
        holes=holes,
    )


def edge_dropout(depth: np.ndarray) -> np.ndarray:
    """The farther pixel of each depth jump above EDGE_JUMP (relative), where a Kinect's
    correlation window straddles two surfaces and returns nothing. (H, W) -> (H, W) bool."""
    out = np.zeros(depth.shape, dtype=bool)
    jump = np.float32(EDGE_JUMP)
    dh = depth[:, 1:] - depth[:, :-1]  # (H, W-1), > 0: the right pixel is farther
    out[:, 1:] |= dh > jump * depth[:, :-1]
    out[:, :-1] |= -dh > jump * depth[:, 1:]
    dv = depth[1:] - depth[:-1]  # (H-1, W)
    out[1:] |= dv > jump * depth[:-1]
    out[:-1] |= -dv > jump * depth[1:]
    return out


def projector_shadow(depth: np.ndarray, fx: float) -> np.ndarray:
    """Pixels the Kinect's IR projector (PROJECTOR_BASELINE to the right) cannot light.

    A pixel at column x and depth z is lit along projector column x_p = x - fx * b / z.
    A surface further right in the image whose x_p is smaller lies in front of it and hides
    it from the projector. depth (H, W) -> (H, W) bool.
    """
    cols = np.arange(depth.shape[1], dtype=np.float32)[None, :]  # (1, W)
    xp = cols - np.float32(fx * PROJECTOR_BASELINE) / depth  # (H, W)
    # Smallest projector column among the pixels strictly to the right.
    right_min = np.minimum.accumulate(xp[:, ::-1], axis=1)[:, ::-1]
    right_min = np.concatenate([right_min[:, 1:], np.full((depth.shape[0], 1), np.inf, np.float32)], axis=1)
    return xp > right_min + 0.25
