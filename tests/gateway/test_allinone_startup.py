"""Run as a program (``make run``), the all-in-one opens its listener first and starts behind
it: ``/healthz`` answers at once, ``/readyz`` answers 503 ``starting`` and every other route a
503 problem+json ``starting`` until services, gateway and demo are in place, 200 after; a
start that fails is reported (the program then stops and exits 1) and is never ready.

The demo seeding is held on an event (the real :func:`seed_demo` runs once it is released),
so the "not yet ready" state is observed, not raced."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import gateway.allinone as program
import gateway.allinone_app as allinone
from gateway.allinone_start import Starting
from gateway.settings import SERVICES


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)


def _held(monkeypatch: pytest.MonkeyPatch, fail: bool = False
          ) -> tuple[asyncio.Event, list[str]]:
    release = asyncio.Event()
    calls: list[str] = []
    real: Callable[..., Awaitable[None]] = allinone.seed_demo

    async def seed(*args: Any) -> None:
        calls.append("started")
        await release.wait()
        if fail:
            raise RuntimeError("demo broke")
        await real(*args)
        calls.append("done")
    monkeypatch.setattr(allinone, "seed_demo", seed)
    return release, calls


async def _client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://halo") as client:
        yield client


async def _ready(client: httpx.AsyncClient) -> httpx.Response:
    for _ in range(400):
        response = await client.get("/readyz")
        if response.status_code == 200:
            return response
        await asyncio.sleep(0.05)
    return response


async def _started(calls: list[str]) -> None:
    for _ in range(2400):  # services and gateway start before the held demo does
        if calls:
            return
        await asyncio.sleep(0.05)


@pytest.mark.usefixtures("env")
async def test_healthz_answers_at_once_and_the_rest_waits_for_the_start(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    release, calls = _held(monkeypatch)
    out = io.StringIO()
    app = allinone.build_app(demo=True, out=out, serve_first=True)
    async with app.router.lifespan_context(app):
        async for client in _client(app):
            assert (await client.get("/healthz")).status_code == 200
            waiting = await client.get("/readyz")
            assert (waiting.status_code, waiting.json()) == (503, {"status": "starting"})
            await _started(calls)
            assert calls == ["started"]  # services and gateway up, the demo held
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).json() == {"status": "starting"}
            refused = await client.get("/api/v1/catalog")
            assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "starting"
            assert "sedang dimulai" in refused.json()["detail"]
            english = await client.get("/api/v1/catalog", headers={"accept-language": "en"})
            assert english.json()["detail"] == "Halo Lamsel is starting. Try again in a moment."
            assert out.getvalue() == ""
            release.set()
            assert (await _ready(client)).json() == {"status": "ready"}
            assert calls == ["started", "done"]
            assert "warga1@demo.halo.lamsel" in out.getvalue()
            # The demo opened its cases through the gateway while the guard stood.
            assert "Demo cases of warga1@demo.halo.lamsel" in out.getvalue(), out.getvalue()
            assert "demo cases not opened" not in caplog.text
            assert (await client.get("/api/v1/catalog")).status_code == 200
            login = await client.post("/api/v1/auth/login", json={
                "login": "warga1@demo.halo.lamsel", "password": "Demo-Warga-2026"})
            assert login.status_code == 200


@pytest.mark.usefixtures("env")
async def test_a_failed_start_is_reported_and_never_ready(
        monkeypatch: pytest.MonkeyPatch) -> None:
    release, calls = _held(monkeypatch, fail=True)
    stopped: list[bool] = []
    app = allinone.build_app(demo=True, out=io.StringIO(), serve_first=True,
                             on_start_error=lambda: stopped.append(True))
    async with app.router.lifespan_context(app):
        async for client in _client(app):
            await _started(calls)
            release.set()
            for _ in range(400):
                if stopped:
                    break
                await asyncio.sleep(0.05)
            assert stopped == [True]
            assert isinstance(app.state.starting.error, RuntimeError)
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/api/v1/catalog")).status_code == 503


@pytest.mark.usefixtures("env")
async def test_stopping_during_the_start_stops_cleanly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, calls = _held(monkeypatch)
    app = allinone.build_app(demo=True, out=io.StringIO(), serve_first=True)
    async with app.router.lifespan_context(app):
        await _started(calls)
    assert calls == ["started"] and app.state.starting.error is None


def test_the_program_serves_first_and_fails_when_the_start_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    starting = Starting()

    class App:
        state = type("State", (), {"starting": starting})

    def build(**kw: Any) -> App:
        seen.update(kw)
        return App()
    async def run_server(app: Any, sock: Any, options: dict[str, Any]) -> None:
        seen.update(app=app, bound=sock.getsockname()[1], **options)
    monkeypatch.setattr(program, "build_app", build)
    monkeypatch.setattr(program, "run_server", run_server)
    monkeypatch.setattr("shared.observability.logging.configure_logging", lambda: None)
    monkeypatch.setenv("HALO_PUBLIC_BASE_URL", "http://127.0.0.1:8010")
    monkeypatch.setenv("HALO_METRICS_PORT", "0")  # no second listener here
    assert program.main(["--port", "8010"]) == 0
    assert seen["serve_first"] is True and seen["port"] == seen["bound"] == 8010
    starting.error = RuntimeError("migration failed")
    assert program.main(["--port", "8010"]) == 1
