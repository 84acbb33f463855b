"""Shared fixtures: a real `depthd serve` on loopback (started once per session), and a real photo."""
from __future__ import annotations

import os
import shlex
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--depthd", default=None,
                     help="depthd binary to serve the page (default $DEPTHD_BINARY or .build/debug/depthd)")


def _free_loopback_port() -> int:
    # Ask the kernel for a free port (bind port 0), then hand it to depthd.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture(scope="session")
def depthd(request):
    """Base URL of a running `depthd serve` (bundled model), ready (/readyz 200); stopped after."""
    binary = Path(request.config.getoption("--depthd") or os.environ.get("DEPTHD_BINARY")
                  or REPO / ".build/debug/depthd")
    if not binary.is_file():
        pytest.fail(f"no depthd binary at {binary}: run `swift build` first (or pass --depthd / set DEPTHD_BINARY)")
    port = _free_loopback_port()
    extra = shlex.split(os.environ.get("DEPTHD_SERVE_ARGS", ""))
    log = tempfile.NamedTemporaryFile(prefix="depthd-browser-", suffix=".log", delete=False)
    process = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
                               cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def server_log() -> str:
        return Path(log.name).read_text(errors="replace")[-4000:]

    try:
        deadline = time.monotonic() + 180
        while _status(url + "/readyz") != 200:
            if process.poll() is not None:
                pytest.fail(f"depthd exited with status {process.returncode} before it was ready:\n{server_log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"depthd was not ready (/readyz 200) within 180 s:\n{server_log()}")
            time.sleep(0.2)
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        os.unlink(log.name)


@pytest.fixture(scope="session")
def photo() -> Path:
    """A real photograph (JPEG): $DEPTHD_TEST_PHOTO, else the portrait that ships with matplotlib."""
    if os.environ.get("DEPTHD_TEST_PHOTO"):
        return Path(os.environ["DEPTHD_TEST_PHOTO"])
    import matplotlib
    return Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
