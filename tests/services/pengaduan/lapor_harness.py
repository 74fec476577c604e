"""The pengaduan app for the SP4N-LAPOR! tests: on SQLite and, in the integration tier, on a
PostgreSQL database of its own (created for the module, dropped after), with a settable
clock, the LAPOR! stand-in served over real HTTP and the real adapter pointed at it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.pengaduan.adapters.lapor import HttpLapor, LaporSettings
from services.pengaduan.app import create_app
from shared.web.runtime import ServiceRuntime
from tests.support.apps import rolled_back, running, service_settings, wiring
from tests.support.lapor_standin import LaporStandIn, serving
from tests.support.tokens import TestTokens

WIB = ZoneInfo("Asia/Jakarta")
TOKENS = TestTokens()
START = datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
"""Thursday 3 December 2026, 10:00 WIB."""


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Lapor:
    app: FastAPI
    http: httpx.AsyncClient
    clock: Clock
    standin: LaporStandIn
    client: HttpLapor

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    async def act(self, case_id: str, who: dict[str, str], action: str,
                  comment: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action}
        if comment:
            body["comment"] = comment
        response = await self.http.post(f"/cases/{case_id}/actions", json=body, headers=who)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def own_database() -> tuple[str, str, str]:
    admin = os.environ.get("HALO_TEST_PG_ADMIN_URL")
    if not admin:
        pytest.skip("HALO_TEST_PG_ADMIN_URL not set")
    name = f"halo_t_lp_{uuid.uuid4().hex[:10]}"
    dsn = admin.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        pytest.skip("PostgreSQL of the test tier does not answer")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{admin.rsplit('/', 1)[0]}/{name}", dsn, name


async def drop_database(dsn: str, name: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def lapor_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[Lapor]:
    tmp = tmp_path_factory.mktemp("pengaduan")
    dropped: tuple[str, str] | None = None
    if request.param == "postgresql":
        url, dsn, name = await own_database()
        dropped = (dsn, name)
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'pengaduan.db'}"
    clock = Clock(START)
    standin = LaporStandIn()
    app = create_app(service_settings("pengaduan", url, Path(tmp)), wiring(TOKENS, clock=clock))
    try:
        with serving(standin) as lapor_url:
            client = HttpLapor(LaporSettings(url=lapor_url, token=standin.token), page_size=2)
            try:
                async with running(app) as http:
                    yield Lapor(app, http, clock, standin, client)
            finally:
                await client.aclose()
    finally:
        if dropped is not None:
            await drop_database(*dropped)


@pytest.fixture
async def lp(lapor_app: Lapor) -> AsyncIterator[Lapor]:
    """The app inside a rolled-back transaction, the clock at Thursday 3 December 2026 10:00
    WIB and an empty, healthy LAPOR!."""
    lapor_app.clock.now = START
    lapor_app.standin.reset()
    async with rolled_back(lapor_app.app):
        yield lapor_app
