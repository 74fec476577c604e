"""The compose file's own rules, beyond what ``docker-compose config`` checks
(test_compose_config.py): its shape, the images, the env files, the depends_on targets and
conditions, the volumes, the commands (real entry points) and the metrics ports."""

from __future__ import annotations

import importlib
import re
from typing import Any

import yaml

from tests.deploy.manifests import DEPLOY, SERVICES, version

COMPOSE = DEPLOY / "compose" / "compose.yaml"
TOP_LEVEL = {"services", "volumes", "networks", "configs", "secrets", "name"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
SERVICE_KEYS = {"image", "build", "command", "environment", "env_file", "ports", "volumes",
                "depends_on", "restart", "healthcheck", "user"}


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if "build" in s}


def test_the_file_has_the_compose_shape() -> None:
    compose = _compose()
    assert set(k for k in compose if not k.startswith("x-")) <= TOP_LEVEL
    for name, service in compose["services"].items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name)
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert "image" in service or "build" in service, name
        assert isinstance(service.get("command", []), list), name


def test_every_app_container_uses_the_versioned_image_and_existing_files() -> None:
    compose = _compose()
    apps = _app_services(compose)
    assert {s["image"] for s in apps.values()} == {
        f"registry.lampungselatankab.go.id/halo-lamsel:{version()}"}
    for name, service in apps.items():
        build = service["build"]
        assert (COMPOSE.parent / build["context"] / build["dockerfile"]).is_file(), name
        for env_file in service.get("env_file", []):
            path = COMPOSE.parent / env_file
            assert path.is_file() or path.with_name(path.name + ".example").is_file(), env_file
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), source
            else:
                assert source in compose["volumes"], source


def test_depends_on_names_real_services_with_valid_conditions() -> None:
    compose = _compose()
    names = set(compose["services"])
    for name, service in compose["services"].items():
        for target, spec in service.get("depends_on", {}).items():
            assert target in names and target != name, (name, target)
            assert spec["condition"] in CONDITIONS
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in compose["services"][target], target


def test_every_process_runs_migrated_with_its_metrics_port() -> None:
    compose = _compose()
    apps = _app_services(compose)
    for name, service in apps.items():
        command = service["command"]
        text = " ".join(command)
        module = text.split("-m ", 1)[1].split()[0].rstrip("'\"")
        assert hasattr(importlib.import_module(module), "main"), (name, module)
        env = service.get("environment", {})
        assert str(env.get("HALO_METRICS_PORT")) == "9464", name
        if "worker" in name:
            assert command[-4:] == ["--metrics-port", "9464", "--metrics-host", "0.0.0.0"]
        if str(env.get("HALO_RUN_MIGRATIONS")) == "0":
            owner = name.removesuffix("-worker")
            migrate = service["depends_on"][f"{owner}-migrate"]
            assert migrate["condition"] == "service_completed_successfully", name
    assert apps["gateway-migrate"]["command"] == ["python", "-m", "gateway.migrate", "upgrade"]


def test_compose_runs_every_service_with_its_worker_and_migration() -> None:
    names = set(_compose()["services"])
    for service in SERVICES:
        assert {service, f"{service}-worker", f"{service}-migrate"} <= names
    assert {"gateway", "gateway-migrate", "postgres", "kafka"} <= names
    init = (DEPLOY / "compose" / "init-databases.sql").read_text()
    assert all(f"halo_{s};" in init for s in (*SERVICES, "gateway"))
