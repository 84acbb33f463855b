import math

import numpy as np
import pytest

from depth_training.data import augment as aug


def index_sample(h=240, w=320):
    """Depth encodes each pixel's own (row, col); mask has a hole pattern; rgb is smooth."""
    rows, cols = np.mgrid[0:h, 0:w]
    depth = (1000 + rows * 1000 + cols).astype(np.float32)
    mask = ((rows // 7 + cols // 5) % 3) != 0
    rgb = np.stack([rows % 256, cols % 256, (rows + cols) % 256], -1).astype(np.uint8)
    return rgb, depth, mask


def test_subsampling_640x480_takes_every_other_pixel_and_keeps_the_mask_a_mask():
    rgb, depth, mask = index_sample(480, 640)
    r, d, m = aug.subsample(rgb, depth, mask)
    assert r.shape == (240, 320, 3) and d.shape == (240, 320) and m.dtype == bool
    assert np.array_equal(d, depth[::2, ::2]) and np.array_equal(m, mask[::2, ::2])
    assert np.array_equal(r, rgb[::2, ::2])


def test_targets_are_crop_rows_and_columns_5_plus_4k():
    rows, cols = np.mgrid[0:228, 0:304]
    d, m = aug.targets((rows * 1000 + cols).astype(np.float32), np.ones((228, 304), bool))
    assert d.shape == (55, 74) and m.shape == (55, 74)
    assert list(d[:, 0] // 1000) == [5 + 4 * i for i in range(55)]
    assert list(d[0] % 1000) == [5 + 4 * j for j in range(74)]
    # == the [1::4, 1::4] grid (76 x 57) without its first and last row and column
    full = (rows * 1000 + cols)[1::4, 1::4]
    assert full.shape == (57, 76) and np.array_equal(d, full[1:-1, 1:-1])


def test_identity_augmentation_is_the_centre_crop():
    rgb, depth, mask = index_sample()
    a = aug.augment(rgb, depth, mask, aug.AugmentParams())
    c = aug.centre_crop(rgb, depth, mask)
    for x, y in zip(a, c):
        assert np.array_equal(x, y)
    assert c[1][0, 0] == 1000 + 6 * 1000 + 8 or not c[2][0, 0]
    assert c[1][0, 1] == 1000 + 6 * 1000 + 9  # crop starts at row 6, column 8


def test_scaling_divides_depth_by_s_and_never_blends_depth_or_mask():
    rgb, depth, mask = index_sample()
    s = 1.37
    p = aug.AugmentParams(scale=s, crop_x=20.0, crop_y=15.0)
    _, d, m = aug.augment(rgb, depth, mask, p)
    src = np.rint(d[m] * s).astype(np.int64)  # the source depths, exactly
    assert np.allclose(d[m] * s, src, atol=1e-3 * src)
    r, c = (src - 1000) // 1000, (src - 1000) % 1000
    assert np.all(mask[r, c])  # every valid output came from one valid source pixel
    assert m.dtype == bool and np.all(d[~m] == 0)
    # The image is magnified: 100 output pixels span about 100 / s source pixels.
    row = (np.rint(d[100] * s).astype(np.int64) - 1000) % 1000
    valid = m[100]
    span = row[valid].max() - row[valid].min()
    assert abs(span - np.ptp(valid.nonzero()[0]) / s) < 3


@pytest.mark.parametrize("angle", [-5.0, 3.0])
def test_rotation_moves_each_pixel_as_the_inverse_rotation_says(angle):
    rgb, depth, mask = index_sample()
    mask = np.ones_like(mask)
    p = aug.AugmentParams(angle=angle)
    _, d, m = aug.augment(rgb, depth, mask, p)
    a = math.radians(angle)
    v, u = np.nonzero(m)
    r, c = (d[v, u].astype(np.int64) - 1000) // 1000, (d[v, u].astype(np.int64) - 1000) % 1000
    px, py = u + 8 - 159.5, v + 6 - 119.5  # relative to the centre of the 320 x 240 image
    ex = math.cos(a) * px - math.sin(a) * py + 159.5
    ey = math.sin(a) * px + math.cos(a) * py + 119.5
    assert np.max(np.abs(c - ex)) <= 0.51 and np.max(np.abs(r - ey)) <= 0.51
    # Corners rotate out of the source: they are masked, not filled with invented depth.
    assert not m.all()


def test_colour_factor_scales_each_channel_and_clips():
    rgb, depth, mask = index_sample()
    p = aug.AugmentParams(colour=(0.8, 1.0, 1.2))
    out, _, _ = aug.augment(rgb, depth, mask, p)
    base = aug.centre_crop(rgb, depth, mask)[0]
    assert np.allclose(out, np.clip(base * np.array([0.8, 1.0, 1.2], np.float32), 0, 255), atol=1e-3)
    assert out.max() <= 255


def test_flip_mirrors_rgb_depth_and_mask_together():
    rgb, depth, mask = index_sample()
    base = aug.augment(rgb, depth, mask, aug.AugmentParams(scale=1.2, angle=2.0, crop_x=9.0, crop_y=7.0))
    flipped = aug.augment(rgb, depth, mask, aug.AugmentParams(scale=1.2, angle=2.0, crop_x=9.0, crop_y=7.0, flip=True))
    for x, y in zip(base, flipped):
        assert np.array_equal(x[:, ::-1], y)


def test_random_parameters_stay_in_the_paper_ranges():
    rng = np.random.default_rng(0)
    ps = [aug.AugmentParams.random(rng) for _ in range(2000)]
    assert all(1.0 <= p.scale <= 1.5 and -5 <= p.angle <= 5 for p in ps)
    assert all(0.8 <= c <= 1.2 for p in ps for c in p.colour)
    assert all(0 <= p.crop_x <= 320 * p.scale - 304 and 0 <= p.crop_y <= 240 * p.scale - 228 for p in ps)
    assert 0.45 < np.mean([p.flip for p in ps]) < 0.55
