"""Migration 0009: ``case_outputs.detail_rows`` (JSON, nullable) added; outputs stored before
it keep working with no rows; downgrading drops the column. SQLite here (the PostgreSQL tier
migrates in every service fixture)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import migrate


async def columns(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return {r[1] for r in await conn.execute(text("PRAGMA table_info(case_outputs)"))}
    finally:
        await engine.dispose()


async def test_up_down_up(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}"
    await asyncio.to_thread(migrate.upgrade, url, "0008")
    assert "detail_rows" not in await columns(url)
    await asyncio.to_thread(migrate.upgrade, url)
    assert "detail_rows" in await columns(url)
    await asyncio.to_thread(migrate.downgrade, url, "0008")
    found = await columns(url)
    assert "detail_rows" not in found and "verify_code" in found
    await asyncio.to_thread(migrate.upgrade, url)
    assert "detail_rows" in await columns(url)
