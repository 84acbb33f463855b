# Sourced by the bench scripts (after their `cd` to the checkout root), for what they all need.
# PY, the Python they run: $PYTHON, else the environment scripts/install-deps.sh test made
# ($DEPTHD_VENV, default .venv), else python3.
PY=${PYTHON:-${DEPTHD_VENV:-.venv}/bin/python}
[ -x "$PY" ] || PY=python3

# bench_workdir NAME: WORK, a fresh temporary folder (depthd-NAME.XXXXXX), and PIDS, the servers a
# script starts; on exit every one of PIDS is killed and WORK removed.
bench_workdir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/depthd-$1.XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
}
bench_cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
