import struct
import zlib

import h5py
import numpy as np
import pytest
from PIL import Image

import torch

from depth_training.camera import KINECT
from depth_training.data.datasets import DepthDataset
from depth_training.data.matfile import parse_level5, read_mat
from depth_training.data.sources import ImageDepthFolder, NYUDepthV2


def level5_matrix(name: str, values: np.ndarray) -> bytes:
    """One miMATRIX element of a double matrix, built by hand from the format's bytes."""
    def element(kind, payload):
        pad = b"\0" * (-len(payload) % 8)
        return struct.pack("<II", kind, len(payload)) + payload + pad
    flags = element(6, struct.pack("<II", 6, 0))  # mxDOUBLE_CLASS
    dims = element(5, struct.pack("<" + "i" * values.ndim, *values.shape))
    nm = element(1, name.encode())
    real = element(9, values.astype("<f8").tobytes(order="F"))
    return element(14, flags + dims + nm + real)


def level5_file(variables: dict, compress: bool) -> bytes:
    header = b"MATLAB 5.0 MAT-file, test".ljust(116, b" ") + b"\0" * 8 + struct.pack("<H", 0x0100) + b"IM"
    body = b""
    for name, values in variables.items():
        m = level5_matrix(name, values)
        if compress:
            z = zlib.compress(m)
            body += struct.pack("<II", 15, len(z)) + z
        else:
            body += m
    return header + body


@pytest.mark.parametrize("compress", [False, True])
def test_level5_reader_reads_column_major_double_matrices(compress):
    train = np.array([[1.0], [3.0], [4.0]])
    grid = np.arange(6, dtype=float).reshape(2, 3)
    got = parse_level5(level5_file({"trainNdxs": train, "grid": grid}, compress))
    assert np.array_equal(got["trainNdxs"], train) and np.array_equal(got["grid"], grid)


def test_level5_reader_refuses_truncated_and_foreign_bytes():
    data = level5_file({"a": np.ones((4, 1))}, compress=False)
    with pytest.raises(ValueError, match="past the end"):
        parse_level5(data[:-9])
    with pytest.raises(ValueError, match="not a MATLAB"):
        parse_level5(b"GIF89a" + b"\0" * 200)
    with pytest.raises(ValueError, match="compressed"):
        parse_level5(data[:128] + struct.pack("<II", 15, 4) + b"nope")


def write_tiny_nyu(path, n=5):
    """Same layout as nyu_depth_v2_labeled.mat (v7.3): h5py sees (N, 3, W, H) and (N, W, H)."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (n, 480, 640, 3), dtype=np.uint8)  # (N, H, W, 3) as we want it back
    depth = rng.uniform(0.5, 9.0, (n, 480, 640)).astype(np.float32)
    raw = depth.copy()
    raw[:, :10] = 0  # Kinect holes
    with h5py.File(path, "w", userblock_size=512) as f:
        f["images"] = rgb.transpose(0, 3, 2, 1)
        f["depths"] = depth.transpose(0, 2, 1)
        f["rawDepths"] = raw.transpose(0, 2, 1)
    return rgb, depth, raw


def test_nyu_loader_reads_the_v73_layout_and_the_official_split(tmp_path):
    rgb, depth, raw = write_tiny_nyu(tmp_path / "nyu.mat")
    (tmp_path / "splits.mat").write_bytes(level5_file(
        {"trainNdxs": np.array([[1.0], [3.0], [4.0]]), "testNdxs": np.array([[2.0], [5.0]])}, compress=True))
    train = NYUDepthV2(tmp_path / "nyu.mat", tmp_path / "splits.mat", "train")
    test = NYUDepthV2(tmp_path / "nyu.mat", tmp_path / "splits.mat", "test")
    assert len(train) == 3 and len(test) == 2
    s = test[1]  # frame 5 (1-based) = index 4
    assert s.rgb.shape == (240, 320, 3) and s.depth.shape == (240, 320)
    assert np.array_equal(s.rgb, rgb[4, ::2, ::2]) and np.array_equal(s.depth, depth[4, ::2, ::2])
    assert s.mask.all()
    r = NYUDepthV2(tmp_path / "nyu.mat", None, "all", raw=True)[0]
    assert not r.mask[:5].any() and r.mask[5:].all()


def test_nyu_loader_refuses_a_file_without_the_datasets(tmp_path):
    with h5py.File(tmp_path / "x.mat", "w") as f:
        f["other"] = np.zeros(3)
    with pytest.raises(ValueError, match="images"):
        NYUDepthV2(tmp_path / "x.mat", None, "all")


def test_read_mat_also_reads_v73_split_files(tmp_path):
    with h5py.File(tmp_path / "s.mat", "w", userblock_size=512) as f:
        f["testNdxs"] = np.array([[2.0, 5.0]])  # MATLAB (2, 1) seen transposed
    assert np.array_equal(read_mat(tmp_path / "s.mat")["testNdxs"].ravel(), [2.0, 5.0])


def test_folder_source_reads_millimetre_pngs_with_zero_as_missing(tmp_path):
    (tmp_path / "rgb").mkdir()
    (tmp_path / "depth").mkdir()
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    mm = rng.integers(500, 9000, (480, 640)).astype(np.uint16)
    mm[100:200, 50:60] = 0
    Image.fromarray(rgb).save(tmp_path / "rgb" / "a.png")
    Image.fromarray(mm).save(tmp_path / "depth" / "a.png")
    src = ImageDepthFolder(tmp_path)
    s = src[0]
    assert len(src) == 1 and s.rgb.shape == (240, 320, 3)
    assert np.array_equal(s.mask, mm[::2, ::2] > 0)
    assert np.allclose(s.depth[s.mask], mm[::2, ::2][mm[::2, ::2] > 0] / 1000.0)
    Image.fromarray(rgb[:, :, 0]).save(tmp_path / "depth" / "a.png")  # 8-bit: not a depth map
    with pytest.raises(ValueError, match="16-bit"):
        src[0]


def write_frames(root, names, size=(64, 48)):
    (root / "rgb").mkdir(parents=True)
    (root / "depth").mkdir()
    for n in names:
        Image.fromarray(np.full((size[1], size[0], 3), 80, np.uint8)).save(root / "rgb" / f"{n}.jpg")
        Image.fromarray(np.full((size[1], size[0]), 2000, np.uint16)).save(root / "depth" / f"{n}.png")


def test_folder_cameras_csv_gives_each_frame_its_focal_length_on_the_320_grid(tmp_path):
    write_frames(tmp_path, ["a", "b"])
    with pytest.warns(UserWarning, match="no cameras.csv; every frame is taken as the Kinect camera"):
        no_file = ImageDepthFolder(tmp_path)
    assert [no_file[i].focal_px for i in (0, 1)] == [KINECT.focal_px] * 2
    (tmp_path / "cameras.csv").write_text("name,focal_px,width\nb,1000,1280\na,554.26,640\nold,1,1\n")
    src = ImageDepthFolder(tmp_path)
    assert src[0].focal_px == pytest.approx(277.13) and src[1].focal_px == pytest.approx(250.0)
    ds = DepthDataset(src, train=False)
    assert torch.allclose(ds[0][1][ds[0][2]], torch.tensor(2.0 * 259.43 / 277.13))  # canonical label


@pytest.mark.parametrize("text,message", [
    ("name,focal,width\na,500,640\nb,500,640\n", "line 1: header must be name,focal_px,width"),
    ("name,focal_px,width\na,500,640\nb,500\n", "line 3: expected 3 fields"),
    ("name,focal_px,width\na,wide,640\nb,500,640\n", "line 2: bad camera"),
    ("name,focal_px,width\na,-5,640\nb,500,640\n", "line 2: bad camera"),
    ("name,focal_px,width\na,500,0\nb,500,640\n", "line 2: bad camera"),
    ("name,focal_px,width\na,500,640\na,500,640\n", "line 3: frame 'a' given twice"),
    ("name,focal_px,width\na,500,640\n", "no row for frame 'b'"),
])
def test_folder_refuses_a_malformed_or_incomplete_cameras_csv(tmp_path, text, message):
    write_frames(tmp_path, ["a", "b"])
    (tmp_path / "cameras.csv").write_text(text)
    with pytest.raises(ValueError, match="cameras.csv") as e:
        ImageDepthFolder(tmp_path)
    assert message in str(e.value)
