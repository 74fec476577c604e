"""The webhook tables' migrations run up and down on SQLite and on PostgreSQL (integration
tier), next to the tracking tables (both may create processed_events)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import inspect

from gateway.tracking.part import MIGRATIONS as TRACKING
from gateway.webhooks.part import MIGRATIONS
from gateway.webhooks.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow
from shared.db import migrate
from shared.db.session import make_engine

TABLES = {"webhook_subscriptions", "webhook_deliveries", "webhook_attempts"}
MODELS = (WebhookSubscriptionRow, WebhookDeliveryRow, WebhookAttemptRow)


async def columns(url: str) -> tuple[set[str], dict[str, set[str]]]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        def read(c: object) -> tuple[set[str], dict[str, set[str]]]:
            found = inspect(c)
            names = set(found.get_table_names())
            return names, {t: {col["name"] for col in found.get_columns(t)}
                           for t in TABLES & names}
        result = await conn.run_sync(read)
    await engine.dispose()
    return result


async def roundtrip(url: str) -> None:
    folder, table = Path(MIGRATIONS[0]), MIGRATIONS[1]
    assert table == "alembic_version_webhooks"
    await asyncio.to_thread(migrate.upgrade, url, "head", folder, table)
    names, cols = await columns(url)
    assert TABLES | {"processed_events", table} <= names
    for model in MODELS:  # the migration makes what the models read and write
        assert cols[model.__tablename__] == set(model.__table__.columns.keys())  # type: ignore[attr-defined,union-attr]
    await asyncio.to_thread(migrate.upgrade, url, "head", Path(TRACKING[0]), TRACKING[1])
    await asyncio.to_thread(migrate.downgrade, url, "base", folder, table)
    left, _ = await columns(url)
    assert not TABLES & left and "processed_events" in left
    await asyncio.to_thread(migrate.upgrade, url, "head", folder, table)  # and up again
    assert TABLES <= (await columns(url))[0]


async def test_migrations_on_sqlite(tmp_path: Path) -> None:
    await roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")


@pytest.mark.integration
async def test_migrations_on_postgresql(fresh_pg_url: str) -> None:
    await roundtrip(fresh_pg_url)
