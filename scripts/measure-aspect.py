"""Measures how depthd handles photos that are not 4:3: today's squash (`--fit squash`, the whole
photo resized to 320x240 per axis) against windows at the photo's own aspect ratio (`--fit tile`)
and the whole photo at its own aspect ratio inside one grey-padded frame (`--fit pad`),
on wide and tall crops of held-out synthetic frames with exact depth.

Each frame is rendered at 640x480 by training/depth_training/render/synthetic (NYU Kinect camera,
fx = 518.86 px) from the test seeds 2,000,001 onward (never used in training), then cropped:
wide 16:9 (640x360), wide 2:1 (640x320), tall 3:4 (360x480), tall 9:16 (270x480), and the whole
4:3 frame as a control. Every crop keeps the frame's focal length, so the true focal_px is 518.86
for all of them. `depthd predict --format npy` answers each crop twice per fit: with
`--focal-px 518.86` (the camera known) and without (the model's camera assumed, as a photo without
EXIF gets). Metrics as Eigen et al. 2014 (training/depth_training/metrics.py), valid pixels up to
10 m, per crop shape; "median-scaled abs rel" rescales each prediction by median(gt / pred) first,
so it measures the shape of the map alone.

    PYTHONPATH=training .venv/bin/python -u scripts/measure-aspect.py --frames 100 \
        --depthd .build/release/depthd --model models/eigen2014-synthetic.safetensors [--cache DIR]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from depth_training.camera import KINECT
from depth_training.metrics import MetricAccumulator
from depth_training.render.synthetic import render_scene

FOCAL_PX = KINECT.focal_at(640)  # 518.86 px: the camera training labels these frames with (the renderer fx 518.8579, rounded)
FIRST_TEST_SEED = 2_000_001
#: name -> (row slice, column slice) of the 640x480 frame
CROPS = {
    "4:3 (640x480)": (slice(0, 480), slice(0, 640)),
    "16:9 (640x360)": (slice(60, 420), slice(0, 640)),
    "2:1 (640x320)": (slice(80, 400), slice(0, 640)),
    "3:4 (360x480)": (slice(0, 480), slice(140, 500)),
    "9:16 (270x480)": (slice(0, 480), slice(185, 455)),
}


def render(seed: int, cache: Path) -> int | None:
    """Renders seed into cache/SEED.npz (rgb, depth, mask) unless it is there; None if the renderer cannot."""
    path = cache / f"{seed}.npz"
    if not path.exists():
        try:
            sample = render_scene(seed, 640, 480)
        except Exception as error:  # a seed the renderer cannot place a camera in: skip it, say so
            print(f"seed {seed}: skipped ({error})", file=sys.stderr)
            return None
        np.savez_compressed(path, rgb=sample.rgb, depth=sample.depth, mask=sample.mask)
    return seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--depthd", default=".build/release/depthd")
    parser.add_argument("--model", default="models/eigen2014-synthetic.safetensors")
    parser.add_argument("--cache", default=None, help="keep the rendered frames here (default: a temporary folder)")
    parser.add_argument("--workers", type=int, default=2, help="parallel renders and predict runs")
    parser.add_argument("--fits", default="squash,tile,pad")
    parser.add_argument("--focal", default="given,not-given", help="given, not-given or both (comma-separated)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="depthd-aspect-") as folder:
        root = Path(folder)
        cache = Path(args.cache) if args.cache else root / "frames"
        cache.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        seeds: list[int] = []
        next_seed = FIRST_TEST_SEED
        with ProcessPoolExecutor(args.workers) as pool:
            while len(seeds) < args.frames:
                batch = range(next_seed, next_seed + args.frames - len(seeds))
                next_seed += len(batch)
                seeds += [s for s in pool.map(render, batch, [cache] * len(batch)) if s is not None]
        print(f"rendered {len(seeds)} frames (seeds {seeds[0]}..{seeds[-1]}) in {time.monotonic() - started:.0f} s")

        truth: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {name: [] for name in CROPS}
        files: dict[str, list[Path]] = {name: [] for name in CROPS}
        for seed in seeds:
            frame = np.load(cache / f"{seed}.npz")
            for index, (name, (rows, cols)) in enumerate(CROPS.items()):
                path = root / f"{seed}-{index}.png"
                Image.fromarray(frame["rgb"][rows, cols]).save(path)
                files[name].append(path)
                truth[name].append((frame["depth"][rows, cols], frame["mask"][rows, cols]))

        runs = [(fit, known) for fit in args.fits.split(",") for known in
                [mode == "given" for mode in args.focal.split(",")]]

        def predict(run: tuple[str, bool]) -> None:
            fit, known = run
            out = root / f"{fit}-{known}"
            out.mkdir()
            every = [p for name in CROPS for p in files[name]]
            command = [args.depthd, "predict", "--model", args.model, "--format", "npy", "--fit", fit,
                       "--batch", "8", "-o", str(out) + "/"] + (["--focal-px", str(FOCAL_PX)] if known else [])
            subprocess.run(command + [str(p) for p in every], check=True, stdout=subprocess.DEVNULL)

        started = time.monotonic()
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(predict, runs))
        print(f"{len(runs)} predict runs of {sum(map(len, files.values()))} photos in {time.monotonic() - started:.0f} s")

        columns: dict[str, dict[str, dict[str, float]]] = {}
        for fit, known in runs:
            label = f"{fit}, focal {'given' if known else 'not given'}"
            out = root / f"{fit}-{known}"
            for name in CROPS:
                plain, scaled = MetricAccumulator(cap=10.0), MetricAccumulator(cap=10.0)
                for path, (gt, mask) in zip(files[name], truth[name]):
                    pred = np.load(out / (path.stem + "-depth.npy"))
                    assert pred.shape == gt.shape, (pred.shape, gt.shape)
                    valid = mask & np.isfinite(pred) & (gt > 0) & (gt <= 10)
                    plain.update(pred[None], gt[None], valid[None])
                    factor = np.median(gt[valid] / pred[valid])
                    scaled.update((pred * factor)[None], gt[None], valid[None])
                result = plain.result()
                result["median_abs_rel"] = scaled.result()["abs_rel"]
                columns.setdefault(name, {})[label] = result

    keys = [("abs_rel", "abs rel"), ("delta1", "delta < 1.25"), ("rmse", "RMSE (m)"), ("si_log", "RMSE log scale-inv."),
            ("median_abs_rel", "median-scaled abs rel")]
    for name, by_label in columns.items():
        labels = list(by_label)
        print(f"\n{name}, {len(seeds)} frames")
        print("| metric | " + " | ".join(labels) + " |")
        print("|---|" + "---|" * len(labels))
        for key, text in keys:
            print(f"| {text} | " + " | ".join(f"{by_label[l][key]:.3f}" for l in labels) + " |")


if __name__ == "__main__":
    main()
