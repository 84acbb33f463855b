"""A tiny test model with the paper's input and output sizes (304x228 in, 74x55 out) but tiny layer
widths and fixed-seed random weights, for the service and CLI tests (a few hundred KB).

python -m depth_training.fixture_models OUT_FILE   (training/scripts/make_test_model.sh calls this)
"""
from __future__ import annotations

import argparse
import math

import torch
from .export import save_model
from .golden import init_golden
from .model import Architecture, DepthNet, Normalization

#: The paper's sizes with widths 4-8 and fc6 8.
TINY_PAPER_IO = Architecture.sized(304, 228, (4, 6, 8, 8, 6), 8, (4, 6))
SEED = 2014


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    args = parser.parse_args()
    save_model(make_tiny(), args.out, Normalization(), name="tiny-paper-io",
               description="Test fixture: paper input/output sizes, tiny widths, random weights (seed 2014)",
               trained_on="nothing (random weights)")


if __name__ == "__main__":
    main()
