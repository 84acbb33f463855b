#!/usr/bin/env bash
# HTTP server benchmark: depthd's own server against a Hummingbird 2.28.1 hello-world (SwiftNIO),
# both release builds on loopback, `GET /healthz` with keep-alive at concurrency 64 under wrk.
# Rounds alternate which server goes first; each server's best round counts (best-of-N survives
# a machine that other jobs load). Prints requests/s, p99 and the server's CPU time per request
# (user + system, from /proc: it depends less than requests/s on the share of the cores a server
# gets) per round, the best of each, and the ratios depthd/Hummingbird.
#
#   scripts/bench-http.sh [SECONDS] [ROUNDS]
#     SECONDS  duration of each wrk run (default 10)
#     ROUNDS   rounds per server (default 5)
#   BENCH_MODEL=FILE          weights depthd loads (default models/eigen2014-synthetic.safetensors);
#                             /healthz does not touch the model
#   BENCH_CONNECTIONS=N       wrk connections (default 64)
#   BENCH_BASELINE=BINARY     also measure this depthd binary (e.g. one built from main) in the
#                             same rounds, for a before/after in one run
#   BENCH_HUMMINGBIRD_DIR=DIR where the hello-world package is written and built (default
#                             ${TMPDIR:-/tmp}/depthd-bench-hummingbird; outside the repository,
#                             kept between runs so that only the first run builds SwiftNIO)
#
# Needs wrk (apt-get install wrk) and the Swift packages hummingbird 2.28.1 resolves (the package
# mirror of this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
MODEL=${BENCH_MODEL:-models/eigen2014-synthetic.safetensors}
HB_DIR=${BENCH_HUMMINGBIRD_DIR:-${TMPDIR:-/tmp}/depthd-bench-hummingbird}
command -v wrk >/dev/null || { echo "bench-http: wrk not found (apt-get install wrk)" >&2; exit 2; }
[ -f "$MODEL" ] || { echo "bench-http: no model at $MODEL" >&2; exit 2; }
case "$HB_DIR" in "$PWD"|"$PWD"/*) echo "bench-http: BENCH_HUMMINGBIRD_DIR must be outside the repository" >&2; exit 2 ;; esac

source scripts/bench-common.sh
bench_workdir bench-http

# The reference: the smallest Hummingbird server, one route with a small text body.
mkdir -p "$HB_DIR/Sources/HelloHummingbird"
cat > "$HB_DIR/Package.swift.new" <<'SWIFTEOF'
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HelloHummingbird",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "HelloHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
    ]
)
SWIFTEOF
cat > "$HB_DIR/main.swift.new" <<'SWIFTEOF'
import Hummingbird

// GET /healthz answering a small body, nothing else: the reference depthd's server is measured against.
let port = Int(CommandLine.arguments.dropFirst().first ?? "8081") ?? 8081
let router = Router()
router.get("/healthz") { _, _ -> String in "ok\n" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port))
)
try await app.runService()
SWIFTEOF
# Rewritten only when changed, so that a kept build stays valid.
cmp -s "$HB_DIR/Package.swift.new" "$HB_DIR/Package.swift" || mv "$HB_DIR/Package.swift.new" "$HB_DIR/Package.swift"
cmp -s "$HB_DIR/main.swift.new" "$HB_DIR/Sources/HelloHummingbird/main.swift" \
    || mv "$HB_DIR/main.swift.new" "$HB_DIR/Sources/HelloHummingbird/main.swift"
rm -f "$HB_DIR/Package.swift.new" "$HB_DIR/main.swift.new"

echo "bench-http: building the Hummingbird hello-world in $HB_DIR (the first build takes minutes)" >&2
swift build -c release --package-path "$HB_DIR" --product HelloHummingbird >&2
HB_BIN="$(swift build -c release --package-path "$HB_DIR" --show-bin-path)/HelloHummingbird"
echo "bench-http: building depthd" >&2
swift build -c release --product depthd >&2
DEPTHD_BIN="$(swift build -c release --show-bin-path)/depthd"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_healthy() {  # URL PID LOG
    for _ in $(seq 1 600); do
        kill -0 "$2" 2>/dev/null || { echo "bench-http: server exited:" >&2; cat "$3" >&2; return 1; }
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
        sleep 0.1
    done
    echo "bench-http: $1 never answered 200" >&2
    return 1
}

# Servers: NAME -> URL and PID (started once, measured in every round).
NAMES=()
declare -A URLS SERVER_PID
start_server() {  # NAME COMMAND...
    local name=$1; shift
    local port; port=$(free_port)
    "$@" "$port" > "$WORK/$name.log" 2>&1 &
    PIDS+=("$!")
    SERVER_PID[$name]=$!
    URLS[$name]="http://127.0.0.1:$port/healthz"
    NAMES+=("$name")
    wait_healthy "${URLS[$name]}" "$!" "$WORK/$name.log"
}
depthd_on() {  # BINARY PORT
    exec "$1" serve --host 127.0.0.1 --port "$2" --model "$MODEL" --log-level warning
}
hummingbird_on() { exec "$HB_BIN" "$1"; }
start_server depthd depthd_on "$DEPTHD_BIN"
[ -n "${BENCH_BASELINE:-}" ] && start_server baseline depthd_on "$BENCH_BASELINE"
start_server hummingbird hummingbird_on

# Requests/s and p99 in ms from wrk's --latency report.
parse_wrk() {
    awk '/Requests\/sec:/ { rps = $2 }
         $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                       p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
         /Non-2xx/ { bad = $NF }
         END { printf "%.0f %.2f %d\n", rps, p99, bad }' "$1"
}
# The server's CPU time so far (user + system) in clock ticks, from /proc.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run_wrk() {  # NAME ROUND SECONDS; prints requests/s, p99 ms, non-2xx, server CPU microseconds per request
    local before after
    before=$(cpu_ticks "${SERVER_PID[$1]}")
    wrk -t2 -c"$CONNECTIONS" -d"$3s" --timeout 10s --latency "${URLS[$1]}" > "$WORK/$1.$2.wrk"
    after=$(cpu_ticks "${SERVER_PID[$1]}")
    read -r rps p99 bad < <(parse_wrk "$WORK/$1.$2.wrk")
    # CPU per request does not depend on the share of the cores the server got, as requests/s does.
    echo "$rps $p99 $bad $(awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v n="$rps" -v s="$3" \
        'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / (n * s) : 0) }')"
}

for name in "${NAMES[@]}"; do run_wrk "$name" warmup 2 > /dev/null; done
echo "GET /healthz, keep-alive, $CONNECTIONS connections, wrk -t2, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds (order alternates)"
printf "%-6s %-12s %12s %9s %8s %16s\n" round server "requests/s" "p99 ms" non-2xx "CPU us/request"
declare -A BEST_RPS BEST_P99 BEST_CPU
for round in $(seq 1 "$ROUNDS"); do
    order=("${NAMES[@]}")
    if (( round % 2 == 0 )); then
        order=(); for (( i = ${#NAMES[@]} - 1; i >= 0; i-- )); do order+=("${NAMES[$i]}"); done
    fi
    for name in "${order[@]}"; do
        read -r rps p99 bad cpu < <(run_wrk "$name" "$round" "$SECONDS_PER_RUN")
        printf "%-6s %-12s %12s %9s %8s %16s\n" "$round" "$name" "$rps" "$p99" "$bad" "$cpu"
        if [ -z "${BEST_CPU[$name]:-}" ] || awk -v a="$cpu" -v b="${BEST_CPU[$name]}" 'BEGIN { exit !(a < b) }'; then
            BEST_CPU[$name]=$cpu
        fi
        if (( rps > ${BEST_RPS[$name]:-0} )); then BEST_RPS[$name]=$rps; fi
        if [ -z "${BEST_P99[$name]:-}" ] || awk -v a="$p99" -v b="${BEST_P99[$name]}" 'BEGIN { exit !(a < b) }'; then
            BEST_P99[$name]=$p99
        fi
    done
done

echo
printf "%-12s %16s %12s %16s %26s %19s %19s\n" server "best requests/s" "best p99 ms" "best CPU us/req" \
    "requests/s vs hummingbird" "p99 vs hummingbird" "CPU vs hummingbird"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
for name in "${NAMES[@]}"; do
    printf "%-12s %16s %12s %16s %26s %19s %19s\n" "$name" "${BEST_RPS[$name]}" "${BEST_P99[$name]}" "${BEST_CPU[$name]}" \
        "$(ratio "${BEST_RPS[$name]}" "${BEST_RPS[hummingbird]}")" "$(ratio "${BEST_P99[$name]}" "${BEST_P99[hummingbird]}")" \
        "$(ratio "${BEST_CPU[$name]}" "${BEST_CPU[hummingbird]}")"
done
if [ -n "${BENCH_BASELINE:-}" ]; then
    echo "depthd vs baseline ($BENCH_BASELINE): $(ratio "${BEST_RPS[depthd]}" "${BEST_RPS[baseline]}") requests/s," \
        "$(ratio "${BEST_CPU[depthd]}" "${BEST_CPU[baseline]}") CPU per request"
fi
