#!/usr/bin/env bash
# Runs the whole test suite: Swift build and tests, the Python tests (training, demo page in
# headless Chromium against the real server, deployment manifests), and, as root, the container
# smoke test. Every stage runs even if an earlier one failed; the output ends with each runner's
# summary and the exit status is non-zero if anything failed.
# It first installs what the tests need (scripts/install-deps.sh test: the test tools, Blender and
# Sweet Home 3D, the Python environment); DEPTHD_SKIP_INSTALL=1 skips that step.
#   DEPTHD_CONTAINER_SMOKE=1|0  force the container smoke test on or off (default: on as root;
#                               forced on as another user, it runs through sudo -n)
#   DEPTHD_VENV=DIR             the Python environment (default .venv, made by install-deps.sh)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

if [ "${DEPTHD_SKIP_INSTALL:-0}" != 1 ]; then
    scripts/install-deps.sh test || { echo "test.sh: installing the test dependencies failed" >&2; exit 2; }
fi

PY=${DEPTHD_VENV:-.venv}/bin/python
[ -x "$PY" ] || { echo "test.sh: no $PY; run scripts/install-deps.sh test" >&2; exit 2; }
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/depthd-test.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
results=()
failed=0

# run NAME SUMMARY-PATTERN COMMAND...: runs one stage with its output shown as it goes, and keeps
# the runner's own summary line(s) for the end.
run() {
    local name=$1 pattern=$2; shift 2
    echo; echo "==== $name: $*"
    local start=$SECONDS status
    "$@" 2>&1 | tee "$LOGS/$name.log"
    status=${PIPESTATUS[0]}
    local summary
    summary=$(grep -E "$pattern" "$LOGS/$name.log" | tail -2 | sed 's/^/      /')
    if [ "$status" -eq 0 ]; then results+=("PASS  $name ($((SECONDS - start))s)"); else
        results+=("FAIL  $name ($((SECONDS - start))s, exit $status)"); failed=1; fi
    [ -n "$summary" ] && results+=("$summary")
}

run swift-build 'Build complete|error:' swift build
run swift-build-tests 'Build complete|error:' swift build --build-tests
# Serial (Swift's cooperative pool has as many threads as cores, and CPU-heavy tests running beside
# the live-server tests starve them on a 2-core machine) and bounded, so that a hang fails the run
# instead of eating CI's 90 minutes.
run swift-test 'Test run with|Executed [0-9]+ tests|error:' \
    timeout "${DEPTHD_SWIFT_TEST_TIMEOUT:-1800}" swift test --skip-build --no-parallel
if [ -d training/tests ]; then
    run pytest-training '[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s' "$PY" -m pytest training/tests -q
fi
# libFuzzer builds of the three fuzz targets, each run once over its committed corpus (fuzz/corpus).
run fuzz-replay 'corpus replay passed|crashed' scripts/fuzz.sh replay
# The end-to-end tests (e2e/: Python against the debug depthd built above, a real browser, the
# deployment files).
run pytest-e2e '[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s' "$PY" -m pytest e2e -q --depthd .build/debug/depthd

smoke=${DEPTHD_CONTAINER_SMOKE:-}
[ -z "$smoke" ] && { [ "$(id -u)" -eq 0 ] && smoke=1 || smoke=0; }
if [ "$smoke" = 1 ]; then
    run release-build 'Build of product|error:' swift build -c release --static-swift-stdlib --product depthd
    as_root=(); [ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
    run container-smoke 'PASS|FAIL' "${as_root[@]}" env DEPTHD_BINARY=.build/release/depthd deploy/container-smoke.sh
else
    results+=("SKIP  container-smoke (needs root: sudo deploy/container-smoke.sh, or DEPTHD_CONTAINER_SMOKE=1)")
fi

# One closing line over every runner: Swift Testing's per-test results and pytest's counts.
count_tests() {
    local passed=0 failed_tests=0 n
    if [ -f "$LOGS/swift-test.log" ]; then
        # One line per test ("✔ Test name() passed after ..."), not the run's own closing line
        # nor "recorded an issue ... Expectation failed" lines.
        passed=$(grep -E '^✔ Test .* passed after' "$LOGS/swift-test.log" | grep -cv '^✔ Test run with' || true)
        failed_tests=$(grep -E '^✘ Test .* failed after' "$LOGS/swift-test.log" | grep -cv '^✘ Test run with' || true)
    fi
    for log in "$LOGS"/pytest-*.log; do
        [ -f "$log" ] || continue
        n=$(grep -oE '[0-9]+ passed' "$log" | tail -1 | cut -d' ' -f1); passed=$((passed + ${n:-0}))
        n=$(grep -oE '[0-9]+ (failed|errors?)' "$log" | awk '{s += $1} END {print s + 0}')
        failed_tests=$((failed_tests + ${n:-0}))
    done
    echo "tests: $passed passed, $failed_tests failed"
}

echo; echo "==== summary"
printf '%s\n' "${results[@]}"
count_tests
exit $failed
