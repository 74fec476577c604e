"""Every read of the tracking read model, and who may see what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.tracking.schemas import CaseSummary, Holder, OutputLink, TimelineEntry
from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.engine.state import OPEN_STATUSES, Principal

Row = TrackedCaseRow
INBOX_STATES = ("open", "overdue", "returned", "all")


async def by_tracking_no(session: AsyncSession, tracking_no: str) -> Row | None:
    return await session.scalar(select(Row).where(col(Row.tracking_no) == tracking_no))


async def timeline(session: AsyncSession, case_id: str) -> list[TrackedEventRow]:
    rows = await session.scalars(select(TrackedEventRow).where(
        col(TrackedEventRow.case_id) == case_id).order_by(col(TrackedEventRow.seq)))
    return list(rows)


def may_read(row: Row, events: list[TrackedEventRow], who: Principal) -> bool:
    """The owner, a platform admin, or an officer of an agency the case touches: its SOP's
    agency, the agency holding (or waiting on) it, or any agency that acted on it."""
    if who.subject == row.applicant or who.is_admin:
        return True
    touched = {row.agency, row.step_agency, row.return_agency}
    touched |= {e.actor_agency for e in events}
    return bool(who.agencies() & {a for a in touched if a})


def holder(row: Row, now: datetime) -> Holder | None:
    if row.status not in OPEN_STATUSES or row.step_id is None or row.step_role is None:
        return None
    scope = "pemohon" if row.step_role == "pemohon" else f"{row.step_agency}:{row.step_role}"
    escalated = [f"{a}:{r}" for a, r in ((row.escalated_agency, row.escalated_role),
                                          (row.escalated2_agency, row.escalated2_role))
                 if a and r and row.status == "open"]
    return Holder(id=row.step_id, role=row.step_role, agency=row.step_agency,
                  kind=row.step_kind or "officer", nomor=row.step_nomor,
                  activity=row.step_activity, holder=scope, due_at=row.step_due_at,
                  overdue=bool(row.step_due_at and row.step_due_at < now), escalated_to=escalated)


def summary(row: Row, now: datetime) -> CaseSummary:
    current = holder(row, now)
    return CaseSummary(
        tracking_no=row.tracking_no, service=row.service, case_id=row.case_id,
        case_url=f"/api/v1/{row.service}/cases/{row.case_id}", sop_key=row.sop_key,
        sop_version=row.sop_version, title=row.title, agency=row.agency, status=row.status,
        current_step=current, overdue=bool(current and current.overdue), reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at, closed_at=row.closed_at)


def entry(event: TrackedEventRow) -> TimelineEntry:
    return TimelineEntry(seq=event.seq, type=event.type, step=event.step, action=event.action,
                         next_step=event.next_step, actor_role=event.actor_role,
                         actor_agency=event.actor_agency, status=event.status, at=event.at,
                         due_at=event.due_at, details=dict(event.details or {}))


TOTAL_CAP = 1000
"""A page's ``total`` counts at most this many cases: ``TOTAL_CAP`` means "that many or more"
(an exact count of every open case an agency holds would cost more than the page)."""


async def _capped_total(session: AsyncSession, *wheres: Any, order: Any = ()) -> int:
    """How many distinct rows the ``wheres`` match together, counting no further than
    :data:`TOTAL_CAP` (each one cut at the cap; in the index's ``order``, each reads at most
    that many entries of its index range)."""
    cut = [select(col(Row.case_id)).where(w).order_by(*order).limit(TOTAL_CAP)
           for w in wheres]
    together = cut[0] if len(cut) == 1 else union(*(c.subquery().select() for c in cut))
    found = await session.scalar(select(func.count()).select_from(
        together.limit(TOTAL_CAP).subquery()))
    return int(found or 0)


async def _page(session: AsyncSession, where: Any, order: list[Any], limit: int, offset: int
                ) -> tuple[list[Row], int]:
    total = await _capped_total(session, where)
    rows = await session.scalars(select(Row).where(where).order_by(*order)
                                 .limit(limit).offset(offset))
    return list(rows), total


async def mine(session: AsyncSession, who: Principal, status: str | None, limit: int,
               offset: int) -> tuple[list[Row], int]:
    conds = [col(Row.applicant) == who.subject]
    if status:
        conds.append(col(Row.status) == status)
    order = [col(Row.created_at).desc(), col(Row.case_id)]
    return await _page(session, and_(*conds), order, limit, offset)


def scopes(who: Principal) -> list[tuple[str, str]]:
    return [(a, r) for a, _, r in (x.partition(":") for x in sorted(who.roles) if ":" in x)]


async def inbox(session: AsyncSession, who: Principal, now: datetime, *, state: str,
                service: str | None, sop: str | None, limit: int, offset: int
                ) -> tuple[list[Row], int]:
    """Cases whose current step one of the caller's ``<agency>:<role>`` scopes holds
    (external steps also for ``<agency>:integrasi``), or that a late step escalated to one of
    them; overdue first, then by due time."""
    status, agency, role, due = (col(Row.status), col(Row.step_agency), col(Row.step_role),
                                 col(Row.step_due_at))
    extra = []
    if service:
        extra.append(col(Row.service) == service)
    if sop:
        extra.append(col(Row.sop_key) == sop)
    if state == "overdue":
        extra.append(due < now)
    branches = []  # one index range each (ix_tracked_cases_open_*, ix_tracked_cases_returned)
    if state != "returned":
        for scope_agency, scope_role in scopes(who):
            for a, r in ((agency, role), (col(Row.escalated_agency), col(Row.escalated_role)),
                         (col(Row.escalated2_agency), col(Row.escalated2_role))):
                branches.append(and_(status == "open", a == scope_agency, r == scope_role))
            if scope_role == "integrasi":
                branches.append(and_(status == "open", agency == scope_agency,
                                     col(Row.step_kind) == "external"))
    if state in ("returned", "all"):
        branches += [and_(status == "returned", col(Row.return_agency) == a,
                          col(Row.return_role) == r) for a, r in scopes(who)]
    if not branches:
        return [], 0
    branches = [and_(b, *extra) for b in branches]
    # Overdue first, then by due time: ascending due with NULLs last puts every late step
    # (due < now) before the others, so the order needs no "late" term and fits the index.
    order = [due.asc().nulls_last(), col(Row.created_at), col(Row.case_id)]
    total = await _capped_total(session, *branches, order=order)
    cut = [select(col(Row.case_id)).where(b).order_by(*order).limit(offset + limit)
           .subquery().select() for b in branches]
    ids = union(*cut) if len(cut) > 1 else cut[0]
    rows = await session.scalars(select(Row).where(col(Row.case_id).in_(ids))
                                 .order_by(*order).limit(limit).offset(offset))
    return list(rows), total


def outputs(row: Row, events: list[TrackedEventRow]) -> list[OutputLink]:
    """The case's output documents, from its issue and revoke events, oldest first."""
    found: dict[str, OutputLink] = {}
    for event in events:
        output = (event.details or {}).get("output")
        if not isinstance(output, dict) or not output.get("id"):
            continue
        key = str(output["id"])
        if event.type == "case.output_issued":
            found[key] = OutputLink(
                id=key, kind=str(output.get("kind", "")), title=str(output.get("title", "")),
                number=str(output.get("number", "")), revoked=False,
                download_url=f"/api/v1/{row.service}/cases/{row.case_id}/outputs/{key}/pdf",
                verify_url=f"/verify/{output.get('verify_code', '')}")
        elif event.type == "case.output_revoked" and key in found:
            found[key] = found[key].model_copy(update={"revoked": True})
    return list(found.values())
