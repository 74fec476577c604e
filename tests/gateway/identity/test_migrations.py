"""The identity migrations run forward and back on SQLite, and the part works on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from gateway.identity.demo import seed_demo_accounts
from gateway.identity.part import MIGRATIONS
from shared.db import migrate
from tests.gateway.identity.support import CITIZEN, running_gateway

TABLES = {"identity_accounts", "identity_token_families", "identity_refresh_tokens",
          "identity_audit"}


def tables(sync_url: str) -> set[str]:
    engine = create_engine(sync_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    folder, version_table = Path(MIGRATIONS[0]), MIGRATIONS[1]
    url = f"sqlite+aiosqlite:///{tmp_path / 'gw.db'}"
    sync = f"sqlite:///{tmp_path / 'gw.db'}"
    migrate.upgrade(url, "head", folder, version_table)
    assert TABLES | {"alembic_version_identity"} <= tables(sync)
    migrate.downgrade(url, "base", folder, version_table)
    assert not TABLES & tables(sync)
    migrate.upgrade(url, "head", folder, version_table)
    assert TABLES <= tables(sync)


@pytest.mark.integration
async def test_the_identity_part_on_postgresql(tmp_path: Path, fresh_pg_url: str) -> None:
    async with running_gateway(tmp_path, database_url=fresh_pg_url) as gw:
        assert (await gw.register()).status_code == 201
        assert (await gw.register(email="lain@example.id")).status_code == 409
        pair = await gw.tokens(CITIZEN["nik"], CITIZEN["password"])
        first = await gw.client.post("/api/v1/auth/refresh",
                                     json={"refresh_token": pair["refresh_token"]})
        assert first.status_code == 200
        replay, other = await asyncio.gather(
            gw.client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}),
            gw.client.post("/api/v1/auth/refresh",
                           json={"refresh_token": first.json()["refresh_token"]}))
        assert replay.status_code == 401
        assert other.status_code in (200, 401)      # raced the replay; the family is revoked
        if other.status_code == 200:
            after = await gw.client.post("/api/v1/auth/refresh", json={
                "refresh_token": other.json()["refresh_token"]})
            assert after.status_code == 401
        for _ in range(4):
            await gw.login(CITIZEN["email"], "Salah-Sandi-999")
            gw.clock.advance(60)
        locked = await gw.login(CITIZEN["email"], "Salah-Sandi-999")
        assert locked.status_code == 423
        gw.clock.advance(900)
        assert (await gw.login(CITIZEN["email"], CITIZEN["password"])).status_code == 200
        credentials = await seed_demo_accounts(gw.runtime)
        assert await seed_demo_accounts(gw.runtime) == credentials
        officer = next(c for c in credentials if c["kind"] == "officer")
        pair = await gw.tokens(officer["login"], officer["password"])
        principal = await gw.runtime.verifier.verify(pair["access_token"])
        assert sorted(principal.roles) == officer["roles"]
    folder, version_table = Path(MIGRATIONS[0]), MIGRATIONS[1]
    await asyncio.to_thread(migrate.downgrade, fresh_pg_url, "base", folder, version_table)
