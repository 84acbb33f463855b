#!/usr/bin/env python3
"""Soak (issue 6 item 7): 20,000 mixed requests against one `depthd serve`: valid JPEG and PNG
photos of several sizes, bad images, malformed HTTP, and connections dropped mid-request. Prints
the outcome counts, RSS after warm-up and at the end, and open fds; PASS when RSS grew under 5%
after warm-up, fds came back to their level, and no 5xx came back other than designed 503s.

    .venv/bin/python scripts/reliability/soak.py [--requests 20000] [--concurrency 8] [--max-minutes 40]
"""
from __future__ import annotations

import asyncio
import random
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_arguments, finish, depth_request, http_request, image_bytes, served  # noqa: E402

WARMUP_FRACTION = 0.1


def workload() -> list[tuple[str, dict]]:
    """(kind, request arguments) to draw from, with their expected statuses."""
    valid = []
    for i, (w, h) in enumerate([(64, 48), (320, 240), (640, 480), (1280, 960), (480, 640)]):
        valid.append((f"jpeg {w}x{h}", dict(image=image_bytes(w, h, "JPEG", seed=i), content_type="image/jpeg")))
        valid.append((f"png {w}x{h}", dict(image=image_bytes(w, h, "PNG", seed=i), content_type="image/png")))
    jpeg = valid[2][1]["image"]
    png = valid[3][1]["image"]
    bad = [
        ("truncated jpeg", dict(image=jpeg[: len(jpeg) // 2], content_type="image/jpeg")),
        ("truncated png", dict(image=png[: len(png) // 2], content_type="image/png")),
        ("text as image", dict(image=b"this is not an image at all", content_type="application/octet-stream")),
        ("empty body", dict(image=b"", content_type="image/jpeg")),
    ]
    return valid + bad


# Malformed HTTP and the status each is designed to get (505 is the answer to HTTP/2.0, not a fault).
MALFORMED = [
    (b"GET / HTTP/1.1\r\n\r\n", 400),
    (b"POST /v1/depth HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    (b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
    (b"G\x00T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    (b"POST /v1/depth HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", 400),
]


async def dropped(port: int, image: bytes) -> str:
    """Sends a head and half the body, then closes without waiting."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"POST /v1/depth HTTP/1.1\r\nHost: t\r\nContent-Type: image/jpeg\r\n"
                     f"Content-Length: {len(image)}\r\n\r\n".encode() + image[: len(image) // 2])
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        return "dropped"
    except OSError as error:
        return f"dropped-error {error.errno}"


def pool_kept_kib(port: int) -> int | None:
    """What depthd's buffer pool keeps for reuse (depthd_buffer_pool_kept_bytes), in KiB; None without it."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            for line in response.read().decode().splitlines():
                if line.startswith("depthd_buffer_pool_kept_bytes "):
                    return int(float(line.split()[1])) // 1024
    except OSError:
        pass
    return None


async def run(port: int, count: int, concurrency: int, deadline: float, server, checkpoints: dict):
    rng = random.Random(2014)
    kinds = workload()
    outcomes: Counter = Counter()
    by_kind: Counter = Counter()
    issued = 0
    warmup_at = int(count * WARMUP_FRACTION)

    async def worker():
        nonlocal issued
        while issued < count and time.monotonic() < deadline:
            issued += 1
            if issued == warmup_at:
                checkpoints["warm"] = (server.rss_kib(), server.fd_count())
                checkpoints["warm pool"] = await asyncio.to_thread(pool_kept_kib, port)
            roll = rng.random()
            if roll < 0.08:
                raw, designed = rng.choice(MALFORMED)
                result = await http_request(port, "", "", raw=raw, timeout=30)
                key = ("malformed" if result.status == designed else "malformed, not as designed",
                       result.status or result.error)
            elif roll < 0.12:
                key = ("dropped", await dropped(port, kinds[2][1]["image"]))
            else:
                name, request = rng.choice(kinds)
                result = await depth_request(port, request["image"], request["content_type"], timeout=60)
                key = (name.split()[0] if result.status == 200 else name, result.status or result.error)
            if key[0] != "dropped":
                outcomes[key[1]] += 1
            by_kind[key] += 1
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return issued, outcomes, by_kind


def main() -> int:
    parser = base_arguments(__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-minutes", type=float, default=40)
    args = parser.parse_args()
    ok = True
    with served(args) as server:
        checkpoints: dict = {"start": (server.rss_kib(), server.fd_count())}
        started = time.monotonic()
        issued, outcomes, by_kind = asyncio.run(
            run(server.port, args.requests, args.concurrency, started + args.max_minutes * 60, server, checkpoints))
        elapsed = time.monotonic() - started
        time.sleep(5)
        end = (server.rss_kib(), server.fd_count())
        warm = checkpoints.get("warm", checkpoints["start"])
        growth = 100 * (end[0] - warm[0]) / warm[0]
        server_errors = {f"{kind}: {status}": n for (kind, status), n in by_kind.items()
                         if isinstance(status, int) and status >= 500 and status != 503 and kind != "malformed"}
        misanswered = {status: n for (kind, status), n in by_kind.items() if kind == "malformed, not as designed"}
        transport = {k: v for k, v in outcomes.items() if not isinstance(k, int)}
        print(f"{issued} requests in {elapsed:.0f} s ({issued / elapsed:.1f} req/s), concurrency {args.concurrency}")
        print(f"statuses: {dict(sorted((str(k), v) for k, v in outcomes.items()))}")
        for (kind, outcome), n in sorted(by_kind.items(), key=lambda item: str(item[0])):
            print(f"    {kind}: {outcome} x{n}")
        print(f"RSS KiB start/after warm-up ({int(args.requests * WARMUP_FRACTION)} requests)/end: "
              f"{checkpoints['start'][0]}/{warm[0]}/{end[0]} (growth after warm-up {growth:+.2f}%)")
        print(f"fds start/after warm-up/end: {checkpoints['start'][1]}/{warm[1]}/{end[1]}")
        # Part of the resident size is the buffer pool's kept blocks (bounded by its limit).
        print(f"buffer pool kept KiB after warm-up/end: {checkpoints.get('warm pool')}/{pool_kept_kib(server.port)}")
        print(f"5xx other than 503 (and the designed 505 to HTTP/2.0): {server_errors or 'none'}; "
              f"malformed HTTP not answered as designed: {misanswered or 'none'}; no response: {transport or 'none'}")
        ok = issued >= args.requests and growth < 5 and end[1] <= warm[1] + 2 and not server_errors and not misanswered
    return finish(server, ok)


if __name__ == "__main__":
    sys.exit(main())
