import csv
import json

import numpy as np
import pytest
import torch

from depth_training import lineage, train
from depth_training.export import load_model, read_metadata, save_model
from depth_training.loss import scale_invariant_loss
from depth_training.model import DepthNet


def random_batch(model, n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = model.arch
    x = torch.randn(n, 3, a.input_height, a.input_width, generator=g)
    depth = torch.rand(n, 1, a.output_height, a.output_width, generator=g) * 5 + 0.5
    mask = torch.rand(n, 1, a.output_height, a.output_width, generator=g) > 0.2
    return x, depth, mask


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def moved(before, module):
    return {k for k, v in module.state_dict().items() if not torch.equal(before[k], v)}


CFG = {"coarse_lr": 1e-3, "fine_lr": 1e-3, "coarse_weight_decay": 5e-4, "fine_weight_decay": 1e-4}


def test_stage_two_trains_fine_and_leaves_every_coarse_weight_in_place():
    model = DepthNet("golden-a")
    train.set_stage(model, "fine")
    opt = train.make_optimizer(model, "fine", CFG)
    coarse, fine = snapshot(model.coarse), snapshot(model.fine)
    for i in range(3):
        train.train_step(model, opt, random_batch(model, seed=i), "fine")
    assert moved(coarse, model.coarse) == set()
    assert moved(fine, model.fine) == set(fine)  # weight decay included, nothing else moved
    assert not model.coarse.training and model.fine.training  # no dropout in the frozen coarse


def test_stage_one_trains_only_the_coarse_network():
    model = DepthNet("golden-a")
    train.set_stage(model, "coarse")
    opt = train.make_optimizer(model, "coarse", CFG)
    coarse, fine = snapshot(model.coarse), snapshot(model.fine)
    train.train_step(model, opt, random_batch(model), "coarse")
    assert moved(fine, model.fine) == set() and moved(coarse, model.coarse) == set(coarse)


def test_paper_initialisation_follows_eigen2014():
    model = DepthNet("half")
    model.init_paper(torch.Generator().manual_seed(0))
    sd = model.state_dict()
    assert abs(sd["coarse.conv2.weight"].std().item() - 0.01) < 5e-4
    assert abs(sd["fine.conv1.weight"].std().item() - 0.001) < 1e-4
    assert all(torch.all(v == 0) for k, v in sd.items() if k.endswith(".bias"))


def test_learning_rate_decays_from_full_to_the_final_fraction():
    assert train.lr_factor(0.0, 0.05) == 1.0
    assert abs(train.lr_factor(1.0, 0.05) - 0.05) < 1e-12
    assert 0.05 < train.lr_factor(0.5, 0.05) < 1.0


def fake_arrays(root, n, seed):
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    np.save(root / "rgb.npy", rng.integers(0, 255, (n, 240, 320, 3), dtype=np.uint8))
    np.save(root / "depth.npy", rng.uniform(1, 5, (n, 240, 320)).astype(np.float32))
    np.save(root / "mask.npy", rng.random((n, 240, 320)) > 0.1)


def test_a_run_writes_checkpoint_csv_and_plot_and_resumes_where_it_stopped(tmp_path):
    fake_arrays(tmp_path / "train", 4, 0)
    fake_arrays(tmp_path / "val", 2, 1)
    cfg = train.parse_args([f"--train_data=synthetic:{tmp_path / 'train'}", f"--val_data=synthetic:{tmp_path / 'val'}",
                            f"--out_dir={tmp_path / 'run'}", "--variant=tiny", "--batch_size=2", "--workers=0",
                            "--coarse_epochs=1", "--fine_epochs=1", "--val_batches=1", "--threads=1"])
    train.run(cfg)
    ck = torch.load(tmp_path / "run" / "ckpt.pt", weights_only=False)
    assert ck["state"]["stage"] == "fine" and ck["state"]["epoch"] == 1 and ck["state"]["step"] == 2
    rows = list(csv.DictReader(open(tmp_path / "run" / "losses.csv")))
    assert [r["stage"] for r in rows] == ["coarse", "fine"]
    assert (tmp_path / "run" / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    coarse_before = {k: v for k, v in ck["model"].items() if k.startswith("coarse.")}
    model = train.run({**cfg, "fine_epochs": 2})  # resume: one more fine epoch
    ck2 = torch.load(tmp_path / "run" / "ckpt.pt", weights_only=False)
    assert ck2["state"]["epoch"] == 2 and ck2["state"]["step"] == 4 and ck2["state"]["images_seen"] == 12
    assert all(torch.equal(model.state_dict()[k], v) for k, v in coarse_before.items())
    assert len(list(csv.DictReader(open(tmp_path / "run" / "losses.csv")))) == 3


def test_fine_passthrough_starts_stage_two_at_the_coarse_prediction():
    model = DepthNet("golden-a")
    model.init_paper(torch.Generator().manual_seed(0))
    train.init_fine_passthrough(model)
    x = torch.randn(2, 3, 72, 96)
    with torch.no_grad():
        coarse = model.coarse(x) + torch.linspace(-1, 2.5, 16 * 22).view(1, 1, 16, 22)  # room-like log depths
        fine = model.fine(x, coarse)
    assert (fine - coarse).abs().max() < 0.03  # only the other, N(0, 0.01) filters add anything
    plain = DepthNet("golden-a")
    plain.init_paper(torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (plain.fine(x, coarse) - coarse).abs().max() > 0.5


def test_mean_log_depth_averages_valid_targets_only():
    class Items:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            d = torch.full((1, 55, 74), [1.0, 4.0][i])
            m = torch.ones((1, 55, 74), dtype=torch.bool)
            if i == 1:
                m[:, :, 37:] = False
                d[:, :, 37:] = 0
            return None, d, m
    # image 0: 4070 pixels at log 1 = 0; image 1: 2035 pixels at log 4
    want = (2035 * np.log(4.0)) / (4070 + 2035)
    assert abs(train.mean_log_depth(Items()) - want) < 1e-6


def test_scratch_initialisation_replaces_only_the_coarse_convs_with_he_normal():
    model = DepthNet("half")
    model.init_scratch(torch.Generator().manual_seed(0))
    sd = model.state_dict()
    fan_in = 48 * 5 * 5
    assert abs(sd["coarse.conv2.weight"].std().item() - (2 / fan_in) ** 0.5) < 2e-3
    assert abs(sd["coarse.fc6.weight"].std().item() - 0.01) < 5e-4
    assert abs(sd["fine.conv2.weight"].std().item() - 0.01) < 5e-4
    assert abs(sd["fine.conv1.weight"].std().item() - 0.001) < 1e-4


def tiny_run_args(tmp_path, out, *extra):
    if not (tmp_path / "train").exists():
        fake_arrays(tmp_path / "train", 4, 0)
        fake_arrays(tmp_path / "val", 2, 1)
    return [f"--train_data=synthetic:{tmp_path / 'train'}", f"--val_data=synthetic:{tmp_path / 'val'}",
            f"--out_dir={tmp_path / out}", "--batch_size=2", "--workers=0", "--val_batches=1", "--threads=1",
            "--coarse_epochs=1", "--fine_epochs=1", *extra]


def weights_of(path):
    return load_model(path)[0].state_dict()


def test_a_run_from_init_weights_continues_them_and_appends_to_their_history(tmp_path):
    train.run(train.parse_args(tiny_run_args(tmp_path, "a", "--variant=tiny")))
    first = read_metadata(tmp_path / "a" / "weights.safetensors")
    (a_entry,) = json.loads(first["training_history"])
    assert a_entry["steps"] == 4 and a_entry["images_seen"] == 8 and a_entry["frames"] == 4
    assert a_entry["stages"]["coarse"]["steps"] == 2 and a_entry["stages"]["fine"]["images"] == 4
    assert json.loads(first["camera"]) == {"focal_px": 259.43, "width": 320}
    # No epochs: the weights come out exactly as they went in (no re-init, no output bias from
    # data, no fine passthrough over trained weights).
    init = f"--init_weights={tmp_path / 'a' / 'weights.safetensors'}"
    train.run(train.parse_args(tiny_run_args(tmp_path, "same", init, "--coarse_epochs=0", "--fine_epochs=0")))
    start = weights_of(tmp_path / "a" / "weights.safetensors")
    assert all(torch.equal(v, start[k]) for k, v in weights_of(tmp_path / "same" / "weights.safetensors").items())
    # The architecture comes from the file (no --variant), and training moves every layer on.
    cfg = train.parse_args(tiny_run_args(tmp_path, "b", init, "--seed=2"))
    assert cfg["variant"] == ""
    train.run(cfg)
    after = weights_of(tmp_path / "b" / "weights.safetensors")
    assert all(not torch.equal(v, start[k]) for k, v in after.items())
    history = json.loads(read_metadata(tmp_path / "b" / "weights.safetensors")["training_history"])
    assert len(history) == 2 and history[0] == a_entry
    assert history[1]["init"].endswith("weights.safetensors") and history[1]["seed"] == 2
    assert history[1]["variant"] == "tiny" and lineage.totals(history)["steps"] == 8


def test_init_weights_refuses_a_variant_or_camera_that_disagrees_and_records_an_unrecorded_origin(tmp_path):
    path = tmp_path / "old.safetensors"
    save_model(DepthNet("tiny"), path, name="old", description="d", trained_on="boxes, 57408 images seen")
    with pytest.raises(ValueError, match="--variant=small disagrees"):
        train.run(train.parse_args(tiny_run_args(tmp_path, "x", f"--init_weights={path}", "--variant=small")))
    with pytest.raises(ValueError, match="--camera_focal_px=300.0 disagrees"):
        train.run(train.parse_args(tiny_run_args(tmp_path, "x", f"--init_weights={path}", "--camera_focal_px=300")))
    with pytest.raises(SystemExit):
        train.parse_args(tiny_run_args(tmp_path, "x", f"--init_weights={tmp_path / 'missing.safetensors'}"))
    train.run(train.parse_args(tiny_run_args(tmp_path, "y", f"--init_weights={path}", "--variant=tiny",
                                             "--coarse_epochs=0", "--fine_epochs=1")))
    history = json.loads(read_metadata(tmp_path / "y" / "weights.safetensors")["training_history"])
    assert history[0] == {"recorded": False, "weights": "old.safetensors", "name": "old",
                          "trained_on": "boxes, 57408 images seen"}
    assert history[1]["steps"] == 2 and lineage.totals(history)["unrecorded_runs"] == 1


def test_bfloat16_autocast_computes_the_loss_in_float32_and_stays_close_to_float32(monkeypatch):
    seen = []

    def recording_loss(pred, depth, mask):
        seen.append(pred.dtype)
        return scale_invariant_loss(pred, depth, mask)
    monkeypatch.setattr(train, "scale_invariant_loss", recording_loss)
    losses = {}
    for bf16 in (False, True):
        model = DepthNet("golden-a").eval()  # no dropout: the same function both times
        model.init_paper(torch.Generator().manual_seed(0))
        opt = train.make_optimizer(model, "coarse", CFG)
        before = snapshot(model.coarse)
        losses[bf16] = train.train_step(model, opt, random_batch(model), "coarse", bf16=bf16)
        assert moved(before, model.coarse) == set(before)
    assert seen == [torch.float32, torch.float32]
    assert abs(losses[True] - losses[False]) < 0.01 * losses[False]


def test_a_run_with_channels_last_and_bf16_writes_weights_in_the_contracts_layout(tmp_path):
    train.run(train.parse_args(tiny_run_args(tmp_path, "cl", "--variant=tiny", "--channels_last=true", "--bf16=true")))
    model, _, _ = load_model(tmp_path / "cl" / "weights.safetensors")
    assert all(v.is_contiguous() for v in model.state_dict().values())
    assert torch.isfinite(model(torch.zeros(1, 3, 228, 304))).all()
