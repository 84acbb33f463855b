import json

import pytest
import torch
from safetensors import safe_open

from depth_training.camera import KINECT, Camera
from depth_training.export import history_of, load_model, metadata_for, read_metadata, save_model
from depth_training.model import VARIANTS, Architecture, DepthNet, Normalization


def test_paper_architecture_gives_the_sizes_of_eigen2014():
    a = VARIANTS["paper"]
    assert (a.output_width, a.output_height) == (74, 55)
    assert a.pool5_size() == (9, 6)
    m = DepthNet("paper")
    shapes = m.expected_shapes()
    assert shapes["coarse.fc6.weight"] == (4096, 256 * 6 * 9)
    assert shapes["coarse.fc7.weight"] == (74 * 55, 4096)
    assert shapes["fine.conv2.weight"] == (64, 64, 5, 5)


def test_activation_shapes_follow_the_contract():
    m = DepthNet("paper").eval()
    with torch.no_grad():
        acts = m.forward_with_activations(torch.randn(1, 3, 228, 304))
    assert acts["act.coarse.conv1"].shape == (1, 96, 55, 74)
    assert acts["act.coarse.pool1"].shape == (1, 96, 27, 37)
    assert acts["act.coarse.pool2"].shape == (1, 256, 13, 18)
    assert acts["act.coarse.pool5"].shape == (1, 256, 6, 9)
    assert acts["act.coarse.fc7"].shape == (1, 4070)
    assert acts["act.fine.conv1"].shape == (1, 63, 110, 148)
    assert acts["act.fine.concat"].shape == (1, 64, 55, 74)
    assert acts["act.output"].shape == (1, 1, 55, 74)


def test_coarse_output_is_the_last_fine_channel_reshaped_row_major():
    m = DepthNet("golden-a").eval()
    with torch.no_grad():
        acts = m.forward_with_activations(torch.randn(2, 3, 72, 96))
    a = m.arch
    last = acts["act.fine.concat"][:, -1]  # (N, oh, ow)
    assert torch.equal(last, acts["act.coarse.fc7"].view(2, a.output_height, a.output_width))
    assert torch.equal(last[:, 0, 1], acts["act.coarse.fc7"][:, 1])


def test_architecture_round_trips_through_json():
    for a in VARIANTS.values():
        assert Architecture.from_json(a.to_json()) == a
    text = VARIANTS["paper"].to_json()
    assert text == ('{"input_width":304,"input_height":228,"output_width":74,"output_height":55,'
                    '"coarse":{"conv1":96,"conv2":256,"conv3":384,"conv4":384,"conv5":256,"fc6":4096},'
                    '"fine":{"conv1":63,"conv2":64}}')


def test_architecture_refuses_an_output_size_the_fine_path_cannot_produce():
    with pytest.raises(ValueError, match="pools to"):
        Architecture(input_width=304, input_height=228, output_width=70, output_height=55)


@pytest.mark.parametrize("dtype,tol", [(torch.float32, 0.0), (torch.float16, 1e-3)])
def test_exporter_round_trips_weights_and_metadata(tmp_path, dtype, tol):
    m = DepthNet("golden-b")
    path = tmp_path / "m.safetensors"
    save_model(m, path, Normalization(), name="t", description="d", trained_on="nothing",
               metrics={"abs_rel": 0.5}, dtype=dtype)
    loaded, norm, meta = load_model(path)
    assert loaded.arch == m.arch and norm == Normalization()
    for k, v in m.state_dict().items():
        assert torch.allclose(loaded.state_dict()[k], v, atol=tol, rtol=tol), k
    assert meta["format"] == "depthd-eigen2014" and meta["output"] == "log_depth_m"
    assert json.loads(meta["metrics"]) == {"abs_rel": 0.5}
    with safe_open(str(path), framework="pt") as f:
        arch = Architecture.from_json(f.metadata()["architecture"])
        for k in f.keys():
            assert tuple(f.get_slice(k).get_shape()) == DepthNet(arch).expected_shapes()[k]
            assert f.get_tensor(k).dtype == dtype


def test_loader_refuses_a_tensor_that_disagrees_with_the_architecture(tmp_path):
    m = DepthNet("golden-a")
    path = tmp_path / "m.safetensors"
    save_model(m, path, name="t", description="d", trained_on="x")
    meta = read_metadata(path)
    meta["architecture"] = VARIANTS["golden-a"].to_json().replace('"fc6":64', '"fc6":65')
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, str(path), metadata=meta)
    with pytest.raises(ValueError, match="coarse.fc6.weight"):
        load_model(path)


def test_weights_carry_the_models_camera_and_a_file_without_one_means_the_kinect(tmp_path):
    m = DepthNet("golden-a", camera=Camera(554.26, 640))
    save_model(m, tmp_path / "m.safetensors", name="t", description="d", trained_on="x")
    assert json.loads(read_metadata(tmp_path / "m.safetensors")["camera"]) == {"focal_px": 554.26, "width": 640}
    assert load_model(tmp_path / "m.safetensors")[0].camera == Camera(554.26, 640)
    assert json.loads(metadata_for(DepthNet("golden-a"), Normalization(), "n", "d", "t")["camera"]) == \
        {"focal_px": 259.43, "width": 320}
    meta = read_metadata(tmp_path / "m.safetensors")
    del meta["camera"]
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, str(tmp_path / "old.safetensors"), metadata=meta)
    assert load_model(tmp_path / "old.safetensors")[0].camera == KINECT
    meta["camera"] = '{"focal_px": -1, "width": 320}'
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, str(tmp_path / "bad.safetensors"), metadata=meta)
    with pytest.raises(ValueError, match="bad camera"):
        load_model(tmp_path / "bad.safetensors")


def test_training_history_round_trips_and_is_absent_unless_given(tmp_path):
    m = DepthNet("golden-a")
    save_model(m, tmp_path / "a.safetensors", name="t", description="d", trained_on="x")
    assert history_of(read_metadata(tmp_path / "a.safetensors")) is None
    runs = [{"recorded": True, "steps": 3}, {"recorded": True, "steps": 5}]
    save_model(m, tmp_path / "b.safetensors", name="t", description="d", trained_on="x", history=runs)
    assert history_of(read_metadata(tmp_path / "b.safetensors")) == runs
    with pytest.raises(ValueError, match="training_history"):
        history_of({"training_history": '{"steps": 3}'})
