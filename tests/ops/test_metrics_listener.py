"""``/metrics`` is served on a second listener only (``HALO_METRICS_PORT``): the public port
of the gateway and of each service answers 404, the gateway never relays a service's
``/metrics`` in any spelling, and a metrics port already taken stops the start-up clearly."""

from __future__ import annotations

import importlib
import os
import posixpath
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from fastapi import FastAPI

import gateway.run
import services.run
from gateway.routing.part import INTERNAL_PATHS, is_internal
from shared.observability.exposition import (
    ALLINONE_PORT,
    MetricsListener,
    MetricsPortTaken,
    start_or_exit,
)
from shared.settings import SettingsError
from tests.gateway.routing.harness import gateway_stack
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

ROOT = Path(__file__).resolve().parents[2]
METRICS_PATHS = ("/api/v1/dukcapil/metrics", "/api/v1/dukcapil/metrics/",
                 "/api/v1/dukcapil/%6detrics", "/api/v1/dukcapil//metrics",
                 "/api/v1/dukcapil/./metrics", "/api/v1/dukcapil/sops/../metrics",
                 "/api/v1/dukcapil/METRICS", "/api/v1/dukcapil/metrics?x=1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


async def test_the_gateways_public_port_never_answers_metrics(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("dukcapil",)) as stack:
        assert (await stack.client.get("/api/v1/dukcapil/sops")).status_code == 200
        own = await stack.client.get("/metrics")
        assert own.status_code == 404
        assert "halo_" not in own.text
        for path in METRICS_PATHS:
            relayed = await stack.client.get(path)
            assert relayed.status_code == 404, path
            assert relayed.headers["content-type"].startswith("application/problem+json"), path
            assert "halo_" not in relayed.text, path


async def test_a_services_public_port_never_answers_metrics(tmp_path: Path) -> None:
    module = importlib.import_module("services.dukcapil.app")
    settings = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
                                tmp_path)
    async with running(module.create_app(settings, wiring(TestTokens()))) as client:
        assert (await client.get("/healthz")).status_code == 200
        answer = await client.get("/metrics")
        assert answer.status_code == 404 and "halo_" not in answer.text


def test_internal_paths_are_recognised_however_spelled() -> None:
    for path in ("metrics", "metrics/", "/metrics", "%6Detrics", "%256detrics", "./metrics",
                 "a/../metrics", "Metrics", "\\metrics", "metrics/x"):
        assert is_internal(path), path
    for path in ("", "sops", "cases/metrics", "metricsx", "sops/metrics"):
        assert not is_internal(path), path
    # Paths with nothing to unescape or resolve take a shorter way: the same answers as the
    # full normalisation.
    for path in ("metrics", "//metrics/x", "METRICS", "sops//metrics", "", "/", "cases/abc",
                 "healthz", "readyz/", "openapi.json", "a/b/c", "metrics%2F", "x/./metrics"):
        text = path
        for _ in range(3):
            text = unquote(text)
        first = posixpath.normpath("/" + text.replace("\\", "/")).lstrip("/").split("/", 1)[0]
        assert is_internal(path) == (first.lower() in INTERNAL_PATHS), path


async def test_the_listener_serves_the_processes_halo_metrics() -> None:
    from shared.observability.metrics import CASES_SUBMITTED

    CASES_SUBMITTED.labels("dukcapil", "uji-listener").inc()
    port = _free_port()
    server = MetricsListener("127.0.0.1", port).start()
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            answer = await http.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert 'halo_cases_submitted_total{service="dukcapil",sop="uji-listener"} 1.0' in answer.text
    assert "halo_http_requests_total" in answer.text


def test_a_taken_port_stops_the_start_clearly(taken_port: int) -> None:
    listener = MetricsListener("127.0.0.1", taken_port)
    with pytest.raises(MetricsPortTaken, match=f"HALO_METRICS_PORT: port metrik "
                                                f"127.0.0.1:{taken_port} tidak dapat dipakai"):
        listener.start()
    with pytest.raises(SystemExit, match="pilih port lain"):
        start_or_exit(listener)
    assert MetricsListener("127.0.0.1", 0).start() is None        # 0: no listener


def test_the_listener_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_METRICS_PORT", raising=False)
    monkeypatch.delenv("HALO_METRICS_HOST", raising=False)
    assert MetricsListener.from_env() == MetricsListener("127.0.0.1", 0)
    assert MetricsListener.from_env(default_port=ALLINONE_PORT) == MetricsListener(
        "127.0.0.1", 9464)
    assert MetricsListener.from_env(default_host="0.0.0.0").host == "0.0.0.0"
    monkeypatch.setenv("HALO_METRICS_PORT", "9464")
    monkeypatch.setenv("HALO_METRICS_HOST", "10.1.2.3")
    assert MetricsListener.from_env(default_host="0.0.0.0") == MetricsListener("10.1.2.3", 9464)
    monkeypatch.setenv("HALO_METRICS_PORT", "0")
    assert MetricsListener.from_env(default_port=ALLINONE_PORT).port == 0
    for bad in ("sembilan", "70000", "-1"):
        monkeypatch.setenv("HALO_METRICS_PORT", bad)
        with pytest.raises(SettingsError, match="HALO_METRICS_PORT"):
            MetricsListener.from_env()


@pytest.mark.parametrize("module", [gateway.run, services.run])
def test_the_entry_points_start_the_listener_before_the_app(
        monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
    started: list[MetricsListener] = []
    served: dict[str, Any] = {}
    monkeypatch.setattr(module, "start_or_exit", started.append)
    monkeypatch.setattr(module, "configure_logging", lambda: None)
    monkeypatch.setattr(module.uvicorn, "run",
                        lambda app, **kw: served.update(kw, started=list(started)))
    if module is gateway.run:
        monkeypatch.setattr(module, "create_gateway_app", FastAPI)
        argv = ["gateway.run", "--host", "0.0.0.0", "--port", "18999"]
    else:
        monkeypatch.setattr(module.importlib, "import_module",
                            lambda name: type("M", (), {"create_app": staticmethod(FastAPI)}))
        argv = ["services.run", "dukcapil", "--host", "0.0.0.0", "--port", "18999"]
    monkeypatch.setenv("HALO_BUS", "memory")
    monkeypatch.setenv("HALO_WORKERS", "0")
    monkeypatch.delenv("HALO_DEMO", raising=False)
    monkeypatch.delenv("HALO_METRICS_HOST", raising=False)
    monkeypatch.setenv("HALO_METRICS_PORT", "9464")
    monkeypatch.setattr(sys, "argv", argv)
    module.main()
    # in a container the listener binds the main listener's host, on its own port
    assert served["started"] == [MetricsListener("0.0.0.0", 9464)]
    assert served["port"] == 18999


def test_a_process_whose_metrics_port_is_taken_does_not_start(taken_port: int,
                                                              tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    env.update({"PYTHONPATH": str(ROOT), "HALO_VAR_DIR": str(tmp_path), "HALO_BUS": "memory",
                "HALO_METRICS_PORT": str(taken_port)})
    done = subprocess.run([sys.executable, "-m", "services.run", "dukcapil", "--port",
                           str(_free_port())], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert f"HALO_METRICS_PORT: port metrik 127.0.0.1:{taken_port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_allinone_serves_metrics_on_localhost_9464_by_default(
        monkeypatch: pytest.MonkeyPatch) -> None:

    import gateway.allinone
    import shared.observability.exposition as exposition

    started: list[MetricsListener] = []
    served: dict[str, Any] = {}
    monkeypatch.setattr(exposition, "start_or_exit", started.append)
    def build_app(**kw: Any) -> FastAPI:
        app = FastAPI()
        app.state.starting = SimpleNamespace(error=None)  # a start-up that went well
        return app

    monkeypatch.setattr(gateway.allinone, "build_app", build_app)
    async def run_server(app: Any, sock: Any, options: dict[str, Any]) -> None:
        served.update(options, started=list(started))
    monkeypatch.setattr(gateway.allinone, "run_server", run_server)
    monkeypatch.setattr("shared.observability.logging.configure_logging", lambda: None)
    for name in ("HALO_METRICS_PORT", "HALO_METRICS_HOST", "HALO_PUBLIC_BASE_URL"):
        # set, then removed: monkeypatch then restores the variable's state after the test,
        # also when main() sets it (HALO_PUBLIC_BASE_URL), so nothing leaks into later tests
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    # even when the public port listens on every address, the metrics stay on 127.0.0.1
    assert gateway.allinone.main(["--host", "0.0.0.0", "--port", "18998"]) == 0
    assert served["started"] == [MetricsListener("127.0.0.1", ALLINONE_PORT)]
    assert served["port"] == 18998
    monkeypatch.setenv("HALO_METRICS_PORT", "0")
    gateway.allinone.main(["--port", "18998"])
    assert started[-1] == MetricsListener("127.0.0.1", 0)


@pytest.mark.parametrize(("argv", "env", "expected"), [
    ([], {}, MetricsListener("127.0.0.1", 0)),
    ([], {"HALO_METRICS_PORT": "9464", "HALO_METRICS_HOST": "0.0.0.0"},
     MetricsListener("0.0.0.0", 9464)),
    (["--metrics-port", "9464", "--metrics-host", "0.0.0.0"], {},
     MetricsListener("0.0.0.0", 9464)),
    (["--metrics-port", "8201"], {"HALO_METRICS_PORT": "9464"},
     MetricsListener("127.0.0.1", 8201)),
])
def test_the_worker_takes_the_same_settings_its_flags_win(
        monkeypatch: pytest.MonkeyPatch, argv: list[str], env: dict[str, str],
        expected: MetricsListener) -> None:
    import services.worker

    started: list[MetricsListener] = []
    monkeypatch.setattr(services.worker, "start_or_exit", started.append)
    monkeypatch.setattr(services.worker, "configure_logging", lambda: None)
    monkeypatch.setattr(services.worker.asyncio, "run", lambda coro: coro.close())
    monkeypatch.setenv("HALO_BUS", "memory")
    for name in ("HALO_METRICS_PORT", "HALO_METRICS_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["services.worker", "dukcapil", *argv])
    services.worker.main()
    assert started == [expected]
