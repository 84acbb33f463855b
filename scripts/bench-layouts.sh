#!/usr/bin/env bash
# Worker/thread layouts of `depthd serve` side by side, for a machine that other jobs share: every
# layout's server is up at once (an idle one costs nothing), and short wrk runs alternate between
# them round after round, so each round compares the layouts under the same load. Prints every
# round, then per layout the median answers/s and the median CPU time the server spent per answer
# (utime + stime from /proc; this figure hardly moves with the machine's load, and it shows the
# OpenBLAS threads spinning at barriers that a layout causes) and the minor page faults per answer
# (every thread's, from /proc: a buffer mapped and faulted in anew per request shows here).
#
#   scripts/bench-layouts.sh [MODEL] [ROUNDS] [SECONDS]
#     MODEL    weights file (default models/eigen2014-synthetic.safetensors)
#     ROUNDS   rounds (default 6); SECONDS per wrk run (default 3)
#   LAYOUTS="default 1x2 2x1"  WORKERSxBLAS_THREADS (threads pinned), or "default" for the defaults
#   CONCURRENCY="1 4"
#   BASELINE=PATH  also serve another build of depthd (its defaults) as the layout "baseline", to
#             compare two trees in the same rounds (e.g. a release build of the previous commit)
# Needs wrk and the Python environment (for the photo: matplotlib's grace_hopper.jpg as 640x480).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/eigen2014-synthetic.safetensors}
ROUNDS=${2:-6}
SECONDS_PER_RUN=${3:-3}
LAYOUTS=${LAYOUTS:-default 1x2 2x1}
BASELINE=${BASELINE:-}
if [ -n "$BASELINE" ]; then
    [ -x "$BASELINE" ] || { echo "bench-layouts: no depthd at $BASELINE" >&2; exit 2; }
    LAYOUTS="baseline $LAYOUTS"
fi
CONCURRENCY=${CONCURRENCY:-1 4}
source scripts/bench-common.sh
command -v wrk >/dev/null || { echo "bench-layouts: wrk not found (apt-get install wrk)" >&2; exit 2; }

bench_workdir layouts

swift build -c release --product depthd >&2
"$PY" scripts/bench_photo.py "$WORK/photo.jpg"
cat > "$WORK/post.lua" <<LUAEOF
local file = assert(io.open("$WORK/photo.jpg", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "image/jpeg"
LUAEOF

declare -A PORT PID
for layout in $LAYOUTS; do
    settings=()
    binary=.build/release/depthd
    case $layout in
        default) ;;
        baseline) binary=$BASELINE ;;
        *) settings=(DEPTHD_WORKERS="${layout%x*}" DEPTHD_BLAS_THREADS="${layout#*x}") ;;
    esac
    port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env "${settings[@]}" "$binary" serve --host 127.0.0.1 --port "$port" --model "$MODEL" \
        --log-level warning 2> "$WORK/$layout.log" &
    PID[$layout]=$!
    PIDS+=($!)
    PORT[$layout]=$port
    for _ in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ] && break
        sleep 0.2
    done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
minor_faults() { awk '{print $10}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
    for c in $CONCURRENCY; do
        line="round $round c=$c:"
        for layout in $LAYOUTS; do
            before=$(cpu_ticks "${PID[$layout]}") faults_before=$(minor_faults "${PID[$layout]}")
            out=$(wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${SECONDS_PER_RUN}s" --timeout 30s -s "$WORK/post.lua" \
                "http://127.0.0.1:${PORT[$layout]}/v1/depth")
            after=$(cpu_ticks "${PID[$layout]}") faults_after=$(minor_faults "${PID[$layout]}")
            answers=$(echo "$out" | awk '/requests in/ {print $1}')
            non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
            rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
            echo "$layout $c $rps $answers ${non2xx:-0} $(( after - before )) $(( faults_after - faults_before ))" >> "$WORK/runs"
            line="$line $layout ${rps}/s"
        done
        echo "$line"
    done
done

"$PY" - "$WORK/runs" "$TICK" <<'PYEOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
tick = float(sys.argv[2])
print("\n| layout | concurrency | median answers/s | median CPU ms per answer | median page faults per answer | non-2xx |\n|---|---|---|---|---|---|")
for key in dict.fromkeys((r[0], r[1]) for r in rows):
    runs = [r for r in rows if (r[0], r[1]) == key]
    rate = statistics.median(float(r[2]) for r in runs)
    cpu = statistics.median(1000 * int(r[5]) / tick / max(1, int(r[3])) for r in runs)
    faults = statistics.median(int(r[6]) / max(1, int(r[3])) for r in runs)
    print(f"| {key[0]} | {key[1]} | {rate:.2f} | {cpu:.1f} | {faults:.0f} | {sum(int(r[4]) for r in runs)} |")
PYEOF
