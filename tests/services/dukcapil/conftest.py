"""The dukcapil app on SQLite and, in the integration tier, on a PostgreSQL database of its
own (created for the module, dropped after), with a settable clock and the SIAK stand-in."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.dukcapil.adapters.siak import HttpSiak, SiakSettings
from services.dukcapil.app import create_app
from tests.support.apps import rolled_back, running, service_settings, wiring
from tests.support.siak_standin import SiakStandIn
from tests.support.tokens import TestTokens

WIB = ZoneInfo("Asia/Jakarta")
TOKENS = TestTokens()


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Dukcapil:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    siak: SiakStandIn
    siak_client: HttpSiak


async def _own_database() -> tuple[str, str, str]:
    admin = os.environ.get("HALO_TEST_PG_ADMIN_URL")
    if not admin:
        pytest.skip("HALO_TEST_PG_ADMIN_URL not set")
    name = f"halo_t_dk_{uuid.uuid4().hex[:10]}"
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


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def dukcapil_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                       ) -> AsyncIterator[Dukcapil]:
    tmp = tmp_path_factory.mktemp("dukcapil")
    dropped: tuple[str, str] | None = None
    if request.param == "postgresql":
        url, dsn, name = await _own_database()
        dropped = (dsn, name)
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
    clock = Clock(datetime(2026, 12, 3, 9, 0, tzinfo=WIB))
    siak = SiakStandIn()
    client = HttpSiak(SiakSettings(url="http://siak.uji", token=siak.token),
                      transport=httpx.ASGITransport(app=siak.app()))
    app = create_app(service_settings("dukcapil", url, Path(tmp)), wiring(TOKENS, clock=clock),
                     siak=client)
    try:
        async with running(app) as http:
            yield Dukcapil(app, http, clock, siak, client)
    finally:
        await client.aclose()
        if dropped is not None:
            conn = await asyncpg.connect(dropped[0])
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{dropped[1]}" WITH (FORCE)')
            finally:
                await conn.close()


@pytest.fixture
async def dk(dukcapil_app: Dukcapil) -> AsyncIterator[Dukcapil]:
    """The app inside a rolled-back transaction, the clock at 3 December 2026 09:00 WIB and
    an empty, healthy SIAK."""
    dukcapil_app.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=WIB)
    dukcapil_app.siak.residents.clear()
    dukcapil_app.siak.documents.clear()
    dukcapil_app.siak.fail_next.clear()
    async with rolled_back(dukcapil_app.app):
        yield dukcapil_app
