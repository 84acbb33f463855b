#!/usr/bin/env bash
# Regenerates the tiny random-weight model the DepthService and CLI tests run
# (Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors, or the path given) with the one
# maker of test models, depth_training/fixture_models.py.
#   training/scripts/make_test_model.sh [OUT_FILE]
set -euo pipefail
out=${1:+$(realpath -m -- "$1")}
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} "$PY" -m depth_training.fixture_models tiny-paper-io \
    "${out:-Tests/DepthServiceTests/Fixtures/tiny-paper-io.safetensors}"
