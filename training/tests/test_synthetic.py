"""Tests of the procedural synthetic indoor scenes (depth_training.render.synthetic)."""

import math

import numpy as np
import pytest

from depth_training.render.synthetic import SyntheticSample, render_scene
from depth_training.render.synthetic.reference import first_hit, light_blocked
from depth_training.render.synthetic.render import (
    GRAZING_COS,
    MIN_RANGE,
    PROJECTOR_BASELINE,
    SHADOW_BIAS,
    camera_ray,
    edge_dropout,
    projector_shadow,
    render_buffers,
)
from depth_training.render.synthetic.texture import value_noise, value_noise_reference
from depth_training.render.synthetic.scene import PLAIN, Camera, Light, Material, Primitive, Scene, sample_scene

W, H = 160, 120  # small renders keep the tests to seconds


def _plain(gray: float) -> Material:
    return Material(kind=PLAIN, color_a=(gray, gray, gray), color_b=(gray, gray, gray))


def _box_scene(light_xy=(1.6, 2.7), room=(5.0, 4.0, 3.0), camera=None) -> Scene:
    """A plain grey room with one box in the middle and a lamp under the ceiling."""
    return Scene(
        room=room,
        room_materials=(0, 0, 0, 0, 1, 0),
        materials=[_plain(0.6), _plain(0.5), _plain(0.4)],
        primitives=[Primitive("box", (2.4, 2.0, 0.4), (0.3, 0.3, 0.4), 0.3, 2, 0)],
        camera=camera or Camera(position=(0.4, 2.0, 1.5), yaw=0.0, pitch=math.radians(25), roll=0.0),
        light=Light(position=(light_xy[0], light_xy[1], room[2] - 0.1), power=3.0, ambient=0.15),
        max_range=10.0,
    )


def test_render_scene_returns_rgb_uint8_depth_float32_mask_bool_of_the_requested_size():
    s = render_scene(3, W, H)
    assert isinstance(s, SyntheticSample)
    assert s.rgb.shape == (H, W, 3) and s.rgb.dtype == np.uint8
    assert s.depth.shape == (H, W) and s.depth.dtype == np.float32
    assert s.mask.shape == (H, W) and s.mask.dtype == np.bool_
    full = render_scene(3)
    assert full.rgb.shape == (240, 320, 3) and full.depth.shape == (240, 320)


def test_same_seed_gives_identical_sample_and_different_seeds_differ():
    a, b, c = render_scene(11, W, H), render_scene(11, W, H), render_scene(12, W, H)
    assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.depth, b.depth) and np.array_equal(a.mask, b.mask)
    assert not np.array_equal(a.depth, c.depth)
    assert not np.array_equal(a.rgb, c.rgb)


def test_valid_depth_is_finite_and_within_kinect_range_and_most_pixels_are_valid():
    fractions = []
    for seed in range(8):
        s = render_scene(seed, W, H)
        assert np.all(np.isfinite(s.depth)) and np.all(s.depth > 0)
        valid = s.depth[s.mask]
        assert valid.min() >= MIN_RANGE and valid.max() <= 10.0
        fractions.append(s.mask.mean())
    assert min(fractions) > 0.5  # mostly readings
    assert sum(f < 1.0 for f in fractions) >= 6  # but Kinect-like holes in (nearly) every frame


def test_rgb_is_rendered_everywhere_not_blanked_in_holes():
    s = render_scene(5, W, H)
    holes = ~s.mask
    assert holes.any()
    assert s.rgb[holes].mean() > 10  # masked pixels still carry the scene's colour


def test_beyond_range_and_grazing_pixels_are_masked():
    # An 8 m x 8 m room seen from one corner along the diagonal: the far corner is > 10 m away.
    room = (8.0, 8.0, 3.0)
    cam = Camera(position=(0.3, 0.3, 1.5), yaw=math.pi / 4, pitch=math.radians(2), roll=0.0)
    scene = _box_scene(room=room, camera=cam)
    b = render_buffers(scene, W, H, np.random.default_rng(0))
    far = b.depth > scene.max_range
    grazing = b.cos_incidence < GRAZING_COS
    assert far.sum() > 20 and grazing.sum() > 20
    assert not b.mask[far].any()
    assert not b.mask[grazing].any()
    assert b.mask.mean() > 0.5


def test_floor_at_bottom_of_an_empty_room_is_nearer_than_the_centre_row():
    # A 5 m deep room, the camera at 1.5 m looking along it: the textbook case.
    scene = _box_scene()
    scene.primitives = []
    b = render_buffers(scene, W, H, np.random.default_rng(0))
    assert b.primitive[-1, W // 2] == 0 and b.face[-1, W // 2] == 4  # floor at the bottom
    assert b.depth[-1, W // 2] < b.depth[H // 2, W // 2]
    assert np.all(np.diff(b.depth[H // 2 :, W // 2]) <= 0)  # and nearer row by row down to it
    # Random empty rooms: it holds unless the camera faces a wall nearer than the floor it sees.
    # (In about 12% of random rooms the camera faces a wall nearer than the floor at the bottom.)
    holds = 0
    for seed in range(40):
        s = render_scene(seed, W // 2, H // 2, num_objects=0)
        holds += s.depth[-1, W // 4] < s.depth[H // 4, W // 4]
    assert holds >= 30


def test_empty_room_has_no_furniture_and_default_scenes_have_some():
    assert sample_scene(np.random.default_rng(1), 0).primitives == []
    assert len(sample_scene(np.random.default_rng(1)).primitives) >= 4


def test_lit_floor_is_brighter_than_floor_in_the_box_shadow():
    scene = _box_scene()
    b = render_buffers(scene, W, H, np.random.default_rng(0))
    floor = (b.primitive == 0) & (b.face == 4)
    lit = floor & ~b.shadowed & (b.n_dot_l > 0)
    dark = floor & b.shadowed
    assert dark.sum() > 50 and lit.sum() > 50
    luminance = b.rgb.astype(np.float32).mean(axis=2)
    assert luminance[lit].mean() > luminance[dark].mean() + 20
    # The shadow is cast by the box: moving the lamp moves the shadow.
    moved = render_buffers(_box_scene(light_xy=(3.5, 1.0)), W, H, np.random.default_rng(0))
    assert not np.array_equal(moved.shadowed, b.shadowed)


def test_render_scene_rejects_bad_sizes_and_object_counts():
    with pytest.raises(ValueError):
        render_scene(0, 4, 4)
    with pytest.raises(ValueError):
        render_scene(0, W, H, num_objects=-1)


def test_vectorised_depth_and_shadows_match_the_scalar_reference_ray_caster():
    rng = np.random.default_rng(99)
    checked = shadow_checked = in_shadow = 0
    for seed in (0, 1, 4, 7):
        scene = sample_scene(np.random.default_rng(seed))
        b = render_buffers(scene, W, H, np.random.default_rng(seed))
        origin = scene.camera.position
        rows, cols = rng.integers(0, H, 150), rng.integers(0, W, 150)
        for r, c in zip(rows, cols):
            d = camera_ray(scene.camera, W, H, r, c)
            t, which = first_hit(scene, origin, d)
            assert b.depth[r, c] == pytest.approx(t, rel=1e-3), (seed, r, c)
            checked += which > 0
            if b.primitive[r, c] == which and b.n_dot_l[r, c] > 0.05:
                point = [origin[i] + t * d[i] for i in range(3)]
                assert b.shadowed[r, c] == light_blocked(scene, point, SHADOW_BIAS), (seed, r, c)
                shadow_checked += 1
                in_shadow += bool(b.shadowed[r, c])
    # The samples did hit furniture, lit surfaces and shadows.
    assert checked > 50 and shadow_checked > 300 and in_shadow > 10


def test_projector_shadow_masks_a_band_left_of_a_near_object_only():
    depth = np.full((4, 120), 4.0, dtype=np.float32)
    depth[:, 60:80] = 1.0  # a near object in front of a wall 4 m away
    fx = 259.4
    band = fx * PROJECTOR_BASELINE * (1 / 1.0 - 1 / 4.0)  # about 14.6 pixels
    shadow = projector_shadow(depth, fx)
    row = shadow[0]
    assert row[60 - int(band) + 1 : 60].all()  # the wall just left of the object is hidden
    assert not row[: 60 - int(band) - 1].any()
    assert not row[60:].any()  # the object itself and the wall on its right are lit


def test_edge_dropout_loses_the_farther_pixel_of_a_depth_step():
    depth = np.full((3, 6), 2.0, dtype=np.float32)
    depth[:, 3:] = 3.0
    out = edge_dropout(depth)
    assert out[:, 3].all() and not out[:, 2].any()
    assert out.sum() == 3
    assert not edge_dropout(np.full((3, 6), 2.0, dtype=np.float32)).any()


def test_table_value_noise_matches_its_scalar_reference_and_stays_in_unit_range():
    rng = np.random.default_rng(5)
    u = rng.uniform(-50, 50, 200).astype(np.float32)
    v = rng.uniform(-50, 50, 200).astype(np.float32)
    fast = value_noise(u, v)
    assert fast.min() >= 0 and fast.max() <= 1 and fast.std() > 0.05
    for a, b, f in zip(u, v, fast):
        assert f == value_noise_reference(float(a), float(b))


def test_glossy_highlights_and_ir_absorbing_surfaces_lose_readings_but_matte_ones_do_not():
    # A polished floor mirrors the lamp just in front of the camera; a black box beside it.
    scene = _box_scene(light_xy=(4.0, 2.0))
    scene.materials.append(Material(kind=PLAIN, color_a=(0.4, 0.4, 0.4), color_b=(0.4, 0.4, 0.4), specular=3.0, shininess=40.0))
    scene.materials.append(Material(kind=PLAIN, color_a=(0.02, 0.02, 0.02), color_b=(0.02, 0.02, 0.02), ir_absorbing=True))
    scene.room_materials = (0, 0, 0, 0, 3, 0)
    scene.primitives = [Primitive("box", (2.4, 2.9, 0.4), (0.3, 0.3, 0.4), 0.0, 4, 0)]
    b = render_buffers(scene, W, H, np.random.default_rng(0))
    floor = (b.primitive == 0) & (b.face == 4)
    black = b.primitive == 1
    assert black.sum() > 100
    assert b.holes["specular"][floor].sum() > 10 and not b.holes["specular"][~floor].any()
    assert 0.2 < b.holes["dark_material"][black].mean() < 1.0  # patchy, not all gone
    assert not b.holes["dark_material"][~black].any()
    assert np.array_equal(b.mask, ~np.logical_or.reduce(list(b.holes.values())))


def test_area_light_softens_shadow_edges_and_a_point_light_keeps_them_hard():
    hard = render_buffers(_box_scene(), W, H, np.random.default_rng(0))
    assert np.array_equal(hard.visibility, (~hard.shadowed).astype(np.float32))
    scene = _box_scene()
    scene.light.size = 0.5
    soft = render_buffers(scene, W, H, np.random.default_rng(0))
    assert soft.visibility.min() >= 0 and soft.visibility.max() <= 1
    assert np.array_equal(soft.shadowed, hard.shadowed)  # the centre's hard shadow is unchanged
    floor = (soft.primitive == 0) & (soft.face == 4)
    penumbra = floor & (soft.visibility > 0) & (soft.visibility < 1)
    umbra, lit = floor & (soft.visibility == 0), floor & (soft.visibility == 1) & (soft.n_dot_l > 0)
    assert penumbra.sum() > 20 and umbra.sum() > 20
    luminance = soft.rgb.astype(np.float32).mean(axis=2)
    assert luminance[umbra].mean() < luminance[penumbra].mean() < luminance[lit].mean()


def test_faces_and_incidence_follow_the_geometry_of_the_hit_point():
    scene = _box_scene()
    b = render_buffers(scene, W, H, np.random.default_rng(0))
    origin = np.asarray(scene.camera.position)
    checked = 0
    for r in range(0, H, 7):
        for c in range(0, W, 7):
            d = camera_ray(scene.camera, W, H, r, c)
            point = origin + b.depth[r, c] * d
            if b.primitive[r, c] == 0:
                # The room face is the wall, floor or ceiling plane the point lies on.
                axis, side = divmod(int(b.face[r, c]), 2)
                plane = scene.room[axis] if side else 0.0
                assert point[axis] == pytest.approx(plane, abs=1e-3)
                normal = np.zeros(3)
                normal[axis] = -1.0 if side else 1.0
                expected = abs(normal @ d) / np.linalg.norm(d)
                assert b.cos_incidence[r, c] == pytest.approx(expected, abs=1e-4)
                checked += 1
    assert checked > 200
