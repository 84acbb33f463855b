#!/usr/bin/env bash
# Regenerates the tiny random-weight model the DepthService and CLI tests run
# (Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} "$PY" -m depth_training.fixture_models \
    Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors
