"""The camera model applied to rendered views: reproducible, in range, and doing what each step
claims (denoising lowers noise, exposure adapts, depth becomes millimetres with holes)."""
import numpy as np
import pytest

from depth_training.render.photoreal import camera_effects as ce


def _scene(h=48, w=64, level=1.0):
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([0.2 + 0.6 * xx / w, 0.5 * np.ones((h, w)), 0.8 - 0.5 * yy / h], -1)
    return (base * level).astype(np.float32)


def test_develop_is_reproducible_from_its_generator_and_gives_8_bit_srgb():
    img = _scene()
    a, pa = ce.develop(img, np.random.default_rng(3))
    b, pb = ce.develop(img, np.random.default_rng(3))
    c, _ = ce.develop(img, np.random.default_rng(4))
    assert a.dtype == np.uint8 and a.shape == img.shape
    assert np.array_equal(a, b) and pa == pb and not np.array_equal(a, c)


def test_automatic_exposure_makes_a_dim_and_a_bright_render_look_alike():
    dim, _ = ce.develop(_scene(level=0.01), np.random.default_rng(0))
    bright, _ = ce.develop(_scene(level=100.0), np.random.default_rng(0))
    assert abs(float(dim.mean()) - float(bright.mean())) < 3
    assert 40 < dim.mean() < 220


def test_filmic_curve_is_monotone_from_black_to_white():
    x = np.linspace(0, 50, 2000)
    y = ce.filmic(x)
    assert y[0] == 0 and y[-1] > 0.99 and np.all(np.diff(y) >= 0)


def test_blur_keeps_the_mean_and_spreads_an_impulse():
    img = np.zeros((21, 21, 1), np.float32)
    img[10, 10] = 1
    out = ce._blur(img, 1.0)
    assert out.sum() == pytest.approx(1.0, abs=1e-5) and out[10, 10, 0] < 0.2 and out[10, 12, 0] > 0.01
    assert ce._blur(img, 0.1) is img


def test_denoising_removes_most_of_the_path_tracers_noise():
    rng = np.random.default_rng(0)
    clean = _scene()
    noisy = np.maximum(clean * rng.gamma(2.0, 0.5, clean.shape).astype(np.float32), 0)
    view = ce.RenderedView(noisy, np.clip(clean, 0, 1), np.dstack([np.zeros_like(clean[..., :2]), np.ones_like(clean[..., :1])]),
                           np.ones(clean.shape[:2], np.float32))
    out = ce.denoise(view)
    assert out.shape == clean.shape
    assert np.abs(out - clean).mean() < 0.3 * np.abs(noisy - clean).mean()


def test_depth_becomes_millimetres_with_far_and_invalid_readings_zero():
    d = np.array([[0.5, 1.2345, 19.9, 25.0], [np.inf, np.nan, -1.0, 70.0]], np.float32)
    mm, holes = ce.depth_millimetres(d, np.random.default_rng(0), hole_share=0.0)
    assert not holes and mm.dtype == np.uint16
    assert mm.tolist() == [[500, 1234, 19900, 0], [0, 0, 0, 0]]


def test_kinect_holes_drop_readings_beside_depth_edges_only_when_drawn():
    d = np.full((240, 320), 3.0, np.float32)
    d[:, 160:] = 1.0
    mm, holes = ce.depth_millimetres(d, np.random.default_rng(1), hole_share=1.0)
    assert holes and (mm[:, 160:164] == 0).all(axis=1).mean() > 0.9  # the shadow band at the edge
    assert (mm > 0).mean() > 0.9
