"""Processes of one service start together and agency admins publish at the same time: the
SOP catalog must come out whole and consistent on PostgreSQL, with nobody failing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from shared.cases.catalog import SopCatalog
from shared.db.migrate import upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import SopVersionRow
from shared.registry import load_registry
from shared.sop.loader import load_sop_folder

SOPS = Path(__file__).resolve().parents[2] / "services" / "dukcapil" / "sops"
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


async def test_processes_starting_together_sync_the_catalog_once(fresh_pg_url: str) -> None:
    await asyncio.to_thread(upgrade, fresh_pg_url)
    registry = load_registry()
    sops = load_sop_folder(SOPS, registry, "dukcapil")
    engines = [make_engine(fresh_pg_url) for _ in range(4)]
    try:
        async def start(engine_index: int) -> int:
            catalog = SopCatalog("dukcapil", registry)
            async with make_sessionmaker(engines[engine_index])() as session:
                added = await catalog.sync_files(session, sops, NOW)
                await session.commit()
                return added

        added = await asyncio.gather(*(start(i) for i in range(4)))
        assert sorted(added) == [0, 0, 0, len(sops)]
        async with make_sessionmaker(engines[0])() as session:
            stored = await session.scalar(select(func.count()).select_from(SopVersionRow))
        assert stored == len(sops)
    finally:
        for engine in engines:
            await engine.dispose()


async def test_concurrent_publishes_get_consecutive_versions(fresh_pg_url: str) -> None:
    await asyncio.to_thread(upgrade, fresh_pg_url)
    registry = load_registry()
    sops = load_sop_folder(SOPS, registry, "dukcapil")
    engine = make_engine(fresh_pg_url)
    sessions = make_sessionmaker(engine)
    try:
        catalog = SopCatalog("dukcapil", registry)
        async with sessions() as session:
            await catalog.sync_files(session, sops, NOW)
            await session.commit()
        base = sops[0].model_dump(mode="json", exclude_none=True)

        async def publish(n: int) -> int:
            async with sessions() as session:
                sop = await catalog.publish(session, base, f"admin-{n}", NOW)
                await session.commit()
                return sop.version

        versions = await asyncio.gather(*(publish(n) for n in range(5)))
        assert sorted(versions) == [sops[0].version + i for i in range(1, 6)]
        async with sessions() as session:
            rows = await catalog.versions(session, sops[0].key)
        assert [r.version for r in rows] == list(range(1, sops[0].version + 6))
    finally:
        await engine.dispose()
