import json
import sys

from depth_training import bundle, train
from depth_training.export import read_metadata, save_model
from depth_training.model import DepthNet
from test_train import tiny_run_args


def test_the_shipped_weights_carry_the_camera_and_every_runs_history(tmp_path, monkeypatch):
    old = tmp_path / "old.safetensors"
    save_model(DepthNet("tiny"), old, name="old", description="d", trained_on="boxes")
    train.run(train.parse_args(tiny_run_args(tmp_path, "run", f"--init_weights={old}")))
    out = tmp_path / "ship"
    monkeypatch.setattr(sys, "argv", [
        "bundle", f"--checkpoint={tmp_path / 'run' / 'ckpt.pt'}", f"--test_data=synthetic:{tmp_path / 'train'}",
        f"--out={out / 'm.safetensors'}", f"--expected={out / 'e.safetensors'}", f"--report={out / 'metrics.json'}",
        f"--preview={out / 'p.png'}", "--check_images=1", "--threads=1"])
    bundle.main()
    meta = read_metadata(out / "m.safetensors")
    history = json.loads(meta["training_history"])
    assert [h["recorded"] for h in history] == [False, True] and history[1]["steps"] == 4
    trained = json.loads(read_metadata(tmp_path / "run" / "weights.safetensors")["training_history"])
    assert [{k: v for k, v in h.items() if k != "recorded_utc"} for h in history] == \
        [{k: v for k, v in h.items() if k != "recorded_utc"} for h in trained]
    assert json.loads(meta["camera"]) == {"focal_px": 259.43, "width": 320}
    report = json.load(open(out / "metrics.json"))
    assert report["seen_in_all"]["steps"] == 4 and report["seen_in_all"]["unrecorded_runs"] == 1
