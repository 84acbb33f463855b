"""The deployment files: Kubernetes manifests validated against the Kubernetes schemas
(kubernetes-validate, which ships them, so this runs offline), and the Dockerfile, compose file,
manifests and container smoke script checked to agree with each other."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBE = REPO / "deploy" / "kubernetes"
MANIFESTS = sorted(p for p in KUBE.glob("*.yaml") if p.name != "kustomization.yaml")
# The oldest Kubernetes release still commonly run, and the newest the validator knows.
VERSIONS = ["1.28.0", kubernetes_validate.latest_version()]


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def manifest(kind: str) -> dict:
    found = [d for p in MANIFESTS for d in documents(p) if d["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def container() -> dict:
    return manifest("Deployment")["spec"]["template"]["spec"]["containers"][0]


def dockerfile_runtime_stage() -> str:
    """The runtime stage's instructions, comments removed."""
    text = (REPO / "Dockerfile").read_text()
    lines = text[text.index("AS runtime"):].splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_against_the_kubernetes_schema(path, version):
    for document in documents(path):
        kubernetes_validate.validate(document, version, strict=True)


def test_validator_rejects_a_misspelt_field_and_a_wrong_type():
    deployment = manifest("Deployment")
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz", "port": 8080}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, VERSIONS[-1], strict=True)
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((KUBE / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == [p.name for p in MANIFESTS]


def test_probes_use_readyz_for_readiness_and_healthz_for_liveness():
    c = container()
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"


def quantity(text: str | int) -> float:
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    match = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text))
    assert match, text
    return float(match[1]) * units.get(match[2], 1)


def test_resource_requests_fit_within_limits():
    resources = container()["resources"]
    for name in ("cpu", "memory"):
        assert quantity(resources["requests"][name]) <= quantity(resources["limits"][name]), name


def test_pod_runs_as_the_images_non_root_user_on_a_read_only_root():
    pod = manifest("Deployment")["spec"]["template"]["spec"]
    uid = int(re.search(r"^USER (\d+):(\d+)$", dockerfile_runtime_stage(), re.M)[1])
    assert uid != 0
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == uid
    assert container()["securityContext"]["readOnlyRootFilesystem"] is True
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yaml").read_text())["services"]["depthd"]
    assert compose["user"] == f"{uid}:{uid}" and compose["read_only"] is True
    smoke = (REPO / "deploy" / "container-smoke.sh").read_text()
    assert re.search(rf"^APP_UID={uid}$", smoke, re.M)


def test_port_agrees_across_image_manifest_and_compose():
    port = int(re.search(r"^EXPOSE (\d+)$", dockerfile_runtime_stage(), re.M)[1])
    assert re.search(rf"DEPTHD_PORT={port}\b", dockerfile_runtime_stage())
    c = container()
    assert c["ports"][0]["containerPort"] == port
    assert {e["name"]: e["value"] for e in c["env"]}["DEPTHD_PORT"] == str(port)
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yaml").read_text())["services"]["depthd"]
    assert compose["environment"]["DEPTHD_PORT"] == str(port)
    assert any(p.endswith(f":{port}") for p in compose["ports"])


def test_grace_period_covers_the_prestop_sleep_and_the_drain():
    pod = manifest("Deployment")["spec"]["template"]["spec"]
    pre_stop = container()["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    sleep = int(pre_stop[1])
    drain = float({e["name"]: e["value"] for e in container()["env"]}["DEPTHD_GRACE_PERIOD_S"])
    # Kubernetes kills the pod terminationGracePeriodSeconds after it starts the preStop hook.
    assert pod["terminationGracePeriodSeconds"] > sleep + drain
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yaml").read_text())["services"]["depthd"]
    assert float(compose["environment"]["DEPTHD_GRACE_PERIOD_S"]) == drain
    assert compose["stop_signal"] == "SIGTERM" and int(compose["stop_grace_period"].rstrip("s")) > drain
    assert re.search(rf"DEPTHD_GRACE_PERIOD_S={drain:g}\b", dockerfile_runtime_stage())


def test_health_check_runs_the_binary_itself():
    runtime = dockerfile_runtime_stage()
    assert 'HEALTHCHECK' in runtime and 'CMD ["depthd", "health"]' in runtime
    assert "curl" not in runtime and "wget" not in runtime
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yaml").read_text())["services"]["depthd"]
    assert compose["healthcheck"]["test"] == ["CMD", "depthd", "health"]


def test_runtime_packages_come_from_one_list_used_by_image_and_smoke_script():
    listed = [line.split("#")[0].strip() for line in (REPO / "deploy" / "runtime-packages.txt").read_text().splitlines()]
    listed = [p for p in listed if p]
    assert {"libjpeg62-turbo", "libpng16-16"} <= set(listed) and any(p.startswith("libopenblas") for p in listed)
    runtime = dockerfile_runtime_stage()
    assert "COPY deploy/runtime-packages.txt" in runtime
    # No package named inline, where it could drift from the list.
    for package in listed:
        assert package not in runtime, f"{package} is named in the Dockerfile instead of read from the list"
    assert "deploy/runtime-packages.txt" in (REPO / "deploy" / "container-smoke.sh").read_text()


def test_dockerignore_keeps_builds_environments_and_data_out_of_the_context():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    for path in (".build", ".venv", "training/data", "training/runs", "training/checkpoints", ".git"):
        assert path in ignored, path
