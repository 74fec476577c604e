"""The Kubernetes base describes the processes this code really has: every command names an
existing entry point and service; every process that does not migrate at start has its
migration Job (the gateway included); the base applies no secrets; workers have a liveness
probe; replicated processes have a disruption budget; network policies deny by default and
keep metrics internal; every image is tagged with the project's version."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
import yaml

from shared.db.session import DEFAULT_POOL_SIZE
from shared.events.kafka_settings import KafkaSettings
from tests.deploy.manifests import (
    BASE,
    DEPLOY,
    ROOT,
    SERVICES,
    load,
    of_kind,
    pod_spec,
    render,
    version,
)


def _command_target(command: list[str]) -> tuple[str, str | None]:
    text = " ".join(command)
    module = text.split("-m ", 1)[1].split()[0]
    args = text.split(module, 1)[1].split()
    return module, args[0] if args and not args[0].startswith("-") else None


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def test_every_kubernetes_command_is_a_real_entry_point() -> None:
    seen: dict[str, set[str]] = {"services.run": set(), "services.worker": set()}
    for dep in of_kind(render(), "Deployment").values():
        container = pod_spec(dep)["containers"][0]
        module, service = _command_target(container["command"])
        assert hasattr(importlib.import_module(module), "main"), module
        if module in seen:
            assert service in SERVICES
            seen[module].add(service)
        for probe in filter(None, [container.get("readinessProbe"),
                                   container.get("livenessProbe")]):
            if "httpGet" in probe:
                assert probe["httpGet"]["path"] in ("/readyz", "/healthz")
        annotations = dep["spec"]["template"]["metadata"]["annotations"]
        port = int(annotations["halo.lamsel/metrics-port"])
        assert port == 9464 and _env(container)["HALO_METRICS_PORT"] == "9464"
        assert port in [p["containerPort"] for p in container["ports"]]
    assert seen == {"services.run": set(SERVICES), "services.worker": set(SERVICES)}


def test_every_database_is_migrated_by_a_job_the_gateway_included() -> None:
    docs = render()
    jobs = of_kind(docs, "Job")
    # The service Jobs run services.migrate (platform and department tables): release 2.
    assert set(jobs) == {f"{s}-migrate-2" for s in SERVICES} | {"gateway-migrate-1"}
    gateway_job = pod_spec(jobs["gateway-migrate-1"])["containers"][0]
    module, _ = _command_target(gateway_job["command"])
    assert module == "gateway.migrate" and gateway_job["command"][-1] == "upgrade"
    assert hasattr(importlib.import_module(module), "upgrade_all")
    for name, dep in of_kind(docs, "Deployment").items():
        container = pod_spec(dep)["containers"][0]
        if _env(container).get("HALO_RUN_MIGRATIONS") == "0":
            owner = name.removesuffix("-worker")
            assert f"{owner}-migrate-{1 if owner == 'gateway' else 2}" in jobs, name
    for service in SERVICES:
        command = " ".join(pod_spec(jobs[f"{service}-migrate-2"])["containers"][0]["command"])
        assert f"HALO_{service.upper()}_DATABASE_URL" in command
        assert f"python -m services.migrate {service} upgrade" in command


def test_the_base_applies_no_secret_and_the_example_lives_apart() -> None:
    docs = render()
    assert [d for d in docs if d["kind"] == "Secret"] == []
    example = load(DEPLOY / "k8s" / "examples" / "secrets.example.yaml")
    assert [d["kind"] for d in example] == ["Secret"]
    assert not (DEPLOY / "k8s" / "kustomization.yaml").exists()
    assert list((DEPLOY / "k8s").glob("*.yaml")) == [], "nothing for `kubectl apply -f k8s/`"
    referenced = {r for d in docs for r in re.findall(r"secretRef': \{'name': '([^']+)", str(d))}
    assert referenced == {"halo-secrets"}
    assert set(example[0]["stringData"]) >= {"HALO_GATEWAY_DATABASE_URL", "HALO_PII_KEY"}


def test_workers_have_a_heartbeat_liveness_probe() -> None:
    for service in SERVICES:
        dep = of_kind(render(), "Deployment")[f"{service}-worker"]
        container = pod_spec(dep)["containers"][0]
        beat_file = _env(container)["HALO_HEARTBEAT_FILE"]
        for kind in ("livenessProbe", "startupProbe"):
            command = container[kind]["exec"]["command"]
            assert command[:4] == ["python", "-m", "shared.observability.heartbeat", "check"]
            assert command[4] == beat_file
        mounts = [m["mountPath"] for m in container["volumeMounts"]]
        assert any(beat_file.startswith(m + "/") for m in mounts)
        assert "--metrics-host" in container["command"]


def test_replicated_processes_have_a_disruption_budget() -> None:
    docs = render()
    budgets = of_kind(docs, "PodDisruptionBudget")
    for name, dep in of_kind(docs, "Deployment").items():
        if dep["spec"]["replicas"] > 1:
            budget = budgets[name]
            assert budget["spec"]["selector"] == dep["spec"]["selector"]
            assert budget["spec"]["minAvailable"] < dep["spec"]["replicas"]


def test_network_policies_deny_by_default_and_keep_metrics_internal() -> None:
    policies = of_kind(render(), "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for name, policy in policies.items():
        for rule in policy["spec"].get("ingress", []):
            ports = {p["port"] for p in rule["ports"]}
            assert rule.get("from"), f"{name} admits everyone"
            if 9464 in ports:
                assert ports == {9464}
                assert rule["from"] == [{"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": "monitoring"}}}]
    for service in SERVICES:
        rule = policies[f"{service}-ingress"]["spec"]["ingress"][0]
        sources = {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                   for p in rule["from"]}
        assert sources == {"gateway", f"{service}-worker"}
    gateway = policies["gateway-ingress"]["spec"]["ingress"][0]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name":
                                                  "ingress-nginx"}}} in gateway["from"]


def test_the_ingress_example_has_tls_and_security_headers() -> None:
    ingress, = load(DEPLOY / "k8s" / "examples" / "ingress.yaml")
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    snippet = annotations["nginx.ingress.kubernetes.io/configuration-snippet"]
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
                   "Content-Security-Policy"):
        assert header in snippet
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "gateway", "port": {"number": 8000}}


def test_every_image_is_tagged_with_the_project_version() -> None:
    expected = f"registry.lampungselatankab.go.id/halo-lamsel:{version()}"
    docs = render() + load(DEPLOY / "k8s" / "setup" / "gateway-keys-create.yaml")
    images = {c["image"] for d in docs if d["kind"] in ("Deployment", "Job")
              for c in pod_spec(d)["containers"]}
    assert images == {expected}
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert f'org.opencontainers.image.version="{version()}"' in dockerfile
    assert (ROOT / "pyproject.toml").is_file() and BASE.is_dir()


def test_the_config_keeps_documents_in_the_database_and_valid_kafka_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = of_kind(render(), "ConfigMap")["halo-config"]["data"]
    assert config["HALO_DOCUMENT_STORE"] == "database"  # shared by replicas, kept on restart
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    assert compose["x-app"]["environment"]["HALO_DOCUMENT_STORE"] == "database"
    for name, value in config.items():
        monkeypatch.setenv(name, value)
    kafka = KafkaSettings.from_env()
    assert (kafka.replication_factor, kafka.min_insync_replicas) == (3, 2)


def test_compose_gives_postgresql_room_for_every_process_pool() -> None:
    """Each process of the compose file keeps up to ``HALO_DB_POOL_SIZE`` connections (the
    default when unset); together, with room for a migration, they fit the server's
    ``max_connections``."""
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    command = compose["services"]["postgres"]["command"]
    limit = int(next(c.split("=", 1)[1] for c in command if c.startswith("max_connections=")))
    kept = 0
    for service in compose["services"].values():
        program = " ".join(str(c) for c in service.get("command", []))
        if any(p in program for p in ("gateway.run", "services.run", "services.worker")):
            size = (service.get("environment") or {}).get("HALO_DB_POOL_SIZE")
            kept += int(size) if size is not None else DEFAULT_POOL_SIZE
    assert kept >= 15 * 10  # the gateway, 7 services and 7 workers were all counted
    assert kept + DEFAULT_POOL_SIZE <= limit, (kept, limit)
