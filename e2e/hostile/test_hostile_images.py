"""Decoder hostile files through the live service (issue 6 item 4): every committed hostile image
(Tests/ImageIOTests/Fixtures/hostile_*) POSTed to a real `depthd serve` is answered with the
right 4xx as application/problem+json whose `detail` says what is wrong, never a 5xx and never an
image; the server stays ready afterwards.

Run: .venv/bin/python -m pytest e2e/hostile -q --depthd .build/debug/depthd
"""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from depth_client import post_depth

FIXTURES = Path(__file__).resolve().parents[2] / "Tests" / "ImageIOTests" / "Fixtures"

# file -> (status, problem type suffix, words the detail must contain (lower case))
UNDECODABLE = "undecodable-image"
# A real image in a format depthd does not decode: 415 (RFC 9110 15.5.16 allows judging the data itself).
UNSUPPORTED = "unsupported-media-type"
EXPECTED = {
    "hostile_empty.bin": (400, None, ["empty"]),
    "hostile_text.txt": (400, UNDECODABLE, ["not an image"]),
    "hostile_header.gif": (415, UNSUPPORTED, ["gif", "jpeg and png"]),
    "hostile_header.bmp": (415, UNSUPPORTED, ["bmp", "jpeg and png"]),
    "hostile_header.webp": (415, UNSUPPORTED, ["webp", "jpeg and png"]),
    "hostile_header.tif": (415, UNSUPPORTED, ["tiff", "jpeg and png"]),
    "hostile_header.heic": (415, UNSUPPORTED, ["heic", "jpeg and png"]),
    "hostile_truncated.jpg": (400, UNDECODABLE, ["truncated", "jpeg"]),
    "hostile_truncated_header.jpg": (400, UNDECODABLE, ["jpeg"]),
    "hostile_truncated_progressive.jpg": (400, UNDECODABLE, ["truncated", "jpeg"]),
    "hostile_corrupt_data.jpg": (400, UNDECODABLE, ["jpeg"]),
    "hostile_zero_height.jpg": (400, UNDECODABLE, ["jpeg"]),
    "hostile_many_scans.jpg": (400, UNDECODABLE, ["scans"]),
    "hostile_huge_dimensions.jpg": (413, "image-too-large", ["60000x60000"]),
    "hostile_truncated.png": (400, UNDECODABLE, ["truncated", "png"]),
    "hostile_no_iend.png": (400, UNDECODABLE, ["png"]),
    "hostile_bad_crc.png": (400, UNDECODABLE, ["crc"]),
    "hostile_zero_width.png": (400, UNDECODABLE, ["png"]),
    "hostile_huge_dimensions.png": (413, "image-too-large", ["100000x100000", "65500"]),
}


def test_every_committed_hostile_file_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.glob("hostile_*")) == sorted(EXPECTED)


# Every file as a sniffed upload; the JPEG and PNG ones also under their own media type.
DECLARED = {".jpg": "image/jpeg", ".png": "image/png"}
CASES = [(name, "application/octet-stream") for name in sorted(EXPECTED)] + [
    (name, DECLARED[Path(name).suffix]) for name in sorted(EXPECTED) if Path(name).suffix in DECLARED]


@pytest.mark.parametrize("name,content_type", CASES)
def test_hostile_image_gets_a_clear_4xx_and_the_service_stays_ready(depthd, name, content_type):
    status, headers, body = post_depth(depthd, (FIXTURES / name).read_bytes(), content_type=content_type, timeout=60)
    want_status, want_type, words = EXPECTED[name]
    assert status == want_status, f"{name}: {status} {body[:300]!r}"
    assert headers.get("Content-Type", "").startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == want_status
    if want_type:
        assert problem["type"].endswith("/" + want_type), problem
    detail = problem.get("detail", "").lower()
    for word in words:
        assert word in detail, f"{name}: detail {problem.get('detail')!r} lacks {word!r}"
    with urllib.request.urlopen(depthd + "/readyz", timeout=10) as ready:
        assert ready.status == 200
