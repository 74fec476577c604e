"""Migration 0008: versions stored before it are active and await nobody; downgrading drops
the columns again. SQLite here (the PostgreSQL tier migrates in every service fixture)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import migrate


async def test_existing_versions_become_active(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}"
    await asyncio.to_thread(migrate.upgrade, url, "0007")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO sop_versions (key, version, agency, title, definition, origin, "
                "published_by, published_at) VALUES ('dukcapil-x', 1, 'disdukcapil', 'X', "
                "'{}', 'api', 'adm', '2026-12-01 00:00:00')"))
        await asyncio.to_thread(migrate.upgrade, url)
        async with engine.connect() as conn:
            row = (await conn.execute(text(
                "SELECT status, awaiting, accepted FROM sop_versions"))).one()
        assert tuple(row) == ("active", "[]", "[]")
        await asyncio.to_thread(migrate.downgrade, url, "0007")
        async with engine.connect() as conn:
            columns = {r[1] for r in await conn.execute(text("PRAGMA table_info(sop_versions)"))}
        assert "status" not in columns and "awaiting" not in columns and "key" in columns
    finally:
        await engine.dispose()
