"""Vectorised ray / primitive intersection for the synthetic indoor renderer.

Every function takes one ray origin shared by all rays (the camera or the point light, as
three Python floats) and per-ray directions as three float32 arrays of any one shape
(structure of arrays). Directions need not be unit length: the returned parameter ``t`` is
in units of the direction vector, so with camera directions whose optical-axis component is
1 the camera's ``t`` is exactly the Kinect-style depth ``z``.

World frame: x and y horizontal, z up; the floor is z = 0.
"""

from __future__ import annotations

import numpy as np

# Hits nearer than this (in ray-parameter units) are ignored, so that a ray leaving a
# surface does not find the surface itself again.
T_EPSILON = 1e-4

# Local face normals of a box, indexed by face id: 0 -x, 1 +x, 2 -y, 3 +y, 4 -z, 5 +z.
BOX_FACE_NORMALS = np.array(
    [[-1, 0, 0], [1, 0, 0], [0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1]], dtype=np.float32
)  # (6, 3)

# Inward normals of the room's faces, indexed by face id: 0 wall x=0, 1 wall x=W,
# 2 wall y=0, 3 wall y=D, 4 floor, 5 ceiling.
ROOM_FACE_NORMALS = -BOX_FACE_NORMALS  # (6, 3)


def intersect_room(origin, dx, dy, dz, size):
    """Exit point of rays started inside the box [0, W] x [0, D] x [0, H].

    Returns (t, face): t float32 like dx, face int8 (room face ids, see ROOM_FACE_NORMALS).
    """
    ox, oy, oz = origin
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(dx > 0, (size[0] - ox) / dx, -ox / dx)
        ty = np.where(dy > 0, (size[1] - oy) / dy, -oy / dy)
        tz = np.where(dz > 0, (size[2] - oz) / dz, -oz / dz)
    tx = np.where(np.isnan(tx), np.inf, tx).astype(np.float32, copy=False)
    ty = np.where(np.isnan(ty), np.inf, ty).astype(np.float32, copy=False)
    tz = np.where(np.isnan(tz), np.inf, tz).astype(np.float32, copy=False)
    t = np.minimum(np.minimum(tx, ty), tz)
    # A ray leaving through the wall x = W has dx > 0: face 1; through x = 0: face 0.
    face = np.where(
        t == tx,
        (dx > 0).astype(np.int8),
        np.where(t == ty, 2 + (dy > 0), 4 + (dz > 0)),
    ).astype(np.int8)
    return t, face


def intersect_box(origin, dx, dy, dz, center, half, yaw):
    """First entry of rays into a box rotated by ``yaw`` (radians) about the vertical axis.

    The origin must lie outside the box. Returns (t, face): t float32 (inf where the ray
    misses), face int8 in the box's local face ids (see BOX_FACE_NORMALS).
    """
    c, s = np.float32(np.cos(yaw)), np.float32(np.sin(yaw))
    px, py, pz = origin[0] - center[0], origin[1] - center[1], origin[2] - center[2]
    # World to local is a rotation by -yaw.
    lox, loy, loz = c * px + s * py, -s * px + c * py, pz
    if yaw == 0.0:
        ldx, ldy = dx, dy
    else:
        ldx, ldy = c * dx + s * dy, c * dy - s * dx
    ldz = dz
    with np.errstate(divide="ignore", invalid="ignore"):
        ix, iy, iz = 1.0 / ldx, 1.0 / ldy, 1.0 / ldz
        ax, bx = (-half[0] - lox) * ix, (half[0] - lox) * ix
        ay, by = (-half[1] - loy) * iy, (half[1] - loy) * iy
        az, bz = (-half[2] - loz) * iz, (half[2] - loz) * iz
    nx, ny, nz = np.minimum(ax, bx), np.minimum(ay, by), np.minimum(az, bz)
    near = np.maximum(np.maximum(nx, ny), nz)
    far = np.minimum(np.minimum(np.maximum(ax, bx), np.maximum(ay, by)), np.maximum(az, bz))
    hit = (near <= far) & (near > T_EPSILON)
    t = np.where(hit, near, np.float32(np.inf)).astype(np.float32, copy=False)
    # Entering along +axis means crossing the face whose normal is -axis (even id).
    face = np.where(
        near == nx, (ldx < 0).astype(np.int8), np.where(near == ny, 2 + (ldy < 0), 4 + (ldz < 0))
    ).astype(np.int8)
    return t, face


def intersect_cylinder(origin, dx, dy, dz, center_xy, radius, z0, z1):
    """First entry of rays into a vertical cylinder standing from z0 to z1.

    The origin must lie outside the cylinder. Only the side (face 0) and the top cap
    (face 1) are tested: the bottom cap rests on the floor and is never seen from the room.
    Returns (t, face) like intersect_box.
    """
    px, py, oz = origin[0] - center_xy[0], origin[1] - center_xy[1], origin[2]
    a = dx * dx + dy * dy
    half_b = px * dx + py * dy
    c = px * px + py * py - radius * radius
    disc = half_b * half_b - a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        t_side = (-half_b - np.sqrt(np.maximum(disc, 0))) / a
    z = oz + t_side * dz
    side_ok = (disc >= 0) & (t_side > T_EPSILON) & (z >= z0) & (z <= z1)
    t = np.where(side_ok, t_side, np.float32(np.inf)).astype(np.float32, copy=False)
    face = np.zeros(t.shape, dtype=np.int8)
    if oz > z1:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_top = (z1 - oz) / dz
        hx, hy = px + t_top * dx, py + t_top * dy
        top_ok = (t_top > T_EPSILON) & (hx * hx + hy * hy <= radius * radius) & (t_top < t)
        t = np.where(top_ok, t_top, t).astype(np.float32, copy=False)
        face[top_ok] = 1
    return t, face
