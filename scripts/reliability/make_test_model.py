#!/usr/bin/env python3
"""Writes a random-weight depth model for the reliability scripts when no trained model is at hand,
with the training package's own exporter (the weights contract), e.g.

    PYTHONPATH=training .venv/bin/python scripts/reliability/make_test_model.py /tmp/quarter.safetensors [--variant quarter]
then pass --model /tmp/quarter.safetensors to the scripts. The figures then measure the service,
not the depth quality.
"""
from __future__ import annotations

import argparse

import torch
from depth_training.export import save_model
from depth_training.golden import init_golden
from depth_training.model import VARIANTS, DepthNet

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("path")
parser.add_argument("--variant", default="quarter", choices=sorted(VARIANTS))
args = parser.parse_args()
generator = torch.Generator().manual_seed(2014)
model = DepthNet(VARIANTS[args.variant])
init_golden(model, generator)
save_model(model, args.path, name=f"random-{args.variant}", description=f"random weights, {args.variant} variant",
           trained_on="nothing (random weights for reliability tests)")
print(f"wrote {args.path} ({args.variant})")
