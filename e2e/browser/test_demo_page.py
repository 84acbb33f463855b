"""The demo page at GET /, driven in headless Chromium against a real `depthd serve`.

A real photo goes in through the page's file input exactly as a person's would; the checks read
what the page shows and compare it with what the API itself answers for the same bytes.
"""
from __future__ import annotations

import base64
import json
import os
import re
import struct
import tempfile
from pathlib import Path

import pytest
from PIL import Image

import depth_client
from cdp import Browser

REPO = Path(__file__).resolve().parents[2]
# The README's picture of the page (docs/demo.png) is refreshed only when asked
# (DEPTHD_DEMO_SCREENSHOT=docs/demo.png), so that a test run leaves the tree as it was.
SCREENSHOT_TO = os.environ.get("DEPTHD_DEMO_SCREENSHOT")


@pytest.fixture(scope="module")
def browser():
    # Tall enough that the whole page fits the viewport, so the screenshot keeps the hover state.
    b = Browser(width=1200, height=1300)
    b.call("Page.enable")
    b.call("Runtime.enable")
    yield b
    b.close()


def open_page(browser: Browser, url: str) -> None:
    browser.call("Page.navigate", url=url + "/")
    browser.wait_event("Page.loadEventFired")


def choose_file(browser: Browser, path: Path) -> None:
    """Sets the page's <input type=file id=file> the way a person choosing a file does (fires change)."""
    root = browser.call("DOM.getDocument")["root"]["nodeId"]
    node = browser.call("DOM.querySelector", nodeId=root, selector="#file")["nodeId"]
    browser.call("DOM.setFileInputFiles", nodeId=node, files=[str(path)])


def post_depth(url: str, body: bytes, fmt: str) -> tuple[int, bytes]:
    status, _, answer = depth_client.post_depth(url, body, f"format={fmt}&size=input")
    return status, answer


def depth_grid(answer: dict) -> tuple[int, int, list]:
    """(width, height, row-major depths in metres) from a format=json answer (openapi DepthMap)."""
    assert answer["unit"] == "m"
    assert len(answer["depth"]) == answer["width"] * answer["height"]
    return answer["width"], answer["height"], answer["depth"]


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", data[16:26])
    return width, height, bit_depth, colour_type


def test_uploaded_photo_gets_a_same_size_colour_preview_and_a_depth_readout_in_metres(browser, depthd, photo, tmp_path):
    open_page(browser, depthd)
    choose_file(browser, photo)
    browser.wait_for("document.getElementById('preview').naturalWidth > 0 || !document.getElementById('error').hidden")
    assert browser.evaluate("document.getElementById('error').hidden"), \
        browser.evaluate("document.getElementById('error').textContent")

    width, height = Image.open(photo).size
    shown = browser.evaluate("""(() => {
        const box = (id) => { const r = document.getElementById(id).getBoundingClientRect();
                              return [r.left, r.top, r.width, r.height]; };
        const p = document.getElementById('preview');
        return {natural: [p.naturalWidth, p.naturalHeight], photo: box('photo'), preview: box('preview')};
    })()""")
    # size=input: the preview has the photo's pixel dimensions, and both are shown at the same size.
    assert shown["natural"] == [width, height]
    assert abs(shown["photo"][2] - shown["preview"][2]) < 1 and abs(shown["photo"][3] - shown["preview"][3]) < 1
    assert shown["preview"][2] > 100

    # Hover over the middle of the preview: the readout names the pixel and its depth in metres.
    left, top, w, h = shown["preview"]
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=left + w * 0.5, y=top + h * 0.55)
    readout = browser.wait_for("(t => /\\d+\\.\\d+ m$/.test(t) && t)(document.getElementById('readout').textContent)",
                               timeout=10)
    match = re.fullmatch(r"Depth at \((\d+), (\d+)\): (\d+\.\d+) m", readout)
    assert match, readout
    x, y, shown_metres = int(match[1]), int(match[2]), float(match[3])

    # The same bytes through the API: the page shows the value the service computed at that pixel.
    status, body = post_depth(depthd, photo.read_bytes(), "json")
    assert status == 200, body[:500]
    grid_width, grid_height, values = depth_grid(json.loads(body))
    assert (grid_width, grid_height) == (width, height)
    assert abs(x - int(width * 0.5)) <= 1 and abs(y - int(height * 0.55)) <= 1
    expected = values[y * grid_width + x]
    assert 0.1 < expected < 100, f"implausible depth {expected} m at ({x}, {y})"
    assert shown_metres == pytest.approx(expected, abs=0.006)

    screenshot = REPO / SCREENSHOT_TO if SCREENSHOT_TO else tmp_path / "demo.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
    shot = browser.call("Page.captureScreenshot", format="png",
                        clip={"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 1300), "scale": 1})
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    assert png_header(screenshot.read_bytes())[0] >= 1000


def test_download_button_saves_the_16_bit_depth_png_of_the_original_photo(browser, depthd, photo):
    open_page(browser, depthd)
    choose_file(browser, photo)
    browser.wait_for("!document.getElementById('download').disabled", timeout=120)
    with tempfile.TemporaryDirectory(prefix="depthd-download-") as folder:
        browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=folder, eventsEnabled=True)
        browser.evaluate("document.getElementById('download').click()")
        browser.wait_event("Browser.downloadProgress", timeout=120,
                           predicate=lambda p: p.get("state") in ("completed", "canceled"))
        files = list(Path(folder).iterdir())
        assert [f.name for f in files] == [photo.stem + "-depth16.png"]
        width, height, bit_depth, colour_type = png_header(files[0].read_bytes())
    assert (width, height) == Image.open(photo).size
    assert (bit_depth, colour_type) == (16, 0)  # 16-bit grayscale, millimetres


def test_arrow_keys_move_the_depth_probe_on_the_focused_preview(browser, depthd, photo):
    open_page(browser, depthd)
    choose_file(browser, photo)
    browser.wait_for("!document.getElementById('download').disabled", timeout=120)
    browser.evaluate("document.getElementById('preview').focus()")
    pattern = r"Depth at \((\d+), (\d+)\): \d+\.\d+ m"
    start = re.fullmatch(pattern, browser.evaluate("document.getElementById('readout').textContent"))
    assert start, browser.evaluate("document.getElementById('readout').textContent")
    for _ in range(3):
        for kind in ("keyDown", "keyUp"):
            browser.call("Input.dispatchKeyEvent", type=kind, key="ArrowRight", code="ArrowRight",
                         windowsVirtualKeyCode=39)
    moved = re.fullmatch(pattern, browser.evaluate("document.getElementById('readout').textContent"))
    assert moved
    width = Image.open(photo).size[0]
    assert int(moved[2]) == int(start[2])
    assert abs(int(moved[1]) - int(start[1]) - round(0.06 * width)) <= 1
    assert browser.evaluate("document.getElementById('readout').getAttribute('aria-live')") == "polite"


def test_photo_dropped_on_the_drop_zone_is_analysed(browser, depthd, photo):
    open_page(browser, depthd)
    left, top, w, h = browser.evaluate(
        "(r => [r.left, r.top, r.width, r.height])(document.getElementById('drop').getBoundingClientRect())")
    x, y = left + w / 2, top + h / 2
    data = {"items": [], "files": [str(photo)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        browser.call("Input.dispatchDragEvent", type=kind, x=x, y=y, data=data)
    browser.wait_for("document.getElementById('preview').naturalWidth > 0 || !document.getElementById('error').hidden",
                     timeout=120)
    assert browser.evaluate("document.getElementById('error').hidden"), \
        browser.evaluate("document.getElementById('error').textContent")
    assert browser.evaluate("[preview.naturalWidth, preview.naturalHeight]") == list(Image.open(photo).size)


def test_undecodable_photo_shows_the_services_problem_detail(browser, depthd, photo):
    with tempfile.TemporaryDirectory(prefix="depthd-bad-") as folder:
        truncated = Path(folder) / "truncated.jpg"
        truncated.write_bytes(photo.read_bytes()[:300])
        status, body = post_depth(depthd, truncated.read_bytes(), "color")
        assert status == 400
        detail = json.loads(body)["detail"]
        assert detail

        open_page(browser, depthd)
        choose_file(browser, truncated)
        shown = browser.wait_for("(e => !e.hidden && e.textContent)(document.getElementById('error'))", timeout=60)
    assert detail in shown
    assert browser.evaluate("document.getElementById('preview').naturalWidth") == 0
    assert browser.evaluate("document.getElementById('download').disabled")


def click(browser: Browser, x: float, y: float) -> None:
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def median_depth(values: list, width: int, height: int, x: int, y: int) -> float:
    """The page's robust depth: the median over the 5x5 window around (x, y), edges clamped."""
    found = sorted(values[min(height - 1, max(0, y + dy)) * width + min(width - 1, max(0, x + dx))]
                   for dy in range(-2, 3) for dx in range(-2, 3))
    found = [v for v in found if v > 0]
    middle = len(found) // 2
    return found[middle] if len(found) % 2 else (found[middle - 1] + found[middle]) / 2


def test_two_clicked_points_read_their_distance_in_3d_and_the_focal_length_is_shown(browser, depthd, photo):
    open_page(browser, depthd)
    choose_file(browser, photo)
    browser.wait_for("!document.getElementById('download').disabled", timeout=120)
    status, body = post_depth(depthd, photo.read_bytes(), "json")
    assert status == 200
    answer = json.loads(body)
    width, height, values = depth_grid(answer)

    # The focal length the scale used, and where it came from (this photo has no lens EXIF).
    camera = browser.evaluate("document.getElementById('camera').textContent")
    assert answer["scale_source"] == "model"
    assert camera.startswith(f"Focal length {answer['focal_px']:.1f} px, the model's own camera"), camera

    left, top, w, h = browser.evaluate(
        "(r => [r.left, r.top, r.width, r.height])(document.getElementById('preview').getBoundingClientRect())")
    click(browser, left + w * 0.3, top + h * 0.4)
    click(browser, left + w * 0.7, top + h * 0.8)
    text = browser.wait_for("(t => /m apart/.test(t) && t)(document.getElementById('distance').textContent)", timeout=10)
    match = re.match(r"A \((\d+), (\d+)\) to B \((\d+), (\d+)\): (\d+\.\d+) m apart in 3D", text)
    assert match, text
    ax, ay, bx, by, shown = int(match[1]), int(match[2]), int(match[3]), int(match[4]), float(match[5])
    assert abs(ax - int(width * 0.3)) <= 1 and abs(by - int(height * 0.8)) <= 1

    # The same pixels placed in 3D from the API's own answer: x = (u + 0.5 - W/2) z / f, ...
    def point(x, y):
        z = median_depth(values, width, height, x, y)
        f = answer["focal_px"]
        return ((x + 0.5 - width / 2) * z / f, (y + 0.5 - height / 2) * z / f, z)
    a, b = point(ax, ay), point(bx, by)
    expected = sum((p - q) ** 2 for p, q in zip(a, b)) ** 0.5
    assert expected > 0.05
    assert shown == pytest.approx(expected, abs=0.006)
    # Both picks are marked on both images; a third click starts a new measurement.
    assert browser.evaluate("[...document.querySelectorAll('.pick')].filter(p => p.style.display === 'block').length") == 4
    click(browser, left + w * 0.5, top + h * 0.5)
    assert browser.evaluate("document.getElementById('distance').textContent").endswith("click a second point.")


def test_photo_scaled_down_in_the_browser_keeps_its_exif_focal_length(browser, depthd):
    # A 1600x1200 photo (over the page's 800-pixel upload size) with a 26 mm equivalent lens in EXIF.
    image = Image.new("RGB", (1600, 1200), (90, 120, 150))
    for x in range(0, 1600, 100):
        image.paste((200, 180, 60), (x, 600, x + 50, 1200))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0xA405] = 26
    with tempfile.TemporaryDirectory(prefix="depthd-exif-") as folder:
        path = Path(folder) / "lens.jpg"
        image.save(path, "JPEG", quality=90, exif=exif.tobytes())
        status, body = post_depth(depthd, path.read_bytes(), "json")
        assert status == 200
        original = json.loads(body)
        assert original["scale_source"] == "exif"
        open_page(browser, depthd)
        choose_file(browser, path)
        browser.wait_for("!document.getElementById('download').disabled", timeout=120)
        camera = browser.evaluate("document.getElementById('camera').textContent")
    assert camera.startswith(f"Focal length {original['focal_px']:.1f} px, from the photo's EXIF (FocalLengthIn35mmFilm)"), camera
