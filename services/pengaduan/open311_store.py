"""The Open311 facade's queries: API keys, the requests posted through it, tokens, and the
complaint cases ``GET requests`` reads."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.pengaduan.open311_mapping import STATUS
from services.pengaduan.open311_tables import Open311KeyRow, Open311RequestRow, Open311TokenRow
from shared.db.tables import CaseRow


async def key_by_hash(session: AsyncSession, key_hash: str) -> Open311KeyRow | None:
    """The key with this hash, if it is not revoked."""
    return await session.scalar(select(Open311KeyRow).where(
        col(Open311KeyRow.key_hash) == key_hash, col(Open311KeyRow.revoked_at).is_(None)))


async def key(session: AsyncSession, key_id: str) -> Open311KeyRow | None:
    return await session.get(Open311KeyRow, key_id)


async def keys(session: AsyncSession, agencies: Collection[str] | None) -> list[Open311KeyRow]:
    """Every key (``agencies`` None), or the keys bound to those agencies, newest first."""
    query = select(Open311KeyRow).order_by(col(Open311KeyRow.created_at).desc())
    if agencies is not None:
        query = query.where(col(Open311KeyRow.agency).in_(sorted(agencies)))
    return list((await session.scalars(query)).all())


async def token(session: AsyncSession, value: str) -> Open311TokenRow | None:
    return await session.get(Open311TokenRow, value)


async def extras(session: AsyncSession, case_ids: Collection[str]
                 ) -> dict[str, Open311RequestRow]:
    """What the facade kept of the cases it opened (location, media), by case id."""
    if not case_ids:
        return {}
    rows = await session.scalars(select(Open311RequestRow).where(
        col(Open311RequestRow.case_id).in_(sorted(case_ids))))
    return {r.case_id: r for r in rows}


def case_statuses(open311: Collection[str]) -> list[str]:
    """The case statuses that read as the given GeoReport statuses."""
    return sorted(s for s, mapped in STATUS.items() if mapped in open311)


async def cases_by_tracking(session: AsyncSession, tracking: Collection[str],
                            sop_keys: Collection[str]) -> list[CaseRow]:
    if not tracking or not sop_keys:
        return []
    rows = await session.scalars(select(CaseRow).where(
        col(CaseRow.tracking_no).in_(sorted(tracking)), col(CaseRow.sop_key).in_(sorted(sop_keys))
    ).order_by(col(CaseRow.created_at).desc()))
    return list(rows.all())


async def cases(session: AsyncSession, *, sop_keys: Collection[str], start: datetime,
                end: datetime, statuses: Collection[str] | None, limit: int) -> list[CaseRow]:
    """Cases of those SOPs requested in [start, end] (newest first), with those statuses."""
    if not sop_keys:
        return []
    query = select(CaseRow).where(col(CaseRow.sop_key).in_(sorted(sop_keys)),
                                  col(CaseRow.created_at) >= start,
                                  col(CaseRow.created_at) <= end)
    if statuses is not None:
        query = query.where(col(CaseRow.status).in_(case_statuses(statuses)))
    query = query.order_by(col(CaseRow.created_at).desc(), col(CaseRow.id)).limit(limit)
    return list((await session.scalars(query)).all())
