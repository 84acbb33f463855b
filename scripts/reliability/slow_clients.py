#!/usr/bin/env python3
"""Slow clients (issue 6 item 5): slowhttptest's slowloris (slow headers), slow body and slow read,
each at 200 connections against a fresh `depthd serve` on loopback, while a normal client sends
a depth request every second. Prints, per attack, the normal client's latencies and how many slow
connections the server closed; PASS when every normal request got 200 within a second and the
server closed at least 90% of each attack's connections before the attack ended.

    .venv/bin/python scripts/reliability/slow_clients.py [--seconds 40] [--connections 200]
Needs slowhttptest (Debian: apt-get install -y slowhttptest). Runs about 20 + 2 x (seconds + 10)
+ slow-read-seconds + 10 s.
"""
from __future__ import annotations

import asyncio
import csv
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_arguments, finish, depth_request, describe_latencies, image_bytes, require_tool, served  # noqa: E402


def attacks(url: str, connections: int, seconds: int, slow_read_seconds: int) -> dict[str, list[str]]:
    common = ["-c", str(connections), "-r", str(connections), "-p", "3"]
    length = ["-l", str(seconds)]
    return {
        # Headers trickled one line every 5 s, never finished.
        "slowloris": ["-H", "-i", "5", "-x", "24", "-u", f"{url}/v1/depth", "-t", "GET", *common, *length],
        # A depth upload declaring 64 KiB, sent a few bytes every 5 s.
        "slow body": ["-B", "-i", "5", "-x", "16", "-s", "65536", "-u", f"{url}/v1/depth", "-t", "POST", *common, *length],
        # Pipelined requests for the OpenAPI document, read 32 bytes every 5 s through a tiny window.
        # Each reader keeps taking bytes, so the write-stall timeout (30 s) never fires; the minimum
        # response rate (4 KiB/s after 10 s) must drop it.
        "slow read": ["-X", "-k", "4", "-n", "5", "-z", "32", "-w", "16", "-y", "32",
                      "-u", f"{url}/openapi.yaml", "-t", "GET", *common, "-l", str(slow_read_seconds)],
    }


async def probe_while(port: int, image: bytes, running, interval: float = 1.0, warmup: float = 5):
    results = []
    await asyncio.sleep(warmup)  # let the attack reach full strength first
    while running():
        results.append(await depth_request(port, image, timeout=10))
        await asyncio.sleep(interval)
    return results


def sample_fds(server, running, samples: list[tuple[float, int]], started: float, interval: float = 0.5):
    """Records (seconds since the attack began, the server's open fds) while the attack runs."""
    while running():
        samples.append((time.monotonic() - started, server.fd_count()))
        time.sleep(interval)


def read_stats(prefix: Path) -> list[dict]:
    path = prefix.with_suffix(".csv")
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f))


def main() -> int:
    parser = base_arguments(__doc__)
    parser.add_argument("--seconds", type=int, default=40, help="length of each attack")
    parser.add_argument("--slow-read-seconds", type=int, default=75, help="length of the slow-read attack")
    parser.add_argument("--connections", type=int, default=200)
    args = parser.parse_args()
    tool = require_tool("slowhttptest", "slowhttptest")
    image = image_bytes(640, 480, "JPEG")
    ok = True
    with served(args) as server:
        resting_fds = server.fd_count()
        print(f"resting: RSS {server.rss_kib()} KiB, {resting_fds} fds")
        # The same normal client without any attack, for reference (the machine may be busy).
        stop = time.monotonic() + 20
        baseline = asyncio.run(probe_while(server.port, image, lambda: time.monotonic() < stop, warmup=0))
        print(f"no attack (reference): {len(baseline)} depth requests, statuses "
              f"{sorted(set(str(r.status) for r in baseline))}, {describe_latencies([r.seconds for r in baseline])}")
        for name, flags in attacks(server.url, args.connections, args.seconds, args.slow_read_seconds).items():
            prefix = Path(tempfile.mkdtemp(prefix="slowhttptest-")) / "stats"
            process = subprocess.Popen([tool, *flags, "-g", "-o", str(prefix)], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            started = time.monotonic()
            samples: list[tuple[float, int]] = []
            sampler = threading.Thread(target=sample_fds, args=(server, lambda: process.poll() is None, samples, started))
            sampler.start()
            results = asyncio.run(probe_while(server.port, image, lambda: process.poll() is None))
            process.wait(timeout=args.seconds + 60)
            sampler.join()
            rows = read_stats(prefix)
            connected = max((int(r.get("Connected", 0) or 0) for r in rows), default=0)
            # Counted from the server's side: slowhttptest counts a connection the server reset
            # (slow read) as still connected until it next reads.
            peak = max((fds for _, fds in samples), default=resting_fds)
            left = samples[-1][1] if samples else resting_fds
            held = peak - resting_fds
            after_peak = samples[next((i for i, (_, fds) in enumerate(samples) if fds == peak), 0):]
            dropped_by = next((t for t, fds in after_peak if held > 0 and fds <= resting_fds + 0.1 * held), None)
            closed = peak - left
            statuses = [r.status for r in results]
            latencies = [r.seconds for r in results if r.status == 200]
            slow = [r for r in results if r.status != 200 or r.seconds > 1.0]
            print(f"{name}: {time.monotonic() - started:.0f} s, slow connections open at most {connected} "
                  f"(server fds {resting_fds} resting, {peak} at most, {left} at the attack's end: {closed} closed by "
                  f"the server, 90% of them after {'%.0f s' % dropped_by if dropped_by is not None else 'never'}); "
                  f"normal client: {len(results)} depth requests, "
                  f"statuses {sorted(set(map(str, statuses)))}, {describe_latencies(latencies)}, "
                  f"{len(slow)} failed or over 1 s; server RSS {server.rss_kib()} KiB, {server.fd_count()} fds")
            # The attack's connections must be dropped by the server's timeouts, not outlive them.
            if held < 0.9 * connected or closed < 0.9 * held:
                ok = False
                print(f"    the server held {held} and closed {closed} of {connected} slow connections")
            if slow or not results:
                ok = False
                for r in slow[:5]:
                    print(f"    {r.status} {r.error} {r.seconds:.2f} s {r.body[:200]!r}")
            time.sleep(10)  # let the server drop what is left before the next attack
        print(f"after: RSS {server.rss_kib()} KiB, {server.fd_count()} fds")
    return finish(server, ok)


if __name__ == "__main__":
    sys.exit(main())
