"""Differential check (issue 6 item 2): every request of the malformed/edge suite through h11 and
through our parser (HTTPRequestParser, via the http-parse-probe executable). Where a request ends
is where smuggling lives, so for each case both must accept the same requests ending at the same
offsets, or both must reject; a case where our parser deliberately differs says why in
request_suite.py, and the test asserts the difference is exactly that (so the note stays true).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import h11
import pytest

from request_suite import CASES, Lenient, Stricter


@pytest.fixture(scope="session")
def probe(request) -> Path:
    depthd = Path(request.config.getoption("--depthd") or Path(__file__).resolve().parents[2] / ".build/debug/depthd")
    binary = depthd.with_name("http-parse-probe")
    if not binary.is_file():
        pytest.fail(f"no {binary}: run `swift build` first")
    return binary


def ours(probe: Path, data: bytes) -> tuple[list[tuple[str, str, int, int]], int | None]:
    """(method, target, body length, end offset) per request, and the error status or None."""
    out = json.loads(subprocess.run([str(probe)], input=data, capture_output=True, check=True, timeout=30).stdout)
    requests = [(r["method"], r["target"], r["body_length"], r["end"]) for r in out["requests"]]
    return requests, (out["error"] or {}).get("status")


def h11s(data: bytes) -> tuple[list[tuple[str, str, int, int]], int | None]:
    """The same through h11 as a server: feed everything, answer each request, move to the next.

    Our probe frames every request in the bytes whatever their keep-alive says; where h11 would
    close the connection (HTTP/1.0, Connection: close) a fresh h11 connection reads the rest, so
    the framing of what follows is still compared.
    """
    requests: list[tuple[str, str, int, int]] = []
    offset = 0
    while True:
        conn = h11.Connection(h11.SERVER)
        conn.receive_data(data[offset:])
        method = target = None
        body = 0
        try:
            while True:
                event = conn.next_event()
                if isinstance(event, h11.Request):
                    method, target, body = event.method.decode(), event.target.decode(), 0
                elif isinstance(event, h11.Data):
                    body += len(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    end = len(data) - len(conn.trailing_data[0])
                    requests.append((method, target, body, end))
                    conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
                    conn.send(h11.EndOfMessage())
                    if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                        offset = end
                        break  # h11 closes here; a fresh connection reads what follows
                    conn.start_next_cycle()
                else:  # NEED_DATA, PAUSED or ConnectionClosed: nothing more is complete
                    return requests, None
        except h11.RemoteProtocolError as error:
            return requests, error.error_status_hint
        if offset >= len(data):
            return requests, None


@pytest.mark.parametrize("name,data,difference", CASES, ids=[c[0] for c in CASES])
def test_h11_and_our_parser_agree_where_each_request_ends(probe, name, data, difference):
    our_requests, our_error = ours(probe, data)
    their_requests, their_error = h11s(data)
    if difference is None:
        # The same requests, ending at the same offsets; then both reject, or neither does.
        assert our_requests == their_requests, f"{name}: ours {our_requests}, h11 {their_requests}"
        assert (our_error is None) == (their_error is None), f"{name}: our error {our_error}, h11's {their_error}"
    elif isinstance(difference, Stricter):
        # We reject where h11 accepts; every request before our rejection still ends where h11's does.
        assert our_error is not None, f"{name}: documented as stricter, but we accepted it ({difference.why})"
        assert len(their_requests) > len(our_requests), f"{name}: h11 rejects it too ({their_error}), so the note is stale"
        assert our_requests == their_requests[:len(our_requests)]
    else:
        assert isinstance(difference, Lenient)
        assert our_error is None and our_requests, f"{name}: documented as lenient, but we rejected it"
        assert their_error is not None, f"{name}: h11 accepts it too, so the note is stale"
        assert our_requests[-1][3] == len(data), "we consume the whole input"


def test_suite_covers_the_framing_cases():
    names = {c[0] for c in CASES}
    for required in ["CL.TE", "TE.CL xchunked", "differing duplicate Content-Length", "chunked not last",
                     "Content-Length with Transfer-Encoding", "chunk data longer than declared"]:
        assert required in names
