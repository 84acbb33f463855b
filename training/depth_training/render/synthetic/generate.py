"""Pre-render synthetic scenes to .npy arrays (the `synthetic:DIR` source of data/datasets.py).

    python -m depth_training.render.synthetic.generate --out training/data/synthetic --train 6000 --val 200 --test 500

Seed ranges are disjoint and fixed: train 0.., val 1,000,000.., test 2,000,000.., so the test
scenes are never seen in training.
"""
from __future__ import annotations

import argparse
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from numpy.lib.format import open_memmap

from . import render_scene

SEED_BASE = {"train": 0, "val": 1_000_000, "test": 2_000_000}
W, H = 320, 240


def _render(seed: int):
    """The scene of `seed`, or None where the renderer fails or yields non-finite depth on
    valid pixels (such seeds are skipped and listed in skipped.txt)."""
    try:
        with np.errstate(all="ignore"):
            s = render_scene(seed, W, H)
    except Exception:
        return seed, None
    if not np.all(np.isfinite(s.depth[s.mask])) or not np.all(s.depth[s.mask] > 0):
        return seed, None
    return seed, (s.rgb, s.depth.astype(np.float32), s.mask.astype(bool))


def write_split(out: Path, split: str, count: int, processes: int) -> float:
    """Render `count` scenes of `split` into out/split/{rgb,depth,mask}.npy; returns images/s."""
    d = out / split
    d.mkdir(parents=True, exist_ok=True)
    rgb = open_memmap(d / "rgb.npy", "w+", np.uint8, (count, H, W, 3))
    depth = open_memmap(d / "depth.npy", "w+", np.float32, (count, H, W))
    mask = open_memmap(d / "mask.npy", "w+", np.bool_, (count, H, W))
    # A few spare seeds stand in for any the renderer fails on.
    seeds = range(SEED_BASE[split], SEED_BASE[split] + count + count // 10 + 20)
    used, skipped = [], []
    t = time.time()
    with Pool(processes) as pool:
        for seed, out in pool.imap(_render, seeds, chunksize=8):
            if out is None:
                skipped.append(seed)
                continue
            i = len(used)
            rgb[i], depth[i], mask[i] = out
            used.append(seed)
            if len(used) == count:
                break
    if len(used) < count:
        raise RuntimeError(f"{split}: only {len(used)} of {count} scenes rendered")
    for a in (rgb, depth, mask):
        a.flush()
    (d / "seeds.txt").write_text("\n".join(map(str, used)) + "\n")
    (d / "skipped.txt").write_text("".join(f"{s}\n" for s in skipped))
    return count / (time.time() - t)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("training/data/synthetic"))
    p.add_argument("--train", type=int, default=6000)
    p.add_argument("--val", type=int, default=200)
    p.add_argument("--test", type=int, default=500)
    p.add_argument("--processes", type=int, default=2)
    a = p.parse_args()
    for split in ("test", "val", "train"):
        n = getattr(a, split)
        if n > 0:
            rate = write_split(a.out, split, n, a.processes)
            print(f"{split}: {n} scenes, seeds from {SEED_BASE[split]}, {rate:.1f} images/s", flush=True)


if __name__ == "__main__":
    main()
