import numpy as np
import pytest
from PIL import Image

from depth_training.model import Architecture, Normalization
from depth_training.data.photo_set import Photo, PhotoSet, PointPair
from depth_training.real_photos import (LoadedPhotos, RealPhotoEvaluation, bilinear, bottom_is_nearer_depths,
                                        depth_at_photo_size, grid_position, grid_samples, jpeg_scale,
                                        decode_upright, median_scaled_metrics, pair_depths, prepare,
                                        metric_factor, upright_size, whdr)
from depth_training.fixture_models import make_tiny

from photo_set_fixtures import tiny_photo_set

PAPER = Architecture()  # 304x228 in, 74x55 out


def photo(width, height, pairs):
    return Photo(id="p", package="x", version="1", path="/p.png", sha256="0" * 64, licence="test",
                 width=width, height=height, pairs=tuple(PointPair(a, b, n) for a, b, n in pairs))


def test_whdr_counts_wrong_orders_and_ties_as_wrong():
    # Depth grows to the right: column j of the grid is j + 1 metres.
    grid = np.tile(np.arange(74, dtype=np.float64) + 1, (55, 1))  # (55, 74)
    p = photo(320, 240, [((20, 100), (300, 100), "a"),   # left is nearer: right
                         ((20, 30), (300, 200), "b"),    # right said nearer: wrong
                         ((250, 10), (40, 230), "b"),    # left is nearer: right
                         ((160, 10), (160, 230), "a")])  # same column: a tie, wrong
    da, db = pair_depths(grid, p, PAPER)
    assert whdr(da, db, [q.a_is_nearer for q in p.pairs]) == pytest.approx(0.5)
    assert whdr([1.0, 2.0], [1.0, 1.0], [True, False]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        whdr([], [], [])


def test_bottom_is_nearer_baseline_is_right_only_when_the_lower_point_is_nearer():
    p = photo(100, 100, [((10, 90), (10, 10), "a"),   # lower and nearer: right
                         ((10, 10), (50, 90), "a"),   # higher and nearer: wrong
                         ((10, 50), (90, 50), "b")])  # same row: a tie, wrong
    da, db = bottom_is_nearer_depths(p)
    assert whdr(da, db, [q.a_is_nearer for q in p.pairs]) == pytest.approx(2 / 3)


def test_photo_centre_maps_to_the_grid_centre_and_the_crop_border_is_clamped():
    for w, h in ((640, 480), (600, 400), (320, 240)):
        gx, gy = grid_position(w / 2 - 0.5, h / 2 - 0.5, (w, h), PAPER)
        assert (gx, gy) == pytest.approx((36.5, 27.0))
        assert grid_position(0, 0, (w, h), PAPER) == (0, 0)  # inside the 8 / 6 pixel crop border
        assert grid_position(w - 1, h - 1, (w, h), PAPER) == (73, 54)


def test_point_mapping_is_the_services_bilinear_resampling_over_the_depth_region():
    # FloatGrid.lerpTable over FrameLayout.frameRegion, restated: for output pixel o of a photo
    # W wide, position = x0 + (o + 0.5) (x1 - x0) / W - 0.5 with x0 = -8 * 74 / 304 and
    # x1 = (320 - 8) * 74 / 304.
    w, h = 741, 500
    x0, x1 = -8 * 74 / 304, 312 * 74 / 304
    o = np.arange(w)
    want = np.clip(x0 + (o + 0.5) * (x1 - x0) / w - 0.5, 0, 73)
    gx, _ = grid_position(o, np.zeros(w), (w, h), PAPER)
    assert np.allclose(gx, want)


def test_bilinear_read_reproduces_a_linear_grid_between_cells():
    gy, gx = np.mgrid[0:55, 0:74].astype(np.float64)
    grid = 3 * gx + 100 * gy + 7
    xs, ys = np.array([0.0, 10.25, 72.9, 73.0]), np.array([0.0, 3.5, 53.1, 54.0])
    assert np.allclose(bilinear(grid, xs, ys), 3 * xs + 100 * ys + 7)


def test_depth_at_photo_size_agrees_with_the_point_reads():
    rng = np.random.default_rng(1)
    grid = rng.uniform(1, 5, (55, 74))
    p = photo(400, 300, [((17, 250), (399, 0), "a")])
    da, db = pair_depths(grid, p, PAPER)
    full = depth_at_photo_size(grid, (400, 300), PAPER)  # (300, 400)
    assert full.shape == (300, 400)
    assert full[250, 17] == pytest.approx(da[0]) and full[0, 399] == pytest.approx(db[0])


def test_grid_samples_read_the_photo_pixel_under_each_cell_centre():
    w, h = 640, 480
    columns = np.tile(np.arange(w, dtype=np.float64), (h, 1))
    values, mask = grid_samples(columns, np.ones((h, w), bool), PAPER)
    assert values.shape == mask.shape == (55, 74)
    # Cell j's centre: crop x (j + 0.5) * 304 / 74, frame x + 8, photo x * 2.
    want = np.floor(((np.arange(74) + 0.5) * 304 / 74 + 8) * 2)
    assert np.array_equal(values[0], want)


def test_prepare_squashes_to_the_frame_and_takes_the_centre_crop():
    # A 640x480 photo made of 8x8 constant patches: frame pixels inside a 4x4 patch of the
    # 320x240 frame (not on its border, where the filter reaches the next patch) keep the value.
    small = np.repeat(np.repeat(np.random.default_rng(2).integers(0, 255, (60, 80, 3), dtype=np.uint8), 4, 0), 4, 1)
    photo_rgb = np.repeat(np.repeat(small, 2, 0), 2, 1)  # (480, 640, 3)
    crop = prepare(Image.fromarray(photo_rgb), PAPER)
    assert crop.shape == (228, 304, 3)
    inside = np.ix_(np.arange(3, 228, 4), np.arange(1, 304, 4))  # frame rows 9, 13, ..., columns 9, 13, ...
    diff = crop[inside].astype(int) - small[6:234, 8:312][inside].astype(int)
    assert np.abs(diff).max() <= 1


def test_pil_bilinear_is_the_services_widened_triangle_filter():
    # ImageResizer.resizeReference, restated: weight max(0, 1 - |source centre - centre| / support)
    # with support = max(scale, 1), pixel centres aligned.
    rng = np.random.default_rng(3)
    src = rng.integers(0, 255, (37, 53, 3), dtype=np.uint8)
    out_w, out_h = 20, 15

    def taps(n_in, n_out):
        scale = n_in / n_out
        support = max(scale, 1)
        weights = np.maximum(0, 1 - np.abs((np.arange(n_in) + 0.5)[None] - ((np.arange(n_out) + 0.5) * scale)[:, None]) / support)
        return weights / weights.sum(1, keepdims=True)  # (n_out, n_in)

    want = np.einsum("yi,xj,ijc->yxc", taps(37, out_h), taps(53, out_w), src.astype(np.float64))
    got = np.asarray(Image.fromarray(src).resize((out_w, out_h), Image.BILINEAR)).astype(np.float64)
    assert np.abs(got - want).max() <= 1.0


def test_jpeg_scale_is_the_smallest_eighth_covering_the_frame():
    assert jpeg_scale(640, 480, (320, 240)) == 4
    assert jpeg_scale(1282, 1110, (320, 240)) == 2
    assert jpeg_scale(548, 342, (320, 240)) == 6
    assert jpeg_scale(300, 200, (320, 240)) == 8


def test_median_scaling_forgives_a_global_scale_but_not_a_wrong_shape():
    gt = np.tile(np.linspace(1, 4, 74), (55, 1))
    mask = np.ones_like(gt, bool)
    scaled = median_scaled_metrics(3 * gt, gt, mask)
    assert scaled["si_log"] == pytest.approx(0, abs=1e-9) and scaled["delta1"] == 1.0
    flat = median_scaled_metrics(np.full_like(gt, 9.0), gt, mask)
    assert flat["si_log"] > 0.3 and flat["delta1"] < 1.0


def test_evaluation_of_a_tiny_model_and_the_baselines_on_a_tiny_set(tmp_path):
    s = PhotoSet.load(tiny_photo_set(tmp_path), min_pairs=1, min_photos=1)
    loaded = LoadedPhotos.load(s, [tmp_path])
    assert loaded.missing == [] and set(loaded.images) == {"room", "street"}
    assert set(loaded.paths) == {"room", "street", "street-gt"}
    ev = RealPhotoEvaluation(loaded)
    depth, valid = ev.gt["street-gt"]
    assert not valid[:10].any() and valid[10:].all()
    assert depth[50, 0] == pytest.approx(100 * 0.1 / (5 + 2))  # focal * baseline / (disparity + doffs)
    model = make_tiny()
    r = ev.evaluate_model(model, Normalization())
    assert 0 <= r["whdr"] <= 1 and set(r["per_photo"]) == {"room", "street"}
    assert r["whdr_indoor"] == r["per_photo"]["room"]
    assert r["gt_scenes"]["street-gt"]["median_scaled"]["si_log"] >= 0
    assert 0 <= r["gt_scenes"]["street-gt"]["metric"]["delta3"] <= 1
    base = ev.evaluate_baselines(model.arch)
    # room: lower nearer, lower nearer, a 1-row difference (the lower one, b, is not the nearer a);
    # street: lower nearer, same row (tie), lower is nearer b but a is: 3 of 6 wrong.
    assert base["bottom is nearer"]["whdr"] == pytest.approx(3 / 6)
    assert base["constant depth"]["whdr"] == 1.0
    # The disparity grows to the right, so a constant cannot be right everywhere.
    assert base["constant depth"]["gt_scenes"]["street-gt"]["median_scaled"]["si_log"] > 0
    assert "metric" not in base["constant depth"]["gt_scenes"]["street-gt"]  # a constant has no camera


def test_missing_photos_are_reported_by_id(tmp_path):
    s = PhotoSet.load(tiny_photo_set(tmp_path), min_pairs=1, min_photos=1)
    (tmp_path / "test-photos/usr/share/test-photos/room.png").unlink()
    loaded = LoadedPhotos.load(s, [tmp_path])
    assert loaded.missing == ["room"] and "room" not in loaded.paths
    with pytest.raises(ValueError, match="install-eval-photos.sh"):
        RealPhotoEvaluation(loaded)


def test_jpegs_are_dct_scaled_like_the_service_and_turned_upright(tmp_path):
    rng = np.random.default_rng(4)
    big = tmp_path / "big.jpg"
    Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save(big, quality=90)
    assert decode_upright(big, (320, 240)).size == (320, 240)  # 4/8, as the service decodes it
    odd = tmp_path / "odd.jpg"  # 5/8 would cover the frame: decoded whole instead
    Image.fromarray(rng.integers(0, 255, (459, 612, 3), dtype=np.uint8)).save(odd, quality=90)
    assert decode_upright(odd, (320, 240)).size == (612, 459)
    turned = tmp_path / "turned.jpg"
    stored = np.zeros((300, 400, 3), np.uint8)
    stored[:, :200] = 255  # left half white as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    Image.fromarray(stored).save(turned, exif=exif, quality=95)
    assert upright_size(turned) == (300, 400)
    upright = np.asarray(decode_upright(turned, (320, 240)))  # (400, 300, 3)
    assert upright.shape == (400, 300, 3)
    assert upright[:150].mean() > 200 and upright[250:].mean() < 50  # stored left is now the top


def test_metric_factor_is_one_for_a_kinect_photo_and_grows_with_the_focal_length():
    from depth_training.camera import KINECT
    assert metric_factor(518.86, 640, KINECT, PAPER) == pytest.approx(1.0)
    assert metric_factor(2 * 518.86, 640, KINECT, PAPER) == pytest.approx(2.0)
    # The motorcycle: 994.978 px at 741 wide is 429.7 px on the 320-wide frame.
    assert metric_factor(994.978, 741, KINECT, PAPER) == pytest.approx(994.978 * 320 / 741 / 259.43)
