#!/usr/bin/env bash
# Decode benchmark: a 12-megapixel JPEG to the 304x228 network input, DCT-scaled vs full decode.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product depthd-bench
.build/release/depthd-bench decode "$@"
