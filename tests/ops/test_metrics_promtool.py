"""The metrics of every process pass ``promtool check metrics`` (Debian's prometheus
package), after real traffic has populated the series; ``/healthz`` and ``/readyz`` answer.
The metrics are read from the metrics listener's app (the process's registry), never from
the public port (``tests/ops/test_metrics_listener.py``)."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.observability.exposition import metrics_app
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


def promtool() -> str:
    path = shutil.which("promtool")
    if path:
        return path
    if os.environ.get("HALO_TEST_REQUIRE_INTEGRATION") == "1":
        pytest.fail("promtool missing: deploy/local/postgres.sh install provides it")
    pytest.skip("promtool not installed (apt-get install prometheus)")


async def scrape() -> str:
    """What the process's metrics listener answers (the same registry, over ASGI)."""
    transport = httpx.ASGITransport(app=metrics_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


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
        body = await scrape()
    assert "halo_http_requests_total" in body and "halo_outbox_backlog" in body
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_rejects_a_broken_exposition() -> None:
    """The check can fail: a counter without _total and a bad line are reported."""
    result = check("# TYPE bad counter\nbad 1\nnot a metric line\n")
    assert result.returncode != 0


# --- The gateway, the all-in-one process and the worker process -------------------------------

def samples(body: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition: (name, labels) -> value."""
    out: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(body: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels`` (0 when none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples(body).items() if n == name and wanted <= ls)


async def test_gateway_metrics_pass_promtool(tmp_path: Path) -> None:
    from gateway.identity.part import make_part
    from tests.gateway.identity.support import SETTINGS as IDENTITY
    from tests.gateway.routing.harness import gateway_parts, gateway_stack

    async with gateway_stack(tmp_path, parts=lambda: [make_part(IDENTITY), *gateway_parts()]
                             ) as stack:
        client = stack.client
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {"status": "ready"}
        refused = await client.post("/api/v1/auth/login",
                                    json={"login": "tidak@ada.id", "password": "Salah-12345"})
        assert refused.status_code == 401
        assert (await client.get("/api/v1/catalog")).status_code == 200
        citizen = stack.headers("warga-metrik", "citizen")
        case = await stack.open_kia(citizen)
        await stack.act(case["id"], stack.headers("op-metrik", "disdukcapil:operator"),
                        "teruskan")
        await stack.sync()
        tracked = await client.get(f"/api/v1/tracking/{case['tracking_no']}", headers=citizen)
        assert tracked.status_code == 200, tracked.text
        body = await scrape()
    assert value(body, "halo_http_requests_total", service="gateway",
                 route="/api/v1/auth/login", status="401") >= 1
    assert value(body, "halo_http_request_duration_seconds_count", service="gateway") >= 5
    assert value(body, "halo_events_consumed_total", consumer="gateway-tracking") >= 2
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_allinone_metrics_pass_promtool(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The composed process: the demo start-up logs in and walks cases through the gateway;
    its background relay and tracking consumer publish and read the events."""
    import asyncio
    import io

    from gateway.allinone_app import build_app
    from gateway.settings import SERVICES as GATEWAY_SERVICES

    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_BUS",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in GATEWAY_SERVICES)):
        monkeypatch.delenv(name, raising=False)
    app = build_app(demo=True, out=io.StringIO())
    async with running(app) as client:
        assert (await client.get("/readyz")).json() == {"status": "ready"}
        assert (await client.get("/api/v1/dukcapil/sops")).status_code == 200
        assert (await client.get("/api/v1/nope/sops")).status_code == 404
        body = ""
        for _ in range(200):  # the demo's events reach the tracking consumer in the background
            body = await scrape()
            if value(body, "halo_events_consumed_total", outcome="applied") >= 3:
                break
            await asyncio.sleep(0.05)
    # Series of both the gateway and the services, from one registry.
    assert value(body, "halo_http_requests_total", service="gateway",
                 route="/api/v1/auth/login", status="200") >= 2
    assert value(body, "halo_http_requests_total", service="dukcapil", method="POST",
                 status="201") >= 3
    assert value(body, "halo_cases_submitted_total", service="dukcapil") >= 3
    assert value(body, "halo_step_duration_vs_standard_ratio_count", service="dukcapil") >= 3
    assert value(body, "halo_outbox_published_total", service="dukcapil") >= 3
    assert value(body, "halo_events_consumed_total", outcome="applied") >= 3
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _open_overdue_cases(url: str, tmp_path: Path, count: int) -> int:
    """Cases opened a month ago (by the HTTP process, workers off): every event still in the
    outbox and every open step past its due time. Returns the outbox rows written."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    from services.dukcapil.app import create_app
    from shared.db.tables import OutboxRow

    tokens = TestTokens()
    then = datetime.now(UTC) - timedelta(days=30)
    app = create_app(service_settings("dukcapil", url, tmp_path),
                     wiring(tokens, clock=lambda: then))
    citizen = tokens.headers("warga-worker", "citizen")
    form = {"nik_anak": "1801014505240001", "nama_anak": "Anak", "nomor_kk": "1801012202200003",
            "tanggal_lahir_anak": "2024-05-05", "pengambilan": "ambil_di_mpp"}
    async with running(app) as client:
        for _ in range(count):
            opened = await client.post(
                "/cases", headers=citizen,
                data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun", "form": form})},
                files={"berkas_persyaratan": ("b.pdf", b"%PDF-1.4 x", "application/pdf")})
            assert opened.status_code == 201, opened.text
        async with runtime_of(app).sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def test_worker_process_metrics_pass_promtool(tmp_path: Path) -> None:
    """``python -m services.worker dukcapil --metrics-port N`` runs on its own with
    ``HALO_BUS=memory`` and SQLite (no Kafka needed): it publishes the outbox, flags the
    overdue steps, and its metrics endpoint passes promtool."""
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from shared.db.tables import HistoryRow, OutboxRow

    url = f"sqlite+aiosqlite:///{tmp_path / 'dukcapil.db'}"
    written = await _open_overdue_cases(url, tmp_path, 3)
    assert written == 3
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update({"PYTHONPATH": str(ROOT), "HALO_VAR_DIR": str(tmp_path), "HALO_BUS": "memory",
                "HALO_DUKCAPIL_DATABASE_URL": url, "HALO_SWEEPER_INTERVAL_S": "0.2",
                "HALO_PII_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
                "HALO_JWKS_URL": "http://127.0.0.1:9/.well-known/jwks.json"})
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.worker", "dukcapil", "--metrics-port", str(port),
            cwd=ROOT, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT)
    body = ""
    try:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                assert proc.returncode is None, log.read_text()[-3000:]
                try:
                    body = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                except httpx.TransportError:
                    body = ""
                # 3 submissions, then 3 case.overdue events the sweeper adds: 6 published.
                if (value(body, "halo_outbox_published_total", service="dukcapil") >= 6
                        and value(body, "halo_outbox_backlog", service="dukcapil") == 0):
                    break
                await asyncio.sleep(0.2)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
    output = log.read_text()
    assert proc.returncode == 0, output[-3000:]  # SIGTERM stops it cleanly
    assert value(body, "halo_outbox_published_total", service="dukcapil") == 6, body
    assert value(body, "halo_steps_overdue_total", service="dukcapil",
                 sop="dukcapil-kia-0-5-tahun", agency="disdukcapil") == 3
    assert value(body, "halo_overdue_open_steps", service="dukcapil", agency="disdukcapil") == 3
    assert value(body, "halo_open_cases", service="dukcapil", step="verifikasi_permohonan") == 3
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr
    # What the counters say happened is in the database.
    db = create_async_engine(url)
    try:
        async with db.connect() as conn:
            unsent = await conn.scalar(select(func.count()).select_from(OutboxRow)
                                       .where(OutboxRow.sent_at.is_(None)))  # type: ignore[union-attr]
            overdue = await conn.scalar(select(func.count()).select_from(HistoryRow)
                                        .where(HistoryRow.event == "case.overdue"))
    finally:
        await db.dispose()
    assert (unsent, overdue) == (0, 3)
