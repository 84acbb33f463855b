"""``python -m depth_training.render.synthetic``: render scenes, print throughput, write a preview
grid (rgb | depth | mask)."""

from __future__ import annotations

import argparse
import time

from . import preview_grid, render_scene


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m depth_training.render.synthetic",
                                     description="Render synthetic indoor RGB-D scenes.")
    parser.add_argument("--count", type=int, default=100, help="number of scenes to render")
    parser.add_argument("--seed", type=int, default=0, help="first seed (seeds seed .. seed+count-1)")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--bench", action="store_true", help="print throughput")
    parser.add_argument("--preview", help="write a PNG grid (rgb | depth | mask) of the first scenes")
    parser.add_argument("--preview-rows", type=int, default=6)
    parser.add_argument("--preview-scale", type=int, default=2, help="subsample factor for the preview")
    args = parser.parse_args(argv)

    samples = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    valid = 0.0
    for i in range(args.count):
        s = render_scene(args.seed + i, args.width, args.height)
        valid += float(s.mask.mean())
        if len(samples) < args.preview_rows:
            samples.append(s)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if args.bench:
        print(
            f"rendered {args.count} scenes at {args.width}x{args.height} in {wall:.2f} s wall, {cpu:.2f} s CPU: "
            f"{args.count / wall:.1f} images/s wall, {args.count / cpu:.1f} images/s per core "
            f"({1000 * cpu / args.count:.1f} ms CPU each); mean valid fraction {valid / args.count:.3f}"
        )
    if args.preview:
        from PIL import Image

        k = max(args.preview_scale, 1)
        grid = preview_grid([type(s)(s.rgb[::k, ::k], s.depth[::k, ::k], s.mask[::k, ::k]) for s in samples])
        Image.fromarray(grid).save(args.preview, optimize=True)
        print(f"wrote {args.preview} ({grid.shape[1]}x{grid.shape[0]})")


if __name__ == "__main__":
    main()
