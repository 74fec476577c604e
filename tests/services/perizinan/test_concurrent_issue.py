"""Two applications of one bidan for two more places, both at the Kepala Dinas, issued at
the same moment: one permit is written, the other issue is refused with the limit, on
SQLite and PostgreSQL (integration tier). No rollback binding here: each request runs in
its own transaction, as in production, on a database of its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from services.perizinan.app import create_app
from services.perizinan.tables import PermitRow
from tests.services.perizinan.support import KADIS, STEPS, TOKENS, bidan_form, issue, submit
from tests.shared.outputs.support import Clock, fresh_database
from tests.support.apps import running, runtime_of, service_settings, wiring


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def own_app(request: pytest.FixtureRequest, tmp_path: Path, var_dir: Path
                  ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        if request.param == "postgresql":
            url = await stack.enter_async_context(fresh_database())
        else:
            url = f"sqlite+aiosqlite:///{tmp_path / 'perizinan.db'}"
        app = create_app(service_settings("perizinan", url, tmp_path),
                         wiring(TOKENS, clock=Clock()))
        async with running(app) as client:
            yield app, client


async def test_only_one_of_two_simultaneous_issues_fits_the_limit(
        own_app: tuple[object, httpx.AsyncClient]) -> None:
    """Held: Puskesmas Natar (1 of 2). Klinik Sehat and RS Bob Bazar both pass at open (each
    alone fits); issued together, the second to commit finds 2 places held: 2 >= 2."""
    app, client = own_app
    await issue(client, bidan_form("Puskesmas Natar"))
    cases = []
    for place in ("Klinik Sehat", "RS Bob Bazar"):
        opened = await submit(client, bidan_form(place))
        assert opened.status_code == 201, opened.text
        case = opened.json()
        for officer, action in STEPS[:-1]:
            moved = await client.post(f"/cases/{case['id']}/actions", headers=officer,
                                      json={"action": action})
            assert moved.status_code == 200, moved.text
        cases.append(case)
    answers = await asyncio.gather(*(
        client.post(f"/cases/{c['id']}/actions", headers=KADIS, json={"action": "terbitkan"})
        for c in cases))
    assert sorted(a.status_code for a in answers) == [200, 422]
    refused = next(a for a in answers if a.status_code == 422)
    assert refused.json()["code"] == "practice-limit-reached"
    async with runtime_of(app).sessions() as session:  # type: ignore[arg-type]
        count = await session.scalar(select(func.count()).select_from(PermitRow))
    assert count == 2
