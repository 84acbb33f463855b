"""One table per test set for one or more weights files, beside the trivial baselines: the
held-out photoreal test set, the old procedural test set (a different renderer) and the real
photos (WHDR of marked pairs, and the ground-truth scenes after median scaling).

    python -m depth_training.eval_suite \
        --weights runs/new/model.safetensors models/eigen2014-synthetic.safetensors \
        --photoreal folder:training/data/photoreal/test \
        --procedural synthetic:training/data/synthetic/test \
        --train_data folder:training/data/photoreal/train \
        --json runs/eval-suite.json --previews runs/eval-previews

A set whose data is absent (its folder does not exist, or the real photos are not installed:
training/scripts/install-eval-photos.sh) is skipped with a line saying so. The baselines come
from the first `--baseline_limit` samples of `--train_data` (train mean depth map, train median
constant) and, for the photo pairs, "bottom is nearer" and a constant depth.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import evaluate
from .camera import KINECT
from .data.datasets import data_paths, open_source
from .export import load_model
from .metrics import LABELS, METRICS
from .model import DepthNet, Normalization
from .data.photo_set import DEFAULT_PHOTO_ROOT, DEFAULT_SET, PhotoSet
from .real_photos import LoadedPhotos, RealPhotoEvaluation, format_results


@dataclass
class Model:
    label: str
    net: DepthNet
    normalization: Normalization


@dataclass
class SuiteResult:
    """Per set: rows (model or baseline label -> measures), or the reason it was skipped."""
    tables: dict[str, dict[str, dict]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)


def load_models(paths: list[str]) -> list[Model]:
    """Weights files, each labelled by its metadata name (the file name where names repeat)."""
    models, taken = [], set()
    for p in paths:
        net, norm, meta = load_model(p)
        label = meta.get("name") or Path(p).stem
        if label in taken:
            label = f"{label} ({p})"
        taken.add(label)
        models.append(Model(label, net, norm))
    return models


def absent(spec: str) -> str | None:
    """Why the data of a spec is absent (the first folder it reads, datasets.data_paths, that
    does not exist), or None."""
    missing = next((path for path in data_paths(spec) if not path.exists()), None)
    return None if missing is None else f"{missing} does not exist"


def run_depth_set(models: list[Model], spec: str, stats: tuple[np.ndarray, float] | None,
                  device: str = "cpu") -> tuple[dict[str, dict], int]:
    """The paper's measures of every model on a depth test set, and of the training baselines."""
    source = open_source(spec)
    rows = {m.label: evaluate.evaluate_model(m.net, m.normalization, source, device=device) for m in models}
    if stats is not None:
        rows.update(evaluate.evaluate_baselines(*stats, source))
    return rows, len(source)


def run_photos(models: list[Model], photo_set: PhotoSet, roots: list[Path],
               mean_map: np.ndarray | None) -> tuple[dict[str, dict] | None, str | None, dict]:
    """(rows, None, grids of the first model) on the real photos, or (None, reason, {})."""
    loaded = LoadedPhotos.load(photo_set, roots)
    if loaded.missing:
        return None, (f"{len(loaded.missing)} of {len(photo_set.photos) + len(photo_set.gt_scenes)} files not found "
                      f"under {', '.join(map(str, roots))} (run training/scripts/install-eval-photos.sh)"), {}
    rows, grids = photo_rows(models, loaded, mean_map)
    return rows, None, {"grids": grids, "loaded": loaded, "model": models[0]}


def photo_rows(models: list[Model], loaded: LoadedPhotos,
               mean_map: np.ndarray | None = None) -> tuple[dict[str, dict], dict[str, np.ndarray]]:
    """(rows of every model, the training mean map when it fits the models' output grid, and the
    baselines, on photos all found; the first model's grids (oh, ow) per photo id)."""
    ev = RealPhotoEvaluation(loaded)
    grids = [ev.grids(m.net, m.normalization) for m in models]
    rows = {m.label: ev.evaluate_grids(g, m.net.arch, m.net.camera) for m, g in zip(models, grids)}
    arch = models[0].net.arch
    if mean_map is not None and mean_map.shape == (arch.output_height, arch.output_width):
        rows[evaluate.MEAN_MAP] = ev.evaluate_map(mean_map, arch, KINECT)  # training_statistics' default camera
    rows.update(ev.evaluate_baselines(arch))
    return rows, grids[0]


def depth_table(rows: dict[str, dict]) -> str:
    """Markdown: one row per model or baseline, one column per measure of the paper."""
    lines = ["| | " + " | ".join(LABELS[k] for k in METRICS) + " |", "|---|" + "---|" * len(METRICS)]
    for name, m in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{m[k]:.3f}" if k in m else "-" for k in METRICS) + " |")
    return "\n".join(lines)


def run_suite(weights: list[str], *, photoreal: str | None = None, procedural: str | None = None,
              photo_set: PhotoSet | str | Path | None = DEFAULT_SET, photo_roots: list[Path] = (DEFAULT_PHOTO_ROOT,),
              train_data: str | None = None, baseline_limit: int = 2000, device: str = "cpu",
              previews: str | Path | None = None, log=print) -> SuiteResult:
    """Evaluates every model on every set given, logging one table per set as it goes."""
    models = load_models(weights)
    result = SuiteResult()
    stats = None
    if train_data:
        why = absent(train_data)
        if why:
            log(f"baselines: skipped, training data absent ({why})")
        else:
            stats = evaluate.training_statistics(open_source(train_data), baseline_limit)
    for name, spec in (("photoreal test", photoreal), ("procedural test", procedural)):
        if spec is None:
            continue
        why = absent(spec)
        if why:
            result.skipped[name] = why
            log(f"\n## {name} ({spec}): skipped, data absent: {why}")
            continue
        rows, n = run_depth_set(models, spec, stats, device)
        result.tables[name], result.sizes[name] = rows, n
        log(f"\n## {name} ({spec}, {n} images)\n{depth_table(rows)}")
    if photo_set is not None:
        ps = photo_set if isinstance(photo_set, PhotoSet) else PhotoSet.load(photo_set)
        rows, why, first = run_photos(models, ps, list(photo_roots), stats[0] if stats else None)
        if why:
            result.skipped["real photos"] = why
            log(f"\n## real photos: skipped, data absent: {why}")
        else:
            result.tables["real photos"], result.sizes["real photos"] = rows, ps.pair_count
            log(f"\n## real photos ({len(ps.photos)} photos, {ps.pair_count} pairs; WHDR: share of pairs ordered "
                f"wrongly, ties wrong; ground truth: si-log and delta after median scaling, abs rel in metres)\n"
                f"{format_results(rows, ps)}")
            if previews:
                from .photo_previews import preview_sheet
                out = Path(previews) / "real-photos.png"
                m = first["model"]
                preview_sheet(ps, first["loaded"].images, first["grids"], m.net.arch, out, title=m.label)
                log(f"wrote {out}")
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", required=True, nargs="+", help="safetensors file(s); the first is the model under test")
    p.add_argument("--photoreal", help="held-out photoreal test set (datasets.open_source spec, e.g. folder:DIR)")
    p.add_argument("--procedural", help="old procedural test set (e.g. synthetic:DIR)")
    p.add_argument("--photos_set", default=str(DEFAULT_SET), help="real-photo set JSON ('none' to leave out)")
    p.add_argument("--photos", default=str(DEFAULT_PHOTO_ROOT), help="folder install-eval-photos.sh filled")
    p.add_argument("--train_data", help="training set spec, for the baselines")
    p.add_argument("--baseline_limit", type=int, default=2000)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="write every table here")
    p.add_argument("--previews", help="folder for the first model's real-photo previews")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = run_suite(a.weights, photoreal=a.photoreal, procedural=a.procedural,
                  photo_set=None if a.photos_set == "none" else a.photos_set, photo_roots=[Path(a.photos)],
                  train_data=a.train_data, baseline_limit=a.baseline_limit, device=a.device, previews=a.previews)
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"weights": a.weights, "tables": r.tables, "sizes": r.sizes,
                                            "skipped": r.skipped}, indent=1))


if __name__ == "__main__":
    main()
