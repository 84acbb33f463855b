"""Small photo sets written in a test's tmp_path: photos as PNG files under ROOT/package/path,
in the layout install-eval-photos.sh fills, and the set's JSON beside them."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from depth_training.data.photo_set import file_sha256

PACKAGE, VERSION, LICENCE = "test-photos", "1.0-1", "CC0-1.0 (test fixture)"


def photo_entry(root: Path, name: str, rgb: np.ndarray, pairs: list[dict], indoor: bool = True) -> dict:
    """Writes rgb (h, w, 3) uint8 as a PNG and returns its set entry."""
    path = f"/usr/share/test-photos/{name}.png"
    f = root / PACKAGE / path.lstrip("/")
    f.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(f)
    return {"id": name, "package": PACKAGE, "version": VERSION, "path": path, "sha256": file_sha256(f),
            "licence": LICENCE, "width": rgb.shape[1], "height": rgb.shape[0], "indoor": indoor,
            "scene": "test", "pairs": pairs}


def disparity_entry(root: Path, name: str, photo: str, disparity: np.ndarray) -> dict:
    path = f"/usr/share/test-photos/{name}.npz"
    f = root / PACKAGE / path.lstrip("/")
    f.parent.mkdir(parents=True, exist_ok=True)
    np.savez(f, arr_0=disparity.astype(np.float32))
    return {"id": name, "photo": photo, "package": PACKAGE, "version": VERSION, "path": path,
            "sha256": file_sha256(f), "licence": LICENCE, "array": "arr_0", "kind": "disparity_px",
            "focal_px": 100.0, "baseline_m": 0.1, "doffs_px": 2.0}


def write_set(path: Path, photos: list[dict], gt_scenes: list[dict] | None = None) -> Path:
    path.write_text(json.dumps({"description": "test set; never train on it", "photos": photos,
                                "gt_scenes": gt_scenes or []}))
    return path


def pair(a, b, nearer="a") -> dict:
    return {"a": list(a), "b": list(b), "nearer": nearer}


def tiny_photo_set(root: Path) -> Path:
    """Two random photos (4:3 and 3:2) with three pairs each, and a disparity scene of the
    second: disparity grows to the right."""
    rng = np.random.default_rng(0)
    a = photo_entry(root, "room", rng.integers(0, 255, (240, 320, 3), dtype=np.uint8),
                    [pair((10, 200), (300, 20)), pair((160, 50), (160, 180), "b"), pair((40, 120), (280, 121))])
    b = photo_entry(root, "street", rng.integers(0, 255, (200, 300, 3), dtype=np.uint8),
                    [pair((20, 20), (250, 190), "b"), pair((100, 100), (200, 100)), pair((5, 5), (294, 194))],
                    indoor=False)
    disparity = np.tile(np.linspace(5, 50, 300), (200, 1))
    disparity[:10] = np.inf
    return write_set(root / "set.json", [a, b], [disparity_entry(root, "street-gt", "street", disparity)])
