"""Turn a training checkpoint into the model that ships: evaluate it on the held-out synthetic
test set beside the two trivial baselines, export the weights (F16) with their metrics, and write
the Swift engine's check file for it (Tests/DepthNetTests/Golden/bundled.expected.safetensors).

    python -m depth_training.bundle --checkpoint training/runs/bundled/ckpt.pt
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from .data.augment import FULL_W, centre_crop
from .camera import KINECT, Camera
from .data.datasets import open_source
from .evaluate import comparison_table, evaluate_baselines, evaluate_model, training_statistics
from .export import load_model, save_model
from .golden import write_expected
from .lineage import run_entry, totals
from .model import VARIANTS, Architecture, DepthNet, Normalization
from .train import init_fine_passthrough


def load_checkpoint(path: str | Path) -> tuple[DepthNet, dict]:
    """The checkpoint's model with its architecture and camera (older checkpoints: the named
    variant of their settings, the Kinect camera)."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    arch = Architecture.from_json(ck["architecture"]) if "architecture" in ck else VARIANTS[ck["config"]["variant"]]
    model = DepthNet(arch, Camera.from_json(ck["camera"]) if "camera" in ck else KINECT)
    model.load_state_dict(ck["model"])
    if ck["state"]["stage"] == "coarse":
        # Stopped before stage two: the untrained fine network passes the coarse output through.
        init_fine_passthrough(model)
    return model.eval(), ck


def write_preview(path: Path, model: DepthNet, norm: Normalization, test, count: int = 4) -> None:
    """Rows of held-out test scenes: input crop | true depth | predicted depth (same colour
    scale, 0-8 m; black = no reading), at the 74 x 55 output grid scaled up."""
    from PIL import Image
    from .data.augment import targets
    from .render.synthetic import depth_colors
    rows = []
    for i in range(count):
        s = test[i]
        rgb, depth, mask = centre_crop(s.rgb, s.depth, s.mask)
        x = norm.apply(torch.from_numpy(rgb).permute(2, 0, 1)[None])
        with torch.no_grad():
            pred = model(x).exp()[0, 0].numpy()                       # (55, 74) canonical metres
        pred = pred * (s.focal_px / model.camera.focal_at(FULL_W))    # in this frame's camera
        d, m = targets(depth, mask)
        big = lambda a: np.asarray(Image.fromarray(a).resize((304, 228), Image.Resampling.NEAREST))
        rows.append(np.concatenate([rgb.astype(np.uint8), big(depth_colors(d, m, 8.0)),
                                    big(depth_colors(pred, np.ones_like(m), 8.0))], axis=1))
    Image.fromarray(np.concatenate(rows, axis=0)).save(path, optimize=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", default="training/runs/bundled/ckpt.pt")
    p.add_argument("--test_data", default="synthetic:training/data/synthetic/test")
    p.add_argument("--train_data", default=None, help="default: the checkpoint's training data")
    p.add_argument("--out", default="models/eigen2014-synthetic.safetensors")
    p.add_argument("--expected", default="Tests/DepthNetTests/Golden/bundled.expected.safetensors")
    p.add_argument("--report", default="models/metrics.json")
    p.add_argument("--preview", default="models/preview-photoreal.png")
    p.add_argument("--check_images", type=int, default=4)
    p.add_argument("--data_description", default="procedural synthetic indoor scenes",
                   help="what the training frames are, for the trained_on metadata")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    model, ck = load_checkpoint(a.checkpoint)
    cfg, state = ck["config"], ck["state"]
    # What the shipped weights have seen in all: the runs before this one, then this one.
    history = ck.get("history", [])
    if "data" in ck:
        history = history + [run_entry(cfg, state, ck["data"])]
    seen = totals(history)
    train_spec = a.train_data or cfg["train_data"]
    test = open_source(a.test_data)
    # Evaluate what ships: the weights after F16 storage, as the engine will load them.
    tmp = Path(a.out).with_suffix(".tmp.safetensors")
    save_model(model, tmp, Normalization(), name="eigen2014-synthetic", description="", trained_on="",
               dtype=torch.float16)
    shipped, norm, _ = load_model(tmp)
    tmp.unlink()
    metrics = evaluate_model(shipped, norm, test)
    mean_map, median = training_statistics(open_source(train_spec), limit=2000, camera=model.camera)
    baselines = evaluate_baselines(mean_map, median, test, camera=model.camera)
    table = comparison_table("this model", metrics, baselines)
    print(f"{len(test)} held-out test images ({a.test_data})\n{table}")

    rounded = {k: round(float(v), 4) for k, v in metrics.items()}
    arch = model.arch
    save_model(model, a.out, Normalization(), dtype=torch.float16,
               name="eigen2014-synthetic",
               description=(f"Eigen, Puhrsch & Fergus (2014) coarse+fine depth network, variant "
                            f"'{cfg['variant']}' (coarse {'-'.join(str(v) for v in arch.coarse.values())}, "
                            f"fine {'-'.join(str(v) for v in arch.fine.values())}), {arch.input_width}x"
                            f"{arch.input_height} RGB -> {arch.output_width}x{arch.output_height} log depth (m)"),
               trained_on=(f"{a.data_description} ({train_spec}), two stages, {state['images_seen']} augmented "
                           f"images seen in the last run; in all (training_history) {seen['runs']} runs, "
                           f"{seen['steps']} recorded steps, {seen['images_seen']} recorded images; "
                           f"metrics on {len(test)} held-out frames ({a.test_data})"),
               metrics=rounded, history=history)
    print(f"wrote {a.out} ({Path(a.out).stat().st_size} bytes); seen in all: {seen}")

    # The engine's check: a few held-out test images through the shipped (F16-rounded) weights.
    shipped, norm, _ = load_model(a.out)
    rgb = np.stack([centre_crop(s.rgb, s.depth, s.mask)[0] for s in (test[i] for i in range(a.check_images))])
    write_expected(Path(a.expected), shipped, norm, torch.from_numpy(rgb), only_output=True,
                   metadata={"model": a.out})
    print(f"wrote {a.expected}")
    write_preview(Path(a.preview), shipped, norm, test)
    print(f"wrote {a.preview}")

    Path(a.report).parent.mkdir(parents=True, exist_ok=True)
    with open(a.report, "w") as f:
        json.dump({"test_images": len(test), "model": rounded,
                   "baselines": {k: {m: round(float(v), 4) for m, v in b.items()} for k, b in baselines.items()},
                   "train_median_m": round(median, 4), "checkpoint_state": state,
                   "training_history": history, "seen_in_all": seen,
                   "config": cfg, "table": table}, f, indent=1)
    print(f"wrote {a.report}")


if __name__ == "__main__":
    main()
