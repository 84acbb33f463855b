"""Evaluate a model on a test set with the paper's eight measures, beside two trivial baselines
(the training set's mean depth map; a constant at the training median) and the paper's numbers.

    python -m depth_training.evaluate --weights models/eigen2014-synthetic.safetensors \
        --test_data synthetic:training/data/synthetic/test --train_data synthetic:training/data/synthetic/train

`--nyu` applies the NYU protocol (Eigen crop, depths capped at 10 m).
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from .data.datasets import DepthDataset, DepthSource, open_source
from .export import load_model
from .metrics import NYU_CAP_M, PAPER_NYU, MetricAccumulator, eigen_crop_mask, format_table
from .camera import KINECT, Camera
from .model import DepthNet, Normalization

#: The rows of the two trivial baselines.
MEAN_MAP, MEDIAN_CONSTANT = "train mean depth map", "train median constant"


def _accumulator(nyu: bool) -> MetricAccumulator:
    return MetricAccumulator(cap=NYU_CAP_M, region=eigen_crop_mask()) if nyu else MetricAccumulator()


@torch.no_grad()
def predict_depth(model: DepthNet, x: torch.Tensor) -> torch.Tensor:
    """Normalised input (N, 3, 228, 304) -> depth in metres (N, 55, 74)."""
    model.eval()
    return model(x).exp()[:, 0]


def evaluate_model(model: DepthNet, normalization: Normalization, source: DepthSource, *,
                   nyu: bool = False, batch_size: int = 16, device: str = "cpu") -> dict[str, float]:
    """The eight measures of `model` on `source` (centre crops, 74 x 55 targets), in true
    metres: each prediction (in the model's canonical camera) is scaled by the frame's f / F."""
    model.to(device)
    acc = _accumulator(nyu)
    loader = DataLoader(DepthDataset(source, train=False, normalization=normalization, camera=model.camera,
                                     metric=True), batch_size=batch_size)
    for x, d, m, to_metres in tqdm(loader, desc="evaluate", mininterval=5):
        pred = predict_depth(model, x.to(device)).cpu() * to_metres.view(-1, 1, 1)  # (N, 55, 74) metres
        acc.update(pred.numpy(), d[:, 0].numpy(), m[:, 0].numpy())
    return acc.result()


def training_statistics(train: DepthSource, limit: int = 2000,
                        camera: Camera = KINECT) -> tuple[np.ndarray, float]:
    """(mean depth map (55, 74) over valid training targets, median of all valid training
    target depths), from the centre crops of the first `limit` training samples, in `camera`'s
    canonical depth (what a model trained on them predicts)."""
    ds = DepthDataset(train, train=False, camera=camera)
    total, count, values = np.zeros((55, 74)), np.zeros((55, 74)), []
    for i in tqdm(range(min(limit, len(ds))), desc="training statistics", mininterval=5):
        _, d, m = ds[i]
        d, m = d[0].numpy(), m[0].numpy()
        total += np.where(m, d, 0)
        count += m
        values.append(d[m])
    median = float(np.median(np.concatenate(values)))
    mean_map = np.where(count > 0, total / np.maximum(count, 1), median)
    return mean_map, median


def evaluate_baselines(mean_map: np.ndarray, median: float, source: DepthSource, *,
                       nyu: bool = False, camera: Camera = KINECT) -> dict[str, dict[str, float]]:
    """The two trivial baselines (statistics in `camera`'s canonical depth, scaled to each
    frame's camera as a model's prediction is) with the same measures, in true metres."""
    accs = {MEAN_MAP: _accumulator(nyu), MEDIAN_CONSTANT: _accumulator(nyu)}
    ds = DepthDataset(source, train=False, camera=camera, metric=True)
    for i in tqdm(range(len(ds)), desc="baselines", mininterval=5):
        _, d, m, to_metres = ds[i]
        k = float(to_metres)
        accs[MEAN_MAP].update(mean_map[None] * k, d.numpy(), m.numpy())
        accs[MEDIAN_CONSTANT].update(np.full((1, 55, 74), median * k), d.numpy(), m.numpy())
    return {k: a.result() for k, a in accs.items()}


def comparison_table(model_name: str, metrics: dict, baselines: dict) -> str:
    return format_table({model_name: metrics, **baselines, "paper (NYU v2, coarse+fine)": PAPER_NYU})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", required=True, help="safetensors file (the contract's format)")
    p.add_argument("--test_data", required=True, help="datasets.open_source spec")
    p.add_argument("--train_data", help="spec of the training set, for the baselines")
    p.add_argument("--baseline_limit", type=int, default=2000)
    p.add_argument("--nyu", action="store_true", help="Eigen crop and 10 m cap")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="write {model, baselines} metrics here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model, norm, meta = load_model(a.weights)
    test = open_source(a.test_data)
    metrics = evaluate_model(model, norm, test, nyu=a.nyu, device=a.device)
    baselines = {}
    if a.train_data:
        mean_map, median = training_statistics(open_source(a.train_data), a.baseline_limit, model.camera)
        baselines = evaluate_baselines(mean_map, median, test, nyu=a.nyu, camera=model.camera)
    print(f"{meta.get('name', a.weights)} on {a.test_data} ({len(test)} images)")
    print(comparison_table(meta.get("name", "model"), metrics, baselines))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"model": metrics, "baselines": baselines, "test_images": len(test)}, f, indent=1)


if __name__ == "__main__":
    main()
