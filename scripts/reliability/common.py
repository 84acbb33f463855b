"""Shared pieces of the reliability scripts (issue 6 items 5-8): start a real `depthd serve` on
loopback, watch its memory and file descriptors through /proc, make test images, and a minimal
asyncio HTTP/1.1 client that records status, headers and latency.

Every script bounds its own run time and stops the server it started.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = Path(os.environ.get("DEPTHD_VENV", REPO / ".venv")) / "bin" / "python"


def base_arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--depthd", default=os.environ.get("DEPTHD_BINARY", str(REPO / ".build/release/depthd")),
                        help="depthd binary (default $DEPTHD_BINARY or .build/release/depthd)")
    parser.add_argument("--model", default=os.environ.get("DEPTHD_MODEL"),
                        help="weights file (default: depthd's own lookup, i.e. the bundled model)")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="extra argument for `depthd serve` (repeatable), e.g. --serve-arg=--workers=2")
    return parser


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if not path:
        sys.exit(f"{name} is not installed: apt-get install -y {package}  (Debian)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A `depthd serve` child process on 127.0.0.1."""
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def fd_count(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(args: argparse.Namespace, *extra: str, ready_timeout: float = 180) -> Server:
    binary = Path(args.depthd)
    if not binary.is_file():
        sys.exit(f"no depthd binary at {binary}: swift build -c release --product depthd (or pass --depthd)")
    port = free_port()
    command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), *extra, *args.serve_arg]
    if args.model:
        command += ["--model", args.model]
    log = tempfile.NamedTemporaryFile(prefix="depthd-reliability-", suffix=".log", delete=False)
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process, port, Path(log.name))
    deadline = time.monotonic() + ready_timeout
    while True:
        try:
            with urllib.request.urlopen(server.url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit(f"depthd exited ({process.returncode}) before ready:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            server.stop()
            sys.exit(f"depthd not ready within {ready_timeout} s:\n{server.log_tail()}")
        time.sleep(0.2)
    print(f"depthd pid {process.pid} ready on {server.url} ({' '.join(command[1:])})", flush=True)
    return server


def image_bytes(width: int, height: int, format: str, seed: int = 0) -> bytes:
    """A photo-like gradient with noise, as JPEG or PNG."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(seed)
    ys = np.linspace(0, 1, height)[:, None, None]
    xs = np.linspace(0, 1, width)[None, :, None]
    pixels = 200 * (0.5 * ys + 0.5 * xs * rng.random(3)) + 40 * rng.random((height, width, 3))
    image = Image.fromarray(pixels.clip(0, 255).astype("uint8"))
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


@dataclass
class Result:
    status: int | None          # None: no complete response
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str | None = None    # why there was no complete response (refused, reset, timeout, ...)
    connected_at: float | None = None


async def http_request(port: int, method: str, target: str, body: bytes = b"", headers: dict | None = None,
                       timeout: float = 30, raw: bytes | None = None) -> Result:
    """One request on a fresh connection (Connection: close); `raw` sends exact bytes instead."""
    start = time.monotonic()
    writer = None
    result = Result(status=None)
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        result.connected_at = time.monotonic()
        if raw is None:
            lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                     f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
            raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        writer.write(raw)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        result.status = int(status_line.split(" ")[1])
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                result.headers[name.strip().lower()] = value.strip()
        length = int(result.headers.get("content-length", "0"))
        result.body = await asyncio.wait_for(reader.readexactly(length), timeout) if method != "HEAD" else b""
    except (asyncio.TimeoutError, TimeoutError):
        result.status, result.error = None, "timeout"
    except ConnectionRefusedError:
        result.error = "refused"
    except (ConnectionResetError, BrokenPipeError):
        result.status, result.error = None, "reset"
    except asyncio.IncompleteReadError:
        result.status, result.error = None, "incomplete"
    except OSError as error:
        result.status, result.error = None, f"oserror {error.errno}"
    finally:
        result.seconds = time.monotonic() - start
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
    return result


def depth_request(port: int, image: bytes, content_type: str = "image/jpeg", timeout: float = 30, **kw):
    return http_request(port, "POST", "/v1/depth?format=json&size=native", image,
                        {"Content-Type": content_type}, timeout=timeout, **kw)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def describe_latencies(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (f"n={len(values)} p50={percentile(values, 50) * 1000:.0f} ms p90={percentile(values, 90) * 1000:.0f} ms "
            f"p99={percentile(values, 99) * 1000:.0f} ms max={max(values) * 1000:.0f} ms "
            f"mean={statistics.mean(values) * 1000:.0f} ms")


@contextlib.contextmanager
def served(args: argparse.Namespace, *extra: str):
    """`start_server`, stopping the server if the body raises; on success pass it to `finish`."""
    server = start_server(args, *extra)
    try:
        yield server
    except BaseException:
        server.stop()
        raise


def finish(server: Server, ok: bool) -> int:
    """Stops the server, prints its exit status and the verdict; returns the script's exit code."""
    code = server.stop()
    print(f"depthd exit status {code}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1
