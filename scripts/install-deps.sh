#!/usr/bin/env bash
# Installs what one use of depthd needs on a fresh Debian/Ubuntu machine that has the Swift
# toolchain, and nothing more. Safe to run again: it installs only what is missing.
#
#   scripts/install-deps.sh [serve] [training] [test] [--list]
#     serve     (the default) the C libraries the build links: libjpeg-turbo, libpng, OpenBLAS.
#               No Python: the quick start (scripts/start.sh) installs only this.
#     training  Python's venv module and a virtual environment ($DEPTHD_VENV, default .venv) with
#               the pinned packages of training/requirements.txt (PyTorch among them), and the
#               photoreal generator's renderer: Blender with Debian's python3-numpy inside it and
#               Sweet Home 3D's two catalogs.
#     test      serve + training, plus headless Chromium (e2e/browser; fonts for its screenshot),
#               debootstrap and curl (deploy/container-smoke.sh) and wrk (scripts/bench-server.sh).
#               scripts/test.sh runs this itself.
#     --list    print the Debian packages the named parts need, one per line, and change nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVE_PACKAGES=(libjpeg-dev libpng-dev libopenblas-dev pkg-config)
TRAINING_PACKAGES=(python3-venv blender python3-numpy sweethome3d sweethome3d-furniture)
TEST_PACKAGES=(chromium fonts-dejavu-core debootstrap curl wrk)

parts=() list=0
for arg in "$@"; do
    case $arg in
        serve|training|test) parts+=("$arg") ;;
        --list) list=1 ;;
        *) echo "install-deps: unknown part '$arg' (serve, training, test, --list)" >&2; exit 2 ;;
    esac
done
((${#parts[@]})) || parts=(serve)

packages=() venv=0
for part in "${parts[@]}"; do
    case $part in
        serve) packages+=("${SERVE_PACKAGES[@]}") ;;
        training) packages+=("${TRAINING_PACKAGES[@]}"); venv=1 ;;
        test) packages+=("${SERVE_PACKAGES[@]}" "${TRAINING_PACKAGES[@]}" "${TEST_PACKAGES[@]}"); venv=1 ;;
    esac
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')
if ((list)); then printf '%s\n' "${packages[@]}"; exit 0; fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "install-deps: apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if ((venv)); then
    VENV=${DEPTHD_VENV:-.venv}
    PYTHON=${PYTHON:-python3}
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        rm -rf "$VENV" && "$PYTHON" -m venv "$VENV"
    fi
    stamp=$VENV/.requirements.sha
    want=$(sha256sum training/requirements.txt | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$VENV/bin/pip" install -q --upgrade pip
        "$VENV/bin/pip" install -q -r training/requirements.txt
        "$VENV/bin/pip" install -q -e training --no-deps
        echo "$want" > "$stamp"
    fi
fi
echo "install-deps: ok (${parts[*]})"
