"""Queries of the permit registry (the caller's session; nothing here commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.perizinan.tables import PermitReminderRow, PermitRow
from shared.outputs.tables import CaseOutputRow


async def places_held(session: AsyncSession, nik_hash: str, profession: str, now: datetime,
                      *, excluding_case: str | None = None) -> set[str]:
    """The places the person holds an active, unexpired permit of ``profession`` for."""
    query = select(col(PermitRow.place_key)).where(
        col(PermitRow.nik_hash) == nik_hash, col(PermitRow.profession) == profession,
        col(PermitRow.status) == "active",
        or_(col(PermitRow.valid_until).is_(None), col(PermitRow.valid_until) > now))
    if excluding_case is not None:
        query = query.where(col(PermitRow.case_id) != excluding_case)
    return {p or "" for p in (await session.scalars(query)).all()}


async def outputs_of(session: AsyncSession, case_id: str, seqs: Sequence[int]
                     ) -> list[CaseOutputRow]:
    rows = await session.scalars(select(CaseOutputRow).where(
        col(CaseOutputRow.case_id) == case_id, col(CaseOutputRow.seq).in_(list(seqs))))
    return list(rows.all())


async def by_output(session: AsyncSession, output_id: str) -> PermitRow | None:
    found: PermitRow | None = await session.scalar(
        select(PermitRow).where(col(PermitRow.output_id) == output_id))
    return found


async def get(session: AsyncSession, permit_id: str, *, lock: bool = False) -> PermitRow | None:
    query = select(PermitRow).where(col(PermitRow.id) == permit_id)
    if lock:
        query = query.with_for_update()
    found: PermitRow | None = await session.scalar(query)
    return found


async def by_number(session: AsyncSession, number: str) -> PermitRow | None:
    found: PermitRow | None = await session.scalar(
        select(PermitRow).where(func.upper(col(PermitRow.number)) == number.strip().upper()))
    return found


async def by_verify_code(session: AsyncSession, code: str) -> PermitRow | None:
    found: PermitRow | None = await session.scalar(
        select(PermitRow).where(col(PermitRow.verify_code) == code))
    return found


async def replace_at_place(session: AsyncSession, new: PermitRow, now: datetime) -> int:
    """End the person's active permits of the same profession at the same place: the new
    permit (a renewal or change) replaces them, and their documents verify as expired."""
    if new.nik_hash is None or new.profession is None:
        return 0
    old = list((await session.scalars(select(PermitRow).where(
        col(PermitRow.nik_hash) == new.nik_hash, col(PermitRow.profession) == new.profession,
        col(PermitRow.place_key) == new.place_key, col(PermitRow.status) == "active",
        col(PermitRow.id) != new.id))).all())
    for permit in old:
        permit.status, permit.ended_at, permit.replaced_by = "expired", now, new.id
    outputs = [p.output_id for p in old if p.output_id]
    if outputs:
        await session.execute(update(CaseOutputRow).where(
            col(CaseOutputRow.id).in_(outputs)).values(valid_until=now))
    return len(old)


async def search(session: AsyncSession, *, agencies: frozenset[str] | None, status: str | None,
                 profession: str | None, sop_key: str | None, number: str | None,
                 limit: int, offset: int) -> tuple[list[PermitRow], int]:
    """Permits for an officer's list, newest first (``agencies`` None: every agency)."""
    query = select(PermitRow)
    if agencies is not None:
        query = query.where(col(PermitRow.agency).in_(sorted(agencies)))
    if status is not None:
        query = query.where(col(PermitRow.status) == status)
    if profession is not None:
        query = query.where(col(PermitRow.profession) == profession)
    if sop_key is not None:
        query = query.where(col(PermitRow.sop_key) == sop_key)
    if number is not None:
        query = query.where(func.upper(col(PermitRow.number)).contains(number.strip().upper()))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(query.order_by(col(PermitRow.issued_at).desc(), col(PermitRow.id))
                                 .limit(limit).offset(offset))
    return list(rows.all()), int(total)


async def of_holder(session: AsyncSession, account: str) -> list[PermitRow]:
    rows = await session.scalars(select(PermitRow).where(col(PermitRow.holder_account) == account)
                                 .order_by(col(PermitRow.issued_at).desc(), col(PermitRow.id)))
    return list(rows.all())


async def lapsed(session: AsyncSession, now: datetime, limit: int = 500) -> list[PermitRow]:
    rows = await session.scalars(select(PermitRow).where(
        col(PermitRow.status) == "active", col(PermitRow.valid_until).is_not(None),
        col(PermitRow.valid_until) <= now).limit(limit))
    return list(rows.all())


async def expiring(session: AsyncSession, now: datetime, until: datetime, limit: int = 500
                   ) -> list[PermitRow]:
    """Active permits whose validity ends after ``now`` and no later than ``until``."""
    rows = await session.scalars(select(PermitRow).where(
        col(PermitRow.status) == "active", col(PermitRow.valid_until) > now,
        col(PermitRow.valid_until) <= until).order_by(col(PermitRow.valid_until)).limit(limit))
    return list(rows.all())


async def reminders_sent(session: AsyncSession, permit_id: str) -> set[int]:
    rows = await session.scalars(select(col(PermitReminderRow.days)).where(
        col(PermitReminderRow.permit_id) == permit_id))
    return set(rows.all())


async def revoked_outputs(session: AsyncSession, output_ids: Sequence[str | None]
                          ) -> dict[str, CaseOutputRow]:
    """Of these outputs, the ones revoked (through the generic output route too)."""
    ids = sorted({i for i in output_ids if i})
    if not ids:
        return {}
    rows = await session.scalars(select(CaseOutputRow).where(
        col(CaseOutputRow.id).in_(ids), col(CaseOutputRow.status) == "revoked"))
    return {r.id: r for r in rows.all()}


async def active_with_revoked_output(session: AsyncSession, limit: int = 500
                                     ) -> list[tuple[PermitRow, CaseOutputRow]]:
    """Active permits whose signed output was revoked by the generic output route."""
    rows = await session.execute(select(PermitRow, CaseOutputRow).join(
        CaseOutputRow, col(CaseOutputRow.id) == col(PermitRow.output_id)).where(
        col(PermitRow.status) == "active", col(CaseOutputRow.status) == "revoked").limit(limit))
    return [(p, o) for p, o in rows.all()]
