"""The dukcapil app on SQLite and, in the integration tier, on a PostgreSQL database of its
own (created for the module, dropped after), with a settable clock and the SIAK stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from services.dukcapil.adapters.siak import HttpSiak, SiakSettings
from services.dukcapil.app import create_app
from tests.support.apps import rolled_back, running, service_settings, wiring
from tests.support.pg_database import throwaway_database
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


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def dukcapil_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                       ) -> AsyncIterator[Dukcapil]:
    tmp = tmp_path_factory.mktemp("dukcapil")
    async with AsyncExitStack() as stack:
        url = (await stack.enter_async_context(throwaway_database("dk"))
               if request.param == "postgresql" else f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}")
        clock = Clock(datetime(2026, 12, 3, 9, 0, tzinfo=WIB))
        siak = SiakStandIn()
        client = HttpSiak(SiakSettings(url="http://siak.uji", token=siak.token),
                          transport=httpx.ASGITransport(app=siak.app()))
        stack.push_async_callback(client.aclose)
        app = create_app(service_settings("dukcapil", url, Path(tmp)),
                         wiring(TOKENS, clock=clock), siak=client)
        http = await stack.enter_async_context(running(app))
        yield Dukcapil(app, http, clock, siak, client)


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
