import numpy as np
import pytest
import torch

from depth_training.datasets import DepthDataset, SyntheticArrays, open_source
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
