"""A pending output inserted with its number in one statement
(``shared/outputs/numbered_insert.py``): the row the ORM reads back, every column equal;
persistent with nothing pending, its later changes flushed; the number formatted as
``format_number`` formats it (four digits at least, more when the sequence needs them); one
statement, seen by the statement observers; a failed insert takes no number; SQLite gets None
(the issuer then uses the ORM)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from shared.db import raw
from shared.db.session import make_engine, make_sessionmaker
from shared.outputs.issuer import EMPTY
from shared.outputs.numbered_insert import insert_numbered
from shared.outputs.numbering import format_number
from shared.outputs.tables import CaseOutputRow
from tests.support.kia import one_kia_case

AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
COLUMNS = [c.name for c in CaseOutputRow.__table__.columns]  # type: ignore[attr-defined]


def _values(case_id: str, seq: int, **changed: Any) -> dict[str, Any]:
    return dict(EMPTY, id=str(uuid.uuid4()), case_id=case_id, seq=seq, step_id="tte_kadis",
                sop_key="dukcapil-kia-0-5-tahun", sop_version=1, kind="kartu",
                title="Kartu Identitas Anak", verify_code=f"DK-{uuid.uuid4().hex[:20]}",
                status="pending", agency="disdukcapil", signer_role="kepala_dinas",
                signer_id="petugas-kadis", signer_name="Kepala Dinas Kependudukan",
                holder_masked="A*** B***", created_at=AT, valid_until=AT + timedelta(days=30),
                attempts=0, next_attempt_at=AT,
                detail_rows=[{"label": "Nomor", "value": "12", "public": True}], **changed)


@pytest.mark.integration
async def test_the_output_and_its_number_in_one_statement(fresh_pg_url: str,
                                                          tmp_path: Path) -> None:
    case_id = await one_kia_case(fresh_pg_url, tmp_path, "warga-nomor")
    engine = make_engine(fresh_pg_url)
    sessions = make_sessionmaker(engine)
    sent: list[str] = []
    raw.OBSERVERS.append(lambda sql, args: sent.append(sql))
    try:
        async with sessions() as session:
            await session.execute(text("DELETE FROM output_counters"))  # the KIA issued none
            values = _values(case_id, 90)
            row = await insert_numbered(session, values, "470", "disdukcapil", "Disdukcapil", AT)
            assert isinstance(row, CaseOutputRow)
            assert row.number == format_number("470", 1, "Disdukcapil", AT) \
                == "470/0001/DISDUKCAPIL/XII/2026"
            assert len(sent) == 1
            assert sent[0].startswith('WITH n AS (INSERT INTO "output_counters"')
            state = sa_inspect(row)
            assert state.persistent and not session.new and not session.dirty
            # the department's hook reads the case's outputs: this very object
            found = (await session.scalars(select(CaseOutputRow).where(
                CaseOutputRow.case_id == case_id))).all()  # type: ignore[arg-type]
            assert list(found) == [row]
            row.valid_until = AT + timedelta(days=365)  # as the permit register does
            assert row in session.dirty
            mine = {c: getattr(row, c) for c in COLUMNS}
            await session.commit()
        async with sessions() as session:
            stored = await session.get(CaseOutputRow, values["id"])
            assert stored is not None
            assert {c: getattr(stored, c) for c in COLUMNS} == mine
            assert stored.valid_until == AT + timedelta(days=365)
        # The sequence goes on past four digits as format_number writes it.
        async with sessions() as session:
            await session.execute(text(
                "UPDATE output_counters SET next = 9999 WHERE agency = 'disdukcapil'"))
            row = await insert_numbered(session, _values(case_id, 91), None, "disdukcapil",
                                        "BKD/X", datetime(2026, 4, 1, tzinfo=UTC))
            assert row is not None and row.number == "000/9999/BKDX/IV/2026"
            row = await insert_numbered(session, _values(case_id, 92), None, "disdukcapil",
                                        "BKD/X", datetime(2026, 4, 1, tzinfo=UTC))
            assert row is not None and row.number == "000/10000/BKDX/IV/2026" \
                == format_number(None, 10000, "BKD/X", datetime(2026, 4, 1, tzinfo=UTC))
            await session.rollback()
    finally:
        raw.OBSERVERS.pop()
        await engine.dispose()


@pytest.mark.integration
async def test_a_failed_insert_takes_no_number(fresh_pg_url: str, tmp_path: Path) -> None:
    case_id = await one_kia_case(fresh_pg_url, tmp_path, "warga-nomor")
    engine = make_engine(fresh_pg_url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            await session.execute(text("DELETE FROM output_counters"))
            first = await insert_numbered(session, _values(case_id, 90), "470", "disdukcapil",
                                          "Disdukcapil", AT)
            assert first is not None
            await session.commit()
        async with sessions() as session:
            await session.execute(text("SELECT 1"))  # BEGIN sent
            # the same issue of the same case again: the table's unique key refuses it
            with pytest.raises((asyncpg.UniqueViolationError, IntegrityError, DBAPIError)):
                await insert_numbered(session, _values(case_id, 90), "470", "disdukcapil",
                                      "Disdukcapil", AT)
            await session.rollback()
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            second = await insert_numbered(session, _values(case_id, 91), "470", "disdukcapil",
                                           "Disdukcapil", AT)
            assert second is not None and second.number == "470/0002/DISDUKCAPIL/XII/2026"
            await session.commit()
    finally:
        await engine.dispose()


async def test_sqlite_is_left_to_the_orm(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'n.db'}")
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(text("SELECT 1"))
            assert await insert_numbered(session, _values("c", 1), "470", "disdukcapil",
                                         "Disdukcapil", AT) is None
    finally:
        await engine.dispose()
