#!/usr/bin/env bash
# Engine benchmark: the Swift engine vs the PyTorch reference model on the same random weights,
# the same input and the same thread count, at batch 1 and batch 8, for each thread count and each
# variant (paper: the paper's full size; half: a smaller one; a name with the suffix -f16, e.g.
# paper-f16, is that size with every tensor stored as F16 in the weights file: the random weights
# rounded to F16, the same values given to PyTorch as fp32, so the engine runs its F16 fully
# connected kernel); prints ms/image, GFLOP/s, the percentage of an sgemm peak measured in the same
# process, the speed-up over PyTorch, the throughput ratio of the largest thread count to one
# thread, the largest output difference, the weight bytes the engine holds, and which kernels ran.
# The two sides alternate for ROUNDS rounds and each reports its best round, so that load from
# other processes on a shared machine does not favour whichever side ran first; the load average
# is printed before and after.
# The engine (and its sgemm peak) runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from
# its environment, so the kernel choice is the library's and the engine's own for this CPU, not an
# override; PyTorch's command and everything else keep the environment as it is.
#   scripts/bench-engine.sh [THREADS] [VARIANTS] [ROUNDS]
#   (defaults: THREADS 1,2 (a comma list), VARIANTS paper,half (a comma list, e.g. paper,paper-f16), ROUNDS 3)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-1,2}
VARIANTS=${2:-paper,half}
ROUNDS=${3:-3}
source scripts/bench-common.sh
[ -x "$PY" ] || PY=python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
swift build -c release --product depthd-bench >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
IFS=, read -r -a COUNTS <<< "$THREADS"
for ROUND in $(seq 1 "$ROUNDS"); do
    for T in "${COUNTS[@]}"; do
        PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} OMP_NUM_THREADS=$T "$PY" training/scripts/bench_engine_torch.py \
            "$WORK" --threads "$T" --variants "$VARIANTS"
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$T" \
            .build/release/depthd-bench engine --dir "$WORK" --threads "$T" --variants "$VARIANTS"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/depthd-bench engine --dir "$WORK" --threads 1 \
    --variants "$VARIANTS" --report-only
