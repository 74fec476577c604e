"""Queries of the SP4N-LAPOR! tables (the caller's session commits; nothing here commits)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.pengaduan.lapor_tables import LaporPushRow, LaporReportRow


def _in_order() -> tuple[Any, ...]:
    """Pushes in the order they happened: by time, then terima, tindak_lanjut, selesai."""
    rank = case((LaporPushRow.kind == "terima", 0), (LaporPushRow.kind == "selesai", 2),
                else_=1)
    return (LaporPushRow.at, rank, LaporPushRow.source)


LEASE = timedelta(minutes=5)
"""How long a claimed push stays with the loop that sends it before another may retry."""
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """5 s after the first failure, doubled after each further one, at most an hour."""
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def report_by_lapor_id(session: AsyncSession, lapor_id: str) -> LaporReportRow | None:
    return await session.scalar(select(LaporReportRow).where(
        LaporReportRow.lapor_id == lapor_id))


async def report_of_case(session: AsyncSession, case_id: str) -> LaporReportRow | None:
    return await session.scalar(select(LaporReportRow).where(
        LaporReportRow.case_id == case_id))


async def last_assigned(session: AsyncSession) -> datetime | None:
    """The latest assignment moment pulled: the next pull asks LAPOR! from there."""
    found: datetime | None = await session.scalar(select(func.max(LaporReportRow.assigned_at)))
    return found


def _overdue(now: datetime) -> ColumnElement[bool]:
    """A deadline passed unmet, or met after it (the extended follow-up once extended)."""
    r = LaporReportRow
    follow = case((r.extended.is_(True), r.due_followup_extended), else_=r.due_followup)
    met_verify = func.coalesce(r.verified_at, r.closed_at)
    return or_(and_(met_verify.is_(None), r.due_verify < now), met_verify > r.due_verify,
               and_(r.closed_at.is_(None), follow < now), r.closed_at > follow)


async def reports(session: AsyncSession, *, agencies: frozenset[str] | None,
                  overdue_at: datetime | None, limit: int, offset: int
                  ) -> tuple[list[LaporReportRow], int]:
    """Reports by assignment (``agencies`` None: all; ``overdue_at``: only those late then)."""
    conds: list[ColumnElement[bool]] = []
    if agencies is not None:
        conds.append(LaporReportRow.agency.in_(sorted(agencies)))
    if overdue_at is not None:
        conds.append(_overdue(overdue_at))
    where = and_(true(), *conds)
    total = await session.scalar(select(func.count()).select_from(LaporReportRow).where(where))
    rows = await session.scalars(select(LaporReportRow).where(where).order_by(
        LaporReportRow.assigned_at, LaporReportRow.lapor_id).limit(limit).offset(offset))
    return list(rows), int(total or 0)


async def queue_push(session: AsyncSession, report: LaporReportRow, *, kind: str, source: str,
                     text: str, at: datetime) -> LaporPushRow:
    """A pending push, due at once (one per ``source``: a replayed hook queues nothing)."""
    found = await session.scalar(select(LaporPushRow).where(LaporPushRow.source == source))
    if found is not None:
        return found
    row = LaporPushRow(id=str(uuid.uuid4()), report_id=report.id, lapor_id=report.lapor_id,
                       kind=kind, source=source[:80], text=text, at=at, status="pending",
                       attempts=0, next_attempt_at=at)
    session.add(row)
    await session.flush()
    return row


async def claim_due(session: AsyncSession, now: datetime, limit: int = 20
                    ) -> list[LaporPushRow]:
    """Due pending pushes, oldest first, each counted as one more attempt and leased for
    :data:`LEASE` (skip-locked on PostgreSQL, so two loops never send the same push)."""
    rows = list(await session.scalars(
        select(LaporPushRow)
        .where(LaporPushRow.status == "pending", LaporPushRow.next_attempt_at <= now)
        .order_by(*_in_order()).limit(limit)
        .with_for_update(skip_locked=True)))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
    await session.flush()
    return rows


async def mark_sent(session: AsyncSession, push_id: str, ref: str, now: datetime) -> None:
    await session.execute(update(LaporPushRow).where(LaporPushRow.id == push_id).values(
        status="sent", sent_at=now, lapor_ref=ref, next_attempt_at=None, last_error=None))


async def mark_retry(session: AsyncSession, push_id: str, attempts: int, error: str,
                     now: datetime) -> None:
    await session.execute(update(LaporPushRow).where(LaporPushRow.id == push_id).values(
        next_attempt_at=now + backoff(attempts), last_error=error[:200]))


async def mark_failed(session: AsyncSession, push_id: str, error: str) -> None:
    """LAPOR! refused the push as such: kept for the officers to see, no longer retried."""
    await session.execute(update(LaporPushRow).where(LaporPushRow.id == push_id).values(
        status="failed", next_attempt_at=None, last_error=error[:200]))


async def pushes_of(session: AsyncSession, report_ids: list[str]) -> list[LaporPushRow]:
    if not report_ids:
        return []
    rows = await session.scalars(select(LaporPushRow).where(
        LaporPushRow.report_id.in_(report_ids)).order_by(*_in_order()))
    return list(rows)


async def push_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(LaporPushRow.status, func.count())
                                 .group_by(LaporPushRow.status))
    return {str(status): int(n) for status, n in rows.all()}
