"""Metric depth outputs as a user loads them, against a live `depthd serve` (bundled model):
`.npy` through NumPy, PLY through a plain NumPy reader, the JSON fields, and the curl lines of the
README (the same requests, sent from here).
"""
from __future__ import annotations

import io
import json
import math
import urllib.request

import numpy as np
import pytest
from PIL import Image

from depth_client import post_depth


def small_jpeg(photo, width=320) -> bytes:
    image = Image.open(photo).convert("RGB")
    image = image.resize((width, round(image.height * width / image.width)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def read_ply(data: bytes) -> tuple[dict, np.ndarray]:
    """(header comments, structured vertex array) of a binary little-endian PLY."""
    end = data.index(b"end_header\n") + len(b"end_header\n")
    lines = data[:end].decode("ascii").splitlines()
    assert lines[0] == "ply" and "format binary_little_endian 1.0" in lines
    count = int(next(line for line in lines if line.startswith("element vertex")).split()[-1])
    comments = dict(line.split(" ", 2)[1:] for line in lines if line.startswith("comment ") and line.count(" ") >= 2)
    dtype = np.dtype([("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("red", "u1"), ("green", "u1"), ("blue", "u1")])
    vertices = np.frombuffer(data[end:], dtype=dtype)
    assert len(vertices) == count
    return comments, vertices


def test_npy_loads_with_numpy_and_equals_the_json_values(depthd, photo):
    body = small_jpeg(photo)
    status, headers, npy = post_depth(depthd, body, "format=npy")
    assert status == 200, npy[:300]
    assert headers["Content-Type"] == "application/x-npy"
    depth = np.load(io.BytesIO(npy))
    assert depth.dtype == np.float32 and depth.ndim == 2
    status, _, text = post_depth(depthd, body, "format=json")
    answer = json.loads(text)
    assert depth.shape == (answer["height"], answer["width"])
    values = np.array(answer["depth"], dtype=np.float64).reshape(depth.shape)
    estimate = np.isfinite(depth)
    assert np.array_equal(estimate, values > 0), "NaN in the .npy exactly where JSON says 0 (no estimate)"
    assert np.max(np.abs(depth[estimate] - values[estimate])) <= 0.0005 + 1e-6, "equal to the JSON's millimetres"
    assert headers["X-Depth-Focal-Px"] == f"{answer['focal_px']:.2f}"
    assert headers["X-Depth-Scale-Source"] == answer["scale_source"]


def test_point_cloud_loads_and_projects_back_onto_the_photo(depthd, photo):
    body = small_jpeg(photo, width=200)
    status, headers, data = post_depth(depthd, body, "format=ply&focal_px=180&step=2")
    assert status == 200, data[:300]
    comments, v = read_ply(data)
    assert comments["scale_source"] == "request" and float(comments["focal_px"]) == 180.0
    assert len(v) > 0
    width, height = Image.open(io.BytesIO(body)).size
    u = 180 * v["x"] / v["z"] + width / 2
    w = 180 * v["y"] / v["z"] + height / 2
    off_grid = lambda c: np.abs((c - 0.5 + 1) % 2 - 1)  # distance to the nearest centre of an even pixel
    assert off_grid(u).max() < 2e-3 and off_grid(w).max() < 2e-3, "every point is on a pixel centre of the step-2 grid"
    _, _, npy = post_depth(depthd, body, "format=npy&focal_px=180")
    depth = np.load(io.BytesIO(npy))
    columns, rows = np.floor(u).astype(int), np.floor(w).astype(int)
    assert np.allclose(v["z"], depth[rows, columns], atol=1e-5)


def test_known_distance_rescales_and_points_read_it_back(depthd, photo):
    body = small_jpeg(photo)
    status, headers, text = post_depth(depthd, body, "format=json&known=160,100,2.0&points=160,100")
    assert status == 200, text[:300]
    answer = json.loads(text)
    assert headers["X-Depth-Scale-Source"] == "known" and answer["scale_source"] == "known"
    assert answer["points"][0]["depth"] == pytest.approx(2.0, abs=0.001)
    x, y, z = answer["points"][0]["position"]
    assert z == pytest.approx(2.0, abs=0.001)
    assert x == pytest.approx((160.5 - 160) * 2.0 / answer["focal_px"], abs=0.002)
    assert answer["known_fit"]["residual"] == 0


@pytest.mark.parametrize("query,parameter", [
    ("focal_px=-3", "focal_px"), ("fov_deg=200", "fov_deg"), ("focal_px=500&fov_deg=60", "fov_deg"),
    ("format=ply&step=0", "step"), ("format=json&points=1;2", "points"), ("known=1,1,0", "known"),
    ("format=color&min_m=3&max_m=2", "max_m"),
])
def test_bad_values_are_400_problems_naming_the_parameter(depthd, photo, query, parameter):
    status, headers, text = post_depth(depthd, small_jpeg(photo), query)
    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(text)["parameter"] == parameter


def test_model_states_its_camera(depthd):
    with urllib.request.urlopen(f"{depthd}/v1/model", timeout=30) as response:
        camera = json.load(response)["camera"]
    assert camera["width"] == 320 and camera["focal_px"] > 0
    assert camera["fov_deg"] == pytest.approx(2 * math.degrees(math.atan(160 / camera["focal_px"])), abs=0.01)
