"""Queries of the dukcapil tables (the caller's session commits; nothing here commits)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.dukcapil.tables import SiakRecordRow
from shared.db.session import is_postgres
from shared.outputs.tables import CaseOutputRow

LEASE = timedelta(minutes=5)
"""How long a claimed record stays with the loop that sends it before another may retry."""
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """5 s after the first failure, doubled after each further one, at most an hour."""
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


_STANDING = (select(CaseOutputRow.number, CaseOutputRow.verify_code)  # type: ignore[call-overload]
             .where(CaseOutputRow.case_id == bindparam("case_id"),  # type: ignore[arg-type]
                    CaseOutputRow.status.in_(("pending", "issued")))  # type: ignore[attr-defined]
             .order_by(CaseOutputRow.created_at))  # type: ignore[arg-type]


async def standing_documents(session: AsyncSession, case_id: str
                             ) -> list[tuple[str, str | None]]:
    """Number and verification code of the case's output documents that stand (pending
    signature or issued), oldest first."""
    rows = await session.execute(_STANDING, {"case_id": case_id})
    return [(number, code) for number, code in rows.all()]


@cache
def _queue_statement(postgres: bool) -> Any:
    """One pending record per (case, document number): a second is not written (built once
    per dialect)."""
    table = SiakRecordRow.__table__
    stmt = (postgresql if postgres else sqlite).insert(table)
    return stmt.on_conflict_do_nothing(index_elements=["case_id", "document_number"])


async def queue_records(session: AsyncSession, *, case_id: str, sop_key: str, kind: str,
                        documents: list[tuple[str, str | None]], now: datetime) -> None:
    """A pending record, due at once, for each (number, verification code) in ``documents``
    that has none yet (one per case and document number)."""
    if not documents:
        return
    await session.execute(_queue_statement(is_postgres(session)), [
        {"id": str(uuid.uuid4()), "case_id": case_id, "sop_key": sop_key, "kind": kind,
         "document_number": number, "verify_code": code, "status": "pending", "attempts": 0,
         "created_at": now, "next_attempt_at": now} for number, code in documents])


async def claim_due(session: AsyncSession, now: datetime, limit: int = 20
                    ) -> list[SiakRecordRow]:
    """Due pending records, each counted as one more attempt and leased for :data:`LEASE`
    (skip-locked on PostgreSQL, so two loops never send the same record at once)."""
    rows = list(await session.scalars(
        select(SiakRecordRow)
        .where(SiakRecordRow.status == "pending", SiakRecordRow.next_attempt_at <= now)
        .order_by(SiakRecordRow.next_attempt_at).limit(limit)
        .with_for_update(skip_locked=True)))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
    await session.flush()
    return rows


async def mark_sent(session: AsyncSession, record_id: str, siak_ref: str, now: datetime
                    ) -> None:
    await session.execute(update(SiakRecordRow).where(SiakRecordRow.id == record_id).values(
        status="sent", sent_at=now, siak_ref=siak_ref, next_attempt_at=None, last_error=None))


async def mark_retry(session: AsyncSession, record_id: str, attempts: int, error: str,
                     now: datetime) -> None:
    await session.execute(update(SiakRecordRow).where(SiakRecordRow.id == record_id).values(
        next_attempt_at=now + backoff(attempts), last_error=error[:200]))


async def mark_failed(session: AsyncSession, record_id: str, error: str) -> None:
    """SIAK refused the record as such: kept for the agency to see, no longer retried."""
    await session.execute(update(SiakRecordRow).where(SiakRecordRow.id == record_id).values(
        status="failed", next_attempt_at=None, last_error=error[:200]))


async def records(session: AsyncSession, *, case_id: str | None = None,
                  status: str | None = None, limit: int = 100) -> list[SiakRecordRow]:
    query = select(SiakRecordRow).order_by(SiakRecordRow.created_at.desc()).limit(limit)
    if case_id is not None:
        query = query.where(SiakRecordRow.case_id == case_id)
    if status is not None:
        query = query.where(SiakRecordRow.status == status)
    return list(await session.scalars(query))
