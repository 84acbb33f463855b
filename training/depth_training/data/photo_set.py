"""The real-photo evaluation set of training/eval/real_photos.json: photos shipped by Debian
packages, pairs of points whose depth order was marked by eye, and real scenes with ground-truth
disparity. Loading validates the file; `locate` finds each photo on disk by its sha256 (under the
folder training/scripts/install-eval-photos.sh fills, else where its package installs it).
Evaluation only: never train on these photos."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The committed set and the folder install-eval-photos.sh fills by default.
DEFAULT_SET = Path(__file__).resolve().parents[2] / "eval" / "real_photos.json"
DEFAULT_PHOTO_ROOT = Path(__file__).resolve().parents[2] / "data" / "real-photos"
MIN_PAIRS, MIN_PHOTOS = 60, 10
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PointPair:
    """Two pixels (x, y) of one upright photo; `nearer` is "a" or "b"."""
    a: tuple[int, int]
    b: tuple[int, int]
    nearer: str
    what: str = ""

    @property
    def a_is_nearer(self) -> bool:
        return self.nearer == "a"


@dataclass(frozen=True)
class PackagedFile:
    """A file of a Debian package: where it installs (`path`, absolute) and its checksum."""
    id: str
    package: str
    version: str
    path: str
    sha256: str
    licence: str

    def locate(self, roots: list[Path]) -> Path | None:
        """The first of ROOT/package/path (for each root) and the installed path whose sha256
        matches, or None."""
        for candidate in [Path(r) / self.package / self.path.lstrip("/") for r in roots] + [Path(self.path)]:
            if candidate.is_file() and file_sha256(candidate) == self.sha256:
                return candidate
        return None


@dataclass(frozen=True)
class Photo(PackagedFile):
    width: int = 0
    height: int = 0
    indoor: bool = True
    scene: str = ""
    pairs: tuple[PointPair, ...] = ()


@dataclass(frozen=True)
class GroundTruthScene(PackagedFile):
    """A disparity map (numpy .npz array `array`, photo-sized, non-finite = unknown) of photo
    `photo`, with the stereo calibration: depth = focal_px * baseline_m / (disparity + doffs_px)."""
    photo: str = ""
    array: str = "arr_0"
    focal_px: float = 0.0
    baseline_m: float = 0.0
    doffs_px: float = 0.0

    def depth(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        """(depth in metres (H, W) float64, valid mask (H, W) bool) from the file at `path`."""
        with np.load(path) as z:
            disparity = np.asarray(z[self.array], np.float64)  # (H, W) pixels
        valid = np.isfinite(disparity) & (disparity + self.doffs_px > 0)
        depth = np.where(valid, self.focal_px * self.baseline_m / np.where(valid, disparity + self.doffs_px, 1), 0)
        return depth, valid


@dataclass(frozen=True)
class PhotoSet:
    description: str
    photos: tuple[Photo, ...]
    gt_scenes: tuple[GroundTruthScene, ...]

    @property
    def pair_count(self) -> int:
        return sum(len(p.pairs) for p in self.photos)

    def photo(self, photo_id: str) -> Photo:
        for p in self.photos:
            if p.id == photo_id:
                return p
        raise KeyError(photo_id)

    @staticmethod
    def load(path: str | Path = DEFAULT_SET, *, min_pairs: int = MIN_PAIRS, min_photos: int = MIN_PHOTOS) -> "PhotoSet":
        """Reads and validates a set file; a broken one raises ValueError naming what is wrong."""
        try:
            doc = json.loads(Path(path).read_text())
            photos = tuple(_photo(p) for p in doc["photos"])
            scenes = tuple(_scene(s) for s in doc.get("gt_scenes", []))
            result = PhotoSet(str(doc["description"]), photos, scenes)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path}: not a valid photo set: {e!r}") from e
        problems = result.problems(min_pairs=min_pairs, min_photos=min_photos)
        if problems:
            raise ValueError(f"{path}: " + "; ".join(problems))
        return result

    def problems(self, *, min_pairs: int = MIN_PAIRS, min_photos: int = MIN_PHOTOS) -> list[str]:
        """Every rule the set breaks (empty when it is valid)."""
        out = []
        ids = [p.id for p in self.photos] + [s.id for s in self.gt_scenes]
        if len(set(ids)) != len(ids):
            out.append("ids are not unique")
        if "never train" not in self.description.lower():
            out.append("the description must say never to train on the photos")
        for item in list(self.photos) + list(self.gt_scenes):
            if not _SHA256.match(item.sha256):
                out.append(f"{item.id}: sha256 is not 64 lower-case hex digits")
            if not item.path.startswith("/") or not item.package or not item.version or not item.licence:
                out.append(f"{item.id}: needs package, version, an absolute path and a licence")
        for p in self.photos:
            if p.width < 1 or p.height < 1:
                out.append(f"{p.id}: width and height must be positive")
            seen: set[tuple[int, int]] = set()
            for k, pair in enumerate(p.pairs):
                if pair.nearer not in ("a", "b"):
                    out.append(f"{p.id} pair {k}: nearer must be 'a' or 'b'")
                for point in (pair.a, pair.b):
                    if not (0 <= point[0] < p.width and 0 <= point[1] < p.height):
                        out.append(f"{p.id} pair {k}: point {list(point)} is outside the {p.width}x{p.height} photo")
                    if point in seen:
                        out.append(f"{p.id} pair {k}: point {list(point)} appears twice")
                    seen.add(point)
        photo_ids = {p.id for p in self.photos}
        for s in self.gt_scenes:
            if s.photo not in photo_ids:
                out.append(f"{s.id}: photo {s.photo!r} is not in the set")
            if s.focal_px <= 0 or s.baseline_m <= 0:
                out.append(f"{s.id}: focal_px and baseline_m must be positive")
        with_pairs = sum(1 for p in self.photos if p.pairs)
        if self.pair_count < min_pairs:
            out.append(f"{self.pair_count} pairs, at least {min_pairs} needed")
        if with_pairs < min_photos:
            out.append(f"{with_pairs} photos with pairs, at least {min_photos} needed")
        return out


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _point(v) -> tuple[int, int]:
    if len(v) != 2 or any(not isinstance(c, int) for c in v):
        raise ValueError(f"a point must be [x, y] integers, got {v!r}")
    return int(v[0]), int(v[1])


def _common(d: dict) -> dict:
    return dict(id=str(d["id"]), package=str(d["package"]), version=str(d["version"]), path=str(d["path"]),
                sha256=str(d["sha256"]), licence=str(d["licence"]))


def _photo(d: dict) -> Photo:
    pairs = tuple(PointPair(_point(p["a"]), _point(p["b"]), str(p["nearer"]), str(p.get("what", "")))
                  for p in d["pairs"])
    return Photo(**_common(d), width=int(d["width"]), height=int(d["height"]), indoor=bool(d["indoor"]),
                 scene=str(d.get("scene", "")), pairs=pairs)


def _scene(d: dict) -> GroundTruthScene:
    return GroundTruthScene(**_common(d), photo=str(d["photo"]), array=str(d.get("array", "arr_0")),
                            focal_px=float(d["focal_px"]), baseline_m=float(d["baseline_m"]),
                            doffs_px=float(d.get("doffs_px", 0.0)))
