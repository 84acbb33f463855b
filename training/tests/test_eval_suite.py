import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from depth_training import evaluate
from depth_training.data.datasets import open_source
from depth_training.eval_suite import depth_table, run_suite
from depth_training.export import save_model
from depth_training.model import Normalization
from depth_training.data.photo_set import PhotoSet
from depth_training.fixture_models import make_tiny

from photo_set_fixtures import tiny_photo_set


def write_folder_set(root: Path, n: int, seed: int) -> Path:
    """n 320x240 frames: random RGB, depth in millimetres (16-bit PNG, a few zeros = missing)."""
    rng = np.random.default_rng(seed)
    (root / "rgb").mkdir(parents=True)
    (root / "depth").mkdir()
    for i in range(n):
        Image.fromarray(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(root / "rgb" / f"f{i}.png")
        mm = rng.integers(800, 6000, (240, 320)).astype(np.uint16)
        mm[:5] = 0
        Image.fromarray(mm).save(root / "depth" / f"f{i}.png")
    return root


@pytest.fixture
def tiny(tmp_path):
    weights = tmp_path / "tiny.safetensors"
    save_model(make_tiny(), weights, Normalization(), name="tiny", description="test", trained_on="nothing")
    other = tmp_path / "tiny2.safetensors"
    save_model(make_tiny(seed=7), other, Normalization(), name="tiny", description="test", trained_on="nothing")
    return {"weights": [str(weights), str(other)], "test": write_folder_set(tmp_path / "test", 3, 0),
            "train": write_folder_set(tmp_path / "train", 2, 1), "photos": tmp_path / "photos"}


def test_one_table_per_set_with_every_model_and_baseline_and_absent_sets_skipped(tiny, tmp_path):
    set_path = tiny_photo_set(tiny["photos"])
    photo_set = PhotoSet.load(set_path, min_pairs=1, min_photos=1)
    lines = []
    r = run_suite(tiny["weights"], photoreal=f"folder:{tiny['test']}", procedural=f"synthetic:{tmp_path}/absent",
                  photo_set=photo_set, photo_roots=[tiny["photos"]], train_data=f"folder:{tiny['train']}",
                  previews=tmp_path / "previews", log=lines.append)
    out = "\n".join(lines)
    assert r.skipped == {"procedural test": f"{tmp_path}/absent does not exist"}
    assert "## procedural test" in out and "skipped, data absent" in out
    # Two files with the same metadata name get told apart by their paths.
    second = f"tiny ({tiny['weights'][1]})"
    depth_rows = r.tables["photoreal test"]
    assert list(depth_rows) == ["tiny", second, "train mean depth map", "train median constant"]
    assert r.sizes["photoreal test"] == 3
    direct = evaluate.evaluate_model(make_tiny(), Normalization(), open_source(f"folder:{tiny['test']}"))
    assert depth_rows["tiny"] == pytest.approx(direct)
    assert depth_rows["tiny"] != pytest.approx(depth_rows[second])
    assert depth_table(depth_rows).count("\n") == 1 + 4 and "| train median constant |" in depth_table(depth_rows)
    photo_rows = r.tables["real photos"]
    assert list(photo_rows) == ["tiny", second, "train mean depth map", "bottom is nearer", "constant depth"]
    assert photo_rows["bottom is nearer"]["whdr"] == pytest.approx(0.5)
    assert photo_rows["constant depth"]["whdr"] == 1.0
    assert "street-gt si-log" in out and (tmp_path / "previews" / "real-photos.png").is_file()


def test_real_photos_that_are_not_installed_are_skipped_with_the_install_command(tiny, tmp_path):
    photo_set = PhotoSet.load(tiny_photo_set(tiny["photos"]), min_pairs=1, min_photos=1)
    lines = []
    r = run_suite(tiny["weights"][:1], photo_set=photo_set, photo_roots=[tmp_path / "nowhere"], log=lines.append)
    assert r.tables == {} and "install-eval-photos.sh" in r.skipped["real photos"]
    assert any("real photos: skipped" in line for line in lines)


def test_command_line_writes_the_tables_to_json(tiny, tmp_path):
    out = tmp_path / "suite.json"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "depth_training.eval_suite", "--weights", tiny["weights"][0],
                           "--photoreal", f"folder:{tiny['test']}", "--procedural", f"synthetic:{tmp_path}/none",
                           "--photos_set", "none", "--threads", "1", "--json", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "## photoreal test" in done.stdout and "skipped, data absent" in done.stdout
    doc = json.loads(out.read_text())
    assert set(doc["tables"]) == {"photoreal test"} and "procedural test" in doc["skipped"]
    assert 0 < doc["tables"]["photoreal test"]["tiny"]["delta3"] <= 1


def test_a_spec_is_absent_when_any_of_its_parts_is(tmp_path):
    from depth_training.eval_suite import absent
    (tmp_path / "a").mkdir()
    assert absent(f"folder:{tmp_path}/a") is None
    assert absent(f"folder:{tmp_path}/a*2+synthetic:{tmp_path}/a:100") is None
    assert absent(f"folder:{tmp_path}/a*2+synthetic:{tmp_path}/b:100") == f"{tmp_path}/b does not exist"
    assert absent("synthetic-seeds:0-10") is None  # rendered on the fly: never absent
