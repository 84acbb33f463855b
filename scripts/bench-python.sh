# Sourced by the bench scripts (after their `cd` to the checkout root): sets PY, the Python they
# run, in one place: $PYTHON, else the checkout's .venv, else the main checkout's environment.
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
