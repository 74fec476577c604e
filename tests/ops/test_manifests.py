"""The Kubernetes manifests and the compose file describe the processes this code really
has: every command names an existing entry point and service, every service has its HTTP
deployment, its worker and its migration job, and probes hit the real ops routes."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICES = {"dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum"}


def _docs() -> list[dict]:
    out: list[dict] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        out += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return out


def _command_target(command: list[str]) -> tuple[str, str | None]:
    text = " ".join(command)
    module = text.split("-m ", 1)[1].split()[0]
    args = text.split(module, 1)[1].split()
    return module, args[0] if args and not args[0].startswith("-") else None


def test_every_kubernetes_command_is_a_real_entry_point() -> None:
    deployments = [d for d in _docs() if d["kind"] == "Deployment"]
    seen: dict[str, set[str]] = {"services.run": set(), "services.worker": set()}
    for dep in deployments:
        container = dep["spec"]["template"]["spec"]["containers"][0]
        module, service = _command_target(container["command"])
        assert hasattr(importlib.import_module(module), "main"), module
        if module in seen:
            assert service in SERVICES
            seen[module].add(service)
        probes = [container.get("readinessProbe"), container.get("livenessProbe")]
        for probe in filter(None, probes):
            assert probe["httpGet"]["path"] in ("/readyz", "/healthz")
        port = int(dep["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"])
        assert port in [p["containerPort"] for p in container["ports"]]
    assert seen == {"services.run": SERVICES, "services.worker": SERVICES}
    jobs = {d["metadata"]["name"] for d in _docs() if d["kind"] == "Job"}
    assert jobs == {f"{s}-migrate-1" for s in SERVICES}


def test_compose_runs_every_service_with_its_worker_and_migration() -> None:
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    names = set(compose["services"])
    for service in SERVICES:
        assert {service, f"{service}-worker", f"{service}-migrate"} <= names
    init = (DEPLOY / "compose" / "init-databases.sql").read_text()
    assert all(f"halo_{s};" in init for s in SERVICES | {"gateway"})
