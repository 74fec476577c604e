"""``case_history`` is append-only in the database itself (migration 0002): UPDATE and DELETE
are refused by triggers on SQLite (always run, unit tier) and PostgreSQL (integration tier,
a fresh database per test); INSERT still works, the other tables are untouched, and the
migration goes down (triggers gone) and up again (refused again).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db.migrate import downgrade, upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import CaseRow, HistoryRow

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
REFUSED = "case_history is append-only"
TRIGGERS = {"case_history_no_update", "case_history_no_delete"}
PG_TRIGGERS = TRIGGERS | {"case_history_no_truncate"}


@dataclass
class Db:
    kind: str
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture(params=[
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.integration),
])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'history.db'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Db]:
    # Alembic runs its own event loop (asyncio.run): keep it off the test's loop.
    await asyncio.to_thread(upgrade, db_url)
    engine = make_engine(db_url)
    try:
        yield Db(engine.dialect.name, db_url, engine, make_sessionmaker(engine))
    finally:
        await engine.dispose()


def case_row(case_id: str) -> CaseRow:
    return CaseRow(id=case_id, tracking_no=f"T-{case_id}", sop_key="dukcapil-kia-0-5-tahun",
                   sop_version=1, agency="disdukcapil", applicant_id="subj-1", status="open",
                   step_id="verifikasi_berkas", seq=0, form={}, created_at=NOW, updated_at=NOW)


def history_row(case_id: str, seq: int) -> HistoryRow:
    return HistoryRow(case_id=case_id, seq=seq, event="case.submitted" if seq == 1 else
                      "case.step_completed", at=NOW, sop_version=1, step_id="verifikasi_berkas",
                      actor_id="subj-1", actor_role="pemohon", status="open",
                      comment=f"entry {seq}", documents=["berkas.pdf"])


async def add_case(db: Db, case_id: str, entries: int) -> None:
    """A case and its first ``entries`` history rows, the way CaseStore.apply writes them."""
    async with db.sessions() as session:
        session.add(case_row(case_id))
        await session.flush()
        for seq in range(1, entries + 1):
            session.add(history_row(case_id, seq))
        await session.commit()


async def history_of(db: Db, case_id: str) -> list[tuple[int, str, str | None]]:
    async with db.sessions() as session:
        rows = await session.execute(select(HistoryRow.seq, HistoryRow.event,
                                            HistoryRow.comment)
                                     .where(HistoryRow.case_id == case_id)
                                     .order_by(HistoryRow.seq))
        return [(s, e, c) for s, e, c in rows.all()]


async def triggers(db: Db) -> set[str]:
    async with db.engine.connect() as conn:
        if db.kind == "postgresql":
            query = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                     "AND tgrelid = 'case_history'::regclass")
        else:
            query = ("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                     "AND tbl_name = 'case_history'")
        return set((await conn.exec_driver_sql(query)).scalars())


def expect_refused(exc: pytest.ExceptionInfo[IntegrityError], operation: str) -> None:
    assert f"{REFUSED}, {operation} refused" in str(exc.value.orig), exc.value


ORIGINAL = [(1, "case.submitted", "entry 1"), (2, "case.step_completed", "entry 2")]


async def test_insert_appends(db: Db) -> None:
    await add_case(db, "case-1", 2)
    async with db.sessions() as session:
        session.add(history_row("case-1", 3))
        await session.commit()
    assert [s for s, _, _ in await history_of(db, "case-1")] == [1, 2, 3]
    assert await triggers(db) == (PG_TRIGGERS if db.kind == "postgresql" else TRIGGERS)


async def test_orm_update_of_a_loaded_row_is_refused(db: Db) -> None:
    await add_case(db, "case-1", 2)
    async with db.sessions() as session:
        row = await session.scalar(select(HistoryRow).where(HistoryRow.seq == 2))
        assert row is not None
        row.comment = "rewritten"
        with pytest.raises(IntegrityError) as exc:
            await session.commit()
        await session.rollback()
    expect_refused(exc, "UPDATE")
    assert await history_of(db, "case-1") == ORIGINAL


@pytest.mark.parametrize("statement", [
    update(HistoryRow).values(comment="rewritten"),
    update(HistoryRow).where(HistoryRow.seq == 1).values(seq=99),
    update(HistoryRow).values(actor_id=HistoryRow.actor_id),  # even a no-op rewrite
], ids=["all-rows", "one-row-key", "no-op"])
async def test_bulk_update_is_refused(db: Db, statement: object) -> None:
    await add_case(db, "case-1", 2)
    with pytest.raises(IntegrityError) as exc:
        async with db.engine.begin() as conn:
            await conn.execute(statement)  # type: ignore[call-overload]
    expect_refused(exc, "UPDATE")
    assert await history_of(db, "case-1") == ORIGINAL


async def test_orm_delete_of_a_loaded_row_is_refused(db: Db) -> None:
    await add_case(db, "case-1", 2)
    async with db.sessions() as session:
        row = await session.scalar(select(HistoryRow).where(HistoryRow.seq == 1))
        assert row is not None
        await session.delete(row)
        with pytest.raises(IntegrityError) as exc:
            await session.commit()
        await session.rollback()
    expect_refused(exc, "DELETE")
    assert await history_of(db, "case-1") == ORIGINAL


async def test_bulk_delete_is_refused(db: Db) -> None:
    await add_case(db, "case-1", 2)
    await add_case(db, "case-2", 1)
    for statement in (delete(HistoryRow), delete(HistoryRow).where(HistoryRow.case_id == "case-2")):
        with pytest.raises(IntegrityError) as exc:
            async with db.engine.begin() as conn:
                await conn.execute(statement)
        expect_refused(exc, "DELETE")
    assert await history_of(db, "case-1") == ORIGINAL
    assert len(await history_of(db, "case-2")) == 1


async def test_a_refused_write_rolls_back_only_its_statement_the_case_stays_writable(
        db: Db) -> None:
    """The triggers guard case_history only: the cases projection is still updated in place,
    and a transaction that tried to rewrite history commits nothing of it."""
    await add_case(db, "case-1", 2)
    async with db.sessions() as session:
        await session.execute(update(CaseRow).where(CaseRow.id == "case-1")
                              .values(status="returned", seq=2))
        session.add(history_row("case-1", 3))
        await session.commit()
    with pytest.raises(IntegrityError):
        async with db.engine.begin() as conn:
            await conn.execute(update(CaseRow).values(status="completed"))
            await conn.execute(delete(HistoryRow).where(HistoryRow.seq == 3))
    async with db.sessions() as session:
        assert await session.scalar(select(CaseRow.status)) == "returned"
        assert await session.scalar(select(func.count()).select_from(HistoryRow)) == 3


@pytest.mark.integration
async def test_postgres_truncate_is_refused(fresh_pg_url: str) -> None:
    await asyncio.to_thread(upgrade, fresh_pg_url)
    engine = make_engine(fresh_pg_url)
    try:
        db = Db("postgresql", fresh_pg_url, engine, make_sessionmaker(engine))
        await add_case(db, "case-1", 2)
        for statement in ("TRUNCATE case_history", "TRUNCATE cases CASCADE"):
            with pytest.raises(IntegrityError) as exc:
                async with engine.begin() as conn:
                    await conn.execute(text(statement))
            expect_refused(exc, "TRUNCATE")
        assert await history_of(db, "case-1") == ORIGINAL
    finally:
        await engine.dispose()


async def test_migration_down_lifts_the_guard_and_up_restores_it(db: Db) -> None:
    await add_case(db, "case-1", 2)
    await db.engine.dispose()  # no pooled connection across Alembic's own engine

    await asyncio.to_thread(downgrade, db.url, "0001")
    assert await triggers(db) == set()
    if db.kind == "postgresql":
        async with db.engine.connect() as conn:
            assert (await conn.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE proname = 'case_history_append_only'"
            )).scalar_one() == 0
    async with db.engine.begin() as conn:
        await conn.execute(update(HistoryRow).where(HistoryRow.seq == 2)
                           .values(comment="edited at 0001"))
    assert (await history_of(db, "case-1"))[1] == (2, "case.step_completed", "edited at 0001")
    await db.engine.dispose()

    await asyncio.to_thread(upgrade, db.url)
    assert await triggers(db) == (PG_TRIGGERS if db.kind == "postgresql" else TRIGGERS)
    with pytest.raises(IntegrityError) as exc:
        async with db.engine.begin() as conn:
            await conn.execute(delete(HistoryRow))
    expect_refused(exc, "DELETE")
    await db.engine.dispose()

    # And all the way down (the guarded table can still be dropped) and up again.
    await asyncio.to_thread(downgrade, db.url, "base")
    await asyncio.to_thread(upgrade, db.url)
    assert await triggers(db) == (PG_TRIGGERS if db.kind == "postgresql" else TRIGGERS)
    assert await history_of(db, "case-1") == []
