"""An agency's workload in the tracking read model: what its roles hold today, late, or open.

"Today" is the agency's calendar day: the day on the agency's calendar (:func:`calendar_of`,
the office calendar in Asia/Jakarta), from 00:00 to 24:00 WIB, never the UTC day. A case is
the agency's while its current step is held by any of its roles (``step_agency``); only open
cases count (a case returned to the applicant is held by them). Every query filters on
``status`` and ``step_agency`` first, then ``step_role`` and ``step_due_at``: the leading
columns of ``ix_tracked_cases_holder``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.tracking.tables import TrackedCaseRow
from shared.calendar.business import OfficeCalendar
from shared.cases.tracking import normalise
from shared.engine.state import Principal
from shared.registry import load_registry
from shared.settings import calendar_settings

Row = TrackedCaseRow
View = Literal["today", "overdue", "open"]


@cache
def calendar_of(agency: str) -> OfficeCalendar:
    """The calendar an agency's days and working days are counted on: the office calendar
    (Asia/Jakarta, national holidays and cuti bersama, ``HALO_OFFICE_HOURS`` and
    ``HALO_EXTRA_HOLIDAYS``), the same one the services compute due times with. Every agency
    has it today; an agency of its own calendar would get it here."""
    settings = calendar_settings()
    return OfficeCalendar(office_hours=settings["office_hours"],
                          extra_holidays=settings["extra_holidays"])


def known(agency: str) -> bool:
    return agency in load_registry().agencies


def may_see_workload(who: Principal, agency: str) -> bool:
    """The platform admin, or anyone holding a role of the agency (its officers, supervisors,
    admin and system accounts)."""
    return who.is_admin or agency in who.agencies()


@dataclass(frozen=True)
class Day:
    """One calendar day of an agency, as the instants that bound it (UTC)."""

    day: date
    start: datetime
    end: datetime


def today(agency: str, now: datetime) -> Day:
    tz = calendar_of(agency).tz
    day = now.astimezone(tz).date()
    return Day(day, datetime.combine(day, time(0), tz),
               datetime.combine(day + timedelta(days=1), time(0), tz))


@dataclass(frozen=True)
class Filters:
    role: str | None = None
    sop: str | None = None
    q: str | None = None


def _held(agency: str, filters: Filters) -> list[Any]:
    conds: list[Any] = [col(Row.status) == "open", col(Row.step_agency) == agency]
    if filters.role:
        conds.append(col(Row.step_role) == filters.role)
    if filters.sop:
        conds.append(col(Row.sop_key) == filters.sop)
    text = (filters.q or "").strip()
    if text:
        conds.append(or_(col(Row.tracking_no).icontains(text, autoescape=True),
                         col(Row.tracking_no) == normalise(text),
                         col(Row.title).icontains(text, autoescape=True)))
    return conds


def workload_query(agency: str, view: View, day: Day, now: datetime,
                   filters: Filters = Filters()) -> Select[Row]:
    """The cases of ``view``: ``today`` due on the agency's day and not yet late, ``overdue``
    late, ``open`` all; overdue first (most late first), then by due time."""
    due = col(Row.step_due_at)
    conds = _held(agency, filters)
    if view == "today":
        conds += [due >= now, due < day.end]
    elif view == "overdue":
        conds.append(due < now)
    # Late ones are those due earliest: due time ascending puts them first, most late first.
    order = [due.is_(None), due, col(Row.created_at), col(Row.case_id)]
    return select(Row).where(and_(*conds)).order_by(*order)


def counts_query(agency: str, day: Day, now: datetime) -> Select[Any]:
    """``open``, ``due_today``, ``overdue`` and ``escalated`` (late, and standing in a
    supervisor's inbox) over the agency's whole workload, in one pass."""
    due = col(Row.step_due_at)

    def tally(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    return select(func.count(), tally(and_(due >= now, due < day.end)), tally(due < now),
                  tally(col(Row.escalated_role).is_not(None))
                  ).where(and_(*_held(agency, Filters())))


async def counts(session: AsyncSession, agency: str, day: Day, now: datetime
                 ) -> dict[str, int]:
    found = (await session.execute(counts_query(agency, day, now))).one()
    return dict(zip(("open", "due_today", "overdue", "escalated"),
                    (int(v or 0) for v in found), strict=True))


async def workload(session: AsyncSession, agency: str, view: View, day: Day, now: datetime,
                   filters: Filters, limit: int, offset: int) -> tuple[list[Row], int]:
    query = workload_query(agency, view, day, now, filters)
    total = await session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(limit).offset(offset))
    return list(rows), int(total or 0)
