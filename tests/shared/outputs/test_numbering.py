"""Document numbers: the agency's scheme, a sequence per agency and year, distinct under
concurrency on PostgreSQL (integration tier) and SQLite; the tables and their index come
from migration 0006 and leave with its downgrade."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import migrate, raw
from shared.db.session import make_engine, make_sessionmaker
from shared.outputs.numbering import format_number, next_seq, take_number
from tests.shared.outputs.support import fresh_database

AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def test_the_number_follows_the_agency_scheme() -> None:
    assert format_number("470", 12, "Disdukcapil", AT) == "470/0012/DISDUKCAPIL/XII/2026"
    assert format_number(None, 3, "dinkes", datetime(2026, 4, 1, tzinfo=UTC)) == \
        "000/0003/DINKES/IV/2026"
    # 31 December 18:00 UTC is already 1 January in Lampung (WIB).
    assert format_number("500", 1, "BPPRD", datetime(2026, 12, 31, 18, tzinfo=UTC)) == \
        "500/0001/BPPRD/I/2027"
    assert format_number("800", 10000, "BKD/X", AT) == "800/10000/BKDX/XII/2026"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgresql":
        async with fresh_database() as url:
            await asyncio.to_thread(migrate.upgrade, url)
            db = make_engine(url)
            yield db
            await db.dispose()
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'numbers.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        db = make_engine(url)
        yield db
        await db.dispose()


async def test_the_sequence_counts_per_agency_and_year(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        taken = [await next_seq(session, "disdukcapil", 2026) for _ in range(3)]
        taken.append(await next_seq(session, "dinkes", 2026))
        taken.append(await next_seq(session, "disdukcapil", 2027))
        number = await take_number(session, "470", "disdukcapil", "Disdukcapil", AT)
        await session.commit()
    assert taken == [1, 2, 3, 1, 1]
    assert number == "470/0004/DISDUKCAPIL/XII/2026"


async def test_a_rolled_back_number_is_not_taken(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        assert await next_seq(session, "bpprd", 2026) == 1
        await session.rollback()
    async with sessions() as session:
        assert await next_seq(session, "bpprd", 2026) == 1


async def test_concurrent_issues_get_distinct_numbers(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)

    async def one(begun: bool) -> str:
        async with sessions() as session:
            if begun:  # a transaction that has sent something: on PostgreSQL the number is
                await session.execute(text("SELECT 1"))  # then taken on the driver connection
            number = await take_number(session, "470", "disdukcapil", "Disdukcapil", AT)
            await session.commit()
            return number

    numbers = await asyncio.gather(*(one(i % 2 == 0) for i in range(12)))
    assert len(set(numbers)) == 12
    assert sorted(int(n.split("/")[1]) for n in numbers) == list(range(1, 13))


@pytest.mark.integration
async def test_a_second_transaction_waits_for_the_first_on_postgres() -> None:
    async with fresh_database() as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = make_engine(url)
        try:
            sessions = make_sessionmaker(db)
            async with sessions() as first, sessions() as second:
                assert await next_seq(first, "disdukcapil", 2026) == 1
                waiting = asyncio.create_task(next_seq(second, "disdukcapil", 2026))
                await asyncio.sleep(0)  # the second statement is sent and blocks on the row
                assert not waiting.done()
                await first.commit()
                assert await waiting == 2
                await second.commit()
        finally:
            await db.dispose()


@pytest.mark.integration
async def test_a_begun_transaction_takes_its_number_on_the_driver_connection() -> None:
    async with fresh_database() as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = make_engine(url)
        sent: list[str] = []
        raw.OBSERVERS.append(lambda sql, args: sent.append(sql))
        try:
            async with make_sessionmaker(db)() as session:
                assert await next_seq(session, "dinkes", 2026) == 1  # BEGIN not sent yet
                assert sent == []
                assert [await next_seq(session, "dinkes", 2026) for _ in range(2)] == [2, 3]
                await session.commit()
            assert len(sent) == 2 and all("output_counters" in sql for sql in sent)
            async with make_sessionmaker(db)() as session:
                stored = (await session.execute(text(
                    "SELECT next FROM output_counters WHERE agency = 'dinkes'"))).scalar_one()
            assert stored == 4
        finally:
            raw.OBSERVERS.pop()
            await db.dispose()


async def test_migration_0006_creates_and_drops_the_tables(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = make_engine(url)
    try:
        async with db.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            indexes = await conn.run_sync(
                lambda c: {i["name"]: i["column_names"] for i in
                           inspect(c).get_indexes("case_outputs")})
            uniques = await conn.run_sync(
                lambda c: [u["column_names"] for u in
                           inspect(c).get_unique_constraints("case_outputs")])
        assert {"case_outputs", "output_counters"} <= names
        assert indexes["ix_case_outputs_due"] == ["status", "next_attempt_at"]
        assert ["number"] in uniques and ["verify_code"] in uniques
        await asyncio.to_thread(migrate.downgrade, url, "0005")
        async with db.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert not {"case_outputs", "output_counters"} & names
    finally:
        await db.dispose()
