"""The platform migrations up, down and up again, on SQLite (always) and PostgreSQL
(integration tier), and the overdue sweeper's query served by the partial index."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.cases.store import CaseStore
from shared.db.migrate import alembic_config, downgrade, upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import CaseRow

TABLES = {"sop_versions", "cases", "case_history", "case_documents", "outbox",
          "processed_events", "audit_log", "alembic_version"}
PARTIAL_INDEXES = {
    "ix_cases_open_due": ("cases", ["status", "'open'", "overdue_at is null"]),
    "ix_cases_returned_due": ("cases", ["status", "'returned'"]),
    "ix_outbox_unsent": ("outbox", ["sent_at is null"]),
}
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
# The newest revision of shared/db/migrations (0002 added the case_history triggers).
HEAD = ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def migrate_up_down_up(url: str) -> None:
    # Alembic runs its own event loop (asyncio.run): keep it off the test's loop.
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "base")
    await asyncio.to_thread(upgrade, url)


def _norm(sql: str) -> str:
    return " ".join(sql.lower().replace("(", " ").replace(")", " ").split())


@contextmanager
def captured_sql(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """Statements (and their DB-API parameters) the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any,
               _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def overdue_query(engine: AsyncEngine) -> tuple[str, Any]:
    """The exact SQL ``CaseStore.due_for_overdue`` runs (the sweeper's query)."""
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        with captured_sql(engine) as seen:
            await CaseStore("dukcapil").due_for_overdue(session, NOW, 100)
        await session.rollback()
    [(statement, params)] = [s for s in seen if "FROM cases" in s[0]]
    return statement, params


def case_rows(n: int) -> list[dict[str, Any]]:
    """``n`` cases: most closed or already flagged, a few open and not yet flagged."""
    rows = []
    for i in range(n):
        status = "open" if i % 10 in (0, 1, 2) else ("returned" if i % 10 == 3 else "completed")
        flagged = status == "open" and i % 10 == 2
        due = NOW + timedelta(minutes=(i % 500) - 250)
        rows.append(dict(
            id=str(uuid.uuid4()), tracking_no=f"DKC-{i:08d}", sop_key="dukcapil-kia-0-5-tahun",
            sop_version=1, agency="disdukcapil", applicant_id=f"subj-{i % 97}", status=status,
            step_id="verifikasi_berkas" if status != "completed" else None,
            step_role="operator", step_agency="disdukcapil",
            step_entered_at=NOW - timedelta(hours=1),
            step_due_at=due if status == "open" else None,
            applicant_due_at=due if status == "returned" else None,
            overdue_at=NOW - timedelta(minutes=5) if flagged else None,
            closed_at=NOW - timedelta(days=1) if status == "completed" else None,
            seq=3, form={}, created_at=NOW - timedelta(days=2), updated_at=NOW))
    return rows


# ------------------------------------------------------------------------------- SQLite --

async def test_sqlite_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
    await migrate_up_down_up(url)
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            tables = set((await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
            assert tables >= TABLES
            indexes = {name: (tbl, sql) for name, tbl, sql in (await conn.exec_driver_sql(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")).all()}
            for name, (table, terms) in PARTIAL_INDEXES.items():
                assert name in indexes, name
                tbl, sql = indexes[name]
                assert tbl == table
                where = _norm(sql).split(" where ", 1)[1]
                for term in terms:
                    assert term in where, (name, sql)
            version = (await conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version")).scalar_one()
            assert version == HEAD
    finally:
        await engine.dispose()


async def test_sqlite_downgrade_to_base_removes_the_tables(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'down.db'}"
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(downgrade, url, "base")
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            left = set((await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
                "AND name NOT LIKE 'sqlite_%'")).scalars())
    finally:
        await engine.dispose()
    assert left <= {"alembic_version"}


async def test_sqlite_overdue_query_uses_the_partial_index(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'plan.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(CaseRow), case_rows(2000))
            await conn.exec_driver_sql("ANALYZE")
        statement, params = await overdue_query(engine)
        assert "status = ?" in statement and "overdue_at IS NULL" in statement
        async with engine.connect() as conn:
            plan = (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                               params)).all()
    finally:
        await engine.dispose()
    detail = " | ".join(str(row[-1]) for row in plan)
    assert "ix_cases_open_due" in detail, detail
    assert "TEMP B-TREE" not in detail, f"ORDER BY step_due_at should come from the index: {detail}"


# --------------------------------------------------------------------------- PostgreSQL --

@pytest.mark.integration
async def test_postgres_upgrade_downgrade_upgrade(fresh_pg_url: str) -> None:
    await migrate_up_down_up(fresh_pg_url)
    engine = make_engine(fresh_pg_url)
    try:
        async with engine.connect() as conn:
            tables = set((await conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            assert tables >= TABLES
            indexes = {name: (tbl, sql) for name, tbl, sql in (await conn.exec_driver_sql(
                "SELECT indexname, tablename, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public'")).all()}
            for name, (table, terms) in PARTIAL_INDEXES.items():
                assert name in indexes, name
                tbl, sql = indexes[name]
                assert tbl == table
                assert " where " in _norm(sql), sql
                where = _norm(sql).split(" where ", 1)[1]
                for term in terms:
                    assert term in where, (name, sql)
            assert "step_due_at" in _norm(indexes["ix_cases_open_due"][1]).split(" where ")[0]
            version = (await conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version")).scalar_one()
            assert version == HEAD
    finally:
        await engine.dispose()


@pytest.mark.integration
async def test_postgres_overdue_query_uses_the_partial_index(fresh_pg_url: str) -> None:
    await asyncio.to_thread(upgrade, fresh_pg_url)
    engine = make_engine(fresh_pg_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(CaseRow), case_rows(2000))
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE cases"))
            await conn.commit()
        statement, params = await overdue_query(engine)
        assert "FOR UPDATE SKIP LOCKED" in statement
        async with engine.connect() as conn:
            plan = (await conn.exec_driver_sql(f"EXPLAIN {statement}", params)).scalars().all()
            await conn.rollback()
    finally:
        await engine.dispose()
    detail = "\n".join(plan)
    assert "ix_cases_open_due" in detail, detail
    assert "Seq Scan" not in detail, detail
