#!/usr/bin/env bash
# Server benchmark: `depthd serve` (release) under wrk, beside the engine alone and a reference
# server (the PyTorch model behind FastAPI/uvicorn, training/scripts/reference_server.py) on the
# same weights, photo and machine, in one run. Prints a table with ratios.
#
#   scripts/bench-server.sh [MODEL] [SECONDS]
#     MODEL    weights file (default models/eigen2014-synthetic.safetensors)
#     SECONDS  duration of each wrk run (default 15)
#   BENCH_BATCHING=0  skip the micro-batching comparison (DEPTHD_MAX_BATCH=4 vs the default, off)
#   BENCH_LAYOUTS="1x2 2x1"  also serve each WORKERSxBLAS_THREADS layout (threads pinned, no
#             adaptation) at concurrency 1, 4 and 16, with the engine alone in the same layout, to
#             compare with the default layout (docs/service.md, *Layout*)
#
# Measures: POST /v1/depth with a 640x480 JPEG (a real photo) at concurrency 1, 4 and 16
# (requests/s, p50, p99, non-2xx answers); engine-only predictions/s with the service's own
# workers/threads/batch layout (depthd-bench throughput); GET /healthz at concurrency 64 with
# keep-alive; resident memory at rest and its peak under load (VmRSS / VmHWM); each phase of a
# lone request (Server-Timing of 40 sequential requests: median and best); where an answer's CPU
# goes (depthd's CPU per answer at each concurrency beside the engine's per prediction and the
# image work's, depthd-bench codecs), and the ceiling that sets on concurrency 4 / engine. Needs wrk
# (scripts/install-deps.sh test) and the Python environment with fastapi and uvicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/eigen2014-synthetic.safetensors}
SECONDS_PER_RUN=${2:-15}
source scripts/bench-common.sh
command -v wrk >/dev/null || { echo "bench-server: wrk not found (apt-get install wrk)" >&2; exit 2; }
[ -f "$MODEL" ] || { echo "bench-server: no model at $MODEL" >&2; exit 2; }

bench_workdir bench

swift build -c release --product depthd >&2
swift build -c release --product depthd-bench >&2
BIN=.build/release

# A real photograph (the portrait that ships with matplotlib), as a 640x480 JPEG.
"$PY" scripts/bench_photo.py "$WORK/photo.jpg"
cat > "$WORK/post.lua" <<'LUAEOF'
local file = assert(io.open(os.getenv("BENCH_PHOTO"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "image/jpeg"
LUAEOF
export BENCH_PHOTO=$WORK/photo.jpg

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {  # URL PID
    for _ in $(seq 1 600); do
        kill -0 "$2" 2>/dev/null || { echo "bench-server: server exited" >&2; return 1; }
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
        sleep 0.2
    done
    return 1
}
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }  # PID VmRSS|VmHWM
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # PID: user + system CPU, clock ticks
run_wrk() {  # NAME URL CONNECTIONS [LUA]
    local threads=$(( $3 < 2 ? 1 : 2 ))
    local script=(); [ -n "${4:-}" ] && script=(-s "$4")
    wrk -t"$threads" -c"$3" -d"${SECONDS_PER_RUN}s" --timeout 30s --latency "${script[@]}" "$2" > "$WORK/$1.wrk"
}

# depthd with its defaults for this machine (workers, BLAS threads, batch from ServiceConfiguration).
serve_depthd() {  # NAME [ENV...]; sets PID and PORT
    local name=$1; shift
    PORT=$(free_port)
    env "$@" "$BIN/depthd" serve --host 127.0.0.1 --port "$PORT" --model "$MODEL" --log-level warning \
        2> "$WORK/$name.log" &
    PID=$!
    PIDS+=("$PID")
    wait_ready "http://127.0.0.1:$PORT/readyz" "$PID"
}
stop() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }

serve_depthd depthd
echo "rest_rss_kib depthd $(rss_kib "$PID" VmRSS)" >> "$WORK/memory"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^depthd_model_(workers|queue_capacity) ' > "$WORK/layout"
curl -s -o "$WORK/depthd.png" --data-binary @"$BENCH_PHOTO" -H 'Content-Type: image/jpeg' "http://127.0.0.1:$PORT/v1/depth"
# Each phase of one request alone (Server-Timing of sequential requests, nothing else running).
for _ in $(seq 1 40); do
    curl -s -o /dev/null -D - --data-binary @"$BENCH_PHOTO" -H 'Content-Type: image/jpeg' \
        "http://127.0.0.1:$PORT/v1/depth" | grep -i '^server-timing:' >> "$WORK/server-timing"
done
echo "clk_tck $(getconf CLK_TCK)" > "$WORK/cpu-ticks"
for c in 1 4 16; do
    before=$(cpu_ticks "$PID")
    run_wrk "depthd-c$c" "http://127.0.0.1:$PORT/v1/depth" "$c" "$WORK/post.lua"
    echo "depthd-c$c $(( $(cpu_ticks "$PID") - before ))" >> "$WORK/cpu-ticks"
done
echo "peak_rss_kib depthd $(rss_kib "$PID" VmHWM)" >> "$WORK/memory"
run_wrk depthd-healthz "http://127.0.0.1:$PORT/healthz" 64
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^depthd_model_batch_size_(sum|count) ' >> "$WORK/layout"
stop "$PID"

if [ "${BENCH_BATCHING:-1}" = 1 ]; then
    serve_depthd batch4 DEPTHD_MAX_BATCH=4
    for c in 4 16; do run_wrk "batch4-c$c" "http://127.0.0.1:$PORT/v1/depth" "$c" "$WORK/post.lua"; done
    stop "$PID"
fi

for layout in ${BENCH_LAYOUTS:-}; do
    workers=${layout%x*} threads=${layout#*x}
    serve_depthd "layout-$layout" DEPTHD_WORKERS="$workers" DEPTHD_BLAS_THREADS="$threads"
    for c in 1 4 16; do run_wrk "layout-$layout-c$c" "http://127.0.0.1:$PORT/v1/depth" "$c" "$WORK/post.lua"; done
    stop "$PID"
    "$BIN/depthd-bench" throughput --model "$MODEL" --workers "$workers" --threads "$threads" --batch 1 \
        --seconds "$SECONDS_PER_RUN" > "$WORK/engine-layout-$layout.json"
done
echo "${BENCH_LAYOUTS:-}" > "$WORK/layouts"

# The engine alone with the service's layout: the same workers, threads and batch.
WORKERS=$(awk '$1 == "depthd_model_workers" {print $2}' "$WORK/layout")
CORES=$(nproc)
BLAS=$(( CORES / WORKERS > 0 ? CORES / WORKERS : 1 ))
"$BIN/depthd-bench" throughput --model "$MODEL" --workers "$WORKERS" --threads "$BLAS" --batch 4 \
    --seconds "$SECONDS_PER_RUN" > "$WORK/engine-batch4.json"
"$BIN/depthd-bench" throughput --model "$MODEL" --workers "$WORKERS" --threads "$BLAS" --batch 1 \
    --seconds "$SECONDS_PER_RUN" > "$WORK/engine-batch1.json"
# The image work of one answer on one thread (decode, and the png16 answer), for where an answer's
# CPU goes.
"$BIN/depthd-bench" codecs --photo "$BENCH_PHOTO" --model "$MODEL" --rounds 20 > "$WORK/codecs.txt"

# The reference: PyTorch behind FastAPI/uvicorn, every core for torch.
REF_PORT=$(free_port)
PYTHONPATH=training${PYTHONPATH:+:$PYTHONPATH} "$PY" training/scripts/reference_server.py "$MODEL" \
    --port "$REF_PORT" --threads "$CORES" 2> "$WORK/reference.log" &
REF_PID=$!
PIDS+=("$REF_PID")
wait_ready "http://127.0.0.1:$REF_PORT/healthz" "$REF_PID"
curl -s -o "$WORK/reference.png" --data-binary @"$BENCH_PHOTO" -H 'Content-Type: image/jpeg' "http://127.0.0.1:$REF_PORT/v1/depth"
echo "rest_rss_kib reference $(rss_kib "$REF_PID" VmRSS)" >> "$WORK/memory"
for c in 1 4 16; do run_wrk "reference-c$c" "http://127.0.0.1:$REF_PORT/v1/depth" "$c" "$WORK/post.lua"; done
echo "peak_rss_kib reference $(rss_kib "$REF_PID" VmHWM)" >> "$WORK/memory"
run_wrk reference-healthz "http://127.0.0.1:$REF_PORT/healthz" 64
stop "$REF_PID"

"$PY" scripts/bench_server_report.py "$WORK" --model "$MODEL" --seconds "$SECONDS_PER_RUN"
