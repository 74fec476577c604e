"""The notification tables' migrations run up and down on SQLite and on PostgreSQL
(integration tier), next to the tracking tables (both may create processed_events)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import inspect

from gateway.notifications.part import MIGRATIONS
from gateway.tracking.part import MIGRATIONS as TRACKING
from shared.db import migrate
from shared.db.session import make_engine

TABLES = {"notifications", "notification_attempts", "notification_preferences"}


async def tables(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def roundtrip(url: str) -> None:
    folder, table = Path(MIGRATIONS[0]), MIGRATIONS[1]
    assert table == "alembic_version_notifications"
    await asyncio.to_thread(migrate.upgrade, url, "head", folder, table)
    assert TABLES | {"processed_events", table} <= await tables(url)
    # The tracking part after it finds processed_events there and leaves it.
    await asyncio.to_thread(migrate.upgrade, url, "head", Path(TRACKING[0]), TRACKING[1])
    await asyncio.to_thread(migrate.downgrade, url, "base", folder, table)
    left = await tables(url)
    assert not TABLES & left and "processed_events" in left


async def test_migrations_on_sqlite(tmp_path: Path) -> None:
    await roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")


@pytest.mark.integration
async def test_migrations_on_postgresql(fresh_pg_url: str) -> None:
    await roundtrip(fresh_pg_url)
