"""Run as a program (``make run``), the all-in-one seeds its demo after the listener is up:
``/healthz`` answers while the demo is still being written, ``/readyz`` answers 503
``starting`` until it is in place and 200 after, and a demo that fails leaves a ready process.

The seeding is held on an event (the real :func:`seed_demo` runs once it is released), so
the "not yet ready" state is observed, not raced."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import gateway.allinone as allinone
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


@pytest.mark.usefixtures("env")
async def test_healthz_answers_while_the_demo_is_seeded_and_readyz_waits_for_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    release, calls = _held(monkeypatch)
    out = io.StringIO()
    app = allinone.build_app(demo=True, out=out, demo_after_start=True)
    async with app.router.lifespan_context(app):
        async for client in _client(app):
            await asyncio.sleep(0)
            assert calls == ["started"]
            assert (await client.get("/healthz")).status_code == 200
            waiting = await client.get("/readyz")
            assert (waiting.status_code, waiting.json()) == (503, {"status": "starting"})
            assert out.getvalue() == ""
            release.set()
            assert (await _ready(client)).json() == {"status": "ready"}
            assert calls == ["started", "done"]
            assert "warga1@demo.halo.lamsel" in out.getvalue()
            login = await client.post("/api/v1/auth/login", json={
                "login": "warga1@demo.halo.lamsel", "password": "Demo-Warga-2026"})
            assert login.status_code == 200


@pytest.mark.usefixtures("env")
async def test_a_failed_demo_leaves_a_ready_process(monkeypatch: pytest.MonkeyPatch) -> None:
    release, _ = _held(monkeypatch, fail=True)
    app = allinone.build_app(demo=True, out=io.StringIO(), demo_after_start=True)
    async with app.router.lifespan_context(app):
        async for client in _client(app):
            release.set()
            assert (await _ready(client)).status_code == 200


@pytest.mark.usefixtures("env")
async def test_stopping_before_the_demo_is_done_stops_cleanly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, calls = _held(monkeypatch)
    app = allinone.build_app(demo=True, out=io.StringIO(), demo_after_start=True)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0)
    assert calls == ["started"]


def test_the_program_seeds_after_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(allinone, "build_app", lambda **kw: seen.update(kw) or "app")
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setattr("shared.observability.logging.configure_logging", lambda: None)
    monkeypatch.setenv("HALO_PUBLIC_BASE_URL", "http://127.0.0.1:8010")
    assert allinone.main(["--port", "8010"]) == 0
    assert seen["demo_after_start"] is True and seen["app"] == "app" and seen["port"] == 8010
