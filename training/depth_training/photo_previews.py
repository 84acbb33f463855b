"""Pictures of the real-photo set: each photo beside its predicted depth (for the model card),
and each photo with its marked point pairs (to check the marks by eye)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw

from .model import Architecture
from .data.photo_set import PhotoSet
from .real_photos import depth_at_photo_size

#: Height of one photo in a sheet; widths keep each photo's aspect ratio.
TILE_H = 180
COLOURMAP = "inferno"


def depth_colours(depth: np.ndarray) -> np.ndarray:
    """Depth (h, w) -> RGB (h, w, 3) uint8 with the fixed colour map, near = bright, scaled to
    the map's own range in log depth (a photo's scale is unknown; log shows near and far alike)."""
    log = np.log(np.maximum(depth, 1e-3))
    lo, hi = float(log.min()), float(log.max())
    t = 1 - (log - lo) / (hi - lo) if hi > lo else np.full_like(log, 0.5)
    return (colormaps[COLOURMAP](t)[..., :3] * 255).round().astype(np.uint8)


def _tile(image: Image.Image) -> Image.Image:
    return image.resize((max(1, round(image.width * TILE_H / image.height)), TILE_H), Image.BILINEAR)


def preview_sheet(photo_set: PhotoSet, images: dict[str, Image.Image], grids: dict[str, np.ndarray],
                  arch: Architecture, out: str | Path, *, title: str = "", columns: int = 2) -> None:
    """One PNG: for every photo, the photo and its predicted depth side by side (depth resampled
    to the photo's size as the service's `--size input` does), `columns` such pairs per row."""
    cells = []
    for p in photo_set.photos:
        if p.id not in grids:
            continue
        photo = _tile(images[p.id])
        depth = Image.fromarray(depth_colours(depth_at_photo_size(grids[p.id], images[p.id].size, arch)))
        cells.append((p.id, photo, depth.resize(photo.size, Image.BILINEAR)))
    _sheet(cells, out, title, columns)


def pairs_sheet(photo_set: PhotoSet, images: dict[str, Image.Image], out: str | Path, *,
                columns: int = 2, scale: float = 1.0) -> None:
    """One PNG of every photo with its pairs: the nearer point green, the farther red, joined by
    a yellow line and labelled with the pair's index."""
    cells = []
    for p in photo_set.photos:
        s = scale * 2 * TILE_H / p.height  # photo pixels -> sheet pixels
        im = images[p.id].resize((round(p.width * s), round(p.height * s)), Image.BILINEAR)
        d = ImageDraw.Draw(im)
        for k, pair in enumerate(p.pairs):
            near, far = (pair.a, pair.b) if pair.a_is_nearer else (pair.b, pair.a)
            (nx, ny), (fx, fy) = [((q[0] + 0.5) * s, (q[1] + 0.5) * s) for q in (near, far)]
            d.line([(nx, ny), (fx, fy)], fill=(255, 255, 0), width=1)
            for (x, y), colour, label in (((nx, ny), (0, 255, 0), f"{k}N"), ((fx, fy), (255, 0, 0), f"{k}F")):
                d.ellipse([x - 4, y - 4, x + 4, y + 4], outline=colour, width=2)
                d.text((x + 6, y - 6), label, fill=colour)
        cells.append((p.id, im, None))
    _sheet(cells, out, "marked pairs: N nearer, F farther", columns)


def _sheet(cells: list, out: str | Path, title: str, columns: int) -> None:
    pad, label_h = 6, 14
    widths = [c[1].width + (c[2].width if c[2] is not None else 0) for c in cells]
    cell_w, cell_h = max(widths) + pad, max(c[1].height for c in cells) + label_h + pad
    rows = -(-len(cells) // columns)
    sheet = Image.new("RGB", (columns * cell_w + pad, rows * cell_h + label_h + pad), "white")
    d = ImageDraw.Draw(sheet)
    d.text((pad, 2), title, fill="black")
    for k, (name, left, right) in enumerate(cells):
        x, y = pad + (k % columns) * cell_w, label_h + (k // columns) * cell_h
        d.text((x, y), name, fill="black")
        sheet.paste(left, (x, y + label_h))
        if right is not None:
            sheet.paste(right, (x + left.width, y + label_h))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
