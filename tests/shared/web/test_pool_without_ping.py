"""The PostgreSQL pool does not ping a connection before each use (three round trips with
asyncpg); a restart of the server, which ends every pooled connection, costs at most one
503 ``database-unavailable`` (the retry path of shared.db.errors), after which the pool has
dropped every connection older than the failure and the next requests reconnect."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from shared.db.session import make_engine
from shared.web.problems import install_problem_handlers


def _app(url: str, name: str) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    engine = make_engine(url, connect_args={"server_settings": {"application_name": name}})

    @app.get("/query")
    async def query(sql: str = "SELECT 1") -> dict[str, int]:
        async with engine.connect() as conn:
            return {"value": int((await conn.execute(text(sql))).scalar_one())}

    app.state.engine = engine
    return app


def test_the_postgresql_pool_does_not_ping() -> None:
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/halo")
    assert engine.pool._pre_ping is False
    pinged = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/halo", pool_pre_ping=True)
    assert pinged.pool._pre_ping is True


@pytest.mark.integration
async def test_a_restart_ending_every_pooled_connection_costs_one_503_at_most(
        pg_url: str) -> None:
    name = f"halo-test-{uuid.uuid4().hex[:12]}"
    app = _app(pg_url, name)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    admin = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            sleepy = {"sql": "SELECT 1 FROM pg_sleep(0.1)"}
            filled = await asyncio.gather(*(http.get("/query", params=sleepy) for _ in range(4)))
            assert [r.status_code for r in filled] == [200] * 4
            # The server ends every connection of the pool, as a restart does.
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = $1", name)
            assert ended == 4
            for _ in range(50):
                if not await admin.fetchval("SELECT count(*) FROM pg_stat_activity "
                                            "WHERE application_name = $1", name):
                    break
                await asyncio.sleep(0.1)
            answers = [await http.get("/query") for _ in range(6)]
    finally:
        await admin.close()
        await app.state.engine.dispose()
    codes = [r.status_code for r in answers]
    failed = [r for r in answers if r.status_code != 200]
    assert len(failed) <= 1, codes
    assert all(r.status_code == 503 and r.json()["code"] == "database-unavailable"
               for r in failed), [r.text for r in failed]
    assert codes[-5:] == [200] * 5, codes
    assert all(r.json() == {"value": 1} for r in answers[-5:])
