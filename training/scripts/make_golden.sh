#!/usr/bin/env bash
# Regenerates the golden files the Swift engine tests against (Tests/DepthNetTests/Golden/).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} "$PY" -m depth_training.golden Tests/DepthNetTests/Golden
