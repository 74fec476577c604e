"""The case row locked and read on the driver connection (``shared/db/locked_row.py``) is the
row the ORM loads: every column equal, persistent with nothing pending, its later changes
flushed and committed through the session, locked until the transaction ends, and rolled
back with it. Where it cannot apply it says so and the ORM reads instead."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.errors import database_unavailable
from shared.db.locked_row import NOT_HERE, LockedRow, begun_driver
from shared.db.raw import adapter_and_driver, driver_connection
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import CaseRow
from tests.support.kia import one_kia_case

pytestmark = pytest.mark.integration
LOCKED = LockedRow(CaseRow)
COLUMNS = [c.name for c in CaseRow.__table__.columns]  # type: ignore[attr-defined]


async def test_the_driver_read_is_the_orm_row_locked(fresh_pg_url: str, tmp_path: Path) -> None:
    case_id = await one_kia_case(fresh_pg_url, tmp_path, "warga-lock")
    engine = make_engine(fresh_pg_url)
    sessions = make_sessionmaker(engine)
    other = await asyncpg.connect(fresh_pg_url.replace("postgresql+asyncpg://",
                                                       "postgresql://"))
    try:
        async with sessions() as session:
            expected = await session.scalar(select(CaseRow).where(CaseRow.id == case_id))
            assert expected is not None
            want = {c: getattr(expected, c) for c in COLUMNS}
        async with sessions() as session:
            row = await LOCKED.get(session, case_id)
            assert isinstance(row, CaseRow)
            assert {c: getattr(row, c) for c in COLUMNS} == want
            assert row.step_entered_at is not None and row.step_entered_at.utcoffset() is not None
            assert isinstance(row.form, dict) and isinstance(row.requested_documents, list)
            state = sa_inspect(row)
            assert state.persistent and not session.dirty and not session.new
            # Locked: another transaction cannot take the row until this one ends.
            with pytest.raises(asyncpg.LockNotAvailableError):
                async with other.transaction():
                    await other.execute("SELECT id FROM cases WHERE id = $1 FOR UPDATE NOWAIT",
                                        case_id)
            row.return_reason = "diubah"
            assert row in session.dirty
            await session.commit()
        stored = await other.fetchval("SELECT return_reason FROM cases WHERE id = $1", case_id)
        assert stored == "diubah"
        # Rolled back with its transaction, the lock released.
        async with sessions() as session:
            row = await LOCKED.get(session, case_id)
            assert isinstance(row, CaseRow)
            row.return_reason = "dibatalkan"
            await session.flush()
            await session.rollback()
        async with other.transaction():
            assert await other.fetchval(
                "SELECT return_reason FROM cases WHERE id = $1 FOR UPDATE NOWAIT",
                case_id) == "diubah"
        # A row the session already holds, and one that does not exist.
        async with sessions() as session:
            held = await session.get(CaseRow, case_id)
            assert held is not None
            assert await LOCKED.get(session, case_id) is NOT_HERE
        async with sessions() as session:
            assert await LOCKED.get(session, "tidak-ada") is None
    finally:
        await other.close()
        await engine.dispose()


async def test_elsewhere_the_orm_reads(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with make_sessionmaker(engine)() as session:
            assert await LOCKED.get(session, "apa-saja") is NOT_HERE
    finally:
        await engine.dispose()


async def test_the_driver_kept_for_a_session_is_its_transactions_own(fresh_pg_url: str) -> None:
    """``adapter_and_driver`` keeps its answer per transaction: after a commit, the next
    transaction's driver is the connection that transaction really runs on."""
    engine = make_engine(fresh_pg_url, pool_size=2)
    sessions = make_sessionmaker(engine)

    async def really(session: AsyncSession) -> object:
        return (await (await session.connection()).get_raw_connection()).driver_connection

    try:
        async with sessions() as session, sessions() as other:
            first = await begun_driver(session)
            assert first is not None and first is await really(session)
            assert first.is_in_transaction()
            assert await driver_connection(session) is first
            await session.commit()
            assert await driver_connection(session) is None  # a new transaction, not begun
            await other.execute(text("SELECT 1"))  # holds a pooled connection meanwhile
            again = await begun_driver(session)
            assert again is not None and again is await really(session)
            assert again.is_in_transaction()
            await session.rollback()
            assert not again.is_in_transaction()
    finally:
        await engine.dispose()


async def test_a_pooled_connection_the_server_ended_is_a_503_not_a_500(
        fresh_pg_url: str, tmp_path: Path) -> None:
    """A restart ends the pooled connections; the next transaction on one of them does not
    use the closed driver (asyncpg's bare ``InterfaceError``, a 500) but lets SQLAlchemy's
    statement fail as a lost connection (503 ``database-unavailable``, the pool drops it)."""
    case_id = await one_kia_case(fresh_pg_url, tmp_path, "warga-lock")
    name = f"halo-lock-{uuid.uuid4().hex[:8]}"
    engine = make_engine(fresh_pg_url, pool_size=1, max_overflow=0,
                         connect_args={"server_settings": {"application_name": name}})
    sessions = make_sessionmaker(engine)
    admin = await asyncpg.connect(fresh_pg_url.replace("postgresql+asyncpg://",
                                                       "postgresql://"))
    try:
        async with sessions() as session:
            assert isinstance(await LOCKED.get(session, case_id), CaseRow)
        assert await admin.fetchval("SELECT count(pg_terminate_backend(pid)) FROM "
                                    "pg_stat_activity WHERE application_name = $1", name) == 1
        async with sessions() as session:
            for _ in range(50):  # until the driver has seen its socket close
                driver = (await adapter_and_driver(session) or (None, None))[1]
                if driver is not None and driver.is_closed():
                    break
                await asyncio.sleep(0.05)
            assert await begun_driver(session) is None
            assert await LOCKED.get(session, case_id) is NOT_HERE
            with pytest.raises(DBAPIError) as caught:
                await session.execute(select(CaseRow).where(CaseRow.id == case_id)
                                      .with_for_update())
            assert database_unavailable(caught.value)
        async with sessions() as session:  # a new connection: the driver path again
            assert isinstance(await LOCKED.get(session, case_id), CaseRow)
            assert await driver_connection(session) is not None
    finally:
        await admin.close()
        await engine.dispose()
