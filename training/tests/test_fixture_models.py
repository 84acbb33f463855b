"""The one maker of test models makes what the committed fixtures hold, and its command line writes
each kind."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from depth_training import fixture_models
from depth_training.export import load_model, read_metadata
from depth_training.model import VARIANTS

REPO = Path(__file__).resolve().parents[2]
SERVICE_FIXTURE = REPO / "Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors"
FUZZ_CORPUS = REPO / "fuzz/corpus/safetensors"


def assert_same_model(made: Path, committed: Path):
    """Byte for byte: the committed file is exactly what the maker writes today."""
    assert made.read_bytes() == committed.read_bytes(), f"{committed} differs: regenerate it with its maker"


def test_the_service_fixture_is_what_the_maker_makes(tmp_path):
    fixture_models.write_tiny(tmp_path / "tiny.safetensors")
    assert_same_model(tmp_path / "tiny.safetensors", SERVICE_FIXTURE)


@pytest.mark.parametrize("dtype", ["f16", "f32"])
def test_the_fuzz_seeds_are_what_the_maker_makes(tmp_path, dtype):
    fixture_models.write_fuzz_seed(tmp_path / "seed.safetensors", dtype)
    assert_same_model(tmp_path / "seed.safetensors", FUZZ_CORPUS / f"tiny-{dtype}.safetensors")


def test_the_fuzz_seed_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(4)
    torch.manual_seed(123)
    fixture_models.make_fuzz_seed()
    assert torch.equal(torch.rand(4), expected)


def test_random_variants_are_reproducible_and_advance_the_given_generator():
    a = fixture_models.make_random("tiny")
    b = fixture_models.make_random("tiny", torch.Generator().manual_seed(fixture_models.SEED))
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    g = torch.Generator().manual_seed(fixture_models.SEED)
    fixture_models.make_random("tiny", g)
    assert not torch.equal(torch.randn(8, generator=g),
                           torch.randn(8, generator=torch.Generator().manual_seed(fixture_models.SEED)))
    with pytest.raises(ValueError, match="unknown variant 'nope'"):
        fixture_models.make_random("nope")


def test_the_command_line_writes_each_kind(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "depth_training.fixture_models", *map(str, args)],
                              cwd=REPO / "training", capture_output=True, text=True, timeout=120)

    for args, name, arch in [(("tiny-paper-io", tmp_path / "t.safetensors"), "tiny-paper-io", fixture_models.TINY_PAPER_IO),
                             (("random", tmp_path / "r.safetensors", "--variant", "tiny"), "random-tiny", VARIANTS["tiny"]),
                             (("fuzz-seed", tmp_path / "f.safetensors", "--dtype", "f32"), "fuzz-seed", fixture_models.FUZZ_SEED_IO)]:
        done = run(*args)
        assert done.returncode == 0, done.stderr
        model, _, meta = load_model(args[1])
        assert meta["name"] == name
        assert model.arch == arch
    unknown = run("random", tmp_path / "x.safetensors", "--variant", "nope")
    assert unknown.returncode == 2 and "invalid choice: 'nope'" in unknown.stderr
    assert not (tmp_path / "x.safetensors").exists()
