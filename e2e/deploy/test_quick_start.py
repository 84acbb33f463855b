"""The README's quick start (`scripts/start.sh`) from a fresh copy of the repository: it builds
and serves the bundled model up to a ready `/readyz` without creating a Python environment or
running Python at all, and installs only the build's C libraries (no test or training tools)."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

from conftest import REPO, _free_loopback_port, _status

# A release build of depthd and its two Swift packages from nothing: minutes on 2 cores.
READY_WITHIN_S = 1500
# The parts of the test and training stacks that serving must not pull in.
NOT_FOR_SERVING = {"python3-venv", "python3-numpy", "chromium", "blender", "sweethome3d",
                   "sweethome3d-furniture", "debootstrap", "wrk"}


def fresh_copy(destination: Path) -> None:
    """The files a clone of this tree would have: tracked ones and new ones git does not ignore."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO / os.fsdecode(name)
        if not source.is_file():  # deleted in the working tree
            continue
        target = destination / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def python_tripwire(directory: Path, log: Path) -> None:
    """`python`, `python3` and `pip` first on PATH, each recording that it was run and failing."""
    directory.mkdir()
    for name in ("python", "python3", "pip", "pip3"):
        shim = directory / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 97\n')
        shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_serving_installs_only_the_build_libraries():
    listed = subprocess.run([str(REPO / "scripts/install-deps.sh"), "serve", "--list"],
                            check=True, capture_output=True, text=True).stdout.split()
    assert listed, "install-deps.sh serve --list printed nothing"
    assert {"libjpeg-dev", "libpng-dev", "libopenblas-dev"} <= set(listed)
    assert not NOT_FOR_SERVING & set(listed), NOT_FOR_SERVING & set(listed)
    everything = subprocess.run([str(REPO / "scripts/install-deps.sh"), "test", "--list"],
                                check=True, capture_output=True, text=True).stdout.split()
    assert set(listed) < set(everything), "the test part must include the serving part"


def test_quick_start_from_a_fresh_copy_serves_without_python(tmp_path):
    clone = tmp_path / "depthd"
    fresh_copy(clone)
    assert not (clone / ".venv").exists() and not (clone / ".build").exists()
    calls = tmp_path / "python-calls.log"
    python_tripwire(tmp_path / "bin", calls)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"
    port = _free_loopback_port()
    log = (tmp_path / "start.log").open("w")
    process = subprocess.Popen([str(clone / "scripts/start.sh"), "--host", "127.0.0.1", "--port", str(port)],
                               cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while _status(f"http://127.0.0.1:{port}/readyz") != 200:
            assert process.poll() is None, (tmp_path / "start.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "not ready in time:\n" + (tmp_path / "start.log").read_text()[-4000:]
            time.sleep(1)
        assert _status(f"http://127.0.0.1:{port}/healthz") == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    assert not calls.exists(), f"the quick start ran Python: {calls.read_text()}"
    assert not (clone / ".venv").exists()
    assert not list(clone.glob("**/pyvenv.cfg")), "a Python environment was created"
    assert (clone / ".build/release/depthd").is_file()
