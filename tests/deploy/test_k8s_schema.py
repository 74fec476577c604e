"""Every manifest (the kustomize base, the examples, the set-up Job) is valid against the
Kubernetes OpenAPI schemas, offline (``kubernetes-validate`` bundles them), strictly: an
unknown or misspelt field fails. When ``kubectl`` is installed, its built-in kustomize must
render the base to the same documents as the test renderer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.manifests import BASE, DEPLOY, load, render

KUBERNETES = "1.30.0"
"""The oldest Kubernetes release the manifests target (policy/v1, batch/v1 are GA there)."""


def _all_documents() -> list[tuple[str, dict[str, Any]]]:
    docs = [(f"base {d['kind']}/{d['metadata']['name']}", d) for d in render()]
    for extra in ("examples", "setup"):
        for path in sorted((DEPLOY / "k8s" / extra).glob("*.yaml")):
            docs += [(f"{extra}/{path.name} {d['kind']}", d) for d in load(path)]
    return docs


@pytest.mark.parametrize(("name", "doc"), _all_documents(), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_manifest_is_valid_for_kubernetes(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    deployment = next(d for d in render() if d["kind"] == "Deployment")
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_kubectl_kustomize_renders_what_the_tests_check(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not installed: the test renderer alone is used")
    out = subprocess.run([kubectl, "kustomize", str(BASE)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    rendered = [d for d in yaml.safe_load_all(out.stdout) if d]

    def key(d: dict[str, Any]) -> tuple[str, str]:
        return d["kind"], d["metadata"]["name"]

    assert sorted(rendered, key=key) == sorted(render(), key=key)
