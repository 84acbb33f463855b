#!/usr/bin/env bash
# Engine benchmark: the Swift engine vs the PyTorch reference model on the same random weights,
# the same input and the same thread count, at batch 1 and batch 8, for the paper's full size and
# a smaller variant; prints ratios, the largest output difference, GFLOP/s and an sgemm peak.
# The two sides alternate for ROUNDS rounds and each reports its best round, so that load from
# other processes on a shared machine does not favour whichever side ran first.
#   scripts/bench-engine.sh [THREADS] [VARIANTS] [ROUNDS]   (defaults: all cores, paper,half, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-$(nproc)}
VARIANTS=${2:-paper,half}
ROUNDS=${3:-3}
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
[ -x "$PY" ] || PY=python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
swift build -c release --product depthd-bench >&2
for ROUND in $(seq 1 "$ROUNDS"); do
    PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} OMP_NUM_THREADS=$THREADS "$PY" training/scripts/bench_engine_torch.py \
        "$WORK" --threads "$THREADS" --variants "$VARIANTS"
    REPORT=(); [ "$ROUND" = "$ROUNDS" ] && REPORT=(--report)
    OPENBLAS_NUM_THREADS=$THREADS .build/release/depthd-bench engine --dir "$WORK" --threads "$THREADS" \
        --variants "$VARIANTS" "${REPORT[@]}"
done
