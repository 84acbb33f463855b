"""Render photoreal training frames into the `folder:` format (datasets.open_source):
OUT/SPLIT/rgb/NAME.jpg, OUT/SPLIT/depth/NAME.png (16-bit millimetres, 0 = no reading) and
OUT/SPLIT/cameras.csv (each frame's focal length: the views use varied cameras).

    python -m depth_training.render.photoreal.generate --out training/data/photoreal --split train --frames 2400

Rooms are numbered from a base per split (train 0.., val 1,000,000.., test 2,000,000..) and each
is drawn from its number, so the same command makes the same frames. `train` and `val` rooms use
the training share of the assets, `test` rooms only the held-out share (catalog.split). Run it
again to continue: finished rooms are recorded in OUT/SPLIT/rooms/, so it resumes where it
stopped and adds rooms until --frames is reached. Blender renders (blender_room.py, in 1 or more
processes); this process denoises and develops the views as they finish."""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from . import camera_effects as ce
from . import catalog

SEED_BASE = {"train": 0, "val": 1_000_000, "test": 2_000_000}
ASSET_PART = {"train": "train", "val": "train", "test": "test"}
BLENDER_SCRIPT = Path(__file__).with_name("blender_room.py")


def frame_names(split_dir: Path) -> list[str]:
    return sorted(p.stem for p in (split_dir / "meta").glob("*.json"))


def camera_rows(split_dir: Path) -> dict[str, str]:
    """name -> its cameras.csv row (name,focal_px,width), from the frames' meta files."""
    rows = {}
    for name in frame_names(split_dir):
        rows[name] = camera_row(json.loads((split_dir / "meta" / f"{name}.json").read_text()))
    return rows


def camera_row(meta: dict) -> str:
    return f"{meta['name']},{meta['focal_px']:.4f},{meta['width']}"


def write_cameras_csv(split_dir: Path, rows: dict[str, str]) -> int:
    """cameras.csv (name,focal_px,width), one row per frame in name order; returns the count."""
    (split_dir / "cameras.csv").write_text("name,focal_px,width\n" + "".join(rows[n] + "\n" for n in sorted(rows)))
    return len(rows)


def used_assets(split_dir: Path) -> tuple[int, set[str]]:
    """(frames, the asset and texture names they show) of a split."""
    used: set[str] = set()
    names = frame_names(split_dir)
    for name in names:
        m = json.loads((split_dir / "meta" / f"{name}.json").read_text())
        used |= set(m["assets"]) | set(m.get("textures", []))
    return len(names), used


def develop_view(staging: Path, split_dir: Path, name: str, seed: int, hole_share: float) -> dict:
    """One rendered view -> rgb JPEG + depth PNG + meta JSON in split_dir."""
    meta = json.loads((staging / f"{name}.json").read_text())
    view = ce.read_exr(staging / f"{name}.exr")
    rng = np.random.default_rng([seed, meta["view"], 17])
    rgb, params = ce.develop(ce.denoise(view), rng)
    mm, holes = ce.depth_millimetres(view.depth, rng, hole_share)
    if (mm > 0).mean() < 0.5:
        raise ValueError(f"{name}: less than half the frame has depth")
    (split_dir / "rgb" / f"{name}.jpg").write_bytes(ce.jpeg(rgb, params["jpeg_quality"]))
    Image.fromarray(mm).save(split_dir / "depth" / f"{name}.png")
    meta.update(camera_effects=params, kinect_holes=holes, valid_share=float((mm > 0).mean()))
    (split_dir / "meta" / f"{name}.json").write_text(json.dumps(meta))
    return meta


def contact_sheet(split_dir: Path, path: Path, count: int = 24, columns: int = 4) -> None:
    """Frames and their depths (near = bright, 0-8 m; black = no reading) in one PNG."""
    from ..synthetic import depth_colors
    names = frame_names(split_dir)
    step = max(1, len(names) // count)
    tiles = []
    for name in names[::step][:count]:
        rgb = np.asarray(Image.open(split_dir / "rgb" / f"{name}.jpg").convert("RGB"))
        mm = np.asarray(Image.open(split_dir / "depth" / f"{name}.png")).astype(np.float32)
        col = depth_colors(mm / 1000.0, mm > 0, 8.0)
        tiles.append(np.concatenate([rgb, col], axis=1))
    if not tiles:
        return
    blank = np.zeros_like(tiles[0])
    tiles += [blank] * (-len(tiles) % columns)
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)


class Generator:
    def __init__(self, a: argparse.Namespace):
        self.a = a
        self.split_dir = a.out / a.split
        for sub in ("rgb", "depth", "meta", "rooms"):
            (self.split_dir / sub).mkdir(parents=True, exist_ok=True)
        lib = catalog.extract(a.assets)
        part = catalog.split(lib, ASSET_PART[a.split], a.held_out_share)
        self.library_json = self.split_dir / "library.json"
        self.library_json.write_text(part.to_json())
        if shutil.which(a.blender) is None:
            raise SystemExit(f"generate: no {a.blender!r} on PATH (training/scripts/install-photoreal-deps.sh)")

    def done_rooms(self) -> set[int]:
        return {int(p.stem.split("-r")[-1]) for p in (self.split_dir / "rooms").glob("*.json")}

    def room_name(self, seed: int) -> str:
        return f"{self.a.split}-r{seed:07d}"

    def run(self) -> None:
        a, base = self.a, SEED_BASE[self.a.split]
        self.cameras = camera_rows(self.split_dir)
        have = write_cameras_csv(self.split_dir, self.cameras)  # also heals a run stopped mid-room
        bar = tqdm(total=a.frames, initial=min(have, a.frames), desc=f"{a.split} frames", unit="frame",
                   dynamic_ncols=True, mininterval=2)
        t0, made = time.time(), 0
        next_seed = base
        while have < a.frames:
            done = self.done_rooms()
            need = -(-(a.frames - have) // max(1, a.views - 1)) + 2
            seeds = []
            while len(seeds) < need:
                if next_seed not in done:
                    seeds.append(next_seed)
                next_seed += 1
            got = self.render(seeds, bar)
            have += got
            made += got
            if got == 0 and not any(s in self.done_rooms() for s in seeds):
                raise SystemExit("generate: Blender produced no rooms; see the .staging/*.log files")
        bar.close()
        n = write_cameras_csv(self.split_dir, self.cameras)
        secs = time.time() - t0
        print(f"{a.split}: {n} frames in {self.split_dir}; {made} new in {secs:.0f} s "
              f"({made / max(secs, 1e-9):.2f} frames/s)", flush=True)
        _, used = used_assets(self.split_dir)
        lib = catalog.AssetLibrary.from_json(self.library_json.read_text())
        (self.split_dir / "credits.md").write_text(
            f"# Assets in {self.split_dir.name} ({n} frames)\n\n" + catalog.credits_markdown(lib, used))
        if a.contact_sheet:
            contact_sheet(self.split_dir, self.split_dir / "contact_sheet.png")

    def render(self, seeds: list[int], bar) -> int:
        """Render the rooms in `seeds` across the Blender processes; returns frames written."""
        a = self.a
        staging = self.split_dir / ".staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        procs, jobs = [], []
        for k in range(a.processes):
            mine = seeds[k::a.processes]
            if not mine:
                continue
            d = staging / f"p{k}"
            d.mkdir()
            job = {"library": str(self.library_json), "staging": str(d),
                   "rooms": [{"seed": s, "name": self.room_name(s)} for s in mine],
                   "views": a.views, "closeup_share": a.closeup_share, "samples": a.samples,
                   "threads": max(1, a.threads // a.processes), "width": a.width, "height": a.height,
                   "hfov_deg": [a.hfov_min, a.hfov_max]}
            (d / "job.json").write_text(json.dumps(job))
            log = open(d / "blender.log", "w")
            procs.append(subprocess.Popen([a.blender, "-b", "--factory-startup", "-noaudio",
                                           "--python-exit-code", "3", "-P", str(BLENDER_SCRIPT), "--",
                                           str(d / "job.json")], stdout=log, stderr=subprocess.STDOUT))
            jobs.append((d, mine))
        written, pending = 0, {s for _, m in jobs for s in m}
        while pending:
            alive = [p.poll() is None for p in procs]
            progressed = False
            for d, mine in jobs:
                for s in mine:
                    name = self.room_name(s)
                    marker = d / f"{name}.done"
                    if s in pending and marker.exists():
                        written += self.finish_room(d, s, json.loads(marker.read_text()), bar)
                        pending.discard(s)
                        progressed = True
            for (d, mine), p, up in zip(jobs, procs, alive):
                if not up and any(s in pending for s in mine):
                    # Blender died inside a room: record it as failed, go on with the rest.
                    cur = (d / "current").read_text().strip() if (d / "current").exists() else None
                    for s in mine:
                        if s in pending and (self.room_name(s) == cur):
                            self.finish_room(d, s, {"views": [], "error": f"blender exited {p.returncode}"}, bar)
                            pending.discard(s)
                    rest = [s for s in mine if s in pending]
                    for s in rest:
                        pending.discard(s)   # rendered by the next round of `run`
            if not progressed:
                time.sleep(0.2)
        for p in procs:
            p.wait()
        return written

    def finish_room(self, staging: Path, seed: int, result: dict, bar) -> int:
        written = 0
        for name in result.get("views", []):
            try:
                self.cameras[name] = camera_row(develop_view(staging, self.split_dir, name, seed, self.a.hole_share))
                written += 1
            except Exception as e:  # a view that cannot be developed is left out, and said why
                result.setdefault("rejected_views", {})[name] = str(e)
                for f in (f"rgb/{name}.jpg", f"depth/{name}.png", f"meta/{name}.json"):
                    (self.split_dir / f).unlink(missing_ok=True)
        result["frames"] = written
        (self.split_dir / "rooms" / f"{self.room_name(seed)}.json").write_text(json.dumps(result))
        write_cameras_csv(self.split_dir, self.cameras)  # usable at once, even if the run is stopped later
        bar.update(written)
        return written


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("training/data/photoreal"))
    p.add_argument("--split", choices=sorted(SEED_BASE), default="train")
    p.add_argument("--frames", type=int, required=True, help="frames wanted in the split (in all)")
    p.add_argument("--views", type=int, default=3, help="camera views per room")
    p.add_argument("--closeup_share", type=float, default=0.2, help="share of views close to a table or shelf")
    p.add_argument("--samples", type=int, default=4, help="Cycles samples per pixel (denoised after)")
    p.add_argument("--processes", type=int, default=1, help="Blender processes")
    p.add_argument("--threads", type=int, default=catalog.cpu_count(), help="render threads in all")
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    p.add_argument("--hfov_min", type=float, default=45.0, help="horizontal field of view range, degrees")
    p.add_argument("--hfov_max", type=float, default=75.0)
    p.add_argument("--hole_share", type=float, default=0.25, help="share of frames with Kinect-like holes")
    p.add_argument("--held_out_share", type=float, default=0.15, help="share of assets kept for test")
    p.add_argument("--assets", type=Path, default=Path("training/data/assets"), help="unpacked catalogs")
    p.add_argument("--blender", default="blender")
    p.add_argument("--contact_sheet", action="store_true", help="write SPLIT/contact_sheet.png")
    a = p.parse_args(argv)
    if a.frames < 1 or a.views < 1 or a.processes < 1 or a.samples < 1:
        p.error("--frames, --views, --processes and --samples must be at least 1")
    if not 10 <= a.hfov_min <= a.hfov_max <= 120:
        p.error("field of view must satisfy 10 <= hfov_min <= hfov_max <= 120")
    Generator(a).run()


if __name__ == "__main__":
    main(sys.argv[1:])
