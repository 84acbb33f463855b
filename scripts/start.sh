#!/usr/bin/env bash
# Quick start: install the C libraries the build needs (no Python, none of the test or training
# tools), build the release binary and serve the bundled model on port 8080 (all interfaces).
# Extra arguments go to `depthd serve`, e.g. `--port 9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh serve
swift build -c release --product depthd
exec .build/release/depthd serve "$@"
