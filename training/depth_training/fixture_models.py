"""The one maker of test models: depth models with fixed-seed random weights, written with the
package's own exporter (the weights contract), for everything that needs a weights file but not a
trained one. Each kind has one seed and one architecture here; the callers only choose the path.

    python -m depth_training.fixture_models tiny-paper-io OUT_FILE
    python -m depth_training.fixture_models random OUT_FILE [--variant quarter]
    python -m depth_training.fixture_models fuzz-seed OUT_FILE [--dtype f16]

- `tiny-paper-io`: the paper's input and output sizes (304x228 in, 74x55 out) with tiny layer
  widths (a few hundred KB), for the service and CLI tests
  (Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors, written by
  training/scripts/make_test_model.sh) and the evaluation tests (`make_tiny`).
- `random`: a named variant (model.VARIANTS) with He-scaled random weights, for the reliability
  scripts when no trained model is at hand (docs/reliability.md; the figures then measure the
  service, not the depth quality) and the engine benchmark (training/scripts/bench_engine_torch.py).
- `fuzz-seed`: a 48x40 model of widths 1-2, the valid seeds of the safetensors fuzz corpus
  (fuzz/make_safetensors_seeds.py writes them with their near-misses).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from .export import save_model
from .golden import init_golden
from .model import VARIANTS, Architecture, DepthNet, Normalization

#: The paper's sizes with widths 4-8 and fc6 8.
TINY_PAPER_IO = Architecture.sized(304, 228, (4, 6, 8, 8, 6), 8, (4, 6))
#: The smallest model worth fuzzing the reader with: 48x40 in, widths 1-2.
FUZZ_SEED_IO = Architecture.sized(48, 40, (1, 2, 1, 1, 1), 2, (1, 1))
SEED = 2014
#: The seed of PyTorch's global generator the fuzz seeds were drawn with (default layer init).
FUZZ_SEED = 0
DTYPES = {"f32": torch.float32, "f16": torch.float16}


def make_tiny(seed: int = SEED) -> DepthNet:
    """He-scaled weights (as the golden files), then the last layer shrunk and centred on
    log(2.5 m), so predicted depths are plausible metres that still vary over the image."""
    g = torch.Generator().manual_seed(seed)
    model = DepthNet(TINY_PAPER_IO)
    init_golden(model, g)
    with torch.no_grad():
        model.fine.conv3.weight.mul_(0.2)
        model.fine.conv3.bias.fill_(math.log(2.5))
    return model.eval()


def write_tiny(path: str | Path, seed: int = SEED) -> None:
    """The service's test fixture `tiny-paper-io` (F32) at `path`."""
    save_model(make_tiny(seed), path, Normalization(), name="tiny-paper-io",
               description=f"Test fixture: paper input/output sizes, tiny widths, random weights (seed {seed})",
               trained_on="nothing (random weights)")


def make_random(variant: str, generator: torch.Generator | None = None) -> DepthNet:
    """Variant `variant` with He-scaled random weights (as the golden files) drawn from
    `generator` (default: a fresh one seeded with SEED); the generator is advanced."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; known: {', '.join(sorted(VARIANTS))}")
    model = DepthNet(VARIANTS[variant])
    init_golden(model, torch.Generator().manual_seed(SEED) if generator is None else generator)
    return model


def write_random(path: str | Path, variant: str = "quarter") -> None:
    """A random-weight `variant` model for the reliability scripts (F32) at `path`."""
    save_model(make_random(variant), path, name=f"random-{variant}",
               description=f"random weights, {variant} variant",
               trained_on="nothing (random weights for reliability tests)")


def make_fuzz_seed() -> DepthNet:
    """The fuzz corpus's model: PyTorch's default layer init with the global generator seeded with
    FUZZ_SEED (as the committed corpus was made), leaving the caller's global generator as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(FUZZ_SEED)
        return DepthNet(FUZZ_SEED_IO)


def write_fuzz_seed(path: str | Path, dtype: str = "f16") -> None:
    """A valid seed of the safetensors fuzz corpus, stored as `dtype` ("f16" or "f32"), at `path`."""
    if dtype not in DTYPES:
        raise ValueError(f"unknown storage {dtype!r}; known: {', '.join(DTYPES)}")
    save_model(make_fuzz_seed(), path, name="fuzz-seed", description="tiny model for fuzzing",
               trained_on="nothing", dtype=DTYPES[dtype])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = parser.add_subparsers(dest="kind", required=True)
    tiny = kinds.add_parser("tiny-paper-io", help="the service and CLI tests' tiny model")
    tiny.add_argument("out", type=Path)
    random = kinds.add_parser("random", help="a random-weight variant for the reliability scripts")
    random.add_argument("out", type=Path)
    random.add_argument("--variant", default="quarter", choices=sorted(VARIANTS))
    fuzz = kinds.add_parser("fuzz-seed", help="a valid seed of the safetensors fuzz corpus")
    fuzz.add_argument("out", type=Path)
    fuzz.add_argument("--dtype", default="f16", choices=sorted(DTYPES))
    args = parser.parse_args(argv)
    if args.kind == "tiny-paper-io":
        write_tiny(args.out)
    elif args.kind == "random":
        write_random(args.out, args.variant)
        print(f"wrote {args.out} ({args.variant})")
    else:
        write_fuzz_seed(args.out, args.dtype)


if __name__ == "__main__":
    main()
