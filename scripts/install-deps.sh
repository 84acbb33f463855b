#!/usr/bin/env bash
# Installs everything depthd needs on a fresh Debian/Ubuntu machine that has the Swift toolchain:
# the C libraries (libjpeg-turbo, libpng, OpenBLAS) and a Python virtual environment (.venv)
# with the pinned training/test packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libjpeg-dev libpng-dev libopenblas-dev pkg-config python3-venv)
# For the tests: headless Chromium drives the demo page (tests/browser; fonts for its screenshot),
# debootstrap and curl rebuild and probe the container's runtime stage (deploy/container-smoke.sh).
# wrk is the load generator of scripts/bench-server.sh.
# DEPTHD_SKIP_TEST_DEPS=1 leaves them out on a machine that only builds and serves.
if [ "${DEPTHD_SKIP_TEST_DEPS:-0}" != 1 ]; then
    APT_PACKAGES+=(chromium fonts-dejavu-core debootstrap curl wrk)
    # The photoreal training-data generator (training/depth_training/photoreal) and its test:
    # Blender (with Debian's python3-numpy inside it) renders Sweet Home 3D's furniture catalogs.
    APT_PACKAGES+=(blender python3-numpy sweethome3d sweethome3d-furniture)
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "install-deps: apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -c 'import sys; sys.exit(0)' 2>/dev/null; then
    rm -rf .venv && "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum training/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r training/requirements.txt
    .venv/bin/pip install -q -e training --no-deps
    echo "$want" > "$stamp"
fi
echo "install-deps: ok"
