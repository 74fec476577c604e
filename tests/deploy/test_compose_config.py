"""``docker-compose config`` (Debian's docker-compose, installed by ``make test``; it needs no
Docker engine) reads deploy/compose/compose.yaml as Compose does: schema, interpolation, the
env file, depends_on targets and conditions, volumes, build contexts. It runs on a copy of the
folder with the example env file as ``halo.env`` and the relative paths made absolute, and a
copy broken on purpose must fail it (the check can fail)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.manifests import DEPLOY, SERVICES

ROOT = DEPLOY.parent
COMPOSE_DIR = DEPLOY / "compose"


def _compose_cli() -> str:
    found = shutil.which("docker-compose")
    if found is None:
        reason = "docker-compose is not installed (make test installs it: postgres.sh install)"
        if os.environ.get("HALO_TEST_REQUIRE_INTEGRATION") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "compose"
    shutil.copytree(COMPOSE_DIR, folder)
    shutil.copy(folder / "halo.env.example", folder / "halo.env")
    text = (folder / "compose.yaml").read_text()
    text = text.replace("context: ../..", f"context: {ROOT}")
    text = text.replace("../prometheus:", f"{DEPLOY / 'prometheus'}:")
    (folder / "compose.yaml").write_text(text)
    return folder


def _config(cli: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    return subprocess.run([cli, "-f", "compose.yaml", "config"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_compose_reads_the_file_with_every_process(tmp_path: Path) -> None:
    cli = _compose_cli()
    done = _config(cli, _copy(tmp_path))
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    names = set(resolved["services"])
    assert {"gateway", "gateway-migrate", "postgres", "kafka"} <= names
    for service in SERVICES:
        assert {service, f"{service}-worker", f"{service}-migrate"} <= names, service
        migrate = resolved["services"][service]["depends_on"][f"{service}-migrate"]
        assert migrate["condition"] == "service_completed_successfully"
    gateway = resolved["services"]["gateway"]
    assert gateway["build"]["context"] == str(ROOT)
    assert (ROOT / gateway["build"]["dockerfile"]).is_file()


def test_a_broken_file_fails_the_check(tmp_path: Path) -> None:
    cli = _compose_cli()
    folder = _copy(tmp_path)
    text = (folder / "compose.yaml").read_text()
    broken = text.replace("condition: service_completed_successfully",
                          "condition: service_finished", 1)
    assert broken != text
    (folder / "compose.yaml").write_text(broken)
    done = _config(cli, folder)
    assert done.returncode != 0
    assert "service_finished" in done.stderr or "condition" in done.stderr, done.stderr
