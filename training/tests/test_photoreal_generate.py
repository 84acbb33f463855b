"""The generator end to end, with the real Blender and the real Sweet Home 3D catalogs (installed
by scripts/install-deps.sh), at a tiny size: frames in the `folder:` format, their cameras,
assets only from the split's share, resumable and reproducible."""
import json

import numpy as np
import pytest
from PIL import Image

from depth_training.data.datasets import open_source
from depth_training.render.photoreal import catalog, generate

SIZE = ["--width", "64", "--height", "48", "--samples", "1", "--views", "2", "--threads", "2"]


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    return tmp_path_factory.mktemp("assets")


def run(out, assets, frames, split="test"):
    generate.main(["--out", str(out), "--assets", str(assets), "--split", split, "--frames", str(frames),
                   "--contact_sheet", *SIZE])
    return out / split


@pytest.fixture(scope="module")
def made(tmp_path_factory, assets):
    return run(tmp_path_factory.mktemp("frames"), assets, 3)


def test_frames_are_rgb_and_16_bit_millimetre_depth_of_one_size(made):
    names = generate.frame_names(made)
    assert len(names) >= 3
    for name in names:
        rgb = Image.open(made / "rgb" / f"{name}.jpg")
        depth = Image.open(made / "depth" / f"{name}.png")
        assert rgb.mode == "RGB" and rgb.size == (64, 48) and depth.size == (64, 48)
        assert depth.mode in ("I;16", "I")
        mm = np.asarray(depth).astype(np.int64)
        valid = mm[mm > 0]
        assert (mm > 0).mean() > 0.5 and valid.min() >= 100 and valid.max() <= 20000  # inside a room
        pixels = np.asarray(rgb).reshape(-1, 3).astype(int)
        magenta = (pixels[:, 0] > 200) & (pixels[:, 1] < 60) & (pixels[:, 2] > 200)
        assert magenta.mean() < 0.01, f"{name} shows missing-texture magenta"
        assert 10 < pixels.mean() < 245, f"{name} is black or blown out"
    assert (made / "contact_sheet.png").exists() and (made / "credits.md").exists()


def test_cameras_csv_gives_each_frame_its_own_focal_length(made):
    rows = (made / "cameras.csv").read_text().splitlines()
    assert rows[0] == "name,focal_px,width"
    focal = {r.split(",")[0]: float(r.split(",")[1]) for r in rows[1:]}
    assert set(focal) == set(generate.frame_names(made))
    for name, f in focal.items():
        meta = json.loads((made / "meta" / f"{name}.json").read_text())
        assert f == pytest.approx(32 / np.tan(np.radians(meta["hfov_deg"]) / 2), rel=1e-4)
        assert 45 <= meta["hfov_deg"] <= 75


def test_test_frames_use_only_held_out_assets(made, assets):
    lib = catalog.extract(assets)
    held_out = {a.id for a in catalog.split(lib, "test").assets}
    training = {a.id for a in catalog.split(lib, "train").assets}
    for name in generate.frame_names(made):
        used = set(json.loads((made / "meta" / f"{name}.json").read_text())["assets"])
        assert used and used <= held_out and not used & training


def test_the_folder_loads_as_a_training_source(made):
    source = open_source(f"folder:{made}")
    s = source[0]
    assert len(source) == len(generate.frame_names(made))
    assert s.rgb.shape == (240, 320, 3) and s.depth.shape == (240, 320) and s.mask.any()


def test_a_second_run_resumes_and_the_same_rooms_give_the_same_frames(made, assets, tmp_path):
    before = {p.name: p.read_bytes() for p in (made / "depth").iterdir()}
    run(made.parent, assets, len(before) + 2)
    after = {p.name: p.read_bytes() for p in (made / "depth").iterdir()}
    assert len(after) >= len(before) + 2
    assert all(after[k] == v for k, v in before.items())  # finished frames are not redone
    again = run(tmp_path, assets, 1)
    first = sorted((again / "depth").iterdir())[0]
    assert first.read_bytes() == before[first.name]       # same room, same depth, in a new folder
    assert (again / "rgb" / first.with_suffix(".jpg").name).read_bytes() == \
        (made / "rgb" / first.with_suffix(".jpg").name).read_bytes()
