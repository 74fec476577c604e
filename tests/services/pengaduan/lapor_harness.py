"""The pengaduan app for the SP4N-LAPOR! tests: on SQLite and, in the integration tier, on a
PostgreSQL database of its own (created for the module, dropped after), with a settable
clock, the LAPOR! stand-in served over real HTTP and the real adapter pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from services.pengaduan.adapters.lapor import HttpLapor, LaporSettings
from services.pengaduan.app import create_app
from shared.web.runtime import ServiceRuntime
from tests.support.apps import rolled_back, running, service_settings, wiring
from tests.support.lapor_standin import LaporStandIn, serving
from tests.support.pg_database import throwaway_database
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


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def lapor_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[Lapor]:
    tmp = tmp_path_factory.mktemp("pengaduan")
    async with AsyncExitStack() as stack:
        url = (await stack.enter_async_context(throwaway_database("lp"))
               if request.param == "postgresql" else f"sqlite+aiosqlite:///{tmp / 'pengaduan.db'}")
        clock = Clock(START)
        standin = LaporStandIn()
        app = create_app(service_settings("pengaduan", url, Path(tmp)),
                         wiring(TOKENS, clock=clock))
        lapor_url = stack.enter_context(serving(standin))
        client = HttpLapor(LaporSettings(url=lapor_url, token=standin.token), page_size=2)
        stack.push_async_callback(client.aclose)
        http = await stack.enter_async_context(running(app))
        yield Lapor(app, http, clock, standin, client)


@pytest.fixture
async def lp(lapor_app: Lapor) -> AsyncIterator[Lapor]:
    """The app inside a rolled-back transaction, the clock at Thursday 3 December 2026 10:00
    WIB and an empty, healthy LAPOR!."""
    lapor_app.clock.now = START
    lapor_app.standin.reset()
    async with rolled_back(lapor_app.app):
        yield lapor_app
