#!/usr/bin/env bash
# Codec benchmark: the image work of one POST /v1/depth for a 640x480 JPEG of a real photo (the
# portrait that ships with matplotlib, made as scripts/bench-server.sh makes it), stage by stage,
# each changed stage beside its slow reference in the same run (ms, ratio, outputs checked equal).
#
#   scripts/bench-codecs.sh [MODEL] [ROUNDS]
#     MODEL   weights file (default models/eigen2014-synthetic.safetensors)
#     ROUNDS  best of this many alternating rounds (default 30)
#   BENCH_CALLGRIND=1  also count instructions of the png16 stage under callgrind (repeatable
#                      under load; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/eigen2014-synthetic.safetensors}
ROUNDS=${2:-30}
source scripts/bench-common.sh
[ -f "$MODEL" ] || { echo "bench-codecs: no model at $MODEL" >&2; exit 2; }
bench_workdir codecs

swift build -c release --product depthd-bench >&2
"$PY" scripts/bench_photo.py "$WORK/photo.jpg"
.build/release/depthd-bench codecs --photo "$WORK/photo.jpg" --model "$MODEL" --rounds "$ROUNDS" --out "$WORK"
# Every PNG the run wrote must decode, with Pillow, to the same pixels as its reference's.
"$PY" - "$WORK" <<'PYEOF'
import sys
from pathlib import Path
import numpy as np
from PIL import Image
work = Path(sys.argv[1])
for name in ("depth", "color"):
    fast, reference = (np.array(Image.open(work / f"{name}{suffix}.png")) for suffix in ("", "-reference"))
    assert fast.shape == reference.shape and (fast == reference).all(), f"{name}.png differs from its reference"
    print(f"  Pillow: {name}.png decodes to the reference's pixels ({fast.shape}, {fast.dtype})")
PYEOF
# libpng's pngfix (libpng-tools) checks every chunk, CRC and the zlib stream, where installed.
if command -v pngfix >/dev/null; then
    pngfix "$WORK/depth.png" "$WORK/color.png" | sed 's/^/  pngfix: /'
fi
if [ "${BENCH_CALLGRIND:-0}" = 1 ]; then
    command -v valgrind >/dev/null || { echo "bench-codecs: valgrind not found" >&2; exit 2; }
    # Valgrind cannot read the Swift binary's DWARF; the symbol table is enough.
    strip --strip-debug -o "$WORK/depthd-bench" .build/release/depthd-bench
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
        "$WORK/depthd-bench" codecs --photo "$WORK/photo.jpg" --model "$MODEL" --rounds 1 >/dev/null 2>&1
    echo "  callgrind, instructions (inclusive) of one round, fast vs reference (same number of calls):"
    callgrind_annotate --inclusive=yes --threshold=100 "$WORK/callgrind.out" 2>/dev/null | "$PY" -c '
import re, sys
counts = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*?:(\S+)", line)
    if m: counts.setdefault(m.group(2), int(m.group(1).replace(",", "")))
def find(pattern):
    return max((v for k, v in counts.items() if re.search(pattern, k)), default=0)
pairs = [("upsample", r"FloatGridV17resampledBilinear5width", r"resampledBilinearReference"),
         ("millimetres", r"^cic_quantize16$", r"Sample16O6sample"),
         ("png16", r"^cic_png_encode_gray16$", r"^cic_png_encode_gray16_libpng$"),
         ("colour map", r"ColorMapV8colorize_3low4high", r"colorizeReference"),
         ("colour png", r"^cic_png_encode_rgb8$", r"^cic_png_encode_rgb8_libpng$")]
for name, fast, reference in pairs:
    f, r = find(fast), find(reference)
    ratio = f"{r / f:6.2f}x" if f else "   n/a"
    print(f"    {name:12s} {f:13,d} {r:13,d} {ratio}")
'
fi
