"""Contract fuzzing (issue 6 item 9): schemathesis generates requests from openapi.yaml and runs all
of its checks against a live `depthd serve` (the session's `depthd` fixture, bundled model). Zero
failures, bounded to well under two minutes: a few examples per operation, a time budget, one worker.

Run: .venv/bin/python -m pytest e2e/contract/test_schemathesis.py -q --depthd .build/debug/depthd
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "Sources" / "DepthService" / "Resources" / "openapi.yaml"
CONFIG = Path(__file__).resolve().with_name("schemathesis.toml")
MAX_EXAMPLES = os.environ.get("DEPTHD_SCHEMATHESIS_EXAMPLES", "25")
MAX_TIME = os.environ.get("DEPTHD_SCHEMATHESIS_SECONDS", "90")


def test_every_schemathesis_check_passes_against_the_live_server(depthd, tmp_path):
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [cli, "--config-file", str(CONFIG), "run", str(SPEC), "--url", depthd, "--checks", "all",
               "--max-examples", MAX_EXAMPLES, "--max-time", MAX_TIME, "--workers", "1",
               "--request-timeout", "30", "--seed", "2014"]
    # Run in a temporary directory: schemathesis writes its cache (.schemathesis/, which records the
    # spec's absolute path) into its working directory, and that must not land in the tree.
    result = subprocess.run(command, capture_output=True, text=True, timeout=int(MAX_TIME) + 120,
                            cwd=tmp_path)
    assert result.returncode == 0, f"schemathesis failed:\n{result.stdout[-12000:]}\n{result.stderr[-3000:]}"
    assert "passed" in result.stdout.lower()
