from pathlib import Path

import numpy as np
import pytest
import torch

from depth_training.camera import KINECT, Camera
from depth_training.data.datasets import DepthDataset, Sample, SyntheticArrays, data_paths, distinct_frames, open_source
from depth_training.model import Normalization


@pytest.fixture
def arrays(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "rgb.npy", rng.integers(0, 255, (3, 240, 320, 3), dtype=np.uint8))
    np.save(tmp_path / "depth.npy", rng.uniform(1, 5, (3, 240, 320)).astype(np.float32))
    np.save(tmp_path / "mask.npy", rng.random((3, 240, 320)) > 0.3)
    return tmp_path


def test_test_items_are_the_normalised_centre_crop_with_74x55_targets(arrays):
    src = open_source(f"synthetic:{arrays}")
    x, d, m = DepthDataset(src, train=False)[1]
    s = src[1]
    assert x.shape == (3, 228, 304) and d.shape == (1, 55, 74) and m.dtype == torch.bool
    want = Normalization().apply(torch.from_numpy(s.rgb[6:234, 8:312].astype(np.float32)).permute(2, 0, 1)[None])[0]
    assert torch.allclose(x, want, atol=1e-5)
    assert torch.equal(m[0], torch.from_numpy(s.mask[6 + 5:234:4, 8 + 5:312:4][:55, :74].copy()))
    assert torch.all(d[m] > 0) and torch.all(d[~m] == 0)


def test_training_items_are_augmented_reproducibly_per_epoch(arrays):
    ds = DepthDataset(SyntheticArrays(arrays), train=True, seed=3)
    a, b = ds[0], ds[0]
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    ds.epoch = 1
    assert not torch.equal(ds[0][0], a[0])


def test_a_limit_takes_the_first_scenes_and_bad_specs_are_refused(arrays):
    assert len(open_source(f"synthetic:{arrays}:2")) == 2
    with pytest.raises(IndexError):
        open_source(f"synthetic:{arrays}:2")[2]
    with pytest.raises(ValueError, match="unknown data source"):
        open_source("imagenet:/x")


class Frames:
    """Constant-depth frames with given focal lengths (px at width 320)."""

    def __init__(self, depths, focals):
        self.depths, self.focals = depths, focals

    def __len__(self):
        return len(self.depths)

    def __getitem__(self, i):
        return Sample(np.full((240, 320, 3), 100, np.uint8), np.full((240, 320), self.depths[i], np.float32),
                      np.ones((240, 320), bool), focal_px=self.focals[i])


def test_labels_are_in_the_canonical_camera_and_metric_items_say_how_to_get_back():
    f = KINECT.focal_px
    src = Frames([3.0, 3.0], [f, 1.5 * f])
    _, d0, _ = DepthDataset(src, train=False)[0]
    _, d1, _ = DepthDataset(src, train=False)[1]
    assert torch.all(d0 == 3.0) and torch.allclose(d1, torch.full_like(d1, 2.0))  # 3 m x F / 1.5F
    # Another canonical camera: F' = 2F -> labels 6 m and 4 m.
    _, d, _ = DepthDataset(src, train=False, camera=Camera(2 * f, 320))[1]
    assert torch.allclose(d, torch.full_like(d, 4.0))
    _, d, _, to_metres = DepthDataset(src, train=False, metric=True)[1]
    assert torch.all(d == 3.0) and torch.allclose(to_metres, torch.tensor([1.5]))
    # The scale augmentation (depth / s) applies on top of the canonical label.
    _, d, m = DepthDataset(src, train=True, seed=0)[1]
    s = 2.0 / d[m]
    assert torch.all((s >= 1 - 1e-5) & (s <= 1.5 + 1e-5)) and torch.allclose(s, s[0])


def test_a_sample_without_its_own_camera_has_the_kinects_on_the_320_grid():
    assert Sample(None, None, None).focal_px == 259.43 == KINECT.focal_at(320)


def test_specs_joined_by_plus_concatenate_and_star_k_repeats_a_part(arrays, tmp_path):
    one = open_source(f"synthetic:{arrays}:1")
    src = open_source(f"synthetic:{arrays}:2+synthetic:{arrays}:1*3")
    assert len(src) == 2 + 3 and distinct_frames(src) == 3
    assert [np.array_equal(src[i].rgb, SyntheticArrays(arrays)[j].rgb)
            for i, j in [(0, 0), (1, 1), (2, 0), (3, 0), (4, 0)]] == [True] * 5
    assert not np.array_equal(src[1].rgb, one[0].rgb)
    with pytest.raises(IndexError):
        src[5]
    # Repeats of one frame are augmented differently (the concatenated index seeds them).
    ds = DepthDataset(src, train=True, seed=0)
    assert not torch.equal(ds[2][0], ds[3][0])
    assert len(open_source(f"synthetic:{arrays}*2")) == 6 and distinct_frames(open_source(f"synthetic:{arrays}")) == 3
    for bad in (f"synthetic:{arrays}*0", f"synthetic:{arrays}*x", f"synthetic:{arrays}+", "*2"):
        with pytest.raises(ValueError):
            open_source(bad)


def test_data_paths_names_the_folders_a_spec_reads_in_order():
    spec = "folder:a/b*2+synthetic:c:100+synthetic-seeds:0-10+synthetic:d"
    assert data_paths(spec) == [Path("a/b"), Path("c"), Path("d")]
    with pytest.raises(ValueError, match="SPEC\\*K"):
        data_paths("folder:a*0")
