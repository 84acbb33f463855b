import torch
from safetensors.torch import load_file

from depth_training.export import load_model, read_metadata
from depth_training.golden import make_golden

NAMES = ["act.coarse.conv1", "act.coarse.pool1", "act.coarse.conv2", "act.coarse.pool2",
         "act.coarse.conv3", "act.coarse.conv4", "act.coarse.conv5", "act.coarse.pool5",
         "act.coarse.fc6", "act.coarse.fc7", "act.fine.conv1", "act.fine.pool",
         "act.fine.concat", "act.fine.conv2", "act.output"]


def test_golden_files_hold_every_activation_and_reproduce_from_the_weights(tmp_path):
    make_golden(tmp_path)
    for name in ["golden-a", "golden-b"]:
        model, norm, meta = load_model(tmp_path / f"{name}.safetensors")
        assert meta["trained_on"] == "random weights (golden file)"
        exp = load_file(str(tmp_path / f"{name}.expected.safetensors"))
        assert set(NAMES) <= set(exp)
        x = norm.apply(exp["rgb"].permute(0, 3, 1, 2))
        assert torch.allclose(x, exp["input"], atol=1e-6)
        assert 2 <= x.shape[0] <= 3
        with torch.no_grad():
            acts = model.forward_with_activations(exp["input"])
        for k in NAMES:
            assert torch.allclose(acts[k], exp[k], atol=1e-5), k
            # Activations carry signal: ReLU layers are neither all zero nor all open.
            assert 0.05 < (exp[k] > 0).float().mean() < 0.99, k
        assert read_metadata(tmp_path / f"{name}.expected.safetensors") == {}


def test_golden_files_are_deterministic(tmp_path):
    make_golden(tmp_path / "a")
    make_golden(tmp_path / "b")
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name
