"""``/metrics`` of every process passes ``promtool check metrics`` (Debian's prometheus
package), after real traffic has populated the series; ``/healthz`` and ``/readyz`` answer."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


def promtool() -> str:
    path = shutil.which("promtool")
    if path:
        return path
    if os.environ.get("HALO_TEST_REQUIRE_INTEGRATION") == "1":
        pytest.fail("promtool missing: deploy/local/postgres.sh install provides it")
    pytest.skip("promtool not installed (apt-get install prometheus)")


def check(text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), "check", "metrics"], input=text, text=True,
                          capture_output=True, timeout=60, check=False)


@pytest.mark.parametrize("service", SERVICES)
async def test_service_metrics_pass_promtool(service: str, tmp_path: Path) -> None:
    tokens = TestTokens()
    module = importlib.import_module(f"services.{service}.app")
    settings = service_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
                                tmp_path)
    app = module.create_app(settings, wiring(tokens))
    async with running(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {"status": "ready"}
        runtime = runtime_of(app)
        await client.get("/sops")
        await runtime.sweeper.refresh_gauges()
        await runtime.relay.backlog()
        body = (await client.get("/metrics")).text
    assert "halo_http_requests_total" in body and "halo_outbox_backlog" in body
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_rejects_a_broken_exposition() -> None:
    """The check can fail: a counter without _total and a bad line are reported."""
    result = check("# TYPE bad counter\nbad 1\nnot a metric line\n")
    assert result.returncode != 0
