"""A list page costs the same number of SQL statements whatever its size: the service's
inbox and a citizen's list (``GET /cases``), and the gateway's inbox and "my cases", with 5
and with 50 rows on the page (SQLite, and PostgreSQL in the integration tier)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.dukcapil.app import create_app
from shared.db import migrate
from tests.gateway.routing.harness import gateway_stack
from tests.perf.statements import recorded
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
CASES = 52


async def _open(client: httpx.AsyncClient, who: dict[str, str], prefix: str = "") -> None:
    response = await client.post(
        f"{prefix}/cases", headers=who, data={"data": json.dumps({"sop_key": KIA, "form": FORM})},
        files={"berkas_persyaratan": PDF})
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("lists")
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        await asyncio.to_thread(migrate.downgrade, url, "base")
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
    app = create_app(service_settings("dukcapil", url, Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        for _ in range(CASES):
            await _open(client, CITIZEN)
        yield app, client


async def _count(app: object, client: httpx.AsyncClient, url: str, who: dict[str, str],
                 rows: int) -> int:
    engine = runtime_of(app).db  # type: ignore[arg-type]
    with recorded(engine) as seen:
        response = await client.get(url, headers=who)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"]) == rows and body["total"] >= CASES
    return len(seen)


@pytest.mark.parametrize("scope,who", [("inbox", OPERATOR), ("mine", CITIZEN)])
async def test_service_list_statements_do_not_grow_with_the_page(
        service: tuple[object, httpx.AsyncClient], scope: str, who: dict[str, str]) -> None:
    app, client = service
    small = await _count(app, client, f"/cases?scope={scope}&limit=5", who, 5)
    large = await _count(app, client, f"/cases?scope={scope}&limit=50", who, 50)
    assert small == large, (small, large)
    assert large <= 8, large


async def test_service_inbox_pages_in_due_order(service: tuple[object, httpx.AsyncClient]
                                                ) -> None:
    """Pages of the inbox join up: the same cases in the same order as one larger page."""
    _, client = service
    whole = (await client.get("/cases?scope=inbox&limit=30", headers=OPERATOR)).json()
    parts = [(await client.get(f"/cases?scope=inbox&limit=10&offset={o}",
                               headers=OPERATOR)).json() for o in (0, 10, 20)]
    ids = [c["case_id"] for c in whole["items"]]
    assert ids == [c["case_id"] for p in parts for c in p["items"]]
    assert len(set(ids)) == 30
    dues = [c["current_step"]["due_at"] for c in whole["items"]]
    assert dues == sorted(dues)


async def test_gateway_lists_statements_do_not_grow_with_the_page(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-a", "citizen")
        officer = stack.headers("op-1", "disdukcapil:operator", "disdukcapil:kabid")
        for _ in range(CASES):
            await stack.open_kia(owner)
        await stack.sync()
        counts = {}
        for url, who in (("/api/v1/inbox", officer), ("/api/v1/me/cases", owner)):
            for limit in (5, 50):
                with recorded(stack.runtime.db) as seen:
                    response = await stack.client.get(f"{url}?limit={limit}", headers=who)
                assert response.status_code == 200, response.text
                assert len(response.json()["items"]) == limit
                counts[(url, limit)] = len(seen)
        assert counts[("/api/v1/inbox", 5)] == counts[("/api/v1/inbox", 50)], counts
        assert counts[("/api/v1/me/cases", 5)] == counts[("/api/v1/me/cases", 50)], counts
