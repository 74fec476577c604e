"""Queries of the BKD's leave tables. Nothing here commits: the request's session or the
background loop does.

The annual ledger row of a year is made on first use: 12 working days and what the year
before carries over (:func:`services.kepegawaian.domain.carried_into`); when a year's annual
leave changes (taken, released, adjusted), the carry-over of the two years after it is
worked out again, so the ledger never keeps a stale figure.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.kepegawaian import rules
from services.kepegawaian.domain import YearLedger, carried_into
from services.kepegawaian.tables import AdjustmentRow, EmployeeRow, LeaveRequestRow, LedgerRow
from shared.db.session import is_postgres
from shared.db.tables import CaseRow

ANNUAL = "tahunan"


async def employee(session: AsyncSession, nip: str) -> EmployeeRow | None:
    return await session.get(EmployeeRow, nip)


async def employee_of_account(session: AsyncSession, account_id: str) -> EmployeeRow | None:
    found = await session.execute(select(EmployeeRow).where(EmployeeRow.account_id == account_id))
    return found.scalar_one_or_none()


async def employees(session: AsyncSession, unit: str | None, limit: int, offset: int
                    ) -> list[EmployeeRow]:
    query = select(EmployeeRow).order_by(EmployeeRow.nip).limit(limit).offset(offset)
    if unit:
        query = query.where(EmployeeRow.unit == unit)
    return list((await session.execute(query)).scalars())


def as_year(row: LedgerRow) -> YearLedger:
    return YearLedger(row.year, row.entitlement, row.carried, row.adjusted, row.taken,
                      row.pending)


async def _row(session: AsyncSession, nip: str, year: int, kind: str, lock: bool = False
               ) -> LedgerRow | None:
    query = select(LedgerRow).where(LedgerRow.nip == nip, LedgerRow.year == year,
                                    LedgerRow.kind == kind)
    if lock and is_postgres(session):
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def _carry(session: AsyncSession, nip: str, year: int) -> int:
    previous = await _row(session, nip, year - 1, ANNUAL)
    before = await _row(session, nip, year - 2, ANNUAL)
    return carried_into(as_year(previous) if previous else None,
                        as_year(before) if before else None)


async def ledger(session: AsyncSession, nip: str, year: int, kind: str, lock: bool = False
                 ) -> LedgerRow:
    """The ledger row of one year and type, made on first use; ``lock``: held (PostgreSQL
    ``FOR UPDATE``) until the transaction ends, so two requests of one employee at the same
    moment are checked against the balance one after the other."""
    row = await _row(session, nip, year, kind, lock)
    if row is None:
        annual = kind == ANNUAL
        row = LedgerRow(nip=nip, year=year, kind=kind,
                        entitlement=rules.ANNUAL_DAYS if annual else 0,
                        carried=await _carry(session, nip, year) if annual else 0,
                        adjusted=0, taken=0, pending=0)
        session.add(row)
        await session.flush()
    return row


async def refresh_carry(session: AsyncSession, nip: str, year: int) -> None:
    """Work out again the carry-over of the two years after ``year`` (if they exist)."""
    for later in (year + 1, year + 2):
        row = await _row(session, nip, later, ANNUAL)
        if row is not None:
            row.carried = await _carry(session, nip, later)
            await session.flush()


async def ledgers(session: AsyncSession, nip: str, year: int | None = None) -> list[LedgerRow]:
    query = select(LedgerRow).where(LedgerRow.nip == nip)
    if year is not None:
        query = query.where(LedgerRow.year == year)
    found = await session.execute(query.order_by(LedgerRow.year, LedgerRow.kind))
    return list(found.scalars())


async def childbirths(session: AsyncSession, nip: str, besides: str | None = None) -> int:
    """Cuti melahirkan taken or pending so far (the first to the third child)."""
    query = select(func.count()).select_from(LeaveRequestRow).where(
        LeaveRequestRow.nip == nip, LeaveRequestRow.kind == "bersalin",
        LeaveRequestRow.status.in_(("pending", "taken")))
    if besides is not None:
        query = query.where(LeaveRequestRow.case_id != besides)
    return int((await session.execute(query)).scalar_one())


async def big_leave_in(session: AsyncSession, nip: str, year: int, besides: str) -> bool:
    """Whether a cuti besar of the employee, pending or taken, starts in ``year``."""
    query = select(func.count()).select_from(LeaveRequestRow).where(
        LeaveRequestRow.nip == nip, LeaveRequestRow.kind == "besar",
        LeaveRequestRow.year == year, LeaveRequestRow.case_id != besides,
        LeaveRequestRow.status.in_(("pending", "taken")))
    return int((await session.execute(query)).scalar_one()) > 0


async def request(session: AsyncSession, case_id: str) -> LeaveRequestRow | None:
    return await session.get(LeaveRequestRow, case_id)


async def requests(session: AsyncSession, nip: str, limit: int = 100) -> list[LeaveRequestRow]:
    found = await session.execute(select(LeaveRequestRow).where(LeaveRequestRow.nip == nip)
                                  .order_by(LeaveRequestRow.start.desc()).limit(limit))
    return list(found.scalars())


async def reserve(session: AsyncSession, item: LeaveRequestRow) -> None:
    """Hold the request's days as pending on its year's ledger."""
    row = await ledger(session, item.nip, item.year, item.kind)
    row.pending += item.working_days
    item.status = "pending"
    session.add(item)
    await session.flush()


async def settle(session: AsyncSession, item: LeaveRequestRow, outcome: str,
                 at: datetime) -> None:
    """``taken`` (the case completed: pending days become taken, SIASN is to be told) or
    ``released`` (rejected, withdrawn, expired, or replaced by a corrected request)."""
    if item.status != "pending":
        return
    row = await ledger(session, item.nip, item.year, item.kind)
    row.pending = max(0, row.pending - item.working_days)
    if outcome == "taken":
        row.taken += item.working_days
        item.siasn = "queued"
    item.status, item.closed_at = outcome, at
    await session.flush()
    if item.kind == ANNUAL:
        await refresh_carry(session, item.nip, item.year)


async def adjust(session: AsyncSession, nip: str, year: int, kind: str, field: str, delta: int,
                 reason: str, actor_id: str, at: datetime) -> LedgerRow:
    row = await ledger(session, nip, year, kind)
    setattr(row, field, getattr(row, field) + delta)
    session.add(AdjustmentRow(nip=nip, year=year, kind=kind, field=field, delta=delta,
                              reason=reason, actor_id=actor_id, at=at))
    await session.flush()
    if kind == ANNUAL:
        await refresh_carry(session, nip, year)
    return row


async def adjustments(session: AsyncSession, nip: str) -> list[AdjustmentRow]:
    found = await session.execute(select(AdjustmentRow).where(AdjustmentRow.nip == nip)
                                  .order_by(AdjustmentRow.id))
    return list(found.scalars())


async def orphaned(session: AsyncSession, limit: int = 100
                   ) -> list[tuple[LeaveRequestRow, str]]:
    """Pending requests whose case closed without the hooks seeing it (the sweeper expires a
    returned case on its own): the request and the case's status."""
    found = await session.execute(
        select(LeaveRequestRow, col(CaseRow.status))
        .join(CaseRow, col(CaseRow.id) == LeaveRequestRow.case_id)
        .where(LeaveRequestRow.status == "pending",
               col(CaseRow.status).not_in(("open", "returned"))).limit(limit))
    return [(r, s) for r, s in found.all()]


async def queued_for_siasn(session: AsyncSession, limit: int = 20) -> list[LeaveRequestRow]:
    found = await session.execute(select(LeaveRequestRow)
                                  .where(LeaveRequestRow.siasn == "queued")
                                  .order_by(LeaveRequestRow.closed_at).limit(limit))
    return list(found.scalars())


async def overlaps(session: AsyncSession, nip: str, start: date, end: date,
                   besides: str) -> LeaveRequestRow | None:
    """Another live request of the employee covering one of these days, if any."""
    found = await session.execute(select(LeaveRequestRow).where(
        LeaveRequestRow.nip == nip, LeaveRequestRow.case_id != besides,
        LeaveRequestRow.status.in_(("pending", "taken")),
        LeaveRequestRow.start <= end, LeaveRequestRow.end >= start).limit(1))
    return found.scalar_one_or_none()
