"""Queries of the damkar emergency reports. Never commits (the request's session does)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.damkar.tables import ReportHitRow, ReportRow


async def by_tracking(session: AsyncSession, tracking_no: str, *, lock: bool = False
                      ) -> ReportRow | None:
    query = select(ReportRow).where(col(ReportRow.tracking_no) == tracking_no)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def by_case(session: AsyncSession, case_id: str) -> ReportRow | None:
    query = select(ReportRow).where(col(ReportRow.case_id) == case_id).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def in_period(session: AsyncSession, start: datetime, end: datetime) -> list[ReportRow]:
    """Reports received in ``[start, end)``."""
    query = select(ReportRow).where(col(ReportRow.received_at) >= start,
                                    col(ReportRow.received_at) < end)
    return list((await session.execute(query)).scalars())


async def of_post(session: AsyncSession, post_id: str | None, limit: int, offset: int
                  ) -> list[ReportRow]:
    query = select(ReportRow)
    if post_id is not None:
        query = query.where(col(ReportRow.post_id) == post_id)
    query = query.order_by(col(ReportRow.received_at).desc()).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())


async def hits_since(session: AsyncSession, scope: str, key: str, since: datetime
                     ) -> tuple[int, datetime | None]:
    query = select(func.count(), func.min(col(ReportHitRow.at))).where(
        col(ReportHitRow.scope) == scope, col(ReportHitRow.key) == key,
        col(ReportHitRow.at) > since)
    count, oldest = (await session.execute(query)).one()
    return int(count), oldest


def add_hit(session: AsyncSession, scope: str, key: str, at: datetime) -> None:
    session.add(ReportHitRow(scope=scope, key=key, at=at))


async def forget_hits(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(ReportHitRow).where(col(ReportHitRow.at) <= before))
