# Sourced by the bench scripts (after their `cd` to the checkout root), for what they all need.
# PY, the Python they run: $PYTHON, else the checkout's .venv, else the main checkout's environment.
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=/work/main/.venv/bin/python

# bench_workdir NAME: WORK, a fresh temporary folder (depthd-NAME.XXXXXX), and PIDS, the servers a
# script starts; on exit every one of PIDS is killed and WORK removed.
bench_workdir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/depthd-$1.XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
}
bench_cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
