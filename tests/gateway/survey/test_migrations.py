"""The survey table's migrations run up and down on SQLite and PostgreSQL, the database
itself refuses a score outside 1–4, and on PostgreSQL two answers racing for one case end
with exactly one stored (integration tier)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from gateway.survey import service
from gateway.survey.part import MIGRATIONS
from gateway.survey.schemas import AnswerSheet, SurveyAnswer
from gateway.survey.tables import SurveyResponseRow
from gateway.tracking import queries
from gateway.tracking.part import MIGRATIONS as TRACKING
from gateway.tracking.projector import apply_event
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.web.problems import ProblemError
from tests.gateway.survey.support import ALL_FOUR, Cases, envelope, survey_stack

FOLDER, VERSION_TABLE = Path(MIGRATIONS[0]), MIGRATIONS[1]
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


async def tables(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


def row(**scores: int) -> SurveyResponseRow:
    sheet = SurveyResponseRow(case_id="c-1", tracking_no="DK-0000-0001", service="dukcapil",
                              agency="disdukcapil", sop_key="sop", closed_at=NOW,
                              answered_at=NOW)
    for key, value in {**ALL_FOUR, **scores}.items():
        setattr(sheet, key, value)
    return sheet


async def roundtrip(url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url, "head", FOLDER, VERSION_TABLE)
    assert {"survey_responses", VERSION_TABLE} <= await tables(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        session.add(row(u3=5))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with sessions() as session:
        session.add(row())
        await session.commit()
    async with sessions() as session:
        stored = await session.scalar(select(SurveyResponseRow))
    await engine.dispose()
    assert stored is not None and stored.scores() == ALL_FOUR and stored.closed_at == NOW
    await asyncio.to_thread(migrate.downgrade, url, "base", FOLDER, VERSION_TABLE)
    assert "survey_responses" not in await tables(url)


async def test_migrations_on_sqlite(tmp_path: Path) -> None:
    await roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")


@pytest.mark.integration
async def test_migrations_on_postgresql(fresh_pg_url: str) -> None:
    await roundtrip(fresh_pg_url)


@pytest.mark.integration
async def test_two_concurrent_posts_on_postgresql_one_wins(fresh_pg_url: str,
                                                            tmp_path: Path) -> None:
    async with survey_stack(tmp_path, database_url=fresh_pg_url) as stack:
        cases = Cases(stack)
        case = await cases.add()
        path = f"/api/v1/survey/{case['tracking_no']}"
        answers = [{"answers": {**ALL_FOUR, "u1": n}} for n in (1, 2, 3, 4)]
        results = await asyncio.gather(*(stack.client.post(path, headers=cases.owner(case),
                                                           json=body) for body in answers))
        assert sorted(r.status_code for r in results) == [201, 409, 409, 409]
        assert {r.json()["code"] for r in results if r.status_code == 409} == {
            "survey-already-answered"}
        async with stack.runtime.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(
                SurveyResponseRow)) == 1


@pytest.mark.integration
async def test_the_second_of_two_overlapping_answers_waits_then_is_refused(
        fresh_pg_url: str) -> None:
    """The overlap forced: the first transaction has inserted (uncommitted) when the second
    inserts; the second waits on the unique index, and is refused once the first commits."""
    for folder, table in (TRACKING, MIGRATIONS):
        await asyncio.to_thread(migrate.upgrade, fresh_pg_url, "head", Path(folder), table)
    engine = make_engine(fresh_pg_url)
    sessions = make_sessionmaker(engine)
    opened = NOW - timedelta(days=2)
    async with sessions() as session:
        for seq, kind, status in ((1, "case.submitted", "open"),
                                  (2, "case.completed", "completed")):
            await apply_event(session, envelope("c-9", "DK-0000-0009", "warga", seq, kind,
                                                status, opened + timedelta(hours=seq),
                                                agency="disdukcapil", sop="sop"))
        await session.commit()
        case = await queries.by_tracking_no(session, "DK-0000-0009")
    assert case is not None
    body = SurveyAnswer(answers=AnswerSheet(**ALL_FOUR))
    first, second = sessions(), sessions()
    try:
        await service.answer(first, case, body, NOW)
        late = asyncio.create_task(service.answer(second, case, body, NOW))
        waiting = 0
        async with engine.connect() as probe:
            for _ in range(1000):
                waiting = int(await probe.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")) or 0)
                await probe.rollback()  # a fresh statistics snapshot on the next read
                if waiting or late.done():
                    break
                await asyncio.sleep(0.01)
        assert waiting == 1 and not late.done()
        await first.commit()
        with pytest.raises(ProblemError) as refused:
            await late
        assert (refused.value.status, refused.value.code) == (409, "survey-already-answered")
    finally:
        await first.close()
        await second.close()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyResponseRow)) == 1
    await engine.dispose()
