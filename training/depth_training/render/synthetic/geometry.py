"""Vectorised ray / primitive intersection for the synthetic indoor renderer.

Every function takes one ray origin shared by all rays (the camera or the point light, as
three floats) and per-ray directions as float32 arrays of one shape (structure of arrays).
Directions need not be unit length: a returned parameter ``t`` is in units of the direction
vector, so with camera directions whose optical-axis component is 1 the camera's ``t`` is
exactly the Kinect-style depth z. Misses are ``inf``.

World frame: x and y horizontal, z up; the floor is z = 0. Boxes may be rotated by a yaw
about the vertical axis; cylinders are vertical.
"""

from __future__ import annotations

import math

import numpy as np

# Hits nearer than this (in ray-parameter units) are ignored, so that a ray leaving a
# surface does not find the surface itself again.
T_EPSILON = 1e-4

# Local outward face normals of a box, indexed by face id: 0 -x, 1 +x, 2 -y, 3 +y, 4 -z, 5 +z.
BOX_FACE_NORMALS = np.array(
    [[-1, 0, 0], [1, 0, 0], [0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1]], dtype=np.float32
)  # (6, 3)

# The room is seen from inside: its normals point inwards. Face 0 is the wall x = 0,
# 1 the wall x = W, 2 y = 0, 3 y = D, 4 the floor, 5 the ceiling.
ROOM_FACE_NORMALS = -BOX_FACE_NORMALS  # (6, 3)


def room_exit(origin, dx, dy, dz, size):
    """Where rays started inside the box [0, W] x [0, D] x [0, H] leave it: t like dx."""
    ox, oy, oz = origin
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(dx > 0, np.float32(size[0] - ox), np.float32(-ox)) / dx
        ty = np.where(dy > 0, np.float32(size[1] - oy), np.float32(-oy)) / dy
        tz = np.where(dz > 0, np.float32(size[2] - oz), np.float32(-oz)) / dz
    # A zero direction component gives +-inf or nan; neither may win the minimum.
    t = np.fmin(np.fmin(np.where(tx > 0, tx, np.inf), np.where(ty > 0, ty, np.inf)), np.where(tz > 0, tz, np.inf))
    return t.astype(np.float32, copy=False)


def to_local(origin, center, yaw):
    """The origin in a primitive's frame (translated to its centre, rotated by -yaw)."""
    c, s = math.cos(yaw), math.sin(yaw)
    px, py, pz = origin[0] - center[0], origin[1] - center[1], origin[2] - center[2]
    return c * px + s * py, c * py - s * px, pz


def inverse_local_directions(dx, dy, dz, yaw):
    """Reciprocals of the ray directions in a frame rotated by yaw: (ix, iy, iz)."""
    with np.errstate(divide="ignore"):
        if yaw == 0.0:
            return 1.0 / dx, 1.0 / dy, 1.0 / dz
        c, s = np.float32(math.cos(yaw)), np.float32(math.sin(yaw))
        return 1.0 / (c * dx + s * dy), 1.0 / (c * dy - s * dx), 1.0 / dz


def box_slab(local_origin, ix, iy, iz, half):
    """Slab test against an axis-aligned box centred at the local origin's frame origin.

    ix, iy, iz: reciprocal local directions. Returns (near, far); the ray hits when
    near <= far and near > T_EPSILON (the ray origin outside the box), at t = near.
    """
    ox, oy, oz = local_origin
    with np.errstate(invalid="ignore"):
        ax, bx = ix * np.float32(-half[0] - ox), ix * np.float32(half[0] - ox)
        ay, by = iy * np.float32(-half[1] - oy), iy * np.float32(half[1] - oy)
        az, bz = iz * np.float32(-half[2] - oz), iz * np.float32(half[2] - oz)
        near = np.maximum(np.maximum(np.minimum(ax, bx), np.minimum(ay, by)), np.minimum(az, bz))
        far = np.minimum(np.minimum(np.maximum(ax, bx), np.maximum(ay, by)), np.maximum(az, bz))
    return near, far


def box_hit(origin, dx, dy, dz, center, half, yaw):
    """First entry of rays into a yaw-rotated box whose outside holds the origin: t like dx."""
    ix, iy, iz = inverse_local_directions(dx, dy, dz, yaw)
    near, far = box_slab(to_local(origin, center, yaw), ix, iy, iz, half)
    return np.where((near <= far) & (near > T_EPSILON), near, np.float32(np.inf))


def cylinder_hit(origin, dx, dy, dz, center_xy, radius, z0, z1):
    """First entry of rays into a vertical cylinder standing from z0 to z1: t like dx.

    The origin must lie outside it. Only the side and the top cap are tested: the bottom
    rests on a floor or a table and is never seen from the room.
    """
    px, py, oz = origin[0] - center_xy[0], origin[1] - center_xy[1], origin[2]
    a = dx * dx + dy * dy
    half_b = np.float32(px) * dx + np.float32(py) * dy
    c = np.float32(px * px + py * py - radius * radius)
    disc = half_b * half_b - a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        t_side = (-half_b - np.sqrt(np.maximum(disc, 0))) / a
    z = oz + t_side * dz
    side_ok = (disc >= 0) & (t_side > T_EPSILON) & (z >= z0) & (z <= z1)
    t = np.where(side_ok, t_side, np.float32(np.inf))
    if oz > z1:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_top = np.float32(z1 - oz) / dz
        hx, hy = px + t_top * dx, py + t_top * dy
        top_ok = (t_top > T_EPSILON) & (hx * hx + hy * hy <= radius * radius) & (t_top < t)
        t = np.where(top_ok, t_top, t)
    return t.astype(np.float32, copy=False)
