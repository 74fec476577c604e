"""The tracking tables' migrations run up and down on SQLite and on PostgreSQL (integration
tier), and the projector works on both."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from gateway.tracking.part import MIGRATIONS
from gateway.tracking.projector import apply_event
from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.events.envelope import EventEnvelope, StepRef

FOLDER, VERSION_TABLE = Path(MIGRATIONS[0]), MIGRATIONS[1]
TABLES = {"tracked_cases", "tracked_events", "processed_events"}


def envelope(case_id: str, seq: int, status: str, current: StepRef | None) -> EventEnvelope:
    at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC) + timedelta(minutes=seq)
    return EventEnvelope(event_id=str(uuid.uuid4()), type="case.step_completed",
                         source="umum", case_id=case_id, tracking_no="UM-0000-000" + str(seq),
                         sop_key="sop", sop_version=1, seq=seq, actor_role="operator",
                         actor_agency="dpmd", time=at, status=status, current=current,
                         applicant="warga", data={"title": "Layanan", "agency": "dpmd"})


async def tables(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def roundtrip(url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url, "head", FOLDER, VERSION_TABLE)
    assert TABLES <= await tables(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    step = StepRef(id="s2", role="kabid", agency="dpmd", kind="officer",
                   due_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC), nomor=2,
                   activity="Kabid memeriksa")
    async with sessions() as session:
        await apply_event(session, envelope("c-1", 1, "open", step))
        await session.commit()
    async with sessions() as session:
        held = await session.get(TrackedCaseRow, "c-1")
        assert held is not None
        assert (held.step_nomor, held.step_activity) == (2, "Kabid memeriksa")
        await apply_event(session, envelope("c-1", 2, "completed", None))
        await session.commit()
    async with sessions() as session:
        row = await session.get(TrackedCaseRow, "c-1")
        events = (await session.scalars(select(TrackedEventRow))).all()
    await engine.dispose()
    assert row is not None and row.status == "completed" and row.last_seq == 2
    assert row.step_id is None and row.step_activity is None
    assert row.closed_at == datetime(2026, 11, 30, 2, 2, tzinfo=UTC)
    assert [e.seq for e in events] == [1, 2]
    await asyncio.to_thread(migrate.downgrade, url, "base", FOLDER, VERSION_TABLE)
    assert not {"tracked_cases", "tracked_events"} & await tables(url)


async def test_migrations_on_sqlite(tmp_path: Path) -> None:
    await roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")


@pytest.mark.integration
async def test_migrations_on_postgresql(fresh_pg_url: str) -> None:
    await roundtrip(fresh_pg_url)
