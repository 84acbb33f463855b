"""Evaluate a weights file on real photos: the share of marked point pairs whose depth order it
gets wrong (WHDR, as in Depth in the Wild: ties count as wrong) beside the "bottom is nearer" rule
and a constant depth, and the paper's measures after median scaling on real scenes with
ground-truth depth. Photos are prepared as the service prepares them.

    training/scripts/install-eval-photos.sh      # once: fetch and verify the photos
    python -m depth_training.real_photos --weights models/eigen2014-synthetic.safetensors \
        --previews runs/real-photos.png --json runs/real-photos.json

Evaluation only: never train on these photos.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from .data import augment as aug
from .camera import Camera
from .evaluate import predict_depth
from .metrics import MetricAccumulator
from .model import Architecture, DepthNet, Normalization
from .data.photo_set import DEFAULT_PHOTO_ROOT, DEFAULT_SET, Photo, PhotoSet

#: The paper's frame and crop (ImagePreparation.paperFrame / inputSize in Sources/DepthService/Pipeline), as training crops them.
PAPER_FRAME, PAPER_CROP = (aug.FULL_W, aug.FULL_H), (aug.CROP_W, aug.CROP_H)
BOTTOM_IS_NEARER, CONSTANT = "bottom is nearer", "constant depth"


# ---- preparation, as DepthService's Pipeline/ImagePreparation does it ----

def frame_size(arch: Architecture) -> tuple[int, int]:
    """(w, h) a photo is resized to before the centre crop: 320x240 for the paper's 304x228
    input, else the same ratio per axis (ImagePreparation.frameSize(forInput:))."""
    if (arch.input_width, arch.input_height) == PAPER_CROP:
        return PAPER_FRAME
    return (round(arch.input_width * PAPER_FRAME[0] / PAPER_CROP[0]),
            round(arch.input_height * PAPER_FRAME[1] / PAPER_CROP[1]))


def crop_offset(arch: Architecture) -> tuple[int, int]:
    """(x, y) of the centre crop inside the frame (integer halves, as FrameLayout)."""
    fw, fh = frame_size(arch)
    return (fw - arch.input_width) // 2, (fh - arch.input_height) // 2


def jpeg_scale(width: int, height: int, minimum: tuple[int, int]) -> int:
    """The service's DCT scale n (of n/8) for a JPEG: the smallest that still covers `minimum`
    (ImageDecoder.jpegScale)."""
    for n in range(1, 9):
        if math.ceil(width * n / 8) >= minimum[0] and math.ceil(height * n / 8) >= minimum[1]:
            return n
    return 8


def decode_upright(path: str | Path, minimum: tuple[int, int]) -> Image.Image:
    """RGB, EXIF orientation applied. A JPEG is DCT-scaled as the service does when its scale
    is 1/2, 1/4 or 1/8 (PIL's draft offers only those); at 3/8, 5/8, 6/8, 7/8 it is decoded
    whole, which the anti-aliased resize then brings to nearly the same frame."""
    im = Image.open(path)
    if im.format == "JPEG":
        orientation = im.getexif().get(0x0112, 1)
        stored_min = minimum[::-1] if orientation in (5, 6, 7, 8) else minimum
        n = jpeg_scale(im.width, im.height, stored_min)
        if n in (1, 2, 4):
            want = (im.width * n // 8, im.height * n // 8)
            full = im.size
            im.draft("RGB", want)
            if im.size != (math.ceil(full[0] * n / 8), math.ceil(full[1] * n / 8)):
                im = Image.open(path)  # draft chose another scale: decode whole instead
    return ImageOps.exif_transpose(im).convert("RGB")


def upright_size(path: str | Path) -> tuple[int, int]:
    """(w, h) of the photo as decoded whole and upright (what the set's coordinates refer to)."""
    with Image.open(path) as im:
        turned = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        return (im.height, im.width) if turned else im.size


def prepare(image: Image.Image, arch: Architecture) -> np.ndarray:
    """Upright RGB photo -> the network's crop, (input_height, input_width, 3) uint8: resized to
    the frame with a triangle filter widened by the shrink factor (PIL's BILINEAR is the same
    filter as ImageResizer), non-4:3 photos squashed, then centre-cropped."""
    fw, fh = frame_size(arch)
    x0, y0 = crop_offset(arch)
    frame = np.asarray(image.resize((fw, fh), Image.BILINEAR))  # (fh, fw, 3)
    return frame[y0:y0 + arch.input_height, x0:x0 + arch.input_width]


def network_input(crops: list[np.ndarray], normalization: Normalization) -> torch.Tensor:
    """Crops (h, w, 3) uint8 -> normalised input (N, 3, h, w)."""
    rgb = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float()  # (N, 3, h, w)
    return normalization.apply(rgb)


def predict(model: DepthNet, normalization: Normalization, images: list[Image.Image],
            batch_size: int = 8) -> list[np.ndarray]:
    """Depth in metres on the output grid, (output_height, output_width) float64 per photo."""
    out = []
    for i in range(0, len(images), batch_size):
        x = network_input([prepare(im, model.arch) for im in images[i:i + batch_size]], normalization)
        out += [d for d in predict_depth(model, x).double().numpy()]  # (n, oh, ow)
    return out


# ---- photo pixels <-> output grid, as FrameLayout.frameRegion + FloatGrid.resampledBilinear ----

def grid_position(x, y, photo_size: tuple[int, int], arch: Architecture):
    """Photo pixel (x, y) (scalars or arrays) -> (gx, gy) on the output grid, cell centres at
    integers: pixel centre -> frame -> crop, and the grid spread evenly over the crop, clamped
    to the grid as the service's bilinear resampling clamps."""
    (w, h), (fw, fh), (x0, y0) = photo_size, frame_size(arch), crop_offset(arch)
    gx = ((np.asarray(x, np.float64) + 0.5) * fw / w - x0) * arch.output_width / arch.input_width - 0.5
    gy = ((np.asarray(y, np.float64) + 0.5) * fh / h - y0) * arch.output_height / arch.input_height - 0.5
    return np.clip(gx, 0, arch.output_width - 1), np.clip(gy, 0, arch.output_height - 1)


def bilinear(grid: np.ndarray, gx, gy) -> np.ndarray:
    """Bilinear read of `grid` (gh, gw) at grid positions gx, gy (inside the grid)."""
    gx, gy = np.asarray(gx, np.float64), np.asarray(gy, np.float64)
    x0 = np.clip(np.floor(gx).astype(int), 0, grid.shape[1] - 1)
    y0 = np.clip(np.floor(gy).astype(int), 0, grid.shape[0] - 1)
    x1, y1 = np.minimum(x0 + 1, grid.shape[1] - 1), np.minimum(y0 + 1, grid.shape[0] - 1)
    fx, fy = gx - x0, gy - y0
    top = grid[y0, x0] * (1 - fx) + grid[y0, x1] * fx
    bottom = grid[y1, x0] * (1 - fx) + grid[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def depth_at_photo_size(grid: np.ndarray, photo_size: tuple[int, int], arch: Architecture) -> np.ndarray:
    """The grid resampled to every pixel of the photo, (h, w): what `--size input` returns."""
    w, h = photo_size
    gx, _ = grid_position(np.arange(w), np.zeros(w), photo_size, arch)
    _, gy = grid_position(np.zeros(h), np.arange(h), photo_size, arch)
    return bilinear(grid, gx[None, :], gy[:, None])


def grid_samples(values: np.ndarray, mask: np.ndarray, arch: Architecture) -> tuple[np.ndarray, np.ndarray]:
    """A photo-sized map (h, w) and its mask read at each output cell's centre by nearest
    neighbour (no blending across depth edges) -> ((oh, ow), (oh, ow) bool)."""
    h, w = values.shape
    (fw, fh), (x0, y0) = frame_size(arch), crop_offset(arch)
    cx = ((np.arange(arch.output_width) + 0.5) * arch.input_width / arch.output_width + x0) * w / fw
    cy = ((np.arange(arch.output_height) + 0.5) * arch.input_height / arch.output_height + y0) * h / fh
    ix = np.ix_(np.clip(np.floor(cy).astype(int), 0, h - 1), np.clip(np.floor(cx).astype(int), 0, w - 1))
    return values[ix], mask[ix]


# ---- the measures ----

def whdr(depth_a: np.ndarray, depth_b: np.ndarray, a_is_nearer: np.ndarray) -> float:
    """Share of pairs ordered wrongly: the point said to be nearer must have the strictly smaller
    depth; equal depths count as wrong."""
    depth_a, depth_b, a_is_nearer = np.asarray(depth_a), np.asarray(depth_b), np.asarray(a_is_nearer, bool)
    if depth_a.size == 0:
        raise ValueError("no pairs")
    right = np.where(a_is_nearer, depth_a < depth_b, depth_b < depth_a)
    return float(1 - right.mean())


def pair_depths(grid: np.ndarray, photo: Photo, arch: Architecture) -> tuple[np.ndarray, np.ndarray]:
    """Depth read bilinearly from the output grid at each pair's two points -> (a, b) arrays."""
    a = np.array([p.a for p in photo.pairs], np.float64).reshape(-1, 2)
    b = np.array([p.b for p in photo.pairs], np.float64).reshape(-1, 2)
    size = (photo.width, photo.height)
    return (bilinear(grid, *grid_position(a[:, 0], a[:, 1], size, arch)),
            bilinear(grid, *grid_position(b[:, 0], b[:, 1], size, arch)))


def bottom_is_nearer_depths(photo: Photo) -> tuple[np.ndarray, np.ndarray]:
    """The rule "the point lower in the image is nearer" as a depth: minus the row."""
    return (np.array([-p.a[1] for p in photo.pairs], np.float64),
            np.array([-p.b[1] for p in photo.pairs], np.float64))


def median_scaled_metrics(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """The paper's measures of `pred` (oh, ow) after scaling it by median(gt) / median(pred) over
    the valid cells (a single photo's camera scale is unknown)."""
    valid = mask & (gt > 0)
    return plain_metrics(pred * np.median(gt[valid]) / np.median(pred[valid]), gt, valid)


def metric_factor(photo_focal_px: float, photo_width: int, camera: Camera, arch: Architecture) -> float:
    """f / F: what brings a prediction in the model's canonical camera to metres for a photo
    whose focal length is known, both on the frame's grid (design.md, "The camera contract")."""
    fw, _ = frame_size(arch)
    return (photo_focal_px * fw / photo_width) / camera.focal_at(fw)


def plain_metrics(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """The paper's measures of `pred` (oh, ow) as it is (no scaling)."""
    acc = MetricAccumulator()
    acc.update(pred[None], gt[None], (mask & (gt > 0))[None])
    return acc.result()


@dataclass
class LoadedPhotos:
    """The photos of a set found on disk, decoded for the network (upright RGB, possibly
    DCT-scaled: the set's coordinates refer to the full upright size), where each file of the
    set was found (photos and ground-truth scenes, checksum verified), and the ids not found."""
    set: PhotoSet
    images: dict[str, Image.Image]
    paths: dict[str, Path]
    missing: list[str]

    @staticmethod
    def load(photo_set: PhotoSet, roots: list[Path], minimum: tuple[int, int] = PAPER_FRAME) -> "LoadedPhotos":
        images, paths, missing = {}, {}, []
        for p in list(photo_set.photos) + list(photo_set.gt_scenes):
            path = p.locate(roots)
            if path is None:
                missing.append(p.id)
                continue
            paths[p.id] = path
            if isinstance(p, Photo):
                size = upright_size(path)
                if size != (p.width, p.height):
                    raise ValueError(f"{path}: {size} upright, the set says {(p.width, p.height)}")
                images[p.id] = decode_upright(path, minimum)
        return LoadedPhotos(photo_set, images, paths, missing)


class RealPhotoEvaluation:
    """WHDR over all pairs (and per photo) and the ground-truth scenes' measures, for models and
    for the baselines."""

    def __init__(self, photos: LoadedPhotos):
        if photos.missing:
            raise ValueError("photos not found (run training/scripts/install-eval-photos.sh): "
                             + ", ".join(photos.missing))
        self.photos, self.set = photos, photos.set
        # Read from where LoadedPhotos found them: locating again would hash every file again.
        self.gt = {s.id: s.depth(photos.paths[s.id]) for s in self.set.gt_scenes}  # ((h, w) metres, (h, w) bool)

    def _whdr(self, depths: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
        a, b, truth, per_photo = [], [], [], {}
        for p in self.set.photos:
            if not p.pairs:
                continue
            da, db = depths[p.id]
            nearer = np.array([q.a_is_nearer for q in p.pairs])
            per_photo[p.id] = whdr(da, db, nearer)
            a.append(da), b.append(db), truth.append(nearer)
        indoor = [p.id for p in self.set.photos if p.pairs and p.indoor]
        mask = np.concatenate([np.full(len(p.pairs), p.indoor) for p in self.set.photos if p.pairs])
        a, b, truth = np.concatenate(a), np.concatenate(b), np.concatenate(truth)
        return {"whdr": whdr(a, b, truth), "whdr_indoor": whdr(a[mask], b[mask], truth[mask]) if indoor else None,
                "per_photo": per_photo}

    def grids(self, model: DepthNet, normalization: Normalization) -> dict[str, np.ndarray]:
        """Predicted depth grids (oh, ow) per photo id."""
        ids = list(self.photos.images)
        return dict(zip(ids, predict(model, normalization, [self.photos.images[i] for i in ids])))

    def evaluate_model(self, model: DepthNet, normalization: Normalization) -> dict:
        return self.evaluate_grids(self.grids(model, normalization), model.arch, model.camera)

    def evaluate_grids(self, grids: dict[str, np.ndarray], arch: Architecture, camera: Camera | None = None) -> dict:
        """WHDR and ground-truth measures of depth grids (oh, ow) given per photo id. On each
        ground-truth scene: `median_scaled`, and with the grids' canonical `camera` also
        `metric` (the prediction times f / F with the scene's calibrated focal length)."""
        result = self._whdr({p.id: pair_depths(grids[p.id], p, arch) for p in self.set.photos if p.pairs})
        result["gt_scenes"] = {}
        for s in self.set.gt_scenes:
            gt, mask = grid_samples(*self.gt[s.id], arch)  # (oh, ow) metres, (oh, ow) bool
            entry = {"median_scaled": median_scaled_metrics(grids[s.photo], gt, mask)}
            if camera is not None:
                k = metric_factor(s.focal_px, self.set.photo(s.photo).width, camera, arch)
                entry["metric"] = plain_metrics(grids[s.photo] * k, gt, mask)
            result["gt_scenes"][s.id] = entry
        return result

    def evaluate_map(self, depth_map: np.ndarray, arch: Architecture, camera: Camera | None = None) -> dict:
        """One depth map (oh, ow) for every photo (e.g. the training set's mean depth map, in
        `camera`'s canonical depth)."""
        return self.evaluate_grids({i: depth_map for i in self.photos.images}, arch, camera)

    def evaluate_baselines(self, arch: Architecture) -> dict[str, dict]:
        """"bottom is nearer" (pairs only) and a constant depth (every pair a tie; on the
        ground-truth scenes the median-scaled constant)."""
        bottom = self._whdr({p.id: bottom_is_nearer_depths(p) for p in self.set.photos if p.pairs})
        constant = self.evaluate_map(np.ones((arch.output_height, arch.output_width)), arch)
        return {BOTTOM_IS_NEARER: bottom, CONSTANT: constant}


def format_results(results: dict[str, dict], photo_set: PhotoSet) -> str:
    """Markdown table: one row per model or baseline; WHDR over all pairs and indoor pairs, then
    for each ground-truth scene si-log and delta1 after median scaling and abs rel in metres."""
    scenes = [s.id for s in photo_set.gt_scenes]
    head = ["WHDR (all pairs)", "WHDR (indoor)"] + [
        f"{s} {m}" for s in scenes for m in ("si-log", "delta<1.25 (median-scaled)", "abs rel (metric)")]
    lines = ["| | " + " | ".join(head) + " |", "|---|" + "---|" * len(head)]
    for name, r in results.items():
        cells = [_cell(r.get("whdr")), _cell(r.get("whdr_indoor"))]
        for s in scenes:
            m = r.get("gt_scenes", {}).get(s, {})
            med, metric = m.get("median_scaled"), m.get("metric")
            cells += [_cell(med and med["si_log"]), _cell(med and med["delta1"]), _cell(metric and metric["abs_rel"])]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_photo_table(results: dict[str, dict], photo_set: PhotoSet) -> str:
    """Markdown: one row per photo with pairs, WHDR of each model and baseline."""
    names = list(results)
    lines = ["| photo | pairs | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for p in photo_set.photos:
        if p.pairs:
            cells = [_cell(results[n]["per_photo"].get(p.id)) for n in names]
            lines.append(f"| {p.id} | {len(p.pairs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def main() -> None:
    from .eval_suite import load_models, photo_rows
    from .photo_previews import pairs_sheet, preview_sheet
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", required=True, nargs="+", help="safetensors file(s) (the contract's format)")
    p.add_argument("--set", default=str(DEFAULT_SET), help="photo set JSON (default: the committed one)")
    p.add_argument("--photos", default=str(DEFAULT_PHOTO_ROOT), help="folder install-eval-photos.sh filled")
    p.add_argument("--previews", help="write photo | predicted depth previews of the first model here (PNG)")
    p.add_argument("--pairs_sheet", help="write the photos with their marked pairs here (PNG), to check the marks")
    p.add_argument("--json", help="write all results here")
    p.add_argument("--per_photo", action="store_true", help="also print WHDR photo by photo")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    photo_set = PhotoSet.load(a.set)
    roots = [Path(a.photos)]
    loaded = LoadedPhotos.load(photo_set, roots)
    if loaded.missing:
        raise SystemExit(f"real_photos: {len(loaded.missing)} files not found under {a.photos} or where their "
                         f"packages install them ({', '.join(loaded.missing)}); run "
                         "training/scripts/install-eval-photos.sh")
    if a.pairs_sheet:
        pairs_sheet(photo_set, loaded.images, a.pairs_sheet)
        print(f"wrote {a.pairs_sheet}")
    models = load_models(a.weights)
    results, grids = photo_rows(models, loaded)
    print(f"real photos: {len(photo_set.photos)} photos, {photo_set.pair_count} pairs "
          f"({sum(len(q.pairs) for q in photo_set.photos if q.indoor)} indoor); ground truth: "
          + (", ".join(s.id for s in photo_set.gt_scenes) or "none"))
    print(format_results(results, photo_set))
    if a.per_photo:
        print("\n" + per_photo_table(results, photo_set))
    if a.previews:
        preview_sheet(photo_set, loaded.images, grids, models[0].net.arch, a.previews, title=models[0].label)
        print(f"wrote {a.previews}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"set": str(a.set), "pairs": photo_set.pair_count,
                                            "photos": len(photo_set.photos), "results": results}, indent=1))


if __name__ == "__main__":
    main()
