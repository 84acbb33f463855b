"""The malformed/edge request suite as raw bytes, shared by the differential test (h11 vs our
parser) and the HTTP fuzz seed corpus (`python e2e/http/request_suite.py DIR` writes it).

Mirrors Tests/HTTPServerTests/MalformedRequestLiveTests.swift and the smuggling probes in
Tests/HTTPServerTests/SmugglingLiveTests.swift, plus well-formed pipelines.

Each case: (name, bytes, difference) where `difference` is None when h11 and our parser must
agree (same requests, same end offsets, or both reject), a `Stricter` saying why our parser
rejects what h11 accepts, or a `Lenient` saying why we accept what h11 rejects.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Stricter:
    """Our parser rejects what h11 accepts, and why that is right."""
    why: str


@dataclass(frozen=True)
class Lenient:
    """Our parser accepts what h11 rejects, and why framing is still not in doubt."""
    why: str


H = b"Host: t\r\n"

# Why our parser is stricter than h11, shared between cases.
BARE_LF = Stricter("bare LF line endings: RFC 9112 2.2 allows accepting them; we refuse (docs/http-server.md), h11 accepts")
METHOD_501 = Stricter("unknown method: we answer 501 (RFC 9110 9.1), h11 accepts any method token")
TARGET_FORM = Stricter("request-target form: we check asterisk-form is only for OPTIONS (RFC 9112 3.2.4); h11 does not")
CAP = Stricter("a size cap of ours (h11's limits differ); framing is not in question")
EXPECT = Stricter("an unsupported Expect is answered 417 (RFC 9110 10.1.1); h11 leaves expectations to the application")
TE_10 = Stricter("Transfer-Encoding in an HTTP/1.0 request: RFC 9112 6.1 says treat framing as faulty and close; h11 reads it as chunked")
CHUNK_EXT = Stricter("chunk extension over our 1 KiB line cap; h11 allows longer chunk lines")
TRAILER = Stricter("trailer section over our cap (431); h11 caps only the whole header buffer")
OBS_FOLD = Stricter("obs-fold: RFC 9112 5.2 lets a server reject it with 400; h11 unfolds it")
CL_TE = Stricter("Content-Length with Transfer-Encoding: RFC 9112 6.1 lets a server reject it (smuggling); we answer 400 and "
                 "close, h11 reads the body as chunked")

CASES: list[tuple[str, bytes, Stricter | Lenient | None]] = [
    # Well-formed, alone and pipelined.
    ("simple GET", b"GET / HTTP/1.1\r\n" + H + b"\r\n", None),
    ("GET with query", b"GET /a?b=c HTTP/1.1\r\n" + H + b"Accept: */*\r\n\r\n", None),
    ("POST with Content-Length", b"POST /up HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\nhello", None),
    ("POST chunked with extension and trailer",
     b"POST /up HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n", None),
    ("chunked, coding in capitals", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: Chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", None),
    ("pipelined GET, POST, GET",
     b"GET /1 HTTP/1.1\r\n" + H + b"\r\nPOST /2 HTTP/1.1\r\n" + H + b"Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n" + H + b"\r\n", None),
    ("pipelined chunked then GET",
     b"POST /1 HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /2 HTTP/1.1\r\n" + H + b"\r\n", None),
    ("HTTP/1.0 keep-alive then HTTP/1.1",
     b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\n" + H + b"\r\n", None),
    ("stray CRLF before request line", b"\r\nGET / HTTP/1.1\r\n" + H + b"\r\n",
     Lenient("RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line; h11 rejects it. "
             "The empty line carries no framing")),
    ("absolute-form target", b"GET http://t/echo?q=1 HTTP/1.1\r\n" + H + b"\r\n", None),
    ("asterisk-form OPTIONS", b"OPTIONS * HTTP/1.1\r\n" + H + b"\r\n", None),
    ("Expect 100-continue", b"POST / HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok", None),
    ("Content-Length with trailing whitespace", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 2 \r\n\r\nok", None),
    ("Content-Length with tab before value", b"POST / HTTP/1.1\r\n" + H + b"Content-Length:\t2\r\n\r\nok", None),
    # Malformed: the suite of MalformedRequestLiveTests.
    ("no Host on HTTP/1.1", b"GET / HTTP/1.1\r\n\r\n", None),
    ("two Host lines", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", None),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : t\r\n\r\n", None),
    ("obs-fold", b"GET / HTTP/1.1\r\n" + H + b"X: a\r\n b\r\n\r\n", OBS_FOLD),
    ("bare CR in value", b"GET / HTTP/1.1\r\n" + H + b"X: a\rb\r\n\r\n", None),
    ("NUL in value", b"GET / HTTP/1.1\r\n" + H + b"X: a\x00b\r\n\r\n", None),
    ("bare LF line endings", b"GET / HTTP/1.1\nHost: t\n\n", BARE_LF),
    ("illegal header name character", b"GET / HTTP/1.1\r\n" + H + b"X[1]: a\r\n\r\n", None),
    ("Content-Length with Transfer-Encoding",
     b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", CL_TE),
    ("differing duplicate Content-Length", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", None),
    ("identical duplicate Content-Length", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\nab", None),
    ("Content-Length list", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 2, 2\r\n\r\nab", None),
    ("Content-Length +1", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: +1\r\n\r\na", None),
    ("Content-Length 0x1", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 0x1\r\n\r\na", None),
    ("Content-Length 20 digits", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 00000000000000000001\r\n\r\na",
     Stricter("Content-Length over 19 digits: we refuse (Int64 range, no leading-zero games); h11 accepts 00..01 as 1")),
    ("Content-Length negative", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n", None),
    ("Content-Length space inside", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 1 2\r\n\r\nab", None),
    ("unknown transfer coding", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: zip\r\n\r\n", None),
    ("chunked not last", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked, gzip\r\n\r\n", None),
    ("chunked twice", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", None),
    ("Transfer-Encoding on HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", TE_10),
    ("chunk size overflow", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n1000000000000000000000\r\n", None),
    ("chunk size not hex", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nxyz\r\n", None),
    ("chunk data longer than declared",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n", None),
    ("chunk extension over the cap",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n1;" + b"e" * 2000 + b"\r\na\r\n0\r\n\r\n", CHUNK_EXT),
    ("trailers over the cap",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n0\r\nX: " + b"t" * 5000 + b"\r\n\r\n", TRAILER),
    ("bad method token", b"G(T / HTTP/1.1\r\n" + H + b"\r\n", None),
    ("unknown method", b"PURGE / HTTP/1.1\r\n" + H + b"\r\n", METHOD_501),
    ("HTTP/2.0", b"GET / HTTP/2.0\r\n" + H + b"\r\n",
     Stricter("HTTP/2.0 in an HTTP/1 request line: 505 (RFC 9110 15.6.6); h11 accepts any major version")),
    ("HTTP/1.x", b"GET / HTTP/1.x\r\n" + H + b"\r\n", None),
    ("double space in request line", b"GET  / HTTP/1.1\r\n" + H + b"\r\n", None),
    ("asterisk-form on GET", b"GET * HTTP/1.1\r\n" + H + b"\r\n", TARGET_FORM),
    ("target over the cap", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n", CAP),
    ("header over the cap", b"GET / HTTP/1.1\r\n" + H + b"X: " + b"h" * 17000 + b"\r\n\r\n", CAP),
    ("too many headers", b"GET / HTTP/1.1\r\n" + H + b"".join(b"X-%d: v\r\n" % i for i in range(101)) + b"\r\n", CAP),
    ("unsupported expectation", b"POST / HTTP/1.1\r\n" + H + b"Expect: magic\r\nContent-Length: 0\r\n\r\n", EXPECT),
    # Smuggling probes (CL.TE, TE.CL, TE.TE obfuscations, Content-Length with whitespace).
    ("CL.TE", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGPOST / HTTP/1.1\r\n" + H + b"\r\n", CL_TE),
    ("TE.CL xchunked", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n", None),
    ("TE.TE second bogus TE line",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\nGET /s HTTP/1.1\r\n" + H + b"\r\n", None),
    ("TE.TE space before colon",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", None),
    ("TE.TE vertical tab", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n", None),
    ("TE.TE quoted", b'POST / HTTP/1.1\r\n' + H + b'Transfer-Encoding: "chunked"\r\n\r\n0\r\n\r\n', None),
    ("TE.TE identity then chunked", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", None),
    ("TE.TE leading-space line",
     b"POST / HTTP/1.1\r\n" + H + b"X: y\r\n Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", OBS_FOLD),
    ("TE.TE bare-LF separated",
     b"POST / HTTP/1.1\r\n" + H + b"X: y\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", BARE_LF),
    ("CL space before colon", b"POST / HTTP/1.1\r\n" + H + b"Content-Length : 4\r\n\r\nGET /s HTTP/1.1\r\n" + H + b"\r\n", None),
    ("CL vertical tab", b"POST / HTTP/1.1\r\n" + H + b"Content-Length:\x0b4\r\n\r\nabcd", None),
    ("CL with comma list differing", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 4, 5\r\n\r\nabcde", None),
    ("chunk size with leading space", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n 1\r\na\r\n0\r\n\r\n", None),
    ("chunk size with 0x", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n", None),
    ("chunk data ends with bare LF",
     b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\nGET /s HTTP/1.1\r\n" + H + b"\r\n", None),
]


def write_corpus(directory: Path) -> None:
    """One seed file per case; the first byte is the fuzz target's split point (middle of the input)."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, (_, data, _) in enumerate(CASES):
        if len(data) > 4000:
            continue
        (directory / f"suite-{index:02d}").write_bytes(bytes([len(data) // 2 % 256]) + data)


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]))
