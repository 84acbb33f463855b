"""The eight error measures of Eigen et al. (2014), Table 1, and the NYU evaluation protocol."""
from __future__ import annotations

import numpy as np

from .data import augment as aug

#: Order of the table; higher is better for the deltas, lower for the rest.
METRICS = ["delta1", "delta2", "delta3", "abs_rel", "sq_rel", "rmse", "rmse_log", "si_log"]
LABELS = {"delta1": "delta < 1.25", "delta2": "delta < 1.25^2", "delta3": "delta < 1.25^3",
          "abs_rel": "abs rel", "sq_rel": "sq rel", "rmse": "RMSE (m)", "rmse_log": "RMSE log",
          "si_log": "RMSE log scale-inv."}
#: Eigen et al. 2014, Table 1, coarse + fine, NYU Depth v2 test set (654 images).
PAPER_NYU = {"delta1": 0.611, "delta2": 0.887, "delta3": 0.971, "abs_rel": 0.215,
             "sq_rel": 0.212, "rmse": 0.907, "rmse_log": 0.285, "si_log": 0.219}

NYU_CAP_M = 10.0
MIN_DEPTH_M = 1e-3
#: Eigen crop of the 640 x 480 NYU frame: rows [45, 471), columns [41, 601).
EIGEN_CROP = (45, 471, 41, 601)


def eigen_crop_mask() -> np.ndarray:
    """(55, 74) bool: output cells whose centre pixel lies inside the Eigen crop. Target cell
    (i, j) is pixel (6 + 5 + 4i, 8 + 5 + 4j) of the 320 x 240 frame (centre crop, then
    targets()), i.e. (22 + 8i, 26 + 8j) of the 640 x 480 frame."""
    y0 = (aug.FULL_H - aug.CROP_H) // 2 + aug.TARGET_START
    x0 = (aug.FULL_W - aug.CROP_W) // 2 + aug.TARGET_START
    rows = 2 * (y0 + aug.TARGET_STEP * np.arange(aug.OUT_H))
    cols = 2 * (x0 + aug.TARGET_STEP * np.arange(aug.OUT_W))
    r0, r1, c0, c1 = EIGEN_CROP
    return ((rows >= r0) & (rows < r1))[:, None] & ((cols >= c0) & (cols < c1))[None, :]


class MetricAccumulator:
    """Accumulates over a test set. The first seven measures pool every valid pixel of every
    image (the paper's (1/|T|) sum over all pixels T); the scale-invariant one is computed per
    image (lambda = 1) and averaged over images."""

    def __init__(self, cap: float | None = None, region: np.ndarray | None = None):
        self.cap, self.region = cap, region
        self.n = 0
        self.images = 0
        self.sums = dict.fromkeys(["d1", "d2", "d3", "abs_rel", "sq_rel", "sq", "sq_log", "si"], 0.0)

    def update(self, pred: np.ndarray, gt: np.ndarray, mask: np.ndarray) -> None:
        """pred, gt depth in metres and mask, each (N, h, w) (or (N, 1, h, w))."""
        pred = np.asarray(pred, np.float64).reshape(len(pred), -1)
        gt = np.asarray(gt, np.float64).reshape(len(gt), -1)
        valid = np.asarray(mask, bool).reshape(len(mask), -1) & (gt > MIN_DEPTH_M)
        if self.region is not None:
            valid &= self.region.reshape(1, -1)
        if self.cap is not None:
            valid &= gt <= self.cap
            pred = np.clip(pred, MIN_DEPTH_M, self.cap)
        pred = np.maximum(pred, MIN_DEPTH_M)
        for p, g, v in zip(pred, gt, valid):
            if not v.any():
                continue
            p, g = p[v], g[v]
            ratio = np.maximum(p / g, g / p)
            d = np.log(p) - np.log(g)
            s = self.sums
            s["d1"] += np.sum(ratio < 1.25)
            s["d2"] += np.sum(ratio < 1.25 ** 2)
            s["d3"] += np.sum(ratio < 1.25 ** 3)
            s["abs_rel"] += np.sum(np.abs(p - g) / g)
            s["sq_rel"] += np.sum((p - g) ** 2 / g)
            s["sq"] += np.sum((p - g) ** 2)
            s["sq_log"] += np.sum(d ** 2)
            s["si"] += np.sqrt(max(np.mean(d ** 2) - np.mean(d) ** 2, 0.0))
            self.n += len(p)
            self.images += 1

    def result(self) -> dict[str, float]:
        n, s = max(self.n, 1), self.sums
        return {"delta1": s["d1"] / n, "delta2": s["d2"] / n, "delta3": s["d3"] / n,
                "abs_rel": s["abs_rel"] / n, "sq_rel": s["sq_rel"] / n, "rmse": np.sqrt(s["sq"] / n),
                "rmse_log": np.sqrt(s["sq_log"] / n), "si_log": s["si"] / max(self.images, 1)}


def format_table(columns: dict[str, dict[str, float]]) -> str:
    """Markdown table: one row per metric, one column per model/baseline."""
    names = list(columns)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for k in METRICS:
        cells = [f"{columns[c][k]:.3f}" if k in columns[c] else "-" for c in names]
        lines.append(f"| {LABELS[k]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
