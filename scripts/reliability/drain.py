#!/usr/bin/env python3
"""Drain under load (issue 6 item 8): closed-loop clients keep depth requests in flight, then
`depthd serve` gets SIGTERM. Prints what happened to requests whose connection was accepted before
the signal, to new connections after it, and the exit status and time; PASS when every request
accepted before SIGTERM got a full response (200, or a designed 503), connections after the
listener closed were refused, and depthd exited 0 within its grace period.

    .venv/bin/python scripts/reliability/drain.py [--clients 16] [--grace 25] [--load-seconds 5]
"""
from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_arguments, depth_request, image_bytes, start_server  # noqa: E402


async def load(port: int, image: bytes, clients: int, stop_at: float, results: list):
    async def client():
        while time.monotonic() < stop_at:
            result = await depth_request(port, image, timeout=120)
            results.append(result)
            if result.error == "refused":
                await asyncio.sleep(0.05)
    await asyncio.gather(*(client() for _ in range(clients)))


def main() -> int:
    parser = base_arguments(__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--grace", type=float, default=25)
    parser.add_argument("--load-seconds", type=float, default=5, help="load before SIGTERM")
    args = parser.parse_args()
    image = image_bytes(640, 480, "JPEG")
    server = start_server(args, "--grace-period", f"{args.grace:g}")
    results: list = []
    signalled_at = exited_at = None

    async def scenario():
        nonlocal signalled_at, exited_at
        stop_at = time.monotonic() + args.load_seconds + args.grace + 5
        task = asyncio.create_task(load(server.port, image, args.clients, stop_at, results))
        await asyncio.sleep(args.load_seconds)
        signalled_at = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        while server.process.poll() is None and time.monotonic() < signalled_at + args.grace + 10:
            await asyncio.sleep(0.05)
        exited_at = time.monotonic()
        await task

    try:
        asyncio.run(scenario())
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    code = server.process.returncode
    accepted_before = [r for r in results if r.connected_at is not None and r.connected_at < signalled_at]
    after = [r for r in results if r.connected_at is None or r.connected_at >= signalled_at]
    before_outcomes = Counter(r.status or r.error for r in accepted_before)
    after_outcomes = Counter(r.status or r.error for r in after)
    incomplete = [r for r in accepted_before if r.status not in (200, 503)]
    drain_seconds = exited_at - signalled_at
    print(f"{args.clients} clients, SIGTERM after {args.load_seconds:g} s, grace {args.grace:g} s")
    print(f"accepted before SIGTERM: {len(accepted_before)} requests: {dict(before_outcomes)}")
    print(f"started after SIGTERM: {len(after)} requests: {dict(after_outcomes)}")
    print(f"depthd exit status {code} after {drain_seconds:.2f} s")
    ok = not incomplete and code == 0 and drain_seconds <= args.grace + 1 \
        and all(r.status in (200, 503) or r.error == "refused" for r in after)
    for r in incomplete[:5]:
        print(f"    incomplete: {r.status} {r.error} after {r.seconds:.2f} s")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
