"""The distributed mode (``deploy/local/distributed.sh``) for the end-to-end suites: started
once for the package (test_distributed, test_reliability) and stopped after its last test.

It runs over the PostgreSQL and Kafka of the integration tier (``HALO_TEST_PG_URL``,
``HALO_TEST_KAFKA``; ``make test`` starts them), never starting infrastructure of its own
(``HALO_SKIP_INFRA=1``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "local" / "distributed.sh"


def distributed_env() -> dict[str, str]:
    """The environment of ``distributed.sh``: the test tier's PostgreSQL port and broker."""
    env = {**os.environ, "HALO_SKIP_INFRA": "1", "HALO_DEMO": "1"}
    pg = os.environ.get("HALO_TEST_PG_URL")
    if pg and urlsplit(pg).port:
        env["PGPORT"] = str(urlsplit(pg).port)
    if os.environ.get("HALO_TEST_KAFKA"):
        env["HALO_KAFKA_BOOTSTRAP"] = os.environ["HALO_TEST_KAFKA"]
    return env


def distributed_sh(action: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``distributed.sh up|down``; ``up`` (re)starts only the processes not running."""
    return subprocess.run([str(SCRIPT), action], cwd=ROOT, env={**distributed_env(), **env},
                          capture_output=True, text=True, timeout=420, check=False)


@pytest.fixture(scope="package")
def distributed(pg_url: str, kafka_bootstrap: str) -> Iterator[None]:
    up = distributed_sh("up")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield
    finally:
        down = distributed_sh("down")
        assert down.returncode == 0, down.stdout + down.stderr
