"""The OpenAPI description at the repository root is valid OpenAPI 3.1 and covers issue 4's API.

Run: .venv/bin/python -m pytest e2e/contract -q
"""
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi.yaml"
RESOURCE_PATH = ROOT / "Sources" / "DepthService" / "Resources" / "openapi.yaml"


@pytest.fixture(scope="module")
def spec():
    document, _ = read_from_filename(str(SPEC_PATH))
    return document


def resolve(spec, node):
    """Follows a local $ref (one level is all this document uses)."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec)  # raises OpenAPIValidationError with the path of the first problem


def test_an_invalid_document_is_rejected(spec):
    """The validator really checks: a response without its required description fails."""
    broken = yaml.safe_load(SPEC_PATH.read_text())
    del broken["paths"]["/healthz"]["get"]["responses"]["200"]["description"]
    with pytest.raises(Exception):
        validate(broken)


def test_root_file_is_the_served_resource():
    """One copy: openapi.yaml at the root is a symlink to the SwiftPM resource the binary serves."""
    assert SPEC_PATH.is_symlink()
    assert SPEC_PATH.resolve() == RESOURCE_PATH.resolve()


@pytest.mark.parametrize(
    "path, method",
    [
        ("/v1/depth", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/v1/model", "get"),
        ("/openapi.yaml", "get"),
        ("/", "get"),
    ],
)
def test_every_endpoint_is_described(spec, path, method):
    assert method in spec["paths"][path]


def test_depth_accepts_raw_and_multipart_bodies(spec):
    body = spec["paths"]["/v1/depth"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"image/jpeg", "image/png", "application/octet-stream", "multipart/form-data"}
    multipart = body["content"]["multipart/form-data"]["schema"]
    assert multipart["required"] == ["image"]
    assert "image" in multipart["properties"]


def test_depth_query_parameters(spec):
    params = {p["name"]: p for p in (resolve(spec, p) for p in spec["paths"]["/v1/depth"]["post"]["parameters"])}
    assert params["format"]["schema"]["enum"] == ["png16", "json", "color", "npy", "ply"]
    assert params["format"]["schema"]["default"] == "png16"
    assert params["size"]["schema"]["enum"] == ["input", "native"]
    assert params["size"]["schema"]["default"] == "input"
    # The camera, the colour range, the point cloud's step, measuring, and the aspect-ratio fit.
    assert params["focal_px"]["schema"]["exclusiveMinimum"] == 0
    assert (params["fov_deg"]["schema"]["minimum"], params["fov_deg"]["schema"]["maximum"]) == (1, 170)
    assert {"min_m", "max_m", "step", "points", "known"} <= set(params)
    assert params["fit"]["schema"]["enum"] == ["tile", "pad", "squash"]


def test_depth_success_forms_and_headers(spec):
    ok = spec["paths"]["/v1/depth"]["post"]["responses"]["200"]
    assert set(ok["content"]) == {"image/png", "application/json", "application/x-npy", "application/x-ply"}
    assert {"X-Depth-Unit", "X-Depth-Scale", "X-Depth-Focal-Px", "X-Depth-Scale-Source", "Server-Timing"} <= set(ok["headers"])
    assert ok["headers"]["X-Depth-Scale-Source"]["schema"]["enum"] == ["request", "exif", "model", "known"]
    depth_map = resolve(spec, ok["content"]["application/json"]["schema"])
    assert set(depth_map["required"]) == {"width", "height", "unit", "min", "max", "depth"}
    assert depth_map["properties"]["unit"]["const"] == "m"


def test_every_error_is_problem_json(spec):
    errors = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    errors += 1
                    content = resolve(spec, response)["content"]
                    assert list(content) == ["application/problem+json"], f"{method} {path} {status}"
    assert errors >= 10


def test_depth_errors_cover_the_issue(spec):
    responses = spec["paths"]["/v1/depth"]["post"]["responses"]
    assert {"400", "405", "408", "413", "415", "500", "503"} <= set(responses)
    unavailable = resolve(spec, responses["503"])
    assert "Retry-After" in unavailable["headers"]
    assert "Allow" in resolve(spec, responses["405"])["headers"]


def test_readiness_answers_503_until_ready(spec):
    assert {"200", "503"} <= set(spec["paths"]["/readyz"]["get"]["responses"])


def test_metrics_are_prometheus_text(spec):
    content = spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/plain; version=0.0.4"]


def test_model_info_schema(spec):
    content = spec["paths"]["/v1/model"]["get"]["responses"]["200"]["content"]["application/json"]
    model = resolve(spec, content["schema"])
    assert {"name", "description", "architecture", "input", "output", "camera", "trained_on", "metrics"} <= set(model["required"])
    assert set(model["properties"]["camera"]["required"]) == {"focal_px", "width", "fov_deg"}
