import math

import numpy as np
import torch

from depth_training.evaluate import evaluate_baselines, evaluate_model, training_statistics
from depth_training.data.datasets import Sample
from depth_training.metrics import PAPER_NYU, MetricAccumulator, eigen_crop_mask, format_table
from depth_training.camera import KINECT, Camera
from depth_training.model import DepthNet, Normalization


def gt_and_mask(seed=0):
    rng = np.random.default_rng(seed)
    gt = rng.uniform(0.5, 8.0, (3, 55, 74))
    mask = rng.random((3, 55, 74)) > 0.2
    return gt, mask


def test_a_perfect_prediction_scores_perfectly():
    gt, mask = gt_and_mask()
    acc = MetricAccumulator()
    acc.update(gt, gt, mask)
    r = acc.result()
    assert r["delta1"] == r["delta2"] == r["delta3"] == 1.0
    assert max(r["abs_rel"], r["sq_rel"], r["rmse"], r["rmse_log"], r["si_log"]) < 1e-12


def test_a_prediction_ten_percent_too_far_gives_the_closed_form_errors():
    gt, mask = gt_and_mask()
    acc = MetricAccumulator()
    acc.update(1.1 * gt, gt, mask)
    r, g = acc.result(), gt[mask]
    assert r["delta1"] == 1.0
    assert math.isclose(r["abs_rel"], 0.1, rel_tol=1e-9)
    assert math.isclose(r["sq_rel"], 0.01 * g.mean(), rel_tol=1e-9)
    assert math.isclose(r["rmse"], 0.1 * math.sqrt((g ** 2).mean()), rel_tol=1e-9)
    assert math.isclose(r["rmse_log"], math.log(1.1), rel_tol=1e-9)
    assert r["si_log"] < 1e-7  # a global scale costs nothing scale-invariantly


def test_thresholds_count_the_ratio_either_way():
    gt = np.full((1, 2, 2), 2.0)
    pred = np.array([[[2.0 * 1.2, 2.0 / 1.3], [2.0 * 1.9, 2.0 / 2.5]]])
    acc = MetricAccumulator()
    acc.update(pred, gt, np.ones_like(gt, bool))
    r = acc.result()
    assert (r["delta1"], r["delta2"], r["delta3"]) == (0.25, 0.5, 0.75)


def test_masked_pixels_and_depths_beyond_the_cap_are_ignored():
    gt, mask = gt_and_mask()
    pred = gt.copy()
    pred[~mask] = 100.0  # nonsense where there is no reading
    gt2 = gt.copy()
    gt2[0, 0, :] = 25.0  # beyond NYU's 10 m cap
    acc = MetricAccumulator(cap=10.0)
    acc.update(np.minimum(pred, 10.0), gt2, mask)
    r = acc.result()
    assert r["delta1"] == 1.0 and r["abs_rel"] < 1e-12


def test_eigen_crop_keeps_output_rows_3_to_54_and_columns_2_to_71():
    m = eigen_crop_mask()
    assert m.shape == (55, 74)
    rows, cols = np.nonzero(m.any(1))[0], np.nonzero(m.any(0))[0]
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (3, 54, 2, 71)
    assert m.sum() == len(rows) * len(cols)


def test_table_sets_the_model_beside_the_paper():
    text = format_table({"model": {"delta1": 0.5}, "paper": PAPER_NYU})
    assert "| delta < 1.25 | 0.500 | 0.611 |" in text and "| abs rel | - | 0.215 |" in text


class Flat:
    """A source of rooms with the same depth everywhere, per image, optionally per-image focal
    lengths (px at width 320)."""

    def __init__(self, depths, focals=None):
        self.depths, self.focals = depths, focals

    def __len__(self):
        return len(self.depths)

    def __getitem__(self, i):
        extra = {"focal_px": self.focals[i]} if self.focals else {}
        return Sample(np.full((240, 320, 3), 90, np.uint8), np.full((240, 320), self.depths[i], np.float32),
                      np.ones((240, 320), bool), **extra)


def test_baselines_use_the_training_mean_map_and_median():
    mean_map, median = training_statistics(Flat([1.0, 2.0, 6.0]))
    assert np.allclose(mean_map, 3.0) and median == 2.0
    res = evaluate_baselines(mean_map, median, Flat([3.0, 3.0]))
    assert res["train mean depth map"]["abs_rel"] < 1e-9
    assert math.isclose(res["train median constant"]["abs_rel"], 1 / 3, rel_tol=1e-6)


def test_model_evaluation_scores_the_network_output():
    model = DepthNet("tiny")
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.fine.conv3.bias.fill_(math.log(2.0))  # predicts 2 m everywhere
    r = evaluate_model(model, Normalization(), Flat([2.0, 4.0]), batch_size=2)
    assert r["delta1"] == 0.5 and math.isclose(r["abs_rel"], 0.25, rel_tol=1e-6)


def test_evaluation_scales_canonical_predictions_to_each_frames_camera():
    model = DepthNet("tiny")  # the Kinect's camera, F = 259.43 px at 320
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.fine.conv3.bias.fill_(math.log(2.0))  # 2 m in the canonical camera
    f = KINECT.focal_px
    # Twice the focal length: the same picture shows a scene at twice the distance, so 2 m
    # canonical is 4 m; half the focal length: 1 m.
    r = evaluate_model(model, Normalization(), Flat([4.0, 1.0], [2 * f, f / 2]), batch_size=2)
    assert r["delta1"] == 1.0 and r["abs_rel"] < 1e-6
    assert evaluate_model(model, Normalization(), Flat([4.0, 1.0]), batch_size=2)["delta1"] == 0.0
    model.camera = Camera(2 * f, 320)  # the same outputs read as a camera of focal 2F: 1 m at F, 0.5 m at F / 2
    r = evaluate_model(model, Normalization(), Flat([1.0, 0.5], [f, f / 2]), batch_size=2)
    assert r["abs_rel"] < 1e-6


def test_baselines_are_statistics_in_canonical_depth_scaled_to_the_test_camera():
    f = KINECT.focal_px
    # 1 m seen by a camera of focal 2F is 0.5 m canonical; 3 m at F stays 3 m.
    mean_map, median = training_statistics(Flat([1.0, 3.0], [2 * f, f]))
    assert np.allclose(mean_map, 1.75) and median == 1.75  # half the pixels at 0.5, half at 3
    res = evaluate_baselines(mean_map, 1.75, Flat([3.5], [2 * f]))  # 1.75 canonical = 3.5 m at 2F
    assert res["train mean depth map"]["abs_rel"] < 1e-6 and res["train median constant"]["abs_rel"] < 1e-6
