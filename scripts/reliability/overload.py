#!/usr/bin/env python3
"""Overload (issue 6 item 6): measure the service's capacity with a closed loop, then drive it
open-loop at several times that rate for 60 s with depth requests on fresh connections. Prints
statuses, latencies of the 200s, 503s without Retry-After, requests that hung past their
deadline, and RSS / open fds before, at peak and after a rest. The overload runs twice (--rounds):
glibc keeps freed memory in its arenas, so RSS after the first round is the new resting level, and
a leak shows as growth from round to round. PASS when only 200s and 503s (with Retry-After) came
back, none hung, fds returned to rest, and RSS grew under 5% from the first round to the last.

    .venv/bin/python scripts/reliability/overload.py [--factor 4] [--seconds 60] [--rounds 2]
Runs about rounds x (seconds + 15) + 15 s.
"""
from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_arguments, finish, depth_request, describe_latencies, image_bytes, served  # noqa: E402

DEADLINE = 30.0  # seconds; no request may take longer (the server's request timeout is below it)


async def measure_capacity(port: int, image: bytes, concurrency: int, seconds: float) -> float:
    """Requests per second the server completes with `concurrency` clients always waiting."""
    done = 0
    stop = time.monotonic() + seconds

    async def client():
        nonlocal done
        while time.monotonic() < stop:
            if (await depth_request(port, image, timeout=DEADLINE)).status == 200:
                done += 1
    start = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.monotonic() - start)


async def open_loop(port: int, image: bytes, rate: float, seconds: float, server, samples: list):
    """Starts `rate` requests per second whatever the answers, for `seconds`."""
    tasks = []
    start = time.monotonic()
    next_sample = start
    n = 0
    while (now := time.monotonic()) < start + seconds:
        if now >= next_sample:
            samples.append((server.rss_kib(), server.fd_count()))
            next_sample += 1
        target = start + n / rate
        if target > now:
            await asyncio.sleep(target - now)
        tasks.append(asyncio.create_task(depth_request(port, image, timeout=DEADLINE)))
        n += 1
    return await asyncio.gather(*tasks)


def main() -> int:
    parser = base_arguments(__doc__)
    parser.add_argument("--factor", type=float, default=4.0, help="offered load as a multiple of capacity")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    image = image_bytes(640, 480, "JPEG")
    ok = True
    with served(args) as server:
        time.sleep(2)
        rest = (server.rss_kib(), server.fd_count())
        capacity = asyncio.run(measure_capacity(server.port, image, concurrency=4, seconds=10))
        time.sleep(3)
        rest = (server.rss_kib(), server.fd_count())
        rate = max(1.0, capacity * args.factor)
        print(f"capacity {capacity:.1f} req/s (4 closed-loop clients, 10 s); resting RSS {rest[0]} KiB, {rest[1]} fds")
        print(f"offering {rate:.1f} req/s ({args.factor:g}x) for {args.seconds:g} s", flush=True)
        afters = []
        for round_number in range(1, args.rounds + 1):
            samples: list = []
            started = time.monotonic()
            results = asyncio.run(open_loop(server.port, image, rate, args.seconds, server, samples))
            elapsed = time.monotonic() - started
            time.sleep(10)
            after = (server.rss_kib(), server.fd_count())
            afters.append(after)
            statuses = Counter(r.status if r.status is not None else r.error for r in results)
            ok_latencies = [r.seconds for r in results if r.status == 200]
            rejected = [r for r in results if r.status == 503]
            no_retry_after = [r for r in rejected if "retry-after" not in r.headers]
            unexpected = {k: v for k, v in statuses.items() if k not in (200, 503)}
            hung = [r for r in results if r.seconds >= DEADLINE]
            peak = (max(s[0] for s in samples), max(s[1] for s in samples)) if samples else after
            print(f"round {round_number}: {len(results)} requests in {elapsed:.0f} s: {dict(statuses)}")
            print(f"  200s: {describe_latencies(ok_latencies)}; throughput {len(ok_latencies) / elapsed:.1f} req/s")
            print(f"  503s: {describe_latencies([r.seconds for r in rejected])}; without Retry-After: {len(no_retry_after)}")
            print(f"  hung past {DEADLINE:g} s: {len(hung)}; other outcomes: {unexpected or 'none'}")
            print(f"  RSS KiB rest/peak/10 s after: {rest[0]}/{peak[0]}/{after[0]}; "
                  f"fds rest/peak/10 s after: {rest[1]}/{peak[1]}/{after[1]}", flush=True)
            ok = ok and not unexpected and not no_retry_after and not hung and after[1] <= rest[1] + 2
        growth = 100 * (afters[-1][0] - afters[0][0]) / afters[0][0]
        print(f"RSS after round 1 -> after round {args.rounds}: {afters[0][0]} -> {afters[-1][0]} KiB ({growth:+.1f}%)")
        ok = ok and growth < 5
    return finish(server, ok)


if __name__ == "__main__":
    sys.exit(main())
